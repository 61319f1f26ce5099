/**
 * The WebAssembly backend of the mini-batch engine: one shared `WebAssembly.Memory` that every
 * thread instantiates the kernels of `wasm/batch.ts` on, and the calls that run a chunk and an
 * optimizer step with them.
 *
 * The kernel layout of the parameters: for each layer l, `WT[l] = W[l]ᵀ` (inputs × outputs,
 * row-major) then `b[l]`, every output width padded to a multiple of 8 with zeros (`s[l]`), and
 * the inputs of layer l ≥ 1 likewise (they are the padded outputs of layer l − 1). Padded weights
 * get zero gradients, so they stay 0 under every optimizer.
 *
 * Memory, from 64 KiB (below: the kernel's own constants): the float64 parameters `P64` and
 * moments `M1`, `M2`, the float32 parameters `P32`, the chunks' float32 gradient sums `G` (all
 * but the first layer's weights), their stats, the arranged epoch (`ROWPTR`, `ENTRY`, `LABELS`),
 * the batch's dZ of the first layer (`DZ1`, batch × s[0]) and its nonzeros listed pixel by
 * pixel, chunk by chunk (`COLPTR`, `COLENT`), then each thread's scratch: `A[l]` and `D[l]`
 * (dZ), rows × s[l] float32 for every layer, and a few hundred bytes for `sparseUpdate`.
 *
 * The first layer's weight gradient is not summed per chunk: each chunk lists its nonzeros pixel
 * by pixel (`columnize`); in the update phase each thread owns a range of pixels (rows of WT1,
 * cut so that each holds a fair share of the ink), sums dWT1[k] = Σ_j x_jk·dZ1[j] over the
 * chunks' lists in sample order, in registers, and steps the optimizer on the row at once
 * (`sparseUpdate`). That keeps a small batch's dZ1 rows in cache and needs no gradient buffer
 * for W1. Past {@link COLUMN_WISE_MAX} samples the rows no longer fit the cache, and each chunk
 * adds its own W1 gradient, nonzero by nonzero, into its buffer (`sparseGradient`), summed in
 * chunk order with the rest. The choice depends on the batch size alone; no thread count changes
 * any of these sums.
 *
 * @module
 */

import type { OptimizerOptions } from "../../nn/optimizers.ts";
import { matrix } from "../../nn/matrix.ts";
import type { Params } from "../../nn/params.ts";
import { BATCH_WASM_BASE64 } from "./kernels_wasm_binary.ts";
import type { BatchBackend } from "./contract.ts";
import type { Csr } from "../shared/sparse.ts";
import { align, checkMemory, denseNetwork, regions } from "../shared/memory.ts";
import {
  type MatrixKernels,
  matrixKernels,
  type SharedExports,
  shareOf,
  type Slice,
  updateRegions,
} from "../shared/kernels.ts";

const PAGE = 65536;
const BASE = 65536;

/** Where everything sits in the shared memory; cloneable, so workers attach to the same memory. */
export interface WasmMemoryPlan {
  /** The compiled kernels. */
  module: WebAssembly.Module;
  /** The shared memory. */
  memory: WebAssembly.Memory;
  /** Layer sizes. */
  sizes: number[];
  /** Padded widths `s[l]` of each layer's outputs. */
  s: number[];
  /** Element offsets of `WT[l]` and `b[l]` in the kernel layout. */
  wt: number[];
  /** Element offsets of `b[l]`. */
  b: number[];
  /** Elements in the kernel layout. */
  length: number;
  /** Training samples. */
  m: number;
  /** Most rows of a chunk, a multiple of 4. */
  rows: number;
  /** Byte offsets of the regions. */
  at: Record<
    | "P64"
    | "M1"
    | "M2"
    | "P32"
    | "G"
    | "STATS"
    | "ROWPTR"
    | "ENTRY"
    | "LABELS"
    | "DZ1"
    | "COLPTR"
    | "COLENT"
    | "SCRATCH",
    number
  >;
  /** Each thread's first pixel of WT1 (and one past the last thread's last). */
  pixelBounds: number[];

  /** Bytes between two chunks' gradient buffers. */
  gStride: number;
  /** Bytes of one thread's scratch. */
  scratchBytes: number;
  /** Nonzero pixels the epoch can hold. */
  nnz: number;
}

