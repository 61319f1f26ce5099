/**
 * The WebAssembly kernels the mini-batch and convolution engines share — the matrix products,
 * the softmax with its loss, the optimizer's `update` — called with named, typed arguments, and
 * what the update phase shares between threads: where the optimizer's regions sit in memory and
 * which part of a parameter range each thread steps. Both modules (`wasm/batch/kernels.ts` and
 * `wasm/conv/kernels.ts`, which re-exports them) export these kernels under the same names.
 *
 * Addresses are in bytes, sizes in floats; matrices are row-major with a row stride (`lda`…).
 *
 * @module
 */

import type { OptimizerOptions } from "../../nn/optimizers.ts";
import { align } from "./memory.ts";

/** The raw exports of the shared kernels, positional as WebAssembly takes them. */
export interface SharedExports {
  gemmNN(...args: (number | boolean)[]): void;
  gemmTN(...args: number[]): void;
  gemmNTMasked(...args: number[]): void;
  gemmPacked(...args: (number | boolean)[]): void;
  packPanels(...args: number[]): void;
  packPanelsT(...args: number[]): void;
  columnSums(...args: number[]): void;
  softmaxLoss(...args: number[]): void;
  update(...args: number[]): void;
  setStep(...args: (number | boolean)[]): void;
  setScratch(at: number): void;
  zero(at: number, bytes: number): void;
}

/** A product's operands: C (M × N) from A and B, each with its row stride. */
interface Operands {
  /** Rows of C. */
  M: number;
  /** Columns of C. */
  N: number;
  /** The length of each sum. */
  K: number;
  /** A's address and row stride. */
  A: number;
  lda: number;
  /** B's address and row stride. */
  B: number;
  ldb: number;
  /** C's address and row stride. */
  C: number;
  ldc: number;
}

/** The shared kernels with named arguments. */
export interface MatrixKernels {
  /**
   * `C = bias + A·B`, then ReLU when `relu`: A is M × K, B is K × N (M a multiple of 4, N of 8).
   */
  gemmNN(o: Operands & { bias: number; relu: boolean }): void;
  /** `C = Aᵀ·B`: A is K × M, B is K × N, summed over the K rows in order (a weight gradient). */
  gemmTN(o: Operands): void;
  /**
   * `C = (A·Bᵀ) ⊙ [mask > 0]`: A is M × K, B is N × K; `mask` (row stride ldc) 0 for no mask.
   * Only the first `stored` rows of C are written.
   */
  gemmNTMasked(o: Operands & { mask: number; stored: number }): void;
  /**
   * `C = bias + A·B` (or `A·Bᵀ` when `transposed`: B is then N × K), then ReLU when `relu`, for
   * long sums: B is first packed into `panels` (K·N floats of scratch), then multiplied in tiles
   * of 6 × 8 (M a multiple of 2, N of 8; bias 0 for none). Not transposed, the same bits as
   * gemmNN.
   */
  gemmPanels(
    o: Operands & { bias: number; relu: boolean; transposed: boolean; panels: number },
  ): void;
  /**
   * gemmPanels' first half: B (K × N, or N × K when `transposed`) packed into `panels`, for
   * {@link MatrixKernels.gemmPacked} to multiply block after block.
   */
  pack(
    o: { K: number; N: number; B: number; ldb: number; transposed: boolean; panels: number },
  ): void;
  /** gemmPanels' second half: `C = bias + A·B` (ReLU when `relu`) from B packed by `pack`. */
  gemmPacked(
    o: {
      M: number;
      N: number;
      K: number;
      A: number;
      lda: number;
      panels: number;
      C: number;
      ldc: number;
      bias: number;
      relu: boolean;
    },
  ): void;
  /** `out[n] = Σ_r D[r, n]` over `rows` rows of D (row stride ld), N columns (a bias gradient). */
  columnSums(o: { rows: number; N: number; D: number; ld: number; out: number }): void;
  /**
   * Softmax, loss and dZ of the scores Z (`rows` real rows of `R`, row stride `stride`,
   * `classes` used): `dZ = softmax(Z) − onehot(y)`, `stats += [right answers, Σ −log a_y]`;
   * with `probabilities` nonzero the softmax goes there (float32) instead of dZ.
   */
  softmaxLoss(
    o: {
      Z: number;
      rows: number;
      R: number;
      stride: number;
      classes: number;
      labels: number;
      dZ: number;
      stats: number;
      probabilities: number;
    },
  ): void;
  /**
   * The optimizer step on parameters `from … to−1`: their gradient the chunks' float32 sums in
   * chunk order (`G`, chunks `gStride` bytes apart), θ and the moments float64, θ copied to P32.
   */
  update(
    o: {
      from: number;
      to: number;
      P64: number;
      P32: number;
      G: number;
      gStride: number;
      chunks: number;
      M1: number;
      M2: number;
    },
  ): void;
  /** Set the optimizer's constants for step `t` at rate `lr` over a batch, decayed or not. */
  setStep(
    o: Required<OptimizerOptions>,
    step: { from: number; to: number; lr: number; t: number },
    decay: boolean,
  ): void;
  /** Where this instance keeps its few hundred bytes of update sums. */
  setScratch(at: number): void;
  /** Zero `bytes` bytes from `at`. */
  zero(at: number, bytes: number): void;
}

