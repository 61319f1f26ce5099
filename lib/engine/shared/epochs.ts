/**
 * The epoch loop every mini-batch training runs, whatever its engine: lay out each epoch (order
 * and shifts), step through its batches at the schedule's learning rate, refuse a loss that is
 * no longer finite, score the dev set after each epoch, report progress, and stop between two
 * batches when asked.
 *
 * @module
 */

import type { Digits } from "../../data/dataset.ts";
import type { Distortions, DistortOptions } from "../../data/distort.ts";
import type { Rng } from "../../data/random.ts";
import type { Network } from "../../nn/layers/network.ts";
import { checkMiniBatch, type EpochPoint, planEpoch } from "../../nn/minibatch.ts";
import type { Params } from "../../nn/params.ts";
import { learningRate, type ScheduleOptions } from "../../nn/schedules.ts";
import type { Backend, StepResult } from "./backend.ts";
import { stopCheck, TrainingStopped } from "./stop.ts";

/** What the loop needs of an engine. */
export interface EpochEngine<M> {
  /** Threads in use. */
  readonly threads: number;
  /** The kernels in use. */
  readonly backend: Backend;
  /** Release the engine's workers and memory. */
  close(): void;
  /**
   * Lay out an epoch: the images in `order`, each shifted by `dx[i]`, `dy[i]` (and rotated and
   * scaled by `distortions`, for the engines that take them).
   */
  arrange(order: Uint32Array, dx: Int8Array, dy: Int8Array, distortions?: Distortions): void;
  /** One optimizer step on samples `from … to−1` of the arranged epoch, at rate `lr`. */
  step(from: number, to: number, lr: number): StepResult;
  /** The current model. */
  model(): M;
}

/** The loop's settings. */
export interface EpochOptions extends ScheduleOptions {
  /** Passes over the training set. */
  epochs: number;
  /** Images per step. */
  batchSize: number;
  /** The base learning rate η₀. */
  lr: number;
  /** Shift each image by up to this many pixels each way, anew every epoch. */
  augment: number;
  /** Rotate and scale each image, anew every epoch (engines that take distortions only). */
  distort?: DistortOptions;
  /** A held-out set scored after each epoch, by `score`. */
  dev?: Digits;
  /** Called after each batch; awaited. */
  onBatch?: (done: { epoch: number; batch: number; batches: number }) => void | Promise<void>;
  /** Called after each epoch with its point; awaited. */
  onEpoch?: (point: EpochPoint, epochs: number) => void | Promise<void>;
  /** Stops the loop between two batches when aborted. */
  signal?: AbortSignal;
}

/** A finished (or stopped) run of {@link trainEpochs}. */
export interface EpochRun<M> {
  /** The trained model. */
  model: M;
  /** One point per epoch completed. */
  history: EpochPoint[];
  /** Threads the engine used. */
  threads: number;
  /** The kernels it used. */
  backend: Backend;
  /** Wall-clock seconds: `setup` (engine start), `epochs` (the epochs themselves), `total`. */
  seconds: { setup: number; epochs: number; total: number };
}

/**
 * The settings of a mini-batch training over `m` images, defaults filled in (10 epochs, batches
 * of 128, η₀ = 0.001 for Adam and 0.1 otherwise, no shifts) and checked.
 *
 * @throws {RangeError} One sentence naming the option and what it takes.
 */
export function epochSettings(
  options: {
    epochs?: number;
    batchSize?: number;
    lr?: number;
    augment?: number;
    optimizer?: string;
  },
  m: number,
): { epochs: number; batchSize: number; lr: number; augment: number } {
  const { epochs = 10, augment = 0 } = options;
  const batchSize = options.batchSize ?? Math.min(128, m);
  const lr = options.lr ?? (options.optimizer === "adam" ? 0.001 : 0.1);
  checkMiniBatch({ epochs, batchSize, lr }, m);
  return { epochs, batchSize, lr, augment };
}

/**
 * Start an engine and run the epochs on it over `m` samples, drawing each epoch's order and
 * shifts from `rng`; close it at the end, whatever happens.
 *
 * @param startEngine Starts the engine (its set-up time is `seconds.setup`).
 * @param what The training, for a stop's message: `training 784-256-128-10`.
 * @param score Scores the current model on the dev set.
 * @param result The training's result from the run so far, for the end and for a stop.
 * @throws {Error} `Training diverged in epoch E: …` when the loss stops being finite.
 * @throws {TrainingStopped} When `signal` is aborted, with the result of the epochs done.
 */
export async function trainEpochs<M extends Params | Network, R>(
  startEngine: () => Promise<EpochEngine<M>>,
  m: number,
  rng: Rng,
  options: EpochOptions,
  what: string,
  score: (model: M, dev: Digits) => { accuracy: number; loss: number },
  result: (run: EpochRun<M>) => R,
): Promise<R> {
  const { epochs, batchSize, lr, augment, distort, dev, onBatch, onEpoch } = options;
  const t0 = performance.now();
  const engine = await startEngine();
  const setup = (performance.now() - t0) / 1000;
  const history: EpochPoint[] = [];
  const soFar = () => {
    const total = (performance.now() - t0) / 1000;
    const seconds = { setup, epochs: total - setup, total };
    return result({
      model: engine.model(),
      history,
      threads: engine.threads,
      backend: engine.backend,
      seconds,
    });
  };
  const batches = Math.ceil(m / batchSize);
  const stopped = stopCheck(options.signal);
  try {
    for (let e = 0; e < epochs; e++) {
      const { order, dx, dy, distortions } = planEpoch(m, augment, rng, batchSize, distort);
      // One batch of all, unshifted: every epoch is laid out the same, once is enough.
      if (e === 0 || batchSize < m || augment > 0 || distort) {
        engine.arrange(order, dx, dy, distortions);
      }
      const rate = learningRate(lr, e, epochs, options);
      let correct = 0, loss = 0;
      for (let b = 0; b < batches; b++) {
        if (await stopped()) {
          const detail = b > 0 ? ` and batch ${b} of ${batches} of epoch ${e + 1}` : "";
          const progress = { done: e, total: epochs, unit: "epoch" as const, detail };
          throw new TrainingStopped(what, progress, soFar());
        }
        const from = b * batchSize, to = Math.min(m, from + batchSize);
        const step = engine.step(from, to, rate);
        if (!Number.isFinite(step.loss)) {
          throw new Error(
            `Training diverged in epoch ${
              e + 1
            }: the loss became ${step.loss}; try a smaller learning rate than ${lr}`,
          );
        }
        correct += step.accuracy * (to - from);
        loss += step.loss * (to - from);
        await onBatch?.({ epoch: e, batch: b + 1, batches });
      }
      const point: EpochPoint = {
        epoch: e + 1,
        lr: rate,
        trainAccuracy: correct / m,
        loss: loss / m,
      };
      if (dev) {
        const scores = score(engine.model(), dev);
        Object.assign(point, { devAccuracy: scores.accuracy, devLoss: scores.loss });
      }
      point.seconds = (performance.now() - t0) / 1000;
      history.push(point);
      await onEpoch?.(point, epochs);
    }
    return soFar();
  } finally {
    engine.close();
  }
}
