/**
 * Averaging predictions. An *ensemble* scores each image with several networks and takes the mean
 * of their class probabilities; *test-time augmentation* (TTA) scores each image as given and
 * shifted by a pixel each way and takes the mean of those. Both cancel some of each single
 * prediction's accidents. With K models and S shifts, image x gets
 *
 * ```text
 * P̄(x) = (1 / (K·S)) · Σₖ Σₛ Pₖ(shiftₛ(x)),      prediction = argmax P̄(x)
 * ```
 *
 * @module
 */

import { takeShifted } from "../data/augment.ts";
import type { Digits } from "../data/dataset.ts";
import type { Model } from "../nn/dense_view.ts";
import { matrix } from "../nn/matrix.ts";
import { crossEntropy, getAccuracy, getPredictions } from "../nn/metrics.ts";
import type { Evaluation } from "./evaluate.ts";
import { startScorer } from "./parallel.ts";

/** The image as given and moved one pixel right, left, down and up: `[dx, dy]` pairs. */
export const TTA_SHIFTS: readonly (readonly [number, number])[] = [
  [0, 0],
  [1, 0],
  [-1, 0],
  [0, 1],
  [0, -1],
];

/** Every image of `digits` moved `dx` pixels right and `dy` down. */
export function shiftAll(digits: Digits, dx: number, dy: number): Digits {
  if (dx === 0 && dy === 0) return digits;
  const n = digits.count;
  const all = Uint32Array.from({ length: n }, (_, j) => j);
  const shifted = takeShifted(digits, all, {
    dx: new Int8Array(n).fill(dx),
    dy: new Int8Array(n).fill(dy),
  });
  return { ...shifted, labels: digits.labels };
}

/**
 * Score `digits` by the mean class probabilities of `models`, each run on every image shifted by
 * each of `shifts` (default: the images as given, no TTA), on every core.
 *
 * @example
 * ```ts ignore
 * const votes = await evaluateAverage([net1, net2, net3], test, TTA_SHIFTS);
 * console.log(votes.accuracy);
 * ```
 *
 * @param threads Threads that score (default: the cores, at most 8).
 * @param scored Each model's scores of `digits` as given, where known (a `fit` result's
 *   `scores`): taken for the shift `[0, 0]` in place of scoring the images again.
 * @throws {RangeError} When there is no model or no shift.
 */
export async function evaluateAverage(
  models: readonly Model[],
  digits: Digits,
  shifts: readonly (readonly [number, number])[] = [[0, 0]],
  threads?: number,
  scored: readonly (Evaluation | undefined)[] = [],
): Promise<Evaluation> {
  if (models.length === 0 || shifts.length === 0) {
    throw new RangeError("Cannot average the predictions of no model or no image");
  }
  let sum: Float64Array | undefined, classes = 0;
  const scorer = startScorer(threads);
  try {
    for (const [dx, dy] of shifts) {
      const moved = shiftAll(digits, dx, dy);
      for (const [k, model] of models.entries()) {
        const known = dx === 0 && dy === 0 ? scored[k] : undefined;
        const { probabilities } = known ?? await scorer.evaluate(model, moved);
        classes = probabilities.rows;
        sum ??= new Float64Array(probabilities.data.length);
        for (let i = 0; i < sum.length; i++) sum[i] += probabilities.data[i];
      }
    }
  } finally {
    scorer.close();
  }
  const n = models.length * shifts.length;
  const probabilities = matrix(classes, digits.count, sum!.map((p) => p / n));
  const predictions = getPredictions(probabilities);
  return {
    probabilities,
    predictions,
    accuracy: getAccuracy(predictions, digits.labels),
    loss: crossEntropy(probabilities, digits.labels),
  };
}
