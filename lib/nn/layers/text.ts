/**
 * A network as a list of layers in a short form, as convnetjs, `nn.Sequential` and Keras describe
 * one: `conv5x32,pool2,conv5x64,pool2,dense256` is LeNet's shape at today's widths. Each word is
 * read by the layer kind it belongs to (`registry.ts`): `convKxC` is a K×K convolution to C
 * channels then a ReLU, `poolP` a P×P max pool, `denseN` a hidden dense layer of N units then a
 * ReLU. A flatten goes in before the first layer that takes vectors, and the output layer of 10
 * units after the last; softmax with cross-entropy always follows it.
 *
 * @module
 */

import { layerProblem } from "./json.ts";
import type { Shape } from "./layer.ts";
import { FLATTEN, LAYER_KINDS, layerKind, type LayerSpec, outputLayer } from "./registry.ts";
import { layerName, layerShapes, MNIST_INPUT } from "./shapes.ts";

const sameLayer = (a: object, b: object) => JSON.stringify(a) === JSON.stringify(b);

/** The words of the short form, for help texts: `convKxC, poolP, denseN, bn, dropoutP, relu or flatten`. */
export function layerWords(): string {
  const words = LAYER_KINDS.map((k) => k.word);
  return `${words.slice(0, -1).join(", ")} or ${words.at(-1)}`;
}

/**
 * The layer list of a short form such as `conv5x32,pool2,conv5x64,pool2,dense256`: each word's
 * layers (a ReLU after each conv and dense), a flatten before the first layer that takes
 * vectors, then the output layer.
 *
 * @example
 * ```ts
 * import { parseLayers } from "./text.ts";
 * console.log(parseLayers("conv5x8,pool2").map((l) => l.kind).join(" "));
 * // conv relu maxPool flatten dense
 * ```
 *
 * @param text Comma-separated words: `convKxC`, `poolP`, `denseN` (and `relu`, `flatten`).
 * @param classes Units of the output layer (10).
 * @param input The input's shape (MNIST's 1×28×28).
 * @throws {RangeError} For a word it cannot read, or layers that do not fit the input.
 */
export function parseLayers(
  text: string,
  classes = 10,
  input: Shape = MNIST_INPUT,
): LayerSpec[] {
  const layers: LayerSpec[] = [];
  let flat = input.length === 1;
  const add = (layer: LayerSpec) => {
    if (!flat && layerKind(layer).takes === "vector") layers.push({ ...FLATTEN });
    if (layerKind(layer).takes === "vector" || sameLayer(layer, FLATTEN)) flat = true;
    layers.push(layer);
  };
  for (const word of text.split(",").map((w) => w.trim()).filter((w) => w !== "")) {
    const read = LAYER_KINDS.map((k) => k.read(word)).find((r) => r !== undefined);
    if (!read) {
      const examples = "conv5x32, pool2, dense256";
      throw new RangeError(
        `Cannot read the layer "${word}" of "${text}": expected ${layerWords()} (${examples})`,
      );
    }
    for (const layer of read) add(layer as LayerSpec);
  }
  add(outputLayer(classes));
  layerShapes(layers, input);
  return layers;
}

/**
 * A layer list in the short form, the words `parseLayers` implies left out — the ReLU after
 * each conv and dense layer, the flatten before the first dense one, the output layer of
 * `classes` units at the end — so that `layersText(parseLayers(t)) === t`. A list the short form
 * cannot spell (a convolution with no ReLU after it, say) gets its nearest text, as its name.
 */
export function layersText(
  layers: readonly LayerSpec[],
  classes = 10,
  input: Shape = MNIST_INPUT,
): string {
  let end = layers.length;
  const last = layers.at(-1);
  if (last && sameLayer(last, outputLayer(classes))) end--;
  const words: string[] = [];
  let flat = input.length === 1;
  for (let l = 0; l < end;) {
    const layer = layers[l], kind = layerKind(layer);
    const next = layers[l + 1];
    if (sameLayer(layer, FLATTEN) && !flat && next && layerKind(next).takes === "vector") {
      flat = true; // implied by the layer after it
      l++;
      continue;
    }
    const word = kind.write(layer), read = kind.read(word) ?? [layer];
    const implied = read.every((r, i) => l + i < layers.length && sameLayer(r, layers[l + i]));
    words.push(word);
    if (kind.takes === "vector" || sameLayer(layer, FLATTEN)) flat = true;
    l += implied ? read.length : 1;
  }
  return words.join(",");
}

/** The layers spelled out, every layer a word: `conv5x32,relu,pool2,flatten,dense10`. */
export function layersInFull(layers: readonly LayerSpec[]): string {
  return layers.map(layerName).join(",");
}

/**
 * The layers of a network given either way, as a learner may type it: the short form
 * (`"conv5x32,pool2,dense256"`, read by {@link parseLayers}) or a list of layer descriptions
 * (checked to fit the input).
 *
 * @throws {RangeError} For a text it cannot read, a list entry that is not a layer, or layers
 *   that do not fit the input.
 */
export function toLayers(
  layers: string | readonly LayerSpec[],
  input: Shape = MNIST_INPUT,
): LayerSpec[] {
  if (typeof layers === "string") return parseLayers(layers, 10, input);
  if (!Array.isArray(layers)) {
    throw new RangeError(
      `Cannot read the layers ${
        JSON.stringify(layers)
      }: expected the short form ("conv5x32,pool2,dense256") or a list of layers`,
    );
  }
  layers.forEach((l, i) => {
    const problem = layerProblem(l, `layers[${i}]`);
    if (problem) throw new RangeError(`Cannot use the layers: ${problem}`);
  });
  const list = layers.map((l) => ({ ...l }));
  layerShapes(list, input);
  return list;
}
