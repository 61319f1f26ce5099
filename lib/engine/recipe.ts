/**
 * A recipe: a network and how to train it, in one object — what the second and third notebooks
 * change one field at a time. The network is dense (`sizes`) or a list of layers (`layers`:
 * convolutions, pooling, dense). `runRecipe` trains it on the fastest engine that fits and returns
 * the same record whatever the engine: a point per epoch, the time, the dev and test accuracy.
 *
 * @module
 */

import type { Digits } from "../data/dataset.ts";
import type { DistortOptions } from "../data/distort.ts";
import { createRng } from "../data/random.ts";
import type { Network } from "../nn/layers/network.ts";
import { parseLayers } from "../nn/layers/spec.ts";
import { networkParameterLengths } from "../nn/layers/train.ts";
import type { EpochPoint } from "../nn/minibatch.ts";
import type { OptimizerName } from "../nn/optimizers.ts";
import { initParams, type InitScheme, type Params } from "../nn/params.ts";
import type { ScheduleName } from "../nn/schedules.ts";
import { evaluate } from "./evaluate.ts";
import { evaluateParallel } from "./parallel.ts";
import { train } from "./train.ts";
import { TrainingStopped } from "./shared/stop.ts";
import { trainMiniBatch } from "./train_minibatch.ts";
import { trainNetwork } from "./train_network.ts";

/** A network and its training, every choice spelled out. */
export interface Recipe {
  /** A dense network's layer sizes, input first: `[784, 10, 10, 10]` is the seed's. */
  sizes?: number[];
  /**
   * Or the network as layers, in `parseLayers`' short form (`"conv5x32,pool2,dense256"`): the
   * output layer of 10 follows; He-initialised.
   */
  layers?: string;
  /** How a dense network's weights start: the seed's scales or He's `√(2 / inputs)`. */
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
  /** Rotate and scale each image too, anew every epoch (networks given as `layers`). */
  distort?: DistortOptions;
  /** Seed of the initial weights and of every epoch's order and shifts. */
  seed: number;
}

/** What {@link runRecipe} returns. */
export interface RecipeResult {
  /** The recipe trained. */
  recipe: Recipe;
  /** The trained network: `Params` for `sizes`, a `Network` for `layers`. */
  model: Params | Network;
  /** One point per epoch (for a full batch: per step), with its wall-clock seconds. */
  history: EpochPoint[];
  /** Wall-clock seconds of the training, engine start included. */
  seconds: number;
  /** Accuracy on the dev set after training. */
  devAccuracy: number;
  /** Accuracy on the test set after training, when one is given (not after a stop). */
  testAccuracy?: number;
  /** Parameters (weights and biases): the network's size. */
  parameters: number;
}

/** Parameters (weights and biases) of a dense network of layer sizes `sizes`: Σ (nₗ + 1)·nₗ₊₁. */
export function weightCount(sizes: readonly number[]): number {
  let count = 0;
  for (let l = 0; l + 1 < sizes.length; l++) count += (sizes[l] + 1) * sizes[l + 1];
  return count;
}

/** Parameters (weights and biases) of a network: dense `Params` or a layer list. */
export function parameterCount(model: Params | Network): number {
  if (!("layers" in model)) return weightCount(model.sizes);
  return networkParameterLengths(model).reduce((a, b) => a + b, 0);
}

/** The network a recipe trains, in words: `784-256-128-10` or `conv5x32,pool2,dense256`. */
export function recipeNetwork(recipe: Recipe): string {
  if (recipe.layers !== undefined) return recipe.layers;
  return (recipe.sizes ?? []).join("-");
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
   * `result` is the {@link RecipeResult} of the epochs done: its dev accuracy is its last
   * epoch's, and it has no test accuracy (`evaluate` it: scoring takes seconds for a
   * convolutional network, and Stop answers at once).
   */
  signal?: AbortSignal;
}

