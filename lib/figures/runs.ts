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
 * Dev accuracy of each run against epochs (log scale: a full batch takes hundreds) or against
 * seconds of training, plotted as the dev error on a log scale.
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
  const fig = Plot.plot({
    document: plotDocument(),
    title: options.title ?? `Dev accuracy against ${x === "epoch" ? "epochs" : "seconds"}`,
    subtitle: options.subtitle ?? "Plotted as the dev error, 1 − accuracy, on a log scale",
    width: options.width ?? 720,
    height: 360,
    marginRight: 16,
    x: x === "epoch"
      ? { type: "log", label: "Epochs (log scale)" }
      : { label: "Seconds of training", zero: true },
    y: { type: "log", label: "Dev error", tickFormat: (d: number) => `${+(100 * d).toFixed(1)}%` },
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
