/**
 * An ensemble as a run of its own: several trained networks' mean probabilities, scored on the
 * dev and test sets (`evaluateAverage`), recorded as a step like any training — one point at its
 * members' epochs and summed seconds, so that tables and charts take it beside the others.
 *
 * @module
 */

import type { Digits } from "../data/dataset.ts";
import { evaluateAverage } from "../engine/ensemble.ts";
import type { Evaluation } from "../engine/evaluate.ts";
import type { EpochPoint } from "../nn/minibatch.ts";
import { type FitResult, scoresOf } from "./fit.ts";

/** What {@link averageRuns} returns. */
export interface EnsembleRun {
  /** The trained runs averaged. */
  members: FitResult[];
  /** The shifts each image is scored at, `[dx, dy]` pairs (`[[0, 0]]`: as given). */
  shifts: readonly (readonly [number, number])[];
  /** One point: the members' most epochs, their summed seconds and the scoring, the dev score. */
  history: EpochPoint[];
  /** The members' seconds of training and the scoring's. */
  seconds: number;
  /** Seconds of the scoring alone. */
  scoringSeconds: number;
  /** Accuracy of the mean probabilities on the dev set. */
  devAccuracy: number;
  /** The mean cross-entropy of the mean probabilities on the dev set. */
  devLoss: number;
  /** Accuracy on the test set. */
  testAccuracy: number;
  /** The test set's scores: probabilities, predictions, accuracy and loss. */
  scores: Evaluation;
  /** Parameters of all the members. */
  parameters: number;
}

/**
 * Score the mean class probabilities of `members`' networks, each run on every image shifted by
 * each of `shifts` (test-time augmentation), on the dev and test sets, on every core.
 *
 * @example
 * ```ts ignore
 * const votes = await averageRuns([run6, run7, run8], { dev, test }, TTA_SHIFTS);
 * console.log(votes.testAccuracy);
 * ```
 *
 * @throws {RangeError} When there is no member or no shift.
 */
export async function averageRuns(
  members: FitResult[],
  sets: { dev: Digits; test: Digits },
  shifts: readonly (readonly [number, number])[] = [[0, 0]],
): Promise<EnsembleRun> {
  const t0 = performance.now();
  const networks = members.map((r) => r.network);
  const onDev = await evaluateAverage(networks, sets.dev, shifts);
  // Each member's test scores as given, from its training, are not computed again.
  const scored = members.map((r) => scoresOf(r, sets.test));
  const onTest = await evaluateAverage(networks, sets.test, shifts, undefined, scored);
  const scoringSeconds = (performance.now() - t0) / 1000;
  const seconds = members.reduce((s, r) => s + r.seconds, 0) + scoringSeconds;
  const point: EpochPoint = {
    epoch: Math.max(...members.map((r) => r.settings.epochs)),
    lr: 0,
    trainAccuracy: NaN,
    loss: NaN,
    devAccuracy: onDev.accuracy,
    devLoss: onDev.loss,
    seconds,
  };
  return {
    members,
    shifts,
    history: [point],
    seconds,
    scoringSeconds,
    devAccuracy: onDev.accuracy,
    devLoss: onDev.loss,
    testAccuracy: onTest.accuracy,
    scores: onTest,
    parameters: members.reduce((s, r) => s + r.parameters, 0),
  };
}
