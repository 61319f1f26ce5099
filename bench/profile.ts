/**
 * Where an epoch of the convolution engine goes: one epoch of a network on one thread, its time
 * split by layer and pass, and by WebAssembly kernel (the products named by their sums K and
 * columns N). It wraps the passes of the engine's kernel table — the one place that knows the
 * kinds — so every layer is timed without a change to the engine.
 *
 *   deno run --allow-all bench/profile.ts LAYERS [--images N] [--batch-size B]
 *
 * N images of MNIST's test set (4,096), batches of B (128), Adam, shifts of ±2 px. One thread,
 * so that the kernels run on the main thread, where they can be timed; quote the shares, and
 * times only as ratios measured in the same run.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { readMnist } from "../lib/data/idx.ts";
import { mnistSourceDir } from "../lib/data/mnist_files.ts";
import { KERNELS, type KindKernels, type Pass } from "../lib/engine/conv/kernel_table.ts";
import { fit, parseLayers } from "../lib/mod.ts";
import { flagsOrExit } from "./run.ts";

const USAGE = "Usage: deno run --allow-all bench/profile.ts LAYERS [--images N] [--batch-size B]";

/** The layers, the image count and the batch size, or an error naming the flag. */
function parseFlags() {
  const options = {
    images: { type: "string", default: "4096" },
    "batch-size": { type: "string", default: "128" },
    help: { type: "boolean", default: false },
  } as const;
  let parsed;
  try {
    parsed = parseArgs({ args: Deno.args, allowPositionals: true, options });
  } catch (error) {
    // Node's message goes on about positional arguments after "--": its first sentence is enough.
    throw new Error((error as Error).message.split(". ")[0]);
  }
  const { values, positionals } = parsed;
  if (values.help) return { help: true, spec: "", layers: [], count: 0, batchSize: 0 };
  if (positionals.length !== 1) throw new Error(`expected one LAYERS argument. ${USAGE}`);
  const count = Number(values.images), batchSize = Number(values["batch-size"]);
  if (!(Number.isInteger(count) && count > 0 && count <= 10000)) {
    throw new Error(`--images must be a whole number from 1 to 10000, not "${values.images}"`);
  }
  if (!(Number.isInteger(batchSize) && batchSize > 0)) {
    throw new Error(
      `--batch-size must be a whole number of at least 1, not "${values["batch-size"]}"`,
    );
  }
  const spec = positionals[0];
  return { help: false, spec, layers: parseLayers(spec), count, batchSize };
}

const flags = flagsOrExit(parseFlags, USAGE);
const { spec, layers, count, batchSize } = flags;

const seconds = new Map<string, number>();
const add = (key: string, ms: number) => seconds.set(key, (seconds.get(key) ?? 0) + ms / 1000);
const wrapped = new WeakSet<object>();

/** Time every kernel of a pass's kernel set, once per set. */
function wrapKernels(x: Pass["x"]): void {
  if (wrapped.has(x)) return;
  wrapped.add(x);
  const table = x as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const [name, kernel] of Object.entries(table)) {
    if (typeof kernel !== "function") continue;
    table[name] = (...args: unknown[]) => {
      const o = (args[0] ?? {}) as { K?: number; N?: number; transposed?: boolean };
      const shape = o.K === undefined ? "" : ` K=${o.K} N=${o.N}`;
      const way = name === "gemmPanels" ? (o.transposed ? " (dcols)" : " (forward)") : "";
      const t0 = performance.now();
      const result = kernel(...args);
      add(`kernel ${name}${way}${shape}`, performance.now() - t0);
      return result;
    };
  }
}

for (const [kind, kernels] of Object.entries(KERNELS) as [string, KindKernels][]) {
  for (const pass of ["forward", "backward"] as const) {
    const run = kernels[pass];
    if (!run) continue;
    kernels[pass] = (p: Pass) => {
      wrapKernels(p.x);
      const t0 = performance.now();
      run(p);
      add(`layer ${String(p.l + 1).padStart(2)} ${kind} ${pass}`, performance.now() - t0);
    };
  }
}

const dir = mnistSourceDir();
const all = await readMnist(`${dir}/t10k-images-idx3-ubyte`, `${dir}/t10k-labels-idx1-ubyte`);
const digits = {
  count,
  labels: all.labels.slice(0, count),
  pixels: all.pixels.slice(0, count * 784),
};
const t0 = performance.now();
const run = await fit(digits, {
  layers,
  epochs: 1,
  batchSize,
  optimizer: "adam",
  augment: 2,
  threads: 1,
  backend: "wasm",
  progress: false,
});
const total = (performance.now() - t0) / 1000;
const inLayers = [...seconds].filter(([k]) => k.startsWith("layer")).reduce((a, [, v]) => a + v, 0);
console.log(`${spec}: ${count} images, batches of ${batchSize}, ${run.engine} engine`);
for (const group of ["layer", "kernel"]) {
  for (const [key, s] of [...seconds].filter(([k]) => k.startsWith(group)).sort()) {
    console.log(
      `${key.padEnd(44)} ${s.toFixed(2).padStart(7)} s  ${(100 * s / total).toFixed(1)}%`,
    );
  }
}
console.log(`in the layers ${inLayers.toFixed(2)} s of ${total.toFixed(2)} s`);