/** A range of samples of the arranged epoch's sparse rows. */
interface SparseRows {
  /** The rows' pointers (int32) and entries (uint32: grey << 16 | pixel). */
  rowPtr: number;
  entry: number;
  /** Samples j0 … j1−1. */
  j0: number;
  j1: number;
}

/** The mini-batch engine's kernels, named arguments (addresses in bytes, sizes in floats). */
export interface BatchKernels extends MatrixKernels {
  /** The first layer over sparse rows: `A = ReLU(b + Σ_nonzeros (grey/255)·WT[pixel])`, s wide. */
  sparseForward(
    o: SparseRows & { WT: number; b: number; s: number; A: number; relu: boolean },
  ): void;
  /** The first layer's weight gradient over sparse rows, added into G (n0 × s). */
  sparseGradient(o: SparseRows & { dZ: number; s: number; G: number }): void;
  /** The rows' nonzeros listed pixel by pixel (`colPtr`, `colEnt`), rows counted from rowBase. */
  columnize(
    o: SparseRows & { n0: number; rowBase: number; colPtr: number; colEnt: number },
  ): void;
  /** The first layer's weight gradient from the chunks' column lists, and its optimizer step. */
  sparseUpdate(
    o: {
      k0: number;
      k1: number;
      n0: number;
      chunks: number;
      colPtr: number;
      table: number;
      dZ: number;
      s: number;
      P: number;
      P32: number;
      M1: number;
      M2: number;
      tmp: number;
    },
  ): void;
}

/** The raw exports, positional. */
interface BatchExports extends SharedExports {
  sparseForward(...args: (number | boolean)[]): void;
  sparseGradient(...args: number[]): void;
  columnize(...args: number[]): void;
  sparseUpdate(...args: number[]): void;
}

/** An instance of the kernels over `memory`. */
export function batchKernels(memory: WebAssembly.Memory): BatchKernels {
  const instance = new WebAssembly.Instance(batchModule(), { env: { memory } });
  const x = instance.exports as unknown as BatchExports;
  return {
    ...matrixKernels(x),
    sparseForward: (o) =>
      x.sparseForward(o.rowPtr, o.entry, o.j0, o.j1, o.WT, o.b, o.s, o.A, o.relu),
    sparseGradient: (o) => x.sparseGradient(o.rowPtr, o.entry, o.j0, o.j1, o.dZ, o.s, o.G),
    columnize: (o) =>
      x.columnize(o.rowPtr, o.entry, o.j0, o.j1, o.n0, o.rowBase, o.colPtr, o.colEnt),
    sparseUpdate: (o) =>
      x.sparseUpdate(
        o.k0,
        o.k1,
        o.n0,
        o.chunks,
        o.colPtr,
        o.table,
        o.dZ,
        o.s,
        o.P,
        o.P32,
        o.M1,
        o.M2,
        o.tmp,
      ),
  };
}

let compiled: WebAssembly.Module | undefined;

/** The compiled kernels (compiled once, 12 KB: synchronously). */
export function batchModule(): WebAssembly.Module {
  compiled ??= new WebAssembly.Module(
    Uint8Array.from(atob(BATCH_WASM_BASE64), (c) => c.charCodeAt(0)),
  );
  return compiled;
}

const pad8 = (n: number) => (n + 7) & ~7;

/** The kernel layout of a network: padded widths `s[l]`, offsets of `WT[l]` and `b[l]`. */
export interface KernelLayout {
  /** Layer sizes. */
  sizes: number[];
  /** Padded output widths. */
  s: number[];
  /** Element offsets of `WT[l]`. */
  wt: number[];
  /** Element offsets of `b[l]`. */
  b: number[];
  /** Elements in all. */
  length: number;
}

/** The kernel layout for layer sizes `sizes`. */
export function kernelLayout(sizes: readonly number[]): KernelLayout {
  const L = sizes.length - 1;
  const s = sizes.slice(1).map(pad8);
  const wt: number[] = [], b: number[] = [];
  let length = 0;
  for (let l = 0; l < L; l++) {
    wt.push(length);
    length += (l === 0 ? sizes[0] : s[l - 1]) * s[l];
    b.push(length);
    length += s[l];
  }
  return { sizes: [...sizes], s, wt, b, length };
}

