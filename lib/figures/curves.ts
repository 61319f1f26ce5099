/**
 * Training curves: accuracy and loss against iterations, train and dev.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import type { HistoryPoint } from "../nn/gradient_descent.ts";
import { plotDocument, toHtml } from "./dom.ts";

/** Options shared by the curve figures. */
export interface CurveOptions {
  /** Figure title. */
  title?: string;
  /** Line under the title. */
  subtitle?: string;
  /** Fix the x axis to `[0, iterations]` (for a live curve that grows into it). */
  iterations?: number;
  /** Width in pixels (640). */
  width?: number;
}

type Row = { iteration: number; value: number; series: string };

function rows(
  history: HistoryPoint[],
  pick: (p: HistoryPoint) => number | undefined,
  series: string,
): Row[] {
  return history.flatMap((p) => {
    const value = pick(p);
    return value === undefined ? [] : [{ iteration: p.iteration, value, series }];
  });
}

/** The value of each given point, written just right of it: the number a curve ends at. */
function endLabels(points: Row[], options: Plot.TextOptions = {}) {
  return Plot.text(points, {
    x: "iteration",
    y: "value",
    text: (d: Row) => d.value.toFixed(3),
    dx: 6,
    textAnchor: "start",
    ...options,
  });
}

function curves(
  train: Row[],
  dev: Row[],
  y: { label: string; domain?: [number, number] },
  o: CurveOptions,
): string {
  const all = [...train, ...dev];
  const fig = Plot.plot({
    document: plotDocument(),
    title: o.title,
    subtitle: o.subtitle,
    width: o.width ?? 640,
    height: 300,
    marginRight: 44,
    x: { label: "Iteration", domain: o.iterations ? [0, o.iterations] : undefined },
    y: { label: y.label, domain: y.domain, grid: true },
    color: { legend: true, domain: ["train", "dev"], range: ["#4269d0", "#ff725c"] },
    marks: [
      Plot.lineY(all, { x: "iteration", y: "value", stroke: "series", z: "series" }),
      Plot.dot(dev, {
        x: "iteration",
        y: "value",
        fill: "series",
        r: 3,
        title: (d: Row) => `dev ${d.value.toFixed(4)} at ${d.iteration}`,
      }),
      endLabels(all.length ? [train.at(-1) ?? all.at(-1)!] : []),
    ],
  });
  return toHtml(fig as unknown as Element);
}

/**
 * Accuracy against iterations: train accuracy at every iteration, dev accuracy at each
 * checkpoint.
 */
export function accuracyCurves(history: HistoryPoint[], options: CurveOptions = {}): string {
  return curves(
    rows(history, (p) => p.trainAccuracy, "train"),
    rows(history, (p) => p.devAccuracy, "dev"),
    { label: "Accuracy", domain: [0, 1] },
    { title: "Accuracy", ...options },
  );
}

/** Mean cross-entropy loss against iterations, train and dev. */
export function lossCurves(history: HistoryPoint[], options: CurveOptions = {}): string {
  return curves(
    rows(history, (p) => p.loss, "train"),
    rows(history, (p) => p.devLoss, "dev"),
    { label: "Cross-entropy loss" },
    { title: "Loss", ...options },
  );
}

/** Several runs' train accuracy on one chart, one line each, labelled at its end. */
export function compareAccuracy(
  runs: { name: string; history: HistoryPoint[] }[],
  options: CurveOptions = {},
): string {
  const data = runs.flatMap(({ name, history }) => rows(history, (p) => p.trainAccuracy, name));
  const ends = runs.map(({ name, history }) => ({
    ...rows(history, (p) => p.trainAccuracy, name).at(-1)!,
  }));
  const fig = Plot.plot({
    document: plotDocument(),
    title: options.title ?? "Train accuracy",
    subtitle: options.subtitle,
    width: options.width ?? 640,
    height: 300,
    marginRight: 150,
    x: { label: "Iteration" },
    y: { label: "Accuracy", domain: [0, 1], grid: true },
    color: { legend: true, domain: runs.map((r) => r.name) },
    marks: [
      Plot.lineY(data, { x: "iteration", y: "value", stroke: "series", z: "series" }),
      endLabels(ends, { fill: "series" }),
    ],
  });
  return toHtml(fig as unknown as Element);
}
