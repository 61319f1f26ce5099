/**
 * Training a network given as a list of layers (`lib/nn/layers/`) — convolutions, pooling, dense
 * layers — by mini-batches, with every option of `trainMiniBatch`: optimizers, schedules, random
 * shifts, rotations and scalings, weight decay, dev scores after each epoch, progress callbacks and a signal to stop.
 *
 * @module
 */

import type { Digits } from "../data/dataset.ts";
import { checkDistort, type DistortOptions } from "../data/distort.ts";
import { createRng } from "../data/random.ts";
import { initNetwork, type Network } from "../nn/layers/network.ts";
import { type LayerSpec, layersText } from "../nn/layers/spec.ts";
import type { EpochPoint } from "../nn/minibatch.ts";
import type { OptimizerOptions } from "../nn/optimizers.ts";
import type { ScheduleOptions } from "../nn/schedules.ts";
import { chooseEngine, type EngineName } from "./choose.ts";
import { createConvEngine } from "./conv/engine.ts";
import { evaluate } from "./evaluate.ts";
import type { Backend } from "./shared/backend.ts";
import { epochSettings, trainEpochs } from "./shared/epochs.ts";

/** Options of {@link trainNetwork}. */
export interface NetworkTrainOptions extends OptimizerOptions, ScheduleOptions {
  /** The layers, when `network` is not given: He-initialised from `seed`. */
  layers?: LayerSpec[];
  /** The starting network (default: `initNetwork(layers, createRng(seed))`). */
  network?: Network;
  /** Passes over the training set (10). */
  epochs?: number;
  /** Images per step (128). */
  batchSize?: number;
  /** The base learning rate η₀ (0.001 for Adam, else 0.1). */
  lr?: number;
  /** Shift each image by up to this many pixels each way, anew every epoch (0). */
  augment?: number;
  /** Rotate and scale each image by a random angle and factor too, anew every epoch. */
  distort?: DistortOptions;
  /** Seed of the initial weights and of every epoch's order and shifts (0). */
  seed?: number;
  /** A held-out set scored after each epoch. */
  dev?: Digits;
  /** The kernels: `"auto"` (default: WebAssembly where it takes the layers) or one of them. */
  backend?: Backend | "auto";
  /** Threads, the main thread included (default: the CPU cores, at most 8). */
  threads?: number;
  /** Called after each batch; may be async (it is awaited). */
  onBatch?: (done: { epoch: number; batch: number; batches: number }) => void | Promise<void>;
  /** Called after each epoch with its point; may be async (it is awaited). */
  onEpoch?: (point: EpochPoint, epochs: number) => void | Promise<void>;
  /** Stops the training between two batches when aborted: see {@link TrainingStopped}. */
  signal?: AbortSignal;
}

/** What {@link trainNetwork} returns. */
export interface NetworkTrainResult {
  /** The trained network. */
  network: Network;
  /** One point per epoch. */
  history: EpochPoint[];
  /** Threads the engine used. */
  threads: number;
  /** The engine that ran. */
  engine: EngineName;
  /** The kernels it used. */
  backend: Backend;
  /** Wall-clock seconds: `setup`, `epochs` (the epochs themselves), `total`. */
  seconds: { setup: number; epochs: number; total: number };
}

/**
 * Train a layer-list network by mini-batch gradient descent: what
 * `networkMiniBatchGradientDescent` computes, on the convolution engine.
 *
 * @example
 * ```ts ignore
 * const { network } = await trainNetwork(trainSet, {
 *   layers: parseLayers("conv5x32,pool2,conv5x64,pool2,dense256"), optimizer: "adam", lr: 0.001,
 *   batchSize: 128, epochs: 15, schedule: "cosine", augment: 2, dev,
 * });
 * ```
 *
 * @throws {RangeError} For options out of range, in one sentence.
 * @throws {Error} `Training diverged in epoch E: …` when the loss stops being finite.
 * @throws {TrainingStopped} When `signal` is aborted, with the epochs and batches done.
 */
export async function trainNetwork(
  trainSet: Digits,
  options: NetworkTrainOptions,
): Promise<NetworkTrainResult> {
  const m = trainSet.count;
  const settings = epochSettings(options, m);
  if (options.distort) checkDistort(options.distort);
  const rng = createRng(options.seed ?? 0);
  if (!options.network && !options.layers) {
    throw new RangeError("Cannot train a network without its layers: give layers or network");
  }
  const start = options.network ?? initNetwork(options.layers!, rng);
  const { engine: name, backend } = chooseEngine({
    sizes: [],
    layers: start.layers,
    input: start.input,
    plainFullBatch: false,
    backend: options.backend,
  });
  const startEngine = async () => {
    const e = await createConvEngine(trainSet, start, settings.batchSize, { ...options, backend });
    return { ...e, model: e.network };
  };
  return await trainEpochs(
    startEngine,
    m,
    rng,
    { ...options, ...settings },
    `training ${layersText(start.layers)}`,
    (network, dev) => evaluate(network, dev),
    ({ model, ...run }) => ({ network: model, engine: name, ...run }),
  );
}
