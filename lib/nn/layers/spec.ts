/**
 * A network as a list of layers, as convnetjs, `nn.Sequential` and Keras describe one: each entry
 * names a kind and its size, and the shape of every tensor follows from the input's. Softmax with
 * cross-entropy always comes after the last layer.
 *
 * The short form (`deno task train --layers`): `convKxC` is a K×K convolution to C channels then
 * a ReLU, `poolP` a P×P max pool, `denseN` a hidden dense layer of N units then a ReLU; the
 * flatten before the first dense layer and the output layer of 10 units are implied. So
 * `conv5x32,pool2,conv5x64,pool2,dense256` is LeNet's shape at today's widths.
 *
 * @module
 */

import { sizeOf } from "./batch.ts";
import { convShape } from "./conv.ts";
import { poolShape } from "./max_pool.ts";

/** One layer: its kind and sizes. */
export type LayerSpec =
  | { kind: "conv"; size: number; filters: number }
  | { kind: "maxPool"; size: number }
  | { kind: "relu" }
  | { kind: "flatten" }
  | { kind: "dense"; units: number };

/** The shape of an MNIST image: one channel of 28×28. */
export const MNIST_INPUT: readonly number[] = [1, 28, 28];

/** A layer's name in the short form (`conv5x32`, `pool2`, `dense256`, `relu`, `flatten`). */
export function layerName(layer: LayerSpec): string {
  switch (layer.kind) {
    case "conv":
      return `conv${layer.size}x${layer.filters}`;
    case "maxPool":
      return `pool${layer.size}`;
    case "dense":
      return `dense${layer.units}`;
    default:
      return layer.kind;
  }
}

/**
 * The layers in the short form, the ReLUs and flatten left implicit and the output layer written
 * out: `conv5x32,pool2,dense256,dense10`.
 */
export function layersText(layers: readonly LayerSpec[]): string {
  return layers.filter((l) => l.kind !== "relu" && l.kind !== "flatten").map(layerName).join(",");
}

/**
 * The shape of every activation: `shapes[0]` is the input's, `shapes[l + 1]` layer l's output.
 *
 * @throws {RangeError} `Cannot build … on 28×28 images: …` for a layer that does not fit.
 */
export function layerShapes(
  layers: readonly LayerSpec[],
  input: readonly number[] = MNIST_INPUT,
): number[][] {
  const shapes = [[...input]];
  const fail = (l: number, why: string): never => {
    throw new RangeError(
      `Cannot build ${layers.map(layerName).join(",")} on ${input.slice(1).join("×")} images: ` +
        `${layerName(layers[l])} (layer ${l + 1}) ${why}`,
    );
  };
  layers.forEach((layer, l) => {
    const shape = shapes[l];
    const image = shape.length === 3;
    switch (layer.kind) {
      case "conv": {
        if (!image) fail(l, "needs images, and comes after a flatten or dense layer");
        if (shape[1] < layer.size || shape[2] < layer.size) {
          fail(
            l,
            `needs at least ${layer.size}×${layer.size} inputs, and gets ${shape[1]}×${shape[2]}`,
          );
        }
        shapes.push(convShape(shape, layer.size, layer.filters));
        break;
      }
      case "maxPool": {
        if (!image) fail(l, "needs images, and comes after a flatten or dense layer");
        if (shape[1] < layer.size || shape[2] < layer.size) {
          fail(
            l,
            `needs at least ${layer.size}×${layer.size} inputs, and gets ${shape[1]}×${shape[2]}`,
          );
        }
        shapes.push(poolShape(shape, layer.size));
        break;
      }
      case "flatten":
      case "dense":
        shapes.push(layer.kind === "dense" ? [layer.units] : [sizeOf(shape)]);
        break;
      case "relu":
        shapes.push([...shape]);
    }
  });
  return shapes;
}

/**
 * The layer list of a short form such as `conv5x32,pool2,conv5x64,pool2,dense256`: a ReLU after
 * each conv and dense layer, a flatten before the first dense one, then the output layer.
 *
 * @param text Comma-separated `convKxC`, `poolP`, `denseN`.
 * @param classes Units of the output layer (10).
 * @param input The input's shape (MNIST's 1×28×28).
 * @throws {RangeError} For a word it cannot read, or layers that do not fit the input.
 */
export function parseLayers(
  text: string,
  classes = 10,
  input: readonly number[] = MNIST_INPUT,
): LayerSpec[] {
  const layers: LayerSpec[] = [];
  let flat = input.length === 1;
  for (const word of text.split(",").map((w) => w.trim())) {
    const conv = word.match(/^conv([1-9]\d*)x([1-9]\d*)$/);
    const pool = word.match(/^pool([1-9]\d*)$/);
    const dense = word.match(/^dense([1-9]\d*)$/);
    if (conv) {
      layers.push({ kind: "conv", size: Number(conv[1]), filters: Number(conv[2]) }, {
        kind: "relu",
      });
    } else if (pool) {
      layers.push({ kind: "maxPool", size: Number(pool[1]) });
    } else if (dense) {
      if (!flat) layers.push({ kind: "flatten" });
      flat = true;
      layers.push({ kind: "dense", units: Number(dense[1]) }, { kind: "relu" });
    } else {
      throw new RangeError(
        `Cannot read the layer "${word}" of "${text}": expected convKxC, poolP or denseN (conv5x32, pool2, dense256)`,
      );
    }
  }
  if (!flat) layers.push({ kind: "flatten" });
  layers.push({ kind: "dense", units: classes });
  layerShapes(layers, input);
  return layers;
}

/**
 * The dense network of layer sizes `sizes` (`[784, 10, 10, 10]`, the seed's) as a layer list:
 * dense, ReLU, …, dense. Its input is a vector of `sizes[0]`.
 */
export function denseLayers(sizes: readonly number[]): LayerSpec[] {
  const layers: LayerSpec[] = [];
  for (let l = 1; l < sizes.length; l++) {
    layers.push({ kind: "dense", units: sizes[l] });
    if (l + 1 < sizes.length) layers.push({ kind: "relu" });
  }
  return layers;
}
