/**
 * Mini-batch training as users run it: `miniBatchGradientDescent` of `lib/nn/minibatch.ts` on
 * the fast engine, with dev scores after each epoch, timings and progress callbacks.
 *
 * @module
 */

import type { Digits } from "../data/dataset.ts";
import { createRng } from "../data/random.ts";
import type { EpochPoint } from "../nn/minibatch.ts";
import { initParams, type InitScheme, type Params, SEED_SIZES } from "../nn/params.ts";
import type { ScheduleOptions } from "../nn/schedules.ts";
import type { Backend } from "./shared/backend.ts";
import { createMiniBatchEngine, type MiniBatchEngineOptions } from "./batch/engine.ts";
import { chooseEngine, type EngineName } from "./choose.ts";
import { evaluate } from "./evaluate.ts";
import { epochSettings, trainEpochs } from "./shared/epochs.ts";

/** Options of {@link trainMiniBatch}. */
export interface MiniBatchTrainOptions extends MiniBatchEngineOptions, ScheduleOptions {
  /** Passes over the training set (10). */
  epochs?: number;
  /** Images per step (128). */
  batchSize?: number;
  /** The base learning rate η₀ (0.001 for Adam, else 0.1). */
  lr?: number;
  /** Shift each image by up to this many pixels each way, anew every epoch (0). */
  augment?: number;
  /** Starting parameters; default: `initParams(createRng(seed), sizes, initScheme)`. */
  params?: Params;
  /** Seed of the initial parameters and of every epoch's order and shifts (0). */
  seed?: number;
  /** Layer sizes when `params` is not given (784-10-10-10). */
  sizes?: readonly number[];
  /** The initialisation when `params` is not given (the seed's for 784-10-10-10, else He). */
  initScheme?: InitScheme;
  /** A held-out set scored after each epoch. */
  dev?: Digits;
  /** Called after each batch; may be async (it is awaited). */
  onBatch?: (done: { epoch: number; batch: number; batches: number }) => void | Promise<void>;
  /** Called after each epoch with its point; may be async (it is awaited). */
  onEpoch?: (point: EpochPoint, epochs: number) => void | Promise<void>;
  /**
   * Stops the training between two batches when aborted: `trainMiniBatch` then throws
   * {@link TrainingStopped}, whose `result` holds the weights so far and the epochs completed.
   */
  signal?: AbortSignal;
}

/** What {@link trainMiniBatch} returns. */
export interface MiniBatchTrainResult {
  /** The trained parameters. */
  params: Params;
  /** One point per epoch. */
  history: EpochPoint[];
  /** Threads the engine used. */
  threads: number;
  /** The engine that ran: the mini-batch engine. */
  engine: EngineName;
  /** The kernels the engine used. */
  backend: Backend;
  /** Wall-clock seconds: `setup` (engine start), `epochs` (the epochs themselves), `total`. */
  seconds: { setup: number; epochs: number; total: number };
}

/**
 * Train by mini-batch gradient descent with an optimizer, a learning-rate schedule and random
 * shifts, on the fast engine. The weights depend on the seed and options, never on the number of
 * threads.
 *
 * @example
 * ```ts ignore
 * const { params, history } = await trainMiniBatch(trainSet, {
 *   sizes: [784, 256, 128, 10], optimizer: "adam", lr: 0.001, batchSize: 128, epochs: 30,
 *   schedule: "cosine", augment: 2, dev,
 * });
 * ```
 *
 * @throws {RangeError} For options out of range, in one sentence.
 * @throws {Error} `Training diverged in epoch E: …` when the loss stops being finite.
 * @throws {TrainingStopped} When `signal` is aborted, with the epochs and batches done.
 */
export async function trainMiniBatch(
  trainSet: Digits,
  options: MiniBatchTrainOptions = {},
): Promise<MiniBatchTrainResult> {
  const m = trainSet.count;
  const settings = epochSettings(options, m);
  if (settings.augment > 0 && (options.params?.sizes[0] ?? options.sizes?.[0] ?? 784) !== 784) {
    throw new RangeError("Cannot shift images that are not 28×28: augmentation needs 784 inputs");
  }
  const rng = createRng(options.seed ?? 0);
  const start = options.params ??
    initParams(rng, options.sizes ?? SEED_SIZES, options.initScheme);
  const { engine: name, backend } = chooseEngine({
    sizes: start.sizes,
    plainFullBatch: false,
    backend: options.backend,
  });
  const startEngine = async () => {
    const e = await createMiniBatchEngine(trainSet, start, settings.batchSize, {
      ...options,
      backend,
    });
    return { ...e, model: e.params };
  };
  return await trainEpochs(
    startEngine,
    m,
    rng,
    { ...options, ...settings },
    `training ${start.sizes.join("-")}`,
    (params, dev) => evaluate(params, dev),
    ({ model, ...run }) => ({ params: model, engine: name, ...run }),
  );
}
