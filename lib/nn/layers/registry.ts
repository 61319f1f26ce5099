/**
 * The layer kinds: one line each. Everything that reads or writes a network — the short form,
 * the network's passes, model files, the summary, the digit pad — finds a layer's kind here and
 * asks it; a new kind is its module, a line below, its engine kernels and its tests.
 *
 * @module
 */

import { batchNormLayer, type BatchNormSpec } from "./batch_norm.ts";
import { convLayer, type ConvSpec } from "./conv.ts";
import { denseLayer, type DenseSpec } from "./dense.ts";
import { dropoutLayer, type DropoutSpec } from "./dropout.ts";
import { flattenLayer, type FlattenSpec } from "./flatten.ts";
import type { LayerKind } from "./layer.ts";
import { maxPoolLayer, type MaxPoolSpec } from "./max_pool.ts";
import { reluLayer, type ReluSpec } from "./relu.ts";

/** One layer: its kind and sizes, plain data (the same object is its JSON form). */
export type LayerSpec =
  | ConvSpec
  | MaxPoolSpec
  | ReluSpec
  | FlattenSpec
  | DenseSpec
  | BatchNormSpec
  | DropoutSpec;

/** Every kind, in the order the short form tries its words. */
export const LAYER_KINDS: readonly LayerKind<LayerSpec>[] = [
  convLayer,
  maxPoolLayer,
  denseLayer,
  batchNormLayer,
  dropoutLayer,
  reluLayer,
  flattenLayer,
] as unknown as LayerKind<LayerSpec>[];

const byKind = new Map(LAYER_KINDS.map((k) => [k.kind as string, k]));

/**
 * The kind of a layer description.
 *
 * @throws {RangeError} For a kind that is not registered.
 */
export function layerKind(spec: { kind: string }): LayerKind<LayerSpec> {
  const kind = byKind.get(spec.kind);
  if (!kind) {
    throw new RangeError(
      `Cannot use a layer of kind ${JSON.stringify(spec.kind)}: expected one of ${
        [...byKind.keys()].join(", ")
      }`,
    );
  }
  return kind;
}

/** Whether a kind of this name is registered. */
export function isLayerKind(kind: unknown): boolean {
  return typeof kind === "string" && byKind.has(kind);
}

/** Whether a layer of the list draws noise in training (a dropout): its epochs need a seed. */
export function drawsNoise(layers: readonly { kind: string }[]): boolean {
  return layers.some((layer) => layerKind(layer).noisy === true);
}

/** The flatten the short form puts before the first layer that takes vectors. */
export const FLATTEN: LayerSpec = { kind: "flatten" };

/** The output layer the short form ends with: a dense layer of `classes` units. */
export function outputLayer(classes: number): LayerSpec {
  return { kind: "dense", units: classes };
}
