/**
 * Callbacks: code of the learner's that `fit` runs at the start, after each batch, after each
 * epoch and at the end — as Keras' and PyTorch Lightning's callbacks do. Each gets the
 * {@link Trainer}: the network so far, the history, and a way to stop the run or to choose the
 * network `fit` returns. Two come with the library, each a few lines: {@link earlyStopping}
 * (stop when the dev score stops improving, keep the best weights) and {@link checkpoint} (write
 * the network to a model file). Callbacks run in the order given.
 *
 * @module
 */

import { checkOptions, integer, number, oneOf } from "../options.ts";
import type { Network } from "../nn/layers/network.ts";
import type { EpochPoint } from "../nn/minibatch.ts";
import { checkWritable, saveModel } from "../nn/model_file.ts";
import type { TrainingSettings } from "./recipe.ts";

/** One batch's numbers, from its forward pass before its step. */
export interface BatchPoint {
  /** The epoch it belongs to, from 1. */
  epoch: number;
  /** Its place in the epoch, from 1. */
  batch: number;
  /** Mean cross-entropy loss over the batch. */
  loss: number;
  /** Accuracy over the batch. */
  accuracy: number;
  /** The learning rate of its step. */
  lr: number;
}

/** What a callback sees of the training, and what it can do to it. */
export interface Trainer {
  /** The recipe, every default filled in: `epochs`, `batches` per epoch, the network's `name`… */
  readonly settings: TrainingSettings;
  /** One point per epoch done. */
  readonly history: readonly EpochPoint[];
  /** One point per batch done. */
  readonly batches: readonly BatchPoint[];
  /** Why the run failed, in a sentence (a learning rate far too large, say), once it has ended. */
  readonly problem?: string;
  /** A copy of the network as it is now — or, at the end, the one `fit` will return. */
  network(): Network;
  /** Stop the training after the current batch (in `onBatch`) or epoch, saying why. */
  stop(why: string): void;
  /**
   * At the end: return `network` instead of the last one — the best epoch's weights, say, whose
   * point of the history is `point` (its dev scores become the run's).
   */
  keep(network: Network, point: EpochPoint): void;
}

/** Code run by `fit` as it trains; every method is optional and may be async (it is awaited). */
export interface Callback {
  /** Before the first epoch: check what will be needed (a file to write, say). */
  onStart?(trainer: Trainer): void | Promise<void>;
  /** Before each epoch (from 1), the network as the epoch starts. */
  onEpochStart?(epoch: number, trainer: Trainer): void | Promise<void>;
  /** After each batch's step. */
  onBatch?(point: BatchPoint, trainer: Trainer): void | Promise<void>;
  /** After each epoch, its dev set scored. */
  onEpoch?(point: EpochPoint, trainer: Trainer): void | Promise<void>;
  /** After the last epoch, or when the training stopped. */
  onEnd?(trainer: Trainer): void | Promise<void>;
}

/** What a callback watches: the dev accuracy (higher is better) or the dev loss (lower). */
export type Monitor = "devAccuracy" | "devLoss";

/** Whether `value` improves on `best` by more than `minDelta` for `monitor`. */
function improves(monitor: Monitor, value: number, best: number | undefined, minDelta = 0) {
  if (best === undefined) return true;
  return monitor === "devAccuracy" ? value > best + minDelta : value < best - minDelta;
}

/** Options of {@link earlyStopping}. */
export interface EarlyStoppingOptions {
  /** What to watch ("devLoss"). */
  monitor?: Monitor;
  /** Epochs without improvement before stopping (3). */
  patience?: number;
  /** The least change that counts as an improvement (0). */
  minDelta?: number;
  /** Return the best epoch's weights rather than the last (true). */
  restoreBest?: boolean;
}

/**
 * Stop when the dev score has not improved for `patience` epochs, and keep the best epoch's
 * weights — Keras' `EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True)`.
 * Needs a dev set (`fit`'s `dev`).
 *
 * @example
 * ```ts ignore
 * const run = await fit(train, { layers: "conv5x8,dense32", epochs: 30, dev,
 *   callbacks: [earlyStopping({ patience: 2 })] });
 * ```
 *
 * @throws {RangeError} For options of the wrong form, in one sentence.
 */
export function earlyStopping(options: EarlyStoppingOptions = {}): Callback {
  checkOptions("stop early", options, {
    monitor: oneOf("devAccuracy", "devLoss"),
    patience: integer(0),
    minDelta: number({ min: 0 }),
    restoreBest: oneOf(true, false),
  });
  const { monitor = "devLoss", patience = 3, minDelta = 0, restoreBest = true } = options;
  let best: { value: number; point: EpochPoint; network?: Network } | undefined;
  let since = 0;
  return {
    onEpoch(point, trainer) {
      const value = point[monitor];
      if (value === undefined) {
        throw new Error("Cannot stop early without a dev set: give fit a dev set (dev)");
      }
      if (improves(monitor, value, best?.value, minDelta)) {
        best = { value, point, network: restoreBest ? trainer.network() : undefined };
        since = 0;
      } else if (++since > patience) {
        trainer.stop(
          `early stopping: ${monitor} has not improved for ${patience} epochs since epoch ${
            best!.point.epoch
          }`,
        );
      }
    },
    onEnd(trainer) {
      if (best?.network && best.point !== trainer.history.at(-1)) {
        trainer.keep(best.network, best.point);
      }
    },
  };
}

/** Options of {@link checkpoint}. */
export interface CheckpointOptions {
  /**
   * When to write: `"end"` (default: once, the network `fit` returns, also when the training
   * stops early), `"epoch"` (after every epoch, and at the end) or `"best"` (after every epoch
   * whose dev score is the best so far).
   */
  when?: "end" | "epoch" | "best";
  /** For `"best"`: what to watch ("devLoss"). */
  monitor?: Monitor;
}

/**
 * Write the network to a model file at `path` (atomically), saying how far it was trained —
 * Keras' `ModelCheckpoint`. The place is checked before the first epoch: a folder that does not
 * exist, or cannot be written, stops the training before it starts, not after.
 *
 * @example
 * ```ts ignore
 * await fit(train, { layers: "conv5x8,dense32", dev, callbacks: [checkpoint("model.json")] });
 * ```
 *
 * @throws {RangeError} For options of the wrong form, in one sentence.
 */
export function checkpoint(path: string, options: CheckpointOptions = {}): Callback {
  checkOptions("write checkpoints", options, {
    when: oneOf("end", "epoch", "best"),
    monitor: oneOf("devAccuracy", "devLoss"),
  });
  const { when = "end", monitor = "devLoss" } = options;
  let best: number | undefined;
  const save = (trainer: Trainer, stoppedEarly: boolean) => {
    const { epochs, batches } = trainer.settings;
    return saveModel(path, trainer.network(), {
      unit: batches === 1 ? "iteration" : "epoch",
      done: trainer.history.length,
      total: epochs,
      stoppedEarly,
    });
  };
  return {
    onStart: () => checkWritable(path),
    async onEpoch(point, trainer) {
      if (when === "epoch") return await save(trainer, false);
      if (when !== "best") return;
      const value = point[monitor];
      if (value === undefined) {
        throw new Error("Cannot keep the best checkpoint without a dev set: give fit a dev set");
      }
      if (improves(monitor, value, best)) {
        best = value;
        await save(trainer, false);
      }
    },
    async onEnd(trainer) {
      if (when === "best") return;
      await save(trainer, trainer.history.length < trainer.settings.epochs);
    },
  };
}
