/**
 * A training that has plainly failed, said in one sentence: the train accuracy still at chance
 * long after a working run leaves it, a loss that grew, or a loss that blew up and ended worse
 * than guessing. All three are what a learning rate far too large does (the weights jump past
 * every minimum, the ReLU units die); a rate far too small leaves the accuracy at chance with a
 * loss that barely moves.
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
 * Why the run of `points` (one per epoch, oldest first) has plainly failed, in one sentence, or
 * `undefined` when it has not. The loss *exploded* when a batch's loss rose above three times
 * the loss of guessing, `3·ln(classes)`, and 1.5 times the first batch's — the loss of the
 * starting weights, before any update. The run failed
 *
 * - at chance: its last train accuracy has not gone a tenth of the way from chance
 *   (1/classes) to 100% — below 19% for ten classes — after at least
 *   {@link CHANCE_AFTER_STEPS} updates, or after an explosion however few;
 * - with a growing loss: over three epochs or more, the last loss is above the first;
 * - or worse than guessing: the loss exploded and the last epoch's is above `ln(classes)`.
 *
 * The likely cause is a learning rate too large when the loss exploded or grew; else too small,
 * or too few steps.
 *
 * @param run `steps`: updates taken; `lr`: the base learning rate; `batchLosses`: each batch's
 *   loss, oldest first (without them the epochs' losses stand in).
 */
export function trainingProblem(
  points: readonly ScorePoint[],
  run: { steps: number; lr: number; classes?: number; batchLosses?: readonly number[] },
): string | undefined {
  if (points.length === 0) return undefined;
  const classes = run.classes ?? 10, guess = Math.log(classes);
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const losses = run.batchLosses?.length ? run.batchLosses : points.map((p) => p.loss);
  const start = losses[0];
  const peak = Math.max(...losses);
  const exploded = peak > 3 * guess && peak > 1.5 * start;
  const first = points[0].loss, last = points.at(-1)!.loss;
  const accuracy = points.at(-1)!.trainAccuracy;
  const chance = 1 / classes;
  const atChance = accuracy < chance + 0.1 * (1 - chance) &&
    (run.steps >= CHANCE_AFTER_STEPS || exploded);
  const grew = points.length >= 3 && last > first;
  const worse = exploded && last > guess;
  if (!atChance && !grew && !worse) return undefined;
  const what = atChance
    ? `after ${run.steps} updates the train accuracy is ${pct(accuracy)}, about chance (${
      pct(chance)
    })`
    : grew
    ? `the loss grew from ${first.toFixed(4)} to ${last.toFixed(4)}`
    : `the loss ended at ${last.toFixed(4)}, worse than guessing (ln ${classes} = ${
      guess.toFixed(2)
    })`;
  const cause = exploded || grew
    ? `the learning rate ${run.lr} is likely too large (the loss went from ${
      start.toFixed(2)
    } at the start to ${peak.toFixed(2)}): try one ten times smaller`
    : `the learning rate ${run.lr} may be too small, or the training too short`;
  return `Training failed: ${what}; ${cause}`;
}