/** The shared kernels of a WebAssembly instance, with named arguments. */
export function matrixKernels(x: SharedExports): MatrixKernels {
  return {
    gemmNN: (o) => x.gemmNN(o.M, o.N, o.K, o.A, o.lda, o.B, o.ldb, o.C, o.ldc, o.bias, o.relu),
    gemmTN: (o) => x.gemmTN(o.M, o.N, o.K, o.A, o.lda, o.B, o.ldb, o.C, o.ldc),
    gemmNTMasked: (o) =>
      x.gemmNTMasked(o.M, o.N, o.K, o.A, o.lda, o.B, o.ldb, o.C, o.ldc, o.mask, o.stored),
    gemmPanels(o) {
      if (o.transposed) x.packPanelsT(o.K, o.N, o.B, o.ldb, o.panels);
      else x.packPanels(o.K, o.N, o.B, o.ldb, o.panels);
      x.gemmPacked(o.M, o.N, o.K, o.A, o.lda, o.panels, o.C, o.ldc, o.bias, o.relu);
    },
    pack(o) {
      if (o.transposed) x.packPanelsT(o.K, o.N, o.B, o.ldb, o.panels);
      else x.packPanels(o.K, o.N, o.B, o.ldb, o.panels);
    },
    gemmPacked: (o) =>
      x.gemmPacked(o.M, o.N, o.K, o.A, o.lda, o.panels, o.C, o.ldc, o.bias, o.relu),
    columnSums: (o) => x.columnSums(o.rows, o.N, o.D, o.ld, o.out),
    softmaxLoss: (o) =>
      x.softmaxLoss(
        o.Z,
        o.rows,
        o.R,
        o.stride,
        o.classes,
        o.labels,
        o.dZ,
        o.stats,
        o.probabilities,
      ),
    update: (o) => x.update(o.from, o.to, o.P64, o.P32, o.G, o.gStride, o.chunks, o.M1, o.M2),
    setStep(o, { from, to, lr, t }, decay) {
      const kind = o.optimizer === "sgd" ? 0 : o.optimizer === "momentum" ? 1 : 2;
      x.setStep(
        1 / (to - from),
        decay ? o.weightDecay : 0,
        lr,
        kind,
        o.momentum,
        o.nesterov,
        o.beta1,
        o.beta2,
        o.epsilon,
        1 - o.beta1 ** t, // Adam's bias corrections
        1 - o.beta2 ** t,
      );
    },
    setScratch: (at) => x.setScratch(at),
    zero: (at, bytes) => x.zero(at, bytes),
  };
}

/** A range of parameters the optimizer treats alike: a weight array (decayed) or a bias. */
export interface Slice {
  /** First index. */
  from: number;
  /** One past the last index. */
  to: number;
  /** Whether weight decay applies (weights: yes; biases: no). */
  decay: boolean;
}

/** Thread `slot`'s share of `from … to−1` among `threads`, cut at multiples of 8. */
export function shareOf(from: number, to: number, slot: number, threads: number): [number, number] {
  const cut = (s: number) => from + Math.floor(((to - from) * s) / threads / 8) * 8;
  return [cut(slot), slot === threads - 1 ? to : cut(slot + 1)];
}

/**
 * The regions the optimizer's `update` kernel works on, for `length` parameters and up to
 * `maxChunks` chunks: the float64 parameters and moments, their float32 copy, each chunk's
 * gradient sums (`gStride = align(length · 4)` apart) and [correct, loss].
 */
export function updateRegions(
  region: (bytes: number) => number,
  length: number,
  maxChunks: number,
): Record<"P64" | "M1" | "M2" | "P32" | "G" | "STATS", number> {
  return {
    P64: region(length * 8),
    M1: region(length * 8),
    M2: region(length * 8),
    P32: region(length * 4),
    G: region(maxChunks * align(length * 4)),
    STATS: region(maxChunks * 16),
  };
}

/**
 * The smallest module that uses relaxed SIMD: one function returning
 * `f32x4.relaxed_madd(0, 0, 0)`. It validates where the kernels run.
 */
function relaxedSimdProbe(): Uint8Array<ArrayBuffer> {
  const zero = [0xfd, 0x0c, ...new Array(16).fill(0)]; // v128.const 0
  const body = [0x00, ...zero, ...zero, ...zero, 0xfd, 0x85, 0x02, 0x0b]; // relaxed_madd, end
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // "\0asm", version 1
    ...[0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b], // one type: () → v128
    ...[0x03, 0x02, 0x01, 0x00], // one function of that type
    ...[0x0a, body.length + 2, 0x01, body.length, ...body], // its code
  ]);
}

let runs: boolean | undefined;

/** Whether this runtime runs the engines' kernels: WebAssembly relaxed SIMD and shared memory. */
export function wasmRuns(): boolean {
  if (runs === undefined) {
    try {
      new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
      runs = WebAssembly.validate(relaxedSimdProbe());
    } catch {
      runs = false;
    }
  }
  return runs;
}
