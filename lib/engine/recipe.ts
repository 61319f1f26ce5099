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
import { initParams, type InitScheme, isSeedSizes, type Params } from "../nn/params.ts";
import type { ScheduleName } from "../nn/schedules.ts";
import { evaluate, train } from "./train.ts";
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

/**
 * Train a recipe. Plain full-batch gradient descent on the seed's 784-10-10-10 runs on the
 * seed's engine (`train`, several times faster at that one job); everything else on the
 * mini-batch engine (`trainMiniBatch`). Both are proven equal to the readable loops.
 *
 * @example
 * ```ts ignore
 * const run = await runRecipe(trainSet, { ...seedRecipe, initScheme: "he" }, { dev, test });
 * console.log(run.devAccuracy, run.seconds);
 * ```
 */
export async function runRecipe(
  trainSet: Digits,
  recipe: Recipe,
  sets: {
    dev: Digits;
    test?: Digits;
    onEpoch?: (point: EpochPoint, epochs: number) => void | Promise<void>;
  },
): Promise<RecipeResult> {
  const { dev, test, onEpoch } = sets;
  const fullBatch = recipe.batchSize === "all" || recipe.batchSize >= trainSet.count;
  const t0 = performance.now();
  let params: Params, history: EpochPoint[];
  if (
    fullBatch && recipe.optimizer === "sgd" && recipe.schedule === "constant" &&
    recipe.augment === 0 && isSeedSizes(recipe.sizes)
  ) {
    history = [];
    const every = Math.max(1, Math.round(recipe.epochs / 20));
    const result = await train(trainSet, {
      iterations: recipe.epochs,
      alpha: recipe.lr,
      params: initParams(createRng(recipe.seed), recipe.sizes, recipe.initScheme),
      dev,
      evalEvery: every,
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
    params = result.params;
  } else {
    const result = await trainMiniBatch(trainSet, {
      ...recipe,
      batchSize: fullBatch ? trainSet.count : recipe.batchSize as number,
      dev,
      onEpoch,
    });
    params = result.params, history = result.history;
  }
  const seconds = (performance.now() - t0) / 1000;
  return {
    recipe,
    params,
    history,
    seconds,
    // Both engines score the dev set on the trained weights for their last point.
    devAccuracy: history.at(-1)?.devAccuracy ?? evaluate(params, dev).accuracy,
    testAccuracy: test ? evaluate(params, test).accuracy : undefined,
    weights: weightCount(recipe.sizes),
  };
}
