/**
 * What `deno task train` prints: its progress as it trains — the seed's lines every 100
 * iterations, or a line per epoch, and a bar on stderr — then the run's result in a sentence,
 * a failed run's warning, and with `--json` one line of every figure.
 *
 * @module
 */

import { type Digits, evaluate, type FitResult } from "../lib/mod.ts";
import { denseSizes } from "../lib/nn/dense_view.ts";
import type { Callback } from "../lib/train/callbacks.ts";
import { stopWords } from "../lib/train/stop.ts";
import { plural } from "./cli.ts";
import { progressBar } from "./progress.ts";
import { peakRssMb } from "./rss.ts";

/**
 * The progress of a run on the terminal: the seed's line every 100 iterations of a full batch —
 * `Iteration: i   Accuracy: …   Loss: …   Dev accuracy: …`, the accuracy and loss of the forward
 * pass before step i + 1, the dev accuracy of the same weights — or a line per epoch; and a bar
 * on stderr, when it is a terminal.
 */
export function progressCallback(dev: Digits | undefined): Callback {
  let bar: ReturnType<typeof progressBar>;
  let devBefore: number | undefined;
  return {
    onStart(trainer) {
      bar = progressBar(trainer.settings.epochs * trainer.settings.batches);
    },
    onEpochStart(epoch, trainer) {
      if (trainer.settings.batches === 1 && (epoch - 1) % 100 === 0 && dev) {
        devBefore = evaluate(trainer.network(), dev).accuracy;
      }
    },
    onBatch(point, trainer) {
      const { epochs, batches } = trainer.settings;
      if (batches === 1 && (point.epoch - 1) % 100 === 0) {
        bar?.clear();
        console.log(
          `Iteration: ${String(point.epoch - 1).padStart(5)}   Accuracy: ${
            point.accuracy.toFixed(4)
          }   Loss: ${point.loss.toFixed(4)}` +
            (devBefore !== undefined ? `   Dev accuracy: ${devBefore.toFixed(4)}` : ""),
        );
      }
      const done = (point.epoch - 1) * batches + point.batch;
      bar?.update(
        done,
        batches === 1
          ? `${point.epoch}/${epochs}  accuracy ${point.accuracy.toFixed(4)}`
          : `epoch ${point.epoch}/${epochs}, batch ${point.batch}/${batches}, loss ${
            point.loss.toFixed(4)
          }`,
      );
    },
    onEpoch(point, trainer) {
      if (trainer.settings.batches === 1) return;
      bar?.clear();
      console.log(
        `Epoch: ${String(point.epoch).padStart(3)}   lr: ${point.lr.toPrecision(3)}   ` +
          `Accuracy: ${point.trainAccuracy.toFixed(4)}   Loss: ${point.loss.toFixed(4)}` +
          (point.devAccuracy !== undefined
            ? `   Dev accuracy: ${point.devAccuracy.toFixed(4)}`
            : "") +
          `   ${point.seconds!.toFixed(1)} s`,
      );
    },
    onEnd: () => bar?.clear(),
  };
}

/** What the run's sets and files were, for the report. */
export interface RunContext {
  trainSet: Digits;
  dev?: Digits;
  test?: Digits;
  devSize: number;
  loadSeconds: number;
  save?: string;
  json: boolean;
}

/**
 * Print a finished or stopped run: one sentence of what was trained and its scores, the
 * warning of a failed run (stderr), where it was saved, and with `--json` one JSON line.
 */
export function report(run: FitResult, c: RunContext): void {
  const s = run.settings, full = s.batches === 1, stopped = run.stopped;
  // A finished full batch and any stopped run are scored as they are now; a finished
  // mini-batch run reports its last epoch, over its batches before their steps.
  const scoredNow = full || stopped !== undefined;
  const now = scoredNow ? evaluate(run.network, c.trainSet) : undefined;
  const trainAccuracy = now?.accuracy ?? run.history.at(-1)!.trainAccuracy;
  const loss = now?.loss ?? run.history.at(-1)!.loss;
  const testScores = c.test ? evaluate(run.network, c.test) : undefined;
  const what = full
    ? plural(s.epochs, "iteration")
    : `${plural(s.epochs, "epoch")} of ${plural(s.batches, "batch", "batches")} of ${s.batchSize}`;
  const how = `(${run.engine} engine, ${run.backend}, ${plural(run.threads, "thread")})`;
  console.log(
    (stopped
      ? `Stopped ${run.name} ${stopWords(stopped)} (Ctrl-C), ${run.seconds.toFixed(1)} s ${how}: `
      : `Trained ${run.name} for ${what} in ${run.seconds.toFixed(1)} s ${how}: `) +
      `train accuracy ${trainAccuracy.toFixed(4)}` +
      (run.devAccuracy !== undefined ? `, dev accuracy ${run.devAccuracy.toFixed(4)}` : "") +
      (testScores ? `, test accuracy ${testScores.accuracy.toFixed(4)}` : ""),
  );
  if (run.problem) console.error(`warning: ${run.problem}`);
  if (c.save) {
    console.log(
      `Saved the network to ${c.save}` +
        (stopped ? `, marked as stopped early after ${unitOf(run)} ${stopped.done}` : ""),
    );
  }
  if (!c.json) return;
  const done = stopped?.done ?? s.epochs;
  const epochsRun = stopped ? stopped.done + stopped.batch / stopped.batches : s.epochs;
  const common = full
    ? {
      iterations: s.epochs,
      alpha: s.lr,
      // the gradient-descent steps alone, as the seed's loop is timed in bench/numpy_train.py
      ms_per_iteration: run.batches.length > 0
        ? (1000 * run.timing.steps) / run.batches.length
        : null,
      original_bias_gradient: s.originalBiasGradient,
    }
    : {
      epochs: s.epochs,
      lr: s.lr,
      schedule: s.schedule,
      augment: s.augment,
      distort: s.distort ?? null,
      weight_decay: s.weightDecay,
      seconds_per_epoch: epochsRun > 0 ? (run.timing.total - run.timing.setup) / epochsRun : null,
    };
  console.log(JSON.stringify({
    ...common,
    batch_size: s.batchSize,
    optimizer: s.optimizer,
    setup_seconds: run.timing.setup,
    train_accuracy: trainAccuracy,
    dev_accuracy: run.devAccuracy ?? null,
    test_accuracy: testScores?.accuracy ?? null,
    loss,
    train_seconds: run.seconds,
    load_seconds: c.loadSeconds,
    sizes: denseSizes(run.network) ?? null,
    layers: denseSizes(run.network) ? null : run.settings.name,
    seed: s.seed,
    threads: run.threads,
    engine: run.engine,
    backend: run.backend,
    stopped_early: stopped !== undefined,
    done,
    warning: run.problem ?? null,
    train_size: c.trainSet.count,
    dev_size: c.devSize,
    peak_rss_mb: peakRssMb(),
  }));
}

/** `iteration` for a full batch, else `epoch`. */
const unitOf = (run: FitResult) => (run.settings.batches === 1 ? "iteration" : "epoch");
