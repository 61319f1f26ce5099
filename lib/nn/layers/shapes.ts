/**
 * The shapes of a layer list: every activation's shape follows from the input's, layer by
 * layer, each layer kind saying what it gives for what it gets — and why, when it does not fit.
 *
 * @module
 */

import { LayerShapeError, type ParamInfo, type Shape } from "./layer.ts";
import { layerKind, type LayerSpec } from "./registry.ts";

/** The shape of an MNIST image: one channel of 28×28. */
export const MNIST_INPUT: readonly number[] = [1, 28, 28];

/** A layer's name in the short form: `conv5x32`, `pool2`, `dense256`, `relu`, `flatten`. */
export function layerName(layer: LayerSpec): string {
  return layerKind(layer).write(layer);
}

/** An input's shape in words: `28×28 images` or `784-vectors`. */
function inputWords(input: Shape): string {
  return input.length === 3
    ? `${input.slice(1).join("×")}${input[0] > 1 ? `×${input[0]}` : ""} images`
    : `${input.join("×")}-vectors`;
}

/**
 * The shape of every activation: `shapes[0]` is the input's, `shapes[l + 1]` layer l's output.
 *
 * @throws {RangeError} `Cannot build … on 28×28 images: …` for a layer that does not fit.
 */
export function layerShapes(
  layers: readonly LayerSpec[],
  input: Shape = MNIST_INPUT,
): number[][] {
  const shapes = [[...input]];
  layers.forEach((layer, l) => {
    try {
      shapes.push(layerKind(layer).outputShape(layer, shapes[l]));
    } catch (error) {
      if (!(error instanceof LayerShapeError)) throw error;
      throw new RangeError(
        `Cannot build ${layers.map(layerName).join(",")} on ${inputWords(input)}: ` +
          `${layerName(layer)} (layer ${l + 1}) ${error.message}`,
      );
    }
  });
  return shapes;
}

/** Each layer's parameter arrays (`[]` for a layer without), from the input's shape on. */
export function layerParamInfos(
  layers: readonly LayerSpec[],
  input: Shape = MNIST_INPUT,
): ParamInfo[][] {
  const shapes = layerShapes(layers, input);
  return layers.map((layer, l) => layerKind(layer).params(layer, shapes[l]));
}
