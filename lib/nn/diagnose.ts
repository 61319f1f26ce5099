/**
 * A training that has plainly failed, said in one sentence: the train accuracy still at chance
 * long after a working run leaves it, or a loss that grew. Both are what a learning rate far
 * too large does (the weights jump past every minimum, the ReLU units die); a rate far too small
 * leaves the accuracy at chance with a loss that barely moves.
 *
 * @module
 */

/** What {@link trainingProblem} reads of each history point. */
export interface ScorePoint {
  /** Accuracy on the training set (or its batches). */
  trainAccuracy: number;
  /** Mean cross-entropy loss on the training set (or its batches). */
  loss: number;
}

/**
 * Updates after which a run still at chance has failed. The seed (784-10-10-10, full batch,
 * α = 0.1) is at 47% after 100 steps; with mini-batches one epoch is over 300 steps.
 */
export const CHANCE_AFTER_STEPS = 100;

/**
 * Why the run of `points` (oldest first) has plainly failed, in one sentence, or `undefined`
 * when it has not:
 *
 * - at chance: after at least {@link CHANCE_AFTER_STEPS} updates the last train accuracy has
 *   not gone a tenth of the way from chance (1/classes) to 100% — below 19% for ten classes;
 * - a growing loss: over three points or more, the last loss is above the first.
 *
 * The likely cause is a learning rate too large when the loss ever rose 1.5 times above both the
 * first loss and the loss of guessing, ln(classes), or grew; else too small or too few steps.
 */
export function trainingProblem(
  points: readonly ScorePoint[],
  run: { steps: number; lr: number; classes?: number },
): string | undefined {
  if (points.length === 0) return undefined;
  const classes = run.classes ?? 10;
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const first = points[0].loss, last = points.at(-1)!.loss;
  const peak = Math.max(...points.map((p) => p.loss));
  const accuracy = points.at(-1)!.trainAccuracy;
  const chance = 1 / classes;
  const atChance = run.steps >= CHANCE_AFTER_STEPS && accuracy < chance + 0.1 * (1 - chance);
  const grew = points.length >= 3 && last > first;
  if (!atChance && !grew) return undefined;
  const what = atChance
    ? `after ${run.steps} updates the train accuracy is ${pct(accuracy)}, about chance (${
      pct(chance)
    })`
    : `the loss grew from ${first.toFixed(4)} to ${last.toFixed(4)}`;
  const tooLarge = grew || peak > 1.5 * Math.max(first, Math.log(classes));
  const cause = tooLarge
    ? `the learning rate ${run.lr} is likely too large (the loss reached ${
      peak.toFixed(2)
    }): try one ten times smaller`
    : `the learning rate ${run.lr} may be too small, or the training too short`;
  return `Training failed: ${what}; ${cause}`;
}
