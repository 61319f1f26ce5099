/**
 * The WebAssembly kernel (`wasm/kernel.ts`, AssemblyScript) as a gradient accumulator with the
 * same contract as `accumulateGradients` in `kernel.ts`: for a fixed range of samples, add the
 * gradient sums into `G` (float64, packed layout) and [correct, loss] into `stats`.
 *
 * Each accumulator owns a WebAssembly instance and copies its range of sparse images into the
 * instance's memory once, twice over: row by row (sample by sample) for the forward pass and,
 * in blocks of samples, column by column (pixel by pixel) for the first layer's weight
 * gradient — three bytes a nonzero each (a 16-bit offset and the grey level). Each step copies the parameters in (as float32, the first layer's
 * rows padded to a multiple of 4) and the float64 gradient totals out.
 *
 * @module
 */

import { KERNEL_WASM_BASE64 } from "./kernel_wasm_binary.ts";
import type { Layout } from "./kernel_typescript.ts";
import type { Csr } from "../shared/sparse.ts";

/** Something that writes the gradient sums and stats of each part of a range of samples. */
export interface Accumulator {
  /**
   * For each part, samples `from … to−1` of the range (the first part's `from` is the range's
   * start, each part's `from` a multiple of {@link kernelBlock} past it): write the part's
   * gradient sums (packed layout) to its `G` and its [correct, loss] to its `stats`.
   */
  run(P: Float64Array, parts: AccumulatorPart[]): void;
}

/** A part of an accumulator's range and where its sums go. */
export interface AccumulatorPart {
  /** First sample. */
  from: number;
  /** One past the last sample. */
  to: number;
  /** The part's gradient sums, overwritten. */
  G: Float64Array;
  /** The part's [correct, loss], overwritten. */
  stats: Float64Array;
}

/**
 * The WebAssembly kernel's block of samples for layer sizes `sizes`: it sums float32 over blocks
 * of this many samples, counted from the start of its range.
 */
export function kernelBlock(sizes: readonly number[]): number {
  const s1 = (sizes[1] + 3) & ~3;
  return Math.min(1024, Math.floor(65536 / (s1 * 4))) & ~3;
}

let compiled: Promise<WebAssembly.Module> | undefined;

/** The compiled kernel (compiled once per thread). */
export function kernelModule(): Promise<WebAssembly.Module> {
  compiled ??= WebAssembly.compile(
    Uint8Array.from(atob(KERNEL_WASM_BASE64), (c) => c.charCodeAt(0)),
  );
  return compiled;
}

/** Whether this runtime can run the kernel (WebAssembly with SIMD and relaxed SIMD). */
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
  if (W1_BASE + (sizes[0] - 1) * rowBytes > 0xffff) {
    return `it takes at most ${Math.floor((0xffff - W1_BASE) / rowBytes) + 1} inputs`;
  }
  return undefined;
}

const HOST_BASE = 1 << 20; // below: the config block and the kernel's own tables and data
/**
 * Where the float32 parameters start, first W1ᵀ: low enough that the address of each of its
 * rows fits 16 bits, so that the kernel reads them straight from its offsets table.
 */