/** Write `params` into `out` (float64 or float32) in the kernel layout `k`; padding stays 0. */
export function packKernelInto(
  params: Params,
  k: KernelLayout,
  out: Float64Array | Float32Array,
): void {
  out.fill(0);
  params.W.forEach((W, l) => {
    const width = k.s[l];
    for (let i = 0; i < W.rows; i++) {
      for (let c = 0; c < W.cols; c++) out[k.wt[l] + c * width + i] = W.data[i * W.cols + c];
      out[k.b[l] + i] = params.b[l].data[i];
    }
  });
}

/** Allocate the shared memory for training `init`'s network and copy `init` in. */
export function allocateWasm(
  init: Params,
  csr: Csr,
  rows: number,
  batchSize: number,
  threads: number,
  maxChunks: number,
): WasmMemoryPlan {
  const m = csr.count, nnz = csr.entry.length;
  const { sizes, s, wt, b, length } = kernelLayout(init.sizes);
  rows = (rows + 3) & ~3;
  const memoryRegions = regions(BASE), region = memoryRegions.take;
  const gStride = align(length * 4);
  const at = {
    ...updateRegions(region, length, maxChunks),
    ROWPTR: region((m + 1) * 4),
    ENTRY: region(nnz * 4),
    LABELS: region(m),
    DZ1: region(batchSize * s[0] * 4),
    COLPTR: region(maxChunks * (sizes[0] + 1) * 4),
    COLENT: region(Math.min(nnz, Math.min(batchSize, COLUMN_WISE_MAX) * widestRow(csr)) * 4),
    SCRATCH: 0,
  };
  const scratchBytes = s.reduce((total, w) => total + 2 * align(rows * w * 4), 0) + TMP_BYTES;
  at.SCRATCH = region(threads * scratchBytes);
  const end = memoryRegions.end();
  checkMemory(denseNetwork(sizes), end, "the mini-batch engine on WebAssembly", "wasm");
  const pages = Math.ceil(end / PAGE);
  const memory = new WebAssembly.Memory({
    initial: pages,
    maximum: Math.min(65536, pages + 8192),
    shared: true,
  });
  const plan: WasmMemoryPlan = {
    module: batchModule(),
    memory,
    sizes,
    s,
    wt,
    b,
    length,
    m,
    rows,
    at,
    gStride,
    scratchBytes,
    nnz,
    pixelBounds: pixelBounds(csr, sizes[0], threads),
  };
  packKernel(init, plan);
  return plan;
}

/** The largest batch whose first-layer gradient is summed column-wise (see the module doc). */
export const COLUMN_WISE_MAX = 1024;

/**
 * A thread's bytes for the update: 384 of sums for `sparseUpdate`, 64 for the chunks' address
 * table, 512 of sums for `update`.
 */
const TMP_BYTES = 960;

/** The most nonzeros in one image. */
function widestRow(csr: Csr): number {
  let widest = 0;
  for (let j = 0; j < csr.count; j++) widest = Math.max(widest, csr.rowPtr[j + 1] - csr.rowPtr[j]);
  return widest;
}

/** Cut the pixels into `threads` ranges of about equal ink (nonzeros in the training set). */
function pixelBounds(csr: Csr, n0: number, threads: number): number[] {
  const ink = new Float64Array(n0);
  for (let p = 0; p < csr.entry.length; p++) ink[csr.entry[p] & 0xffff]++;
  const bounds = [0];
  let seen = 0;
  for (let k = 0; k < n0 && bounds.length < threads; k++) {
    seen += ink[k];
    if (seen >= (bounds.length * csr.entry.length) / threads) bounds.push(k + 1);
  }
  while (bounds.length < threads) bounds.push(n0);
  bounds.push(n0);
  return bounds;
}

/** Write `params` into P64 and P32 in the kernel layout (padding 0). */
function packKernel(params: Params, plan: WasmMemoryPlan): void {
  const buffer = plan.memory.buffer;
  const P64 = new Float64Array(buffer, plan.at.P64, plan.length);
  packKernelInto(params, plan, P64);
  new Float32Array(buffer, plan.at.P32, plan.length).set(P64);
}

