/**
 * A live progress line in a notebook, as PyTorch Lightning's and fastai's bars are there by
 * default: `fit` shows one in the Deno kernel unless told not to. It redraws in place at most
 * four times a second — epoch, batch, the running loss, the time left — and settles on each
 * tenth of the run (a plain `<pre>` line, which `deno task report` echoes) and on the end, with
 * a failed run's warning under it.
 *
 * @module
 */

import type { Callback, Trainer } from "../train/callbacks.ts";
import { escapeHtml, liveOutput } from "./display.ts";

/** How often the line redraws during an epoch, at most, in milliseconds. */
const REDRAW_MS = 250;

/** A progress line: a callback for `fit`, and a way to write its last word. */
export interface ProgressLine extends Callback {
  /** Replace the line with `text` (a step's result, say). */
  show(text: string): Promise<void>;
}

/**
 * A time as the progress line says it: `4.2 s`, `12 s`, `3 min 20 s` — tenths below ten seconds,
 * else rounded to the second first, so that 239.7 s reads `4 min 0 s`, never `3 min 60 s`.
 */
export function duration(seconds: number): string {
  if (seconds < 9.95) return `${seconds.toFixed(1)} s`;
  const whole = Math.round(seconds);
  return whole < 60 ? `${whole} s` : `${Math.floor(whole / 60)} min ${whole % 60} s`;
}

/** The dev accuracy of a point, `dev 97.50%`, or nothing. */
const devWords = (p: { devAccuracy?: number }) =>
  p.devAccuracy === undefined ? "" : ` · dev ${(100 * p.devAccuracy).toFixed(2)}%`;

/**
 * A live progress line for the training called `name`, in the cell that runs it.
 *
 * @example
 * ```ts ignore
 * const line = progressLine("conv5x8");
 * const run = await fit(train, { layers: "conv5x8", progress: false, callbacks: [line] });
 * await line.show(`conv5x8: test ${run.testAccuracy}`);
 * ```
 */
export function progressLine(name: string): ProgressLine {
  const out = liveOutput();
  let t0 = 0, last = 0, settled = "";
  const pre = (text: string, cls = "") => {
    if (!cls) settled = text;
    return out.update(`<pre${cls ? ` class="${cls}"` : ""}>${escapeHtml(text)}</pre>`);
  };
  const eta = (trainer: Trainer) => {
    const { epochs, batches } = trainer.settings;
    const done = trainer.batches.length / (epochs * batches);
    const elapsed = (performance.now() - t0) / 1000;
    return done >= 0.02 ? duration(elapsed * (1 / done - 1)) : "…";
  };
  return {
    async onStart(trainer) {
      t0 = performance.now();
      const { epochs, batches } = trainer.settings;
      const count = (n: number, word: string) =>
        `${n.toLocaleString("en-US")} ${word}${n === 1 ? "" : word === "batch" ? "es" : "s"}`;
      await pre(
        batches === 1
          ? `${name}: ${count(epochs, "iteration")} of the full batch…`
          : `${name}: ${count(epochs, "epoch")} of ${count(batches, "batch")}…`,
      );
    },
    async onBatch(point, trainer) {
      const now = performance.now();
      if (now - last < REDRAW_MS) return;
      last = now;
      const { epochs, batches } = trainer.settings;
      const where = batches === 1
        ? `iteration ${point.epoch}/${epochs}`
        : `epoch ${point.epoch}/${epochs} · batch ${point.batch}/${batches}`;
      await pre(
        `${name}: ${where} · loss ${point.loss.toFixed(4)} · ETA ${eta(trainer)}`,
        "progress",
      );
    },
    async onEpoch(point, trainer) {
      const { epochs, batches } = trainer.settings;
      const every = Math.max(1, Math.ceil(epochs / 10));
      if (point.epoch % every !== 0 && point.epoch !== epochs) return;
      const unit = batches === 1 ? "iteration" : "epoch";
      last = performance.now();
      await pre(
        `${name}: ${unit} ${point.epoch} of ${epochs} · loss ${point.loss.toFixed(4)}` +
          `${devWords(point)} · ${duration(point.seconds ?? 0)}` +
          (point.epoch < epochs ? ` · ETA ${eta(trainer)}` : ""),
      );
    },
    async onEnd(trainer) {
      if (trainer.problem) await pre(`${settled}\n${name}: warning: ${trainer.problem}`);
    },
    show: (text) => pre(text),
  };
}
