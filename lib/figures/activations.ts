/**
 * What batch normalisation does to the values a layer reads, as training goes (Ioffe and
 * Szegedy's figure 1): a callback that, every few batches, runs a few fixed images through the
 * network so far and keeps the 15th, 50th and 85th percentiles of what one layer reads; and the
 * figure of those bands, one panel a run. Without normalisation the band drifts and stretches as
 * the layers before it learn; with it, it stays where the normalisation puts it.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import type { Batch } from "../nn/layers/batch.ts";
import { networkForward } from "../nn/layers/network.ts";
import type { Network } from "../nn/layers/network.ts";
import { layerName } from "../nn/layers/shapes.ts";
import type { Callback } from "../train/callbacks.ts";
import { plotDocument, toHtml } from "./dom.ts";

/** The percentiles of what one layer read, at one point of a run. */
export interface ActivationPoint {
  /** The run's name (a panel). */
  run: string;
  /** Batches trained so far. */
  batch: number;
  /** The 15th percentile of the values. */
  p15: number;
  /** Their median. */
  p50: number;
  /** Their 85th percentile. */
  p85: number;
}

/**
 * The place in `net.layers` of the layer whose input is what the `n`-th convolution (from 1)
 * reads — or, when the network has fewer, the first dense layer's.
 */
function readerOf(net: Network, n: number): number {
  const convs = net.layers.flatMap((l, i) => (l.kind === "conv" ? [i] : []));
  if (n - 1 < convs.length) return convs[n - 1];
  const dense = net.layers.findIndex((l) => l.kind === "dense");
  if (dense < 0) {
    throw new RangeError(`Cannot find convolution ${n} or a dense layer in the network`);
  }
  return dense;
}

/** The 15th, 50th and 85th percentiles of `values` (nearest rank). */
export function percentiles(values: ArrayLike<number>): { p15: number; p50: number; p85: number } {
  const sorted = Float64Array.from(values).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { p15: at(0.15), p50: at(0.5), p85: at(0.85) };
}

/**
 * A callback that every `every` batches (and before the first) runs `images` through the
 * layers before the network's `reader`-th convolution, in evaluation mode, and keeps the
 * percentiles of what that convolution reads (their output: a ReLU's, a pool's, or a bn's) in
 * `points`.
 *
 * @example
 * ```ts ignore
 * const watch = watchActivations("with bn", imagesToBatch(dev, 0, 16), { reader: 2, every: 20 });
 * await fit(train, { layers: "conv5x32,bn,pool2,conv5x64,bn,pool2", callbacks: [watch] });
 * await show(activationBands(watch.points));
 * ```
 */
export function watchActivations(
  run: string,
  images: Batch,
  options: { reader?: number; every?: number } = {},
): Callback & { points: ActivationPoint[] } {
  const { reader = 2, every = 20 } = options;
  const points: ActivationPoint[] = [];
  let batch = 0;
  const record = (net: Network) => {
    // Only the layers before the reader: what it reads is their output.
    const l = readerOf(net, reader);
    const before = { ...net, layers: net.layers.slice(0, l), params: net.params.slice(0, l) };
    const { A } = networkForward(before, images);
    points.push({ run, batch, ...percentiles(A[l].data) });
  };
  return {
    points,
    onStart: (trainer) => record(trainer.network()),
    onBatch(_point, trainer) {
      if (++batch % every === 0) record(trainer.network());
    },
  };
}

/**
 * The bands of {@link watchActivations}' points: per run (a panel), the 15th–85th percentile
 * band and the median of what the watched layer reads, against batches trained.
 */
export function activationBands(
  points: ActivationPoint[],
  options: { title?: string; subtitle?: string; width?: number } = {},
): string {
  const runs = [...new Set(points.map((p) => p.run))];
  const fig = Plot.plot({
    document: plotDocument(),
    title: options.title ?? "What a layer reads, as training goes",
    subtitle: options.subtitle ??
      "On 16 fixed dev images: the 15th to 85th percentile of the values (band) and their median (line)",
    width: options.width ?? 720,
    height: 300,
    marginRight: 16,
    fx: { label: null, domain: runs },
    x: { label: "Batches trained" },
    y: { label: "Value", grid: true },
    marks: [
      Plot.areaY(points, { fx: "run", x: "batch", y1: "p15", y2: "p85", fillOpacity: 0.25 }),
      Plot.lineY(points, { fx: "run", x: "batch", y: "p50" }),
      Plot.ruleY([0], { strokeOpacity: 0.3 }),
    ],
  });
  return toHtml(fig as unknown as Element);
}

/** The watched layer's description, for a caption: `conv5x64 (layer 5)`. */
export function watchedLayer(net: Network, reader = 2): string {
  const l = readerOf(net, reader);
  return `${layerName(net.layers[l])} (layer ${l + 1})`;
}