/** The parameters in P64, in the `Params` form (padding dropped). */
function unpackKernel(plan: WasmMemoryPlan): Params {
  const P64 = new Float64Array(plan.memory.buffer, plan.at.P64, plan.length);
  const { sizes } = plan;
  const W = [], b = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const M = matrix(sizes[l + 1], sizes[l]), out = plan.s[l];
    for (let i = 0; i < M.rows; i++) {
      for (let k = 0; k < M.cols; k++) M.data[i * M.cols + k] = P64[plan.wt[l] + k * out + i];
    }
    W.push(M);
    b.push(matrix(sizes[l + 1], 1, P64.slice(plan.b[l], plan.b[l] + sizes[l + 1])));
  }
  return { sizes: [...sizes], W, b };
}

/** Attach thread `slot` to the shared memory of `plan`. */
export function attachWasm(
  plan: WasmMemoryPlan,
  o: Required<OptimizerOptions>,
  slot: number,
): BatchBackend {
  const x = batchKernels(plan.memory);
  const { sizes, s, wt, b, at, gStride, m } = plan;
  const L = sizes.length - 1;
  const buffer = plan.memory.buffer;
  const A: number[] = [], D: number[] = [];
  let scratch = at.SCRATCH + slot * plan.scratchBytes;
  for (let l = 0; l < L; l++) {
    A.push(scratch);
    scratch += align(plan.rows * s[l] * 4);
    D.push(scratch);
    scratch += align(plan.rows * s[l] * 4);
  }
  const TMP = scratch, TABLE = TMP + 384, SUMS = TABLE + 64;
  x.setScratch(SUMS);
  const rowPtr = new Int32Array(buffer, at.ROWPTR, m + 1);
  const table = new Uint32Array(buffer, TABLE, 16);
  const p32 = (offset: number) => at.P32 + offset * 4;
  const rows = (j0: number, j1: number) => ({ rowPtr: at.ROWPTR, entry: at.ENTRY, j0, j1 });
  // Every parameter but the first layer's weights, which sparseUpdate steps.
  const slices: Slice[] = [];
  for (let l = 0; l < L; l++) {
    if (l > 0) slices.push({ from: wt[l], to: b[l], decay: true });
    slices.push({ from: b[l], to: b[l] + s[l], decay: false });
  }
  const [k0, k1] = [plan.pixelBounds[slot], plan.pixelBounds[slot + 1]];
  return {
    csr: {
      count: m,
      rowPtr: new Int32Array(buffer, at.ROWPTR, m + 1),
      entry: new Uint32Array(buffer, at.ENTRY, plan.nnz),
    },
    labels: new Uint8Array(buffer, at.LABELS, m),
    stats: new Float64Array(buffer, at.STATS, 32),
    runChunk(c, from, to, batchFrom, batchTo) {
      const count = to - from, R = (count + 3) & ~3;
      const G = at.G + c * gStride, g = (offset: number) => G + offset * 4;
      const dZ1 = at.DZ1 + (from - batchFrom) * s[0] * 4; // this chunk's rows of the batch's dZ1
      x.zero(at.STATS + c * 16, 16);
      // Forward: A[0] = ReLU(X·WT[0] + b[0]) over the sparse rows, then A[l] = ReLU(A[l−1]·WT[l]
      // + b[l]); the last layer's A is Z, the logits.
      x.sparseForward({
        ...rows(from, to),
        WT: p32(wt[0]),
        b: p32(b[0]),
        s: s[0],
        A: A[0],
        relu: L > 1,
      });
      if (R > count) x.zero(A[0] + count * s[0] * 4, (R - count) * s[0] * 4);
      for (let l = 1; l < L; l++) {
        x.gemmNN({
          M: R,
          N: s[l],
          K: s[l - 1],
          A: A[l - 1],
          lda: s[l - 1],
          B: p32(wt[l]),
          ldb: s[l],
          C: A[l],
          ldc: s[l],
          bias: p32(b[l]),
          relu: l < L - 1,
        });
      }
      // dZ[L] = softmax(Z) − onehot(y), then back: dWT[l] = A[l−1]ᵀ·dZ[l], db[l] = Σ dZ[l],
      // dZ[l−1] = dZ[l]·W[l] ⊙ ReLU′(Z[l−1]); dZ[0] goes to the batch's rows (for sparseUpdate).
      const dZ = (l: number) => (l === 0 ? dZ1 : D[l]);
      // softmaxLoss zeroes dZ's padded rows up to its R: needed in scratch, which the products
      // read over R rows, but not in the batch's dZ1 (a network without a hidden layer), whose
      // next rows are the next chunk's.
      x.softmaxLoss({
        Z: A[L - 1],
        rows: count,
        R: L > 1 ? R : count,
        stride: s[L - 1],
        classes: sizes[L],
        labels: at.LABELS + from,
        dZ: dZ(L - 1),
        stats: at.STATS + c * 16,
        probabilities: 0,
      });
      for (let l = L - 1; l >= 1; l--) {
        const [K, N] = [s[l - 1], s[l]];
        x.gemmTN({ M: K, N, K: R, A: A[l - 1], lda: K, B: D[l], ldb: N, C: g(wt[l]), ldc: N });
        x.columnSums({ rows: R, N, D: D[l], ld: N, out: g(b[l]) });
        x.gemmNTMasked({
          M: R,
          N: K,
          K: N,
          A: D[l],
          lda: N,
          B: p32(wt[l]),
          ldb: N,
          C: dZ(l - 1),
          ldc: K,
          mask: A[l - 1],
          stored: l === 1 ? count : R, // the batch's dZ1 rows: this chunk's only
        });
      }
      x.columnSums({ rows: count, N: s[0], D: dZ1, ld: s[0], out: g(b[0]) });
      if (batchTo - batchFrom > COLUMN_WISE_MAX) {
        // A large batch: this chunk's W1 gradient, nonzero by nonzero, into its own buffer.
        x.zero(g(wt[0]), sizes[0] * s[0] * 4);
        x.sparseGradient({ ...rows(from, to), dZ: dZ1, s: s[0], G: g(wt[0]) });
        return;
      }
      // This chunk's nonzeros, pixel by pixel, for the first layer's weight gradient.
      x.columnize({
        ...rows(from, to),
        n0: sizes[0],
        rowBase: batchFrom,
        colPtr: at.COLPTR + c * (sizes[0] + 1) * 4,
        colEnt: at.COLENT + (rowPtr[from] - rowPtr[batchFrom]) * 4,
      });
    },
    updateShare(slot, threads, step) {
      const { chunks, from, to } = step;
      // The first layer's weights: this thread's pixels, over the chunks' column lists (or, for
      // a large batch, with the rest below).
      const w0 = wt[0], B = to - from;
      const ranges = B > COLUMN_WISE_MAX
        ? [{ from: wt[0], to: b[0], decay: true }, ...slices]
        : slices;
      if (B <= COLUMN_WISE_MAX) {
        x.setStep(o, step, true);
        for (let c = 0; c < chunks; c++) {
          const start = from + Math.floor((c * B) / chunks); // as the engine cuts the batch
          table[c] = at.COLENT + (rowPtr[start] - rowPtr[from]) * 4;
        }
        x.sparseUpdate({
          k0,
          k1,
          n0: sizes[0],
          chunks,
          colPtr: at.COLPTR,
          table: TABLE,
          dZ: at.DZ1,
          s: s[0],
          P: at.P64 + w0 * 8,
          P32: at.P32 + w0 * 4,
          M1: at.M1 + w0 * 8,
          M2: at.M2 + w0 * 8,
          tmp: TMP,
        });
      }
      // Everything else: this thread's share of each range, from the chunks' sums.
      for (const slice of ranges) {
        const [lo, hi] = shareOf(slice.from, slice.to, slot, threads);
        if (hi <= lo) continue;
        x.setStep(o, step, slice.decay);
        x.update({
          from: lo,
          to: hi,
          P64: at.P64,
          P32: at.P32,
          G: at.G,
          gStride,
          chunks,
          M1: at.M1,
          M2: at.M2,
        });
      }
    },
    params: () => unpackKernel(plan),
  };
}
