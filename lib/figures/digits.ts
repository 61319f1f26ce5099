/**
 * Figures of digits: a sample of the data, the network's mistakes, its first-layer weights.
 *
 * @module
 */

import { type Digits, PIXELS } from "../data/dataset.ts";
import type { Matrix } from "../nn/matrix.ts";
import type { Mistake } from "../nn/metrics.ts";
import { digitPng, imageGrid, type Tile, weightPng } from "./images.ts";

const image = (digits: Digits, j: number) => digits.pixels.subarray(j * PIXELS, (j + 1) * PIXELS);

/** The first `count` images of a set, captioned with their labels (and predictions, if given). */
export function digitSamples(
  digits: Digits,
  options: { count?: number; columns?: number; predictions?: ArrayLike<number>; title?: string } =
    {},
): string {
  const { count = 30, columns = 10, predictions } = options;
  const tiles: Tile[] = Array.from({ length: Math.min(count, digits.count) }, (_, j) => ({
    src: digitPng(image(digits, j)),
    col: j % columns,
    row: Math.floor(j / columns),
    caption: predictions ? `${digits.labels[j]} → ${predictions[j]}` : `${digits.labels[j]}`,
  }));
  return imageGrid(tiles, { title: options.title ?? "Digits and their labels", size: 42 });
}

/**
 * The mistakes of `mistakesByClass`, one row per true digit: each image captioned
 * "true → predicted" with the network's confidence.
 */
export function mistakeGallery(
  digits: Digits,
  groups: Mistake[][],
  options: { title?: string; subtitle?: string } = {},
): string {
  const tiles: Tile[] = groups.flatMap((group, row) =>
    group.map((m, col) => ({
      src: digitPng(image(digits, m.index)),
      col,
      row,
      caption: `${m.label}→${m.predicted} ${Math.round(100 * m.confidence)}%`,
      title: `sample ${m.index}: a ${m.label}, predicted ${m.predicted} with probability ${
        m.confidence.toFixed(3)
      }`,
    }))
  );
  return imageGrid(tiles, {
    title: options.title ?? "Misclassified digits",
    subtitle: options.subtitle ??
      "One row per true digit, most confident mistakes first; caption: true → predicted, confidence",
    rowLabels: groups.map((_, c) => `a ${c}`),
    size: 48,
  });
}

/**
 * Each row of W1 (one hidden unit's 784 weights) as a 28×28 picture: red pixels push the
 * unit's input up when inked, blue push it down. All units share one colour scale.
 */
export function weightImages(
  W1: Matrix,
  options: { title?: string; subtitle?: string } = {},
): string {
  let limit = 0;
  for (const w of W1.data) limit = Math.max(limit, Math.abs(w));
  const tiles: Tile[] = Array.from({ length: W1.rows }, (_, h) => ({
    src: weightPng(W1.data.subarray(h * W1.cols, (h + 1) * W1.cols), limit || 1),
    col: h % 10,
    row: Math.floor(h / 10),
    caption: `unit ${h}`,
  }));
  return imageGrid(tiles, {
    title: options.title ?? "First-layer weights, one 28×28 image per hidden unit",
    subtitle: options.subtitle ??
      `Red positive, blue negative, full colour at |w| = ${limit.toFixed(2)}`,
    size: 84,
  });
}
