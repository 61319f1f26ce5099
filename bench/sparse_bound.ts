/**
 * `deno run -A bench/sparse_bound.ts`: what holds the sparse first layer back. It runs the
 * mini-batch engine's `sparseForward` kernel (`wasm/batch/kernels.ts`) over real MNIST training images
 * twice, alternating, the best of `--repeats` runs each:
 *
 * - on the images as they are, which read the rows of W1ᵀ of their nonzero pixels (784 rows of
 *   `--units` floats: 401 KB for 128 units, held in the core's second-level cache);
 * - on the same nonzeros with every pixel folded onto the first 64 (`pixel & 63`): the same
 *   instructions, but every row it reads sits in the first-level cache (32 KB).
 *
 * If the folded run is much faster, fetching the weights is what costs; if it is about as fast,
 * the instructions are. Run it once as it is and once with
 * `deno run -A --v8-flags=--no-wasm-bounds-checks bench/sparse_bound.ts` (unsafe, for measuring
 * only: V8 then skips the bounds check Deno makes on every WebAssembly load) to see both limits.
 *
 * Flags: `--images N` (41000), `--units N` (128, a multiple of 8), `--repeats N` (15), `--json`,
 * `--help`.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { readMnist } from "../lib/mod.ts";
import { mnistSourceDir } from "../lib/data/mnist_files.ts";
import { batchKernels } from "../lib/engine/batch/kernels_wasm.ts";
import { regions } from "../lib/engine/shared/memory.ts";
import { flagsOrExit } from "./run.ts";
import { toCsr } from "../lib/engine/shared/sparse.ts";

const HELP = `Where the sparse first layer's time goes: the kernel on real images, and on the same
nonzeros folded onto 64 pixels (every weight it reads then in the first-level cache).

Usage: deno run -A bench/sparse_bound.ts [flags]
       deno run -A --v8-flags=--no-wasm-bounds-checks bench/sparse_bound.ts [flags]

  --images N     MNIST training images (41000)
  --units N      first-layer units, a multiple of 8 (128)
  --repeats N    runs of each, the best kept (15)
  --json         end with one JSON object of the figures
  --help         this text
`;

/** The flags, checked: a whole number in range for each count. */
function parseFlags() {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      images: { type: "string", default: "41000" },
      units: { type: "string", default: "128" },
      repeats: { type: "string", default: "15" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  const whole = (name: "images" | "units" | "repeats", max: number, step = 1) => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < step || n > max || n % step !== 0) {
      throw new Error(
        `--${name} must be a whole number from ${step} to ${max}` +
          `${step > 1 ? ` in steps of ${step}` : ""}, not "${values[name]}"`,
      );
    }
    return n;
  };
  return {
    m: whole("images", 60000),
    s: whole("units", 1024, 8),
    repeats: whole("repeats", 1000),
    json: values.json,
    help: values.help,
  };
}

const flags = flagsOrExit(parseFlags, HELP);
const { m, s, repeats } = flags;

const dir = mnistSourceDir();
const all = await readMnist(`${dir}/train-images-idx3-ubyte`, `${dir}/train-labels-idx1-ubyte`);
const csr = toCsr({ count: m, pixels: all.pixels.subarray(0, m * 784) });
const nnz = csr.entry.length, ROWS = 2563; // a chunk of the full batch, as the engine cuts it

// One shared memory, laid out as the engine lays it out: rows, both entry lists, W1ᵀ, b1, A1.
const memoryRegions = regions(65536), region = memoryRegions.take;
const ROWPTR = region((m + 1) * 4), REAL = region(nnz * 4), FOLDED = region(nnz * 4);
const WT = region(784 * s * 4), B = region(s * 4), A = region(ROWS * s * 4);
const pages = Math.ceil(memoryRegions.end() / 65536);
const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
new Int32Array(memory.buffer, ROWPTR, m + 1).set(csr.rowPtr);
new Uint32Array(memory.buffer, REAL, nnz).set(csr.entry);
new Uint32Array(memory.buffer, FOLDED, nnz).set(csr.entry.map((e) => (e & 0xffff0000) | (e & 63)));
const weights = new Float32Array(memory.buffer, WT, 784 * s);
for (let i = 0; i < weights.length; i++) weights[i] = Math.sin(i) * 0.05;
const x = batchKernels(memory);

/** Milliseconds of one pass over every image, chunk by chunk. */
function pass(entries: number): number {
  const t0 = performance.now();
  for (let j0 = 0; j0 < m; j0 += ROWS) {
    const j1 = Math.min(m, j0 + ROWS);
    x.sparseForward({ rowPtr: ROWPTR, entry: entries, j0, j1, WT, b: B, s, A, relu: true });
  }
  return performance.now() - t0;
}

pass(REAL);
pass(FOLDED);
let real = Infinity, folded = Infinity;
for (let r = 0; r < repeats; r++) {
  real = Math.min(real, pass(REAL));
  folded = Math.min(folded, pass(FOLDED));
}
const result = {
  images: m,
  units: s,
  nonzeros: nnz,
  real_ms: real,
  folded_ms: folded,
  ratio: folded / real,
  picoseconds_per_multiply_add: (real * 1e9) / (nnz * s),
};
const row = (label: string, ms: number, note: string) =>
  `  ${label.padEnd(32)} ${ms.toFixed(1).padStart(7)} ms  (${note})`;
console.log(
  [
    `sparseForward, ${m} images (${nnz} nonzeros) × ${s} units, best of ${repeats}:`,
    row(
      `the real pixels (W1ᵀ: ${((784 * s * 4) / 1024).toFixed(0)} KB)`,
      real,
      `${result.picoseconds_per_multiply_add.toFixed(0)} ps a multiply-add`,
    ),
    row("folded onto 64 pixels (32 KB)", folded, `${result.ratio.toFixed(3)}× the real`),
  ].join("\n"),
);
if (flags.json) console.log(JSON.stringify(result));