const W1_BASE = 1024;
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

  // Regions, 16-byte aligned, from HOST_BASE.
  let end = HOST_BASE;
  const region = (bytes: number) => {
    const at = end;
    end += Math.ceil(bytes / 16) * 16;
    return at;
  };
  let p32Length = n0 * s1 + s1;
  for (let l = 1; l < L; l++) p32Length += sizes[l] * sizes[l + 1] + sizes[l + 1];
  const P32 = W1_BASE; // its rows' addresses fit 16 bits: see wasmUnfit
  const TOT = region(layout.length * 8);
  // Samples per block of the column-wise dW1ᵀ pass: a dz1 row's byte offset must fit 16 bits.
  const B = kernelBlock(sizes);
  const blocks = Math.ceil(count / B);
  // Sizes of the two layouts, each row (sample) and each block's column padded to 4 nonzeros.
  const pad4 = (n: number) => (n + 3) & ~3;
  let rowsTotal = 0;
  const colCount = new Int32Array(blocks * n0);
  for (let j = 0; j < count; j++) {
    const p0 = csr.rowPtr[from + j], p1 = csr.rowPtr[from + j + 1], cb = Math.floor(j / B) * n0;
    rowsTotal += pad4(p1 - p0);
    for (let p = p0; p < p1; p++) colCount[cb + (csr.entry[p] & 0xffff)]++;
  }
  let colsTotal = 0;
  for (let i = 0; i < colCount.length; i++) colsTotal += pad4(colCount[i]);
  const ROWPTR = region((count + 1) * 4);
  const OFF = region(rowsTotal * 2);
  const VAL = region(rowsTotal);
  const COLPTR = region(blocks * (n0 + 1) * 4);
  const COFF = region(colsTotal * 2);
  const CVAL = region(colsTotal);
  const LABELS = region(count);
  const STATS = region(16);
  const WORK = region(0);
  const grow = (bytes: number) => {
    const need = Math.ceil(bytes / PAGE) - memory.buffer.byteLength / PAGE;
    if (need > 0) memory.grow(need);
  };
  grow(end);

  const config = new Int32Array(memory.buffer, 0, 24);
  config[0] = L;
  sizes.forEach((n, l) => (config[1 + l] = n));
  [P32, TOT, ROWPTR, OFF, LABELS, WORK, STATS, VAL, COLPTR, COFF, CVAL, B].forEach((ptr, k) =>
    config[10 + k] = ptr
  );
  grow(exports.configure());

  // Each nonzero pixel as the byte offset of its row of W1ᵀ and its value, decoded once here;
  // padding entries get grey 0 (from memory.grow) and W1ᵀ's row 0, so they add exactly nothing.
  const rowPtr = new Int32Array(memory.buffer, ROWPTR, count + 1);
  const off = new Uint16Array(memory.buffer, OFF, rowsTotal),
    val = new Uint8Array(memory.buffer, VAL, rowsTotal);
  for (let j = 0, q = 0; j < count; j++) {
    rowPtr[j] = q;
    const p0 = csr.rowPtr[from + j], p1 = csr.rowPtr[from + j + 1];
    for (let p = p0; p < p1; p++) {
      const e = csr.entry[p];
      off[q + p - p0] = P32 + (e & 0xffff) * s1 * 4;
      val[q + p - p0] = e >>> 16;
    }
    off.fill(P32, q + p1 - p0, q + pad4(p1 - p0));
    q += pad4(p1 - p0);
    rowPtr[j + 1] = q;
  }
  // The same nonzeros column by column within each block of B samples (a counting sort), each
  // column padded likewise (offset 0: the block's first dz1 row, grey 0); the offset is that of
  // the sample's dz1 row in the block.
  const colPtr = new Int32Array(memory.buffer, COLPTR, blocks * (n0 + 1));
  const coff = new Uint16Array(memory.buffer, COFF, colsTotal),
    cval = new Uint8Array(memory.buffer, CVAL, colsTotal);
  for (let b = 0, q = 0; b < blocks; b++) {
    const base = b * (n0 + 1);
    for (let k = 0; k < n0; k++) {
      colPtr[base + k] = q;
      q += pad4(colCount[b * n0 + k]);
    }
    colPtr[base + n0] = q;
    const next = colPtr.slice(base, base + n0);
    for (let j = b * B; j < Math.min(count, (b + 1) * B); j++) {
      for (let p = csr.rowPtr[from + j]; p < csr.rowPtr[from + j + 1]; p++) {
        const e = csr.entry[p], at = next[e & 0xffff]++;
        coff[at] = (j - b * B) * s1 * 4;
        cval[at] = e >>> 16;
      }
    }
  }
  new Uint8Array(memory.buffer, LABELS, count).set(labels.subarray(from, to));

  const p32 = new Float32Array(memory.buffer, P32, p32Length);
  const tot = new Float64Array(memory.buffer, TOT, layout.length);
  const st = new Float64Array(memory.buffer, STATS, 2);

  return {
    run(P, parts) {
      // Parameters in: W1ᵀ rows of n1 → rows of s1 (padding stays 0), the rest as they are.
      for (let k = 0; k < n0; k++) {
        for (let h = 0; h < n1; h++) p32[k * s1 + h] = P[layout.w[0] + k * n1 + h];
      }
      let q = n0 * s1;
      for (let h = 0; h < n1; h++) p32[q + h] = P[layout.b[0] + h];
      q += s1;
      for (let k = layout.w[1] ?? layout.length; k < layout.length; k++) p32[q++] = P[k];
      for (const part of parts) {
        tot.fill(0);
        st.fill(0);
        exports.accumulate(part.from - from, part.to - from);
        part.G.set(tot);
        part.stats.set(st);
      }
    },
  };
}