/**
 * Train a recipe on the engine `chooseEngine` picks (`choose.ts`): a layer list through
 * `trainNetwork` (the convolution engine), plain full-batch gradient descent of a dense network
 * through `train` — the seed's fused engine for the seed's sizes, the mini-batch engine for wider
 * ones — and everything else through `trainMiniBatch`. Every engine is proven equal to the
 * readable loops.
 *
 * @example
 * ```ts ignore
 * const run = await runRecipe(trainSet, { ...seedRecipe, initScheme: "he" }, { dev, test });
 * console.log(run.devAccuracy, run.seconds);
 * ```
 *
 * @throws {RangeError} When the recipe gives both or neither of `sizes` and `layers`, or asks
 * to distort images for a network given as sizes.
 * @throws {TrainingStopped} When `signal` is aborted, with the epochs done.
 */
export async function runRecipe(
  trainSet: Digits,
  recipe: Recipe,
  sets: RecipeSets,
): Promise<RecipeResult> {
  if ((recipe.sizes === undefined) === (recipe.layers === undefined)) {
    throw new RangeError(
      "Cannot run a recipe: give its network as sizes or as layers, one of them",
    );
  }
  if (recipe.distort && recipe.sizes) {
    throw new RangeError(
      'Cannot rotate and scale images for a dense network given as sizes: give it as layers ("dense256,dense128")',
    );
  }
  const { dev, test, onEpoch, signal } = sets;
  const fullBatch = recipe.batchSize === "all" || recipe.batchSize >= trainSet.count;
  const plainFullBatch = recipe.sizes !== undefined && fullBatch && recipe.optimizer === "sgd" &&
    recipe.schedule === "constant" && recipe.augment === 0;
  const t0 = performance.now();
  const finish = async (
    model: Params | Network,
    history: EpochPoint[],
    stopped = false,
  ): Promise<RecipeResult> => {
    const seconds = (performance.now() - t0) / 1000;
    // Stop gives the notebook back at once: scoring 10,000 digits can take seconds. A
    // convolutional network's forward pass is long: its test set is scored on every core.
    const onTest = !test || stopped
      ? undefined
      : "layers" in model
      ? await evaluateParallel(model, test)
      : evaluate(model, test);
    return {
      recipe,
      model,
      history,
      seconds,
      // Every loop scores the dev set on the trained weights for its last point; a run stopped
      // before its first point is scored here, on this thread (starting threads takes a second).
      devAccuracy: history.at(-1)?.devAccuracy ?? evaluate(model, dev).accuracy,
      testAccuracy: onTest?.accuracy,
      parameters: parameterCount(model),
    };
  };
  const history: EpochPoint[] = [];
  const batchSize = fullBatch ? trainSet.count : recipe.batchSize as number;
  try {
    if (recipe.layers !== undefined) {
      const result = await trainNetwork(trainSet, {
        ...recipe,
        layers: parseLayers(recipe.layers),
        batchSize,
        dev,
        onEpoch,
        signal,
      });
      return await finish(result.network, result.history);
    }
    const sizes = recipe.sizes!;
    if (plainFullBatch) {
      const every = Math.max(1, Math.round(recipe.epochs / 20));
      const result = await train(trainSet, {
        iterations: recipe.epochs,
        alpha: recipe.lr,
        params: initParams(createRng(recipe.seed), sizes, recipe.initScheme),
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
      return await finish(result.params, history);
    }
    const result = await trainMiniBatch(trainSet, {
      ...recipe,
      sizes,
      batchSize,
      dev,
      onEpoch,
      signal,
    });
    return await finish(result.params, result.history);
  } catch (error) {
    if (!(error instanceof TrainingStopped)) throw error;
    const partial = error.result as { params?: Params; network?: Network; history: unknown[] };
    const points = plainFullBatch ? history : partial.history as EpochPoint[];
    throw new TrainingStopped(
      `training ${recipeNetwork(recipe)}`,
      { done: error.done, total: error.total, unit: "epoch" },
      await finish((partial.network ?? partial.params)!, points, true),
    );
  }
}
