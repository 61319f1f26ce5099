/**
 * Digits and weights as pictures: each image a small PNG in a `data:` URI (about 230 bytes a
 * digit), placed by `Plot.image`. Far lighter than one SVG rectangle per pixel.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { encode } from "fast-png";
import * as Plot from "@observablehq/plot";
import { PIXELS } from "../data/dataset.ts";
import { plotDocument, toHtml } from "./dom.ts";

const SIDE = 28;

/** A 28×28 digit as a PNG `data:` URI, dark ink on white. */
export function digitPng(pixels: Uint8Array): string {
  const data = new Uint8Array(PIXELS);
  for (let k = 0; k < PIXELS; k++) data[k] = 255 - pixels[k];
  return pngUri(encode({ width: SIDE, height: SIDE, data, channels: 1, depth: 8 }));
}

/**
 * 784 weights as a 28×28 PNG `data:` URI on a diverging scale: blue where a pixel's ink lowers
 * the unit's input, red where it raises it, white for 0; `limit` maps to full colour.
 */
export function weightPng(weights: ArrayLike<number>, limit: number): string {
  return signedPng(weights, SIDE, SIDE, limit);
}

/**
 * `width × height` values (row-major) as a PNG `data:` URI on the diverging scale of
 * {@link weightPng}: red above 0, blue below, white at 0, full colour at ±`limit`.
 */
export function signedPng(
  values: ArrayLike<number>,
  width: number,
  height: number,
  limit: number,
): string {
  const n = width * height, data = new Uint8Array(n * 3);
  for (let k = 0; k < n; k++) {
    const t = Math.max(-1, Math.min(1, values[k] / limit));
    const fade = Math.round(255 * (1 - Math.abs(t)));
    // red (255, fade, fade) for t > 0, blue (fade, fade, 255) for t < 0
    data[3 * k] = t >= 0 ? 255 : fade;
    data[3 * k + 1] = fade;
    data[3 * k + 2] = t >= 0 ? fade : 255;
  }
  return pngUri(encode({ width, height, data, channels: 3, depth: 8 }));
}

/**
 * `width × height` values (row-major, ≥ 0 such as ReLU outputs) as a grey PNG `data:` URI: white
 * at 0, black at `max` and above, as digits are drawn.
 */
export function greyPng(
  values: ArrayLike<number>,
  width: number,
  height: number,
  max: number,
): string {
  const n = width * height, data = new Uint8Array(n);
  for (let k = 0; k < n; k++) {
    data[k] = 255 - Math.round(255 * Math.max(0, Math.min(1, values[k] / (max || 1))));
  }
  return pngUri(encode({ width, height, data, channels: 1, depth: 8 }));
}

function pngUri(bytes: Uint8Array): string {
  return `data:image/png;base64,${Buffer.from(bytes).toString("base64")}`;
}

/** One tile of an image grid. */
export interface Tile {
  /** A PNG `data:` URI. */
  src: string;
  /** Grid column, from 0. */
  col: number;
  /** Grid row, from 0. */
  row: number;
  /** Caption under the image. */
  caption?: string;
  /** Hover text. */
  title?: string;
}

/** Options of {@link imageGrid}. */
export interface GridOptions {
  /** Figure title. */
  title?: string;
  /** Line under the title. */
  subtitle?: string;
  /** Line under the figure. */
  caption?: string;
  /** Pixel size of each image (56). */
  size?: number;
  /** Labels for the rows, drawn on the left. */
  rowLabels?: string[];
}

/** Images on a grid, each with an optional caption under it. */
export function imageGrid(tiles: Tile[], options: GridOptions = {}): string {
  const size = options.size ?? 56;
  const cols = Math.max(1, ...tiles.map((t) => t.col + 1));
  const rows = Math.max(1, ...tiles.map((t) => t.row + 1));
  const captioned = tiles.some((t) => t.caption);
  const cell = size + (captioned ? 18 : 8), rowHeight = size + (captioned ? 22 : 8);
  // Room for the longest row label (12 px bold: at most 8.5 px a character), at least 70 px.
  const longest = Math.max(0, ...(options.rowLabels ?? []).map((label) => label.length));
  const marginLeft = options.rowLabels ? Math.max(70, Math.ceil(16 + 8.5 * longest)) : 4;
  const fig = Plot.plot({
    document: plotDocument(),
    title: options.title,
    subtitle: options.subtitle,
    caption: options.caption,
    width: marginLeft + cols * cell + 4,
    height: rows * rowHeight + 8,
    marginLeft,
    marginRight: 4,
    marginTop: 4,
    marginBottom: 4,
    x: { domain: [-0.5, cols - 0.5], axis: null },
    y: { domain: [-0.5, rows - 0.5], reverse: true, axis: null },
    marks: [
      Plot.image(tiles, {
        x: "col",
        y: "row",
        src: "src",
        width: size,
        height: size,
        dy: captioned ? -7 : 0,
        imageRendering: "pixelated",
        title: (t: Tile) => t.title ?? t.caption ?? "",
      }),
      Plot.text(tiles.filter((t) => t.caption), {
        x: "col",
        y: "row",
        text: "caption",
        dy: size / 2 + 2,
        fontSize: 11,
      }),
      ...(options.rowLabels
        ? [Plot.text(options.rowLabels.map((text, row) => ({ text, row })), {
          x: () => -0.5,
          y: "row",
          text: "text",
          textAnchor: "end",
          dx: -8,
          fontSize: 12,
          fontWeight: "bold",
        })]
        : []),
    ],
  });
  return toHtml(fig as unknown as Element);
}
