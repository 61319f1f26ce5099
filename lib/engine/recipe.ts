/**
 * A recipe: a network and how to train it, in one object — what the second notebook changes
 * one field at a time. `runRecipe` trains it on the fastest engine that fits and returns the
 * same record whatever the engine: a point per epoch, the time, the dev and test accuracy.
 *
 * @module
 */

import type { Digits } from "../data/dataset.ts";
import { createRng } from "../data/random.ts";
import type { EpochPoint } from "../nn/minibatch.ts";
import type { OptimizerName } from "../nn/optimizers.ts";
import { initParams, type InitScheme, type Params } from "../nn/params.ts";
import type { ScheduleName } from "../nn/schedules.ts";
import { evaluate } from "./evaluate.ts";
import { train } from "./train.ts";
import { TrainingStopped } from "./shared/stop.ts";
import { trainMiniBatch } from "./train_minibatch.ts";

/** A network and its training, every choice spelled out. */
export interface Recipe {
  /** Layer sizes, input first: `[784, 10, 10, 10]` is the seed's. */
  sizes: number[];
  /** How the weights start: the seed's scales or He's `√(2 / inputs)`. */
  initScheme: InitScheme;
  /** Images per step; `"all"` is full-batch gradient descent, as in the seed. */
  batchSize: number | "all";
  /** Passes over the training set (for a full batch, one pass is one step). */
  epochs: number;
  /** The update rule. */
  optimizer: OptimizerName;
  /** The base learning rate (the seed's α). */
  lr: number;
  /** μ, for momentum (0.9). */
  momentum?: number;
  /** How the learning rate changes over the epochs. */
  schedule: ScheduleName;
  /** Shift each image by up to this many pixels each way, anew every epoch. */
  augment: number;
  /** Seed of the initial weights and of every epoch's order and shifts. */
  seed: number;
}

/** What {@link runRecipe} returns. */
export interface RecipeResult {
  /** The recipe trained. */
  recipe: Recipe;
  /** The trained parameters. */
  params: Params;
  /** One point per epoch (for a full batch: per step), with its wall-clock seconds. */
  history: EpochPoint[];
  /** Wall-clock seconds of the training, engine start included. */
  seconds: number;
  /** Accuracy on the dev set after training. */
  devAccuracy: number;
  /** Accuracy on the test set after training, when one is given. */
  testAccuracy?: number;
  /** Weights and biases: the network's size. */
  weights: number;
}

/** Weights and biases of a network of layer sizes `sizes`: Σ (nₗ + 1)·nₗ₊₁. */
export function weightCount(sizes: readonly number[]): number {
  let count = 0;
  for (let l = 0; l + 1 < sizes.length; l++) count += (sizes[l] + 1) * sizes[l + 1];
  return count;
}

/** Options of {@link runRecipe}: the sets to score, progress and a way to stop. */
export interface RecipeSets {
  /** The held-out set scored after each epoch (for a full batch: at checkpoints). */
  dev: Digits;
  /** A test set scored once, after training. */
  test?: Digits;
  /** Called after each epoch (for a full batch: each step) with its point; awaited. */
  onEpoch?: (point: EpochPoint, epochs: number) => void | Promise<void>;
  /**
   * Stops the training when aborted: `runRecipe` then throws {@link TrainingStopped} whose
   * `result` is the {@link RecipeResult} of the epochs done, scored on dev and test.
   */
  signal?: AbortSignal;
}

/**
 * Train a recipe on the engine `chooseEngine` picks (`choose.ts`): plain full-batch gradient
 * descent through `train` — the seed's fused engine for the seed's sizes, the mini-batch engine
 * for wider ones — and everything else through `trainMiniBatch`. Every engine is proven equal to
 * the readable loops.
 *
 * @example
 * ```ts ignore
 * const run = await runRecipe(trainSet, { ...seedRecipe, initScheme: "he" }, { dev, test });
 * console.log(run.devAccuracy, run.seconds);
 * ```
 *
 * @throws {TrainingStopped} When `signal` is aborted, with the epochs done.
 */
export async function runRecipe(
  trainSet: Digits,
  recipe: Recipe,
  sets: RecipeSets,
): Promise<RecipeResult> {
  const { dev, test, onEpoch, signal } = sets;
  const fullBatch = recipe.batchSize === "all" || recipe.batchSize >= trainSet.count;
  const plainFullBatch = fullBatch && recipe.optimizer === "sgd" &&
    recipe.schedule === "constant" && recipe.augment === 0;
  const t0 = performance.now();
  const finish = (params: Params, history: EpochPoint[]): RecipeResult => ({
    recipe,
    params,
    history,
    seconds: (performance.now() - t0) / 1000,
    // Both loops score the dev set on the trained weights for their last point.
    devAccuracy: history.at(-1)?.devAccuracy ?? evaluate(params, dev).accuracy,
    testAccuracy: test ? evaluate(params, test).accuracy : undefined,
    weights: weightCount(recipe.sizes),
  });
  const history: EpochPoint[] = [];
  try {
    if (plainFullBatch) {
      const every = Math.max(1, Math.round(recipe.epochs / 20));
      const result = await train(trainSet, {
        iterations: recipe.epochs,
        alpha: recipe.lr,
        params: initParams(createRng(recipe.seed), recipe.sizes, recipe.initScheme),
        dev,
        evalEvery: every,
        signal,
        // The seed's point i is taken before step i + 1: the state after i steps (epochs).
        onProgress: async (p) => {
          if (p.iteration === 0) return;
          const point: EpochPoint = {
            epoch: p.iteration,
            lr: recipe.lr,
            trainAccuracy: p.trainAccuracy,
            loss: p.loss,
            seconds: (performance.now() - t0) / 1000,
          };
          if (p.devAccuracy !== undefined) {
            Object.assign(point, { devAccuracy: p.devAccuracy, devLoss: p.devLoss });
          }
          history.push(point);
          await onEpoch?.(point, recipe.epochs);
        },
      });
      return finish(result.params, history);
    }
    const result = await trainMiniBatch(trainSet, {
      ...recipe,
      batchSize: fullBatch ? trainSet.count : recipe.batchSize as number,
      dev,
      onEpoch,
      signal,
    });
    return finish(result.params, result.history);
  } catch (error) {
    if (!(error instanceof TrainingStopped)) throw error;
    const partial = error.result as { params: Params; history: unknown[] };
    const points = plainFullBatch ? history : partial.history as EpochPoint[];
    throw new TrainingStopped(
      `training ${recipe.sizes.join("-")}`,
      { done: error.done, total: error.total, unit: "epoch" },
      finish(partial.params, points),
    );
  }
}
