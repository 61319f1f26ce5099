/**
 * The epoch loop every training runs, whatever its engine: lay out each epoch (order, shifts,
 * distortions), step through its batches at the schedule's learning rate, refuse a loss that is
 * no longer finite, score the dev set after each epoch, run the callbacks, and stop between two
 * batches when asked — by a signal (Jupyter's Stop, Ctrl-C) or by a callback.
 *
 * @module
 */

import type { Digits } from "../data/dataset.ts";
import type { Rng } from "../data/random.ts";
import type { Network } from "../nn/layers/network.ts";
import { type EpochPoint, planEpoch } from "../nn/minibatch.ts";
import { batchRate, learningRate } from "../nn/schedules.ts";
import type { Engine } from "../engine/engine.ts";
import type { BatchPoint, Callback, Trainer } from "./callbacks.ts";
import type { TrainingSettings } from "./recipe.ts";
import { stopCheck, type StopPoint } from "./stop.ts";

/** What the loop needs besides the engine. */
export interface LoopOptions {
  /** A held-out set scored after each epoch (every `devEvery`, and after the last). */
  dev?: Digits;
  /** Epochs between two dev scores (1). */
  devEvery: number;
  /** Scores the engine's current network on the dev set. */
  score: (dev: Digits) => { accuracy: number; loss: number };
  /** Run in order at the start, after each batch and epoch, and at the end. */
  callbacks: readonly Callback[];
  /** Stops the loop between two batches when aborted. */
  signal?: AbortSignal;
}

/** What the loop did. */
export interface LoopRun {
  /** One point per epoch completed. */
  history: EpochPoint[];
  /** One point per batch. */
  batches: BatchPoint[];
  /** Where it stopped, when it stopped before its last epoch, and why. */
  stopped?: StopPoint & { why: string; bySignal: boolean };
  /** The network a callback chose to keep at the end, and its point of the history. */
  kept?: { network: Network; point: EpochPoint };
  /** Seconds inside the engine's steps. */
  stepSeconds: number;
}

/**
 * Run `settings.epochs` epochs on `engine`, drawing each epoch's order and shifts from `rng`,
 * then the callbacks' `onEnd` (also after a stop, so that a checkpoint keeps what was trained).
 *
 * @param problem Says why a run failed, from what it did, for the callbacks at the end.
 * @throws {Error} `Training diverged in epoch E: …` when the loss stops being finite.
 */
export async function runEpochs(
  engine: Engine,
  m: number,
  rng: Rng,
  settings: TrainingSettings,
  options: LoopOptions,
  problem: (run: LoopRun) => string | undefined,
): Promise<LoopRun> {
  const { epochs, batchSize, batches, augment, distort, lr } = settings;
  const { dev, devEvery, callbacks } = options;
  const run: LoopRun = { history: [], batches: [], stepSeconds: 0 };
  const t0 = performance.now();
  let stopAsked: string | undefined, ended = false;
  const trainer: Trainer = {
    settings,
    history: run.history,
    batches: run.batches,
    get problem() {
      return ended ? problem(run) : undefined;
    },
    network: () => (ended && run.kept ? run.kept.network : engine.network()),
    stop(why) {
      stopAsked ??= why;
    },
    keep(network, point) {
      run.kept = { network, point };
    },
  };
  const each = async <K extends keyof Callback>(
    hook: K,
    ...args: Parameters<NonNullable<Callback[K]>>
  ) => {
    for (const callback of callbacks) {
      // deno-lint-ignore no-explicit-any
      await (callback[hook] as any)?.call(callback, ...args);
    }
  };
  await each("onStart", trainer);
  const stopped = stopCheck(options.signal);
  try {
    for (let e = 0; e < epochs && !run.stopped; e++) {
      const plan = planEpoch(m, augment, rng, batchSize, distort, settings.noisy);
      // One batch of all, unshifted: every epoch is laid out the same, once is enough.
      if (e === 0 || batchSize < m || augment > 0 || distort) engine.arrange(plan);
      const epochRate = learningRate(lr, e, epochs, settings);
      await each("onEpochStart", e + 1, trainer);
      let correct = 0, loss = 0;
      for (let b = 0; b < batches; b++) {
        if (await stopped()) {
          const why = "stopped by the signal (Stop, Ctrl-C)";
          run.stopped = { done: e, total: epochs, batch: b, batches, why, bySignal: true };
          break;
        }
        const from = b * batchSize, to = Math.min(m, from + batchSize);
        const rate = batchRate(lr, e, b, batches, epochs, settings);
        const before = performance.now();
        const step = await engine.step(from, to, rate);
        run.stepSeconds += (performance.now() - before) / 1000;
        if (!Number.isFinite(step.loss)) {
          throw new Error(
            `Training diverged in epoch ${
              e + 1
            }: the loss became ${step.loss}; try a smaller learning rate than ${lr}`,
          );
        }
        correct += step.accuracy * (to - from);
        loss += step.loss * (to - from);
        const point = {
          epoch: e + 1,
          batch: b + 1,
          loss: step.loss,
          accuracy: step.accuracy,
          lr: rate,
        };
        run.batches.push(point);
        await each("onBatch", point, trainer);
        if (stopAsked && b + 1 < batches) {
          run.stopped = {
            done: e,
            total: epochs,
            batch: b + 1,
            batches,
            why: stopAsked,
            bySignal: false,
          };
          break;
        }
      }
      if (run.stopped) break;
      const point: EpochPoint = {
        epoch: e + 1,
        lr: epochRate,
        trainAccuracy: correct / m,
        loss: loss / m,
      };
      if (dev && ((e + 1) % devEvery === 0 || e + 1 === epochs)) {
        const scores = options.score(dev);
        Object.assign(point, { devAccuracy: scores.accuracy, devLoss: scores.loss });
      }
      point.seconds = (performance.now() - t0) / 1000;
      run.history.push(point);
      await each("onEpoch", point, trainer);
      if (stopAsked && e + 1 < epochs) {
        run.stopped = {
          done: e + 1,
          total: epochs,
          batch: 0,
          batches,
          why: stopAsked,
          bySignal: false,
        };
      }
    }
  } finally {
    ended = true;
  }
  await each("onEnd", trainer);
  return run;
}
