/**
 * Training curves: accuracy and loss, train and dev, against epochs — one point per epoch of a
 * `fit` run, whose full-batch epochs are the seed's iterations — or against the iterations of
 * the seed's own loop (`gradientDescent`'s history); the axis says which.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import type { HistoryPoint } from "../nn/gradient_descent.ts";
import type { EpochPoint } from "../nn/minibatch.ts";
import { checkOptions, integer, number, string } from "../options.ts";
import { plotDocument, toHtml } from "./dom.ts";

/** A point of a history: a `fit` run's epoch, or an iteration of the seed's loop. */
export type CurvePoint = EpochPoint | HistoryPoint;

/** Options shared by the curve figures. */
export interface CurveOptions {
  /** Figure title. */
  title?: string;
  /** Line under the title. */
  subtitle?: string;
  /** Fix the x axis to `[0, epochs]` (for a live curve that grows into it). */
  epochs?: number;
  /** The x axis's label (`Epoch`, or `Iteration` for the seed's loop's history). */
  xLabel?: string;
  /** Width in pixels (640). */
  width?: number;
}

const CURVE_OPTIONS = {
  title: string,
  subtitle: string,
  epochs: integer(1),
  xLabel: string,
  width: number({ above: 0 }),
};

type Row = { x: number; value: number; series: string };

/** A point's place on the x axis: its epoch, or its iteration. */
const xOf = (p: CurvePoint) => ("epoch" in p ? p.epoch : p.iteration);

function rows(
  history: readonly CurvePoint[],
  pick: (p: CurvePoint) => number | undefined,
  series: string,
): Row[] {
  return history.flatMap((p) => {
    const value = pick(p);
    return value === undefined || Number.isNaN(value) ? [] : [{ x: xOf(p), value, series }];
  });
}

/** The x axis: its label, its domain, and whole-number ticks where a few epochs span it. */
function xAxis(history: readonly CurvePoint[][], o: CurveOptions) {
  const all = history.flat();
  const label = o.xLabel ?? (all.length && !("epoch" in all[0]) ? "Iteration" : "Epoch");
  const hi = o.epochs ?? Math.max(1, ...all.map(xOf));
  const lo = Math.min(hi, ...all.map(xOf));
  const ticks = hi - lo <= 10
    ? Array.from({ length: Math.floor(hi) - Math.ceil(lo) + 1 }, (_, i) => Math.ceil(lo) + i)
    : undefined;
  return {
    label,
    domain: o.epochs ? [0, o.epochs] : undefined,
    ticks,
    tickFormat: (d: number) => (Number.isInteger(d) ? String(d) : ""),
  };
}

/** The value of each given point, written just right of it: the number a curve ends at. */
function endLabels(points: Row[], options: Plot.TextOptions = {}) {
  return Plot.text(points, {
    x: "x",
    y: "value",
    text: (d: Row) => d.value.toFixed(3),
    dx: 6,
    textAnchor: "start",
    ...options,
  });
}

function curves(
  history: readonly CurvePoint[],
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
    x: xAxis([[...history]], o),
    y: { label: y.label, domain: y.domain, grid: true },
    color: { legend: true, domain: ["train", "dev"], range: ["#4269d0", "#ff725c"] },
    marks: [
      Plot.lineY(all, { x: "x", y: "value", stroke: "series", z: "series" }),
      Plot.dot(dev, {
        x: "x",
        y: "value",
        fill: "series",
        r: 3,
        title: (d: Row) => `dev ${d.value.toFixed(4)} at ${d.x}`,
      }),
      endLabels(all.length ? [train.at(-1) ?? all.at(-1)!] : []),
    ],
  });
  return toHtml(fig as unknown as Element);
}

/** Check a history: points to draw, or one sentence why not. */
function checkHistory(history: readonly CurvePoint[], what: string): void {
  if (!Array.isArray(history) || history.some((p) => !("epoch" in p || "iteration" in p))) {
    throw new RangeError(
      `Cannot draw ${what}: expected a history, one point per epoch (a fit run's history)`,
    );
  }
}

/**
 * Accuracy against epochs (or iterations): train accuracy at every point, dev accuracy where
 * it was scored.
 *
 * @example
 * ```ts ignore
 * await show(figures.accuracyCurves(run.history));
 * ```
 */
export function accuracyCurves(
  history: readonly CurvePoint[],
  options: CurveOptions = {},
): string {
  checkOptions("draw the accuracy curves", options, CURVE_OPTIONS);
  checkHistory(history, "the accuracy curves");
  return curves(
    history,
    rows(history, (p) => p.trainAccuracy, "train"),
    rows(history, (p) => p.devAccuracy, "dev"),
    { label: "Accuracy", domain: [0, 1] },
    { title: "Accuracy", ...options },
  );
}

/** Mean cross-entropy loss against epochs (or iterations), train and dev. */
export function lossCurves(history: readonly CurvePoint[], options: CurveOptions = {}): string {
  checkOptions("draw the loss curves", options, CURVE_OPTIONS);
  checkHistory(history, "the loss curves");
  return curves(
    history,
    rows(history, (p) => p.loss, "train"),
    rows(history, (p) => p.devLoss, "dev"),
    { label: "Cross-entropy loss" },
    { title: "Loss", ...options },
  );
}

/**
 * The loss of every batch, the finer curve of a run (fastai's `plot_loss`): a point per batch,
 * against the epochs, with each epoch's mean over them.
 */
export function batchLossCurve(
  batches: readonly { epoch: number; batch: number; loss: number }[],
  options: Omit<CurveOptions, "epochs"> = {},
): string {
  checkOptions("draw the batch losses", options, CURVE_OPTIONS);
  const perEpoch = Math.max(1, ...batches.map((b) => b.batch));
  const data = batches.map((b) => ({ x: b.epoch - 1 + b.batch / perEpoch, value: b.loss }));
  const fig = Plot.plot({
    document: plotDocument(),
    title: options.title ?? "Loss of each batch",
    subtitle: options.subtitle,
    width: options.width ?? 640,
    height: 300,
    x: { label: options.xLabel ?? "Epoch" },
    y: { label: "Cross-entropy loss", grid: true, zero: true },
    marks: [
      Plot.dot(data, { x: "x", y: "value", r: 1, fill: "#4269d0", fillOpacity: 0.4 }),
      Plot.lineY(data, Plot.windowY({ k: perEpoch, anchor: "end" }, { x: "x", y: "value" })),
    ],
  });
  return toHtml(fig as unknown as Element);
}

/** Several runs' train accuracy on one chart, one line each, labelled at its end. */
export function compareAccuracy(
  runs: { name: string; history: readonly CurvePoint[] }[],
  options: CurveOptions = {},
): string {
  checkOptions("compare the accuracy", options, CURVE_OPTIONS);
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
    x: xAxis(runs.map((r) => [...r.history]), options),
    y: { label: "Accuracy", domain: [0, 1], grid: true },
    color: { legend: true, domain: runs.map((r) => r.name) },
    marks: [
      Plot.lineY(data, { x: "x", y: "value", stroke: "series", z: "series" }),
      endLabels(ends, { fill: "series" }),
    ],
  });
  return toHtml(fig as unknown as Element);
}
