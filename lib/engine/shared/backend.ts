/**
 * What every engine shares: which language runs its passes, what a step reports, what scoring a
 * set returns, and how many threads a run takes.
 *
 * @module
 */

import type { Matrix } from "../../nn/matrix.ts";

/**
 * Which kernels run the passes: `"wasm"`, WebAssembly SIMD (float32 passes, fast), or
 * `"typescript"`, plain TypeScript (float64, the fallback where WebAssembly is missing).
 */
export type Backend = "wasm" | "typescript";

/** What one training step measured, from its forward pass (before the update). */
export interface StepResult {
  /** Accuracy on the step's samples. */
  accuracy: number;
  /** Mean cross-entropy loss on the step's samples. */
  loss: number;
}

/** Scores of a set of digits under some parameters. */
export interface Evaluation {
  /** Class probabilities, classes×m (the last `A`). */
  probabilities: Matrix;
  /** The predicted class of each image. */
  predictions: Uint8Array;
  /** Fraction predicted right. */
  accuracy: number;
  /** Mean cross-entropy loss. */
  loss: number;
}

/**
 * Rows `from … to−1` of an {@link Evaluation} from their probabilities `P` (one row of `classes`
 * per sample, from sample `from`): each sample's column of `probabilities` (classes × m) and its
 * prediction, the most probable class (the first on ties, as `argmax`).
 */
export function takeRows(
  P: ArrayLike<number>,
  from: number,
  to: number,
  out: Pick<Evaluation, "probabilities" | "predictions">,
): void {
  const { rows: classes, cols: m, data } = out.probabilities;
  for (let j = from; j < to; j++) {
    const row = (j - from) * classes;
    let best = 0;
    for (let i = 0; i < classes; i++) {
      data[i * m + j] = P[row + i];
      if (P[row + i] > P[row + best]) best = i;
    }
    out.predictions[j] = best;
  }
}

/**
 * The most threads an engine takes, the main thread included. The mini-batch engine cuts a batch
 * into at most 16 chunks, so more threads would have nothing to do; and each thread is a Web
 * Worker that takes a fraction of a second to start.
 */
export const MAX_THREADS = 16;

/** The default thread count: the CPU cores, at most 8. */
export function defaultThreads(): number {
  return Math.max(1, Math.min(8, navigator.hardwareConcurrency || 1));
}

/**
 * The thread count of a run: `threads` (default {@link defaultThreads}), checked.
 *
 * @throws {RangeError} For a count that is not a whole number from 1 to {@link MAX_THREADS}.
 */
export function threadCount(threads: number | undefined): number {
  const n = threads ?? defaultThreads();
  if (!Number.isInteger(n) || n < 1 || n > MAX_THREADS) {
    throw new RangeError(
      `Cannot train on ${threads} threads: expected a whole number from 1 to ${MAX_THREADS}`,
    );
  }
  return n;
}
