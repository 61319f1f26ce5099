/**
 * Several training runs on one chart: dev accuracy against epochs or against seconds, one line a
 * run. The y axis is the dev *error* on a log scale — from 20% to 2% is the same distance as from
 * 10% to 1% — so that the seed's 80s and the last steps' 98s both show their progress.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import type { EpochPoint } from "../nn/minibatch.ts";
import { plotDocument, toHtml } from "./dom.ts";

/** A run to draw: its name (the legend) and its points. */
export interface NamedRun {
  /** Legend entry. */
  name: string;
  /** One point per epoch; those with a dev accuracy are drawn. */
  history: EpochPoint[];
}

type Row = { x: number; error: number; accuracy: number; run: string };

/**
 * Dev accuracy of each run against epochs (on a log scale where they span more than a decade: a
 * full batch takes hundreds) or against seconds of training, plotted as the dev error on a log
 * scale.
 */
export function compareRuns(
  runs: NamedRun[],
  options: { x?: "epoch" | "seconds"; title?: string; subtitle?: string; width?: number } = {},
): string {
  const { x = "epoch" } = options;
  const rows: Row[] = runs.flatMap(({ name, history }) =>
    history.flatMap((p) => {
      const at = x === "epoch" ? p.epoch : p.seconds;
      if (p.devAccuracy === undefined || at === undefined) return [];
      // An error of 0 (a perfect dev score) has no place on a log scale: drawn at 0.05%.
      return [{
        x: at,
        error: Math.max(5e-4, 1 - p.devAccuracy),
        accuracy: p.devAccuracy,
        run: name,
      }];
    })
  );
  const ticks = oneTwoFive(rows.map((r) => r.error));
  // Epochs on a log scale only where they span more than a decade (a full batch takes
  // hundreds, a mini-batch step a few): a few epochs get whole-number ticks.
  const xs = rows.map((r) => r.x);
  const [lo, hi] = [Math.min(...xs), Math.max(...xs)];
  const logEpochs = x === "epoch" && hi / Math.max(lo, 1) >= 20;
  const epochTicks = hi - lo <= 10
    ? Array.from({ length: Math.floor(hi) - Math.ceil(lo) + 1 }, (_, i) => Math.ceil(lo) + i)
    : undefined;
  const fig = Plot.plot({
    document: plotDocument(),
    title: options.title ?? `Dev accuracy against ${x === "epoch" ? "epochs" : "seconds"}`,
    subtitle: options.subtitle ?? "Plotted as the dev error, 1 − accuracy, on a log scale",
    width: options.width ?? 720,
    height: 360,
    marginRight: 16,
    x: x !== "epoch"
      ? { label: "Seconds of training", zero: true }
      : logEpochs
      ? { type: "log", label: "Epochs (log scale)" }
      : { label: "Epochs", ticks: epochTicks, tickFormat: (d: number) => String(d) },
    y: {
      type: "log",
      label: "Dev error",
      domain: [ticks[0], ticks.at(-1)!],
      ticks,
      tickFormat: (d: number) => `${+(100 * d).toFixed(1)}%`,
    },
    color: { legend: true, domain: runs.map((r) => r.name) },
    marks: [
      Plot.gridY({ strokeOpacity: 0.08 }),
      Plot.lineY(rows, { x: "x", y: "error", stroke: "run", z: "run" }),
      Plot.dot(rows, {
        x: "x",
        y: "error",
        fill: "run",
        r: 2,
        title: (d: Row) => `${d.run}: dev ${(100 * d.accuracy).toFixed(1)}% at ${d.x.toFixed(1)}`,
      }),
    ],
  });
  return toHtml(fig as unknown as Element);
}

/** The 1-2-5 steps (…, 1%, 2%, 5%, 10%, …) that cover `values` and at least 1% to 50%. */
function oneTwoFive(values: number[]): number[] {
  const lo = Math.min(...values, 0.5), hi = Math.max(...values, 0.01);
  const steps: number[] = [];
  for (let decade = 1e-4; decade <= 1; decade *= 10) {
    for (const m of [1, 2, 5]) steps.push(+(m * decade).toPrecision(1));
  }
  const first = steps.findLastIndex((v) => v <= lo), last = steps.findIndex((v) => v >= hi);
  return steps.slice(Math.max(0, first), last < 0 ? steps.length : last + 1).filter((v) => v <= 1);
}
