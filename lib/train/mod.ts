/**
 * Training: {@link fit}, the one way to train a network, from a {@link Recipe} — the network's
 * layers and every choice of its training, each with a default — and the run's data, callbacks
 * and engine. What it returns, {@link FitResult}, holds the trained network, a point per epoch
 * and per batch, the times, the dev and test accuracy, and a failed run's warning.
 *
 * - Callbacks ({@link Callback}): {@link earlyStopping}, {@link checkpoint}, or a learner's own.
 * - Stopping: a training takes an `AbortSignal`; a stopped one throws {@link TrainingStopped},
 *   which holds what it trained ({@link lastStop} keeps the last one).
 * - An ensemble as a run: {@link averageRuns}.
 *
 * @module
 */

export { fit, FIT_OPTIONS, scoresOf } from "./fit.ts";
export type { FitOptions, FitResult } from "./fit.ts";
export { describeRecipe, RECIPE_DEFAULTS, RECIPE_OPTIONS, resolveRecipe } from "./recipe.ts";
export type { Recipe, TrainingSettings } from "./recipe.ts";
export { checkpoint, earlyStopping } from "./callbacks.ts";
export type {
  BatchPoint,
  Callback,
  CheckpointOptions,
  EarlyStoppingOptions,
  Monitor,
  Trainer,
} from "./callbacks.ts";
export { lastStop, stopCheck, stopWords, TrainingStopped, YIELD_EVERY_MS } from "./stop.ts";
export type { StopPoint } from "./stop.ts";
export { averageRuns } from "./ensemble.ts";
export type { EnsembleRun } from "./ensemble.ts";
export type { Check, Schema } from "../options.ts";
