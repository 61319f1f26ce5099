/**
 * What a convolutional network sees: its first layer's learned kernels as small images, and the
 * feature maps of one digit after each convolution and pooling layer.
 *
 * @module
 */

import { imagesToBatch } from "../nn/layers/batch.ts";
import { type Network, networkForward } from "../nn/layers/network.ts";
import { layerName } from "../nn/layers/shapes.ts";
import { greyPng, imageGrid, signedPng, type Tile } from "./images.ts";

/**
 * The first convolution's kernels, one k×k image per filter (its first input channel): red
 * weights raise the filter's output where the image has ink, blue lower it; one colour scale
 * for all.
 *
 * @throws {RangeError} For a network whose first layer is not a convolution.
 */
export function kernelImages(
  net: Network,
  options: { title?: string; subtitle?: string; columns?: number } = {},
): string {
  const layer = net.layers[0], W = net.params[0]?.W;
  if (layer.kind !== "conv" || !W) {
    throw new RangeError("Cannot draw kernels: the network's first layer is not a convolution");
  }
  const { size: k, filters } = layer, C = W.length / (filters * k * k);
  const columns = options.columns ?? 8;
  let limit = 0;
  for (const w of W) limit = Math.max(limit, Math.abs(w));
  const tiles: Tile[] = Array.from({ length: filters }, (_, f) => ({
    src: signedPng(W.subarray(f * C * k * k, f * C * k * k + k * k), k, k, limit || 1),
    col: f % columns,
    row: Math.floor(f / columns),
    caption: `filter ${f}`,
  }));
  return imageGrid(tiles, {
    title: options.title ?? `The first layer's ${filters} kernels, ${k}×${k} each`,
    subtitle: options.subtitle ??
      `Red positive, blue negative, full colour at |w| = ${limit.toFixed(2)}`,
    size: 56,
  });
}

/**
 * The feature maps of one 28×28 digit (grey levels 0–255): after each convolution (with its
 * ReLU) and each max pool, the first `channels` channels as grey images, a row per layer, each
 * row on its own scale (black at the row's largest value).
 */
export function featureMaps(
  net: Network,
  image: Uint8Array,
  options: { title?: string; subtitle?: string; channels?: number } = {},
): string {
  const channels = options.channels ?? 8;
  const { A } = networkForward(net, imagesToBatch({ count: 1, pixels: image }, net.input));
  const tiles: Tile[] = [], rowLabels: string[] = [];
  net.layers.forEach((layer, l) => {
    // A convolution's map is shown after its ReLU; a pool's as it is.
    const shown = layer.kind === "maxPool" ||
      (layer.kind === "relu" && net.layers[l - 1]?.kind === "conv");
    const out = A[l + 1];
    if (!shown || out.shape.length !== 3) return;
    const [C, H, W] = out.shape, row = rowLabels.length;
    let max = 0;
    for (const v of out.data) max = Math.max(max, v);
    for (let c = 0; c < Math.min(C, channels); c++) {
      tiles.push({
        src: greyPng(out.data.subarray(c * H * W, (c + 1) * H * W), W, H, max),
        col: c,
        row,
        title: `channel ${c}, ${H}×${W}`,
      });
    }
    const named = layer.kind === "relu" ? layerName(net.layers[l - 1]) : layerName(layer);
    rowLabels.push(`${named} ${H}×${W}`);
  });
  return imageGrid(tiles, {
    title: options.title ?? "What the network sees: feature maps of one digit",
    subtitle: options.subtitle ??
      `The first ${channels} channels after each convolution (with its ReLU) and each pooling`,
    size: 56,
    rowLabels,
  });
}
