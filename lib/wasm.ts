/**
 * The WebAssembly kernel (`wasm/kernel.ts`, AssemblyScript) as a gradient accumulator with the
 * same contract as `accumulateGradients` in `kernel.ts`: for a fixed range of samples, add the
 * gradient sums into `G` (float64, packed layout) and [correct, loss] into `stats`.
 *
 * Each accumulator owns a WebAssembly instance and copies its range of sparse images into the
 * instance's memory once; each step copies the parameters in (as float32, the first layer's
 * rows padded to a multiple of 4) and the float64 gradient totals out.
 *
 * @module
 */

import { KERNEL_WASM_BASE64 } from "./kernel_wasm.ts";
import type { Layout } from "./kernel.ts";
import { type Csr, SCALED } from "./sparse.ts";

/** Something that adds a range's gradient sums into `G` and its stats into `stats`. */
export interface Accumulator {
  /** Add the range's gradient sums (packed layout) into G and [correct, loss] into stats. */
  run(P: Float64Array, G: Float64Array, stats: Float64Array): void;
}

let compiled: Promise<WebAssembly.Module> | undefined;

/** The compiled kernel (compiled once per thread). */
export function kernelModule(): Promise<WebAssembly.Module> {
  compiled ??= WebAssembly.compile(
    Uint8Array.from(atob(KERNEL_WASM_BASE64), (c) => c.charCodeAt(0)),
  );
  return compiled;
}

/** Whether this runtime can run the kernel (WebAssembly with SIMD). */
export async function wasmAvailable(): Promise<boolean> {
  try {
    await kernelModule();
    return true;
  } catch {
    return false;
  }
}

/** The most first-layer units the kernel takes (its pixel offsets are 16-bit). */
export const MAX_FIRST = 20;
/** The most weight layers the kernel takes. */
export const MAX_LAYERS = 8;

/**
 * Why the kernel cannot run a network of these layer sizes, or `undefined` when it can: at
 * most {@link MAX_LAYERS} weight layers, at most {@link MAX_FIRST} first-layer units, and
 * images small enough that a pixel's row offset fits in 16 bits.
 */
export function wasmUnfit(sizes: readonly number[]): string | undefined {
  const L = sizes.length - 1;
  if (L > MAX_LAYERS) return `it takes at most ${MAX_LAYERS} layers, not ${L}`;
  if (sizes[1] > MAX_FIRST) {
    return `it takes at most ${MAX_FIRST} first-layer units, not ${sizes[1]}`;
  }
  const rowBytes = 4 * ((sizes[1] + 3) & ~3);
  if ((sizes[0] - 1) * rowBytes > 0xffff) {
    return `it takes at most ${Math.floor(0xffff / rowBytes) + 1} inputs`;
  }
  return undefined;
}

const HOST_BASE = 1 << 20; // below: the config block and the kernel's own tables and data
const PAGE = 65536;

/**
 * An accumulator over samples `from … to−1` of `csr`, running the WebAssembly kernel.
 *
 * @throws {RangeError} For networks the kernel does not take (see {@link wasmUnfit}).
 */
export async function createWasmAccumulator(
  layout: Layout,
  csr: Csr,
  labels: Uint8Array,
  from: number,
  to: number,
): Promise<Accumulator> {
  const { sizes } = layout;
  const L = sizes.length - 1;
  const unfit = wasmUnfit(sizes);
  if (unfit) throw new RangeError(`Cannot run the WebAssembly kernel: ${unfit}`);
  const instance = await WebAssembly.instantiate(await kernelModule(), {
    env: {
      abort() {
        throw new Error("The WebAssembly kernel aborted");
      },
    },
  });
  const exports = instance.exports as {
    memory: WebAssembly.Memory;
    configure(): number;
    accumulate(from: number, to: number): void;
  };
  const memory = exports.memory;
  const [n0, n1] = sizes;
  const s1 = (n1 + 3) & ~3;
  const count = to - from;
  const first = csr.rowPtr[from], nnz = csr.rowPtr[to] - first;

  // Regions, 16-byte aligned, from HOST_BASE.
  let end = HOST_BASE;
  const region = (bytes: number) => {
    const at = end;
    end += Math.ceil(bytes / 16) * 16;
    return at;
  };
  let p32Length = n0 * s1 + s1;
  for (let l = 1; l < L; l++) p32Length += sizes[l] * sizes[l + 1] + sizes[l + 1];
  const P32 = region(p32Length * 4);
  const TOT = region(layout.length * 8);
  const ROWPTR = region((count + 1) * 4);
  const OFF = region(nnz * 2);
  const VAL = region(nnz * 4);
  const LABELS = region(count);
  const STATS = region(16);
  const WORK = region(0);
  const grow = (bytes: number) => {
    const need = Math.ceil(bytes / PAGE) - memory.buffer.byteLength / PAGE;
    if (need > 0) memory.grow(need);
  };
  grow(end);

  const config = new Int32Array(memory.buffer, 0, 20);
  config[0] = L;
  sizes.forEach((n, l) => (config[1 + l] = n));
  [P32, TOT, ROWPTR, OFF, LABELS, WORK, STATS, VAL].forEach((ptr, k) => (config[10 + k] = ptr));
  grow(exports.configure());

  // The range's images and labels, rebased to start at row 0.
  const rowPtr = new Int32Array(memory.buffer, ROWPTR, count + 1);
  for (let j = 0; j <= count; j++) rowPtr[j] = csr.rowPtr[from + j] - first;
  // Each nonzero pixel as the byte offset of its row of W1ᵀ and its value, decoded once here.
  const off = new Uint16Array(memory.buffer, OFF, nnz),
    val = new Float32Array(memory.buffer, VAL, nnz);
  for (let p = 0; p < nnz; p++) {
    const e = csr.entry[first + p];
    off[p] = (e & 0xffff) * s1 * 4;
    val[p] = SCALED[e >>> 16];
  }
  new Uint8Array(memory.buffer, LABELS, count).set(labels.subarray(from, to));

  const p32 = new Float32Array(memory.buffer, P32, p32Length);
  const tot = new Float64Array(memory.buffer, TOT, layout.length);
  const st = new Float64Array(memory.buffer, STATS, 2);

  return {
    run(P, G, stats) {
      // Parameters in: W1ᵀ rows of n1 → rows of s1 (padding stays 0), the rest as they are.
      for (let k = 0; k < n0; k++) {
        for (let h = 0; h < n1; h++) p32[k * s1 + h] = P[layout.w[0] + k * n1 + h];
      }
      let q = n0 * s1;
      for (let h = 0; h < n1; h++) p32[q + h] = P[layout.b[0] + h];
      q += s1;
      for (let k = layout.w[1] ?? layout.length; k < layout.length; k++) p32[q++] = P[k];
      tot.fill(0);
      st.fill(0);
      exports.accumulate(0, count);
      for (let k = 0; k < G.length; k++) G[k] += tot[k];
      stats[0] += st[0];
      stats[1] += st[1];
    },
  };
}
