/**
 * The flatten layer: an image's C×H×W values read in order as one vector of C·H·W, the same
 * numbers in the same places — what a dense layer after a convolution reads.
 *
 * @module
 */

import { sizeOf } from "./batch.ts";
import type { LayerKind, Shape } from "./layer.ts";

/** A flatten's description. */
export interface FlattenSpec {
  /** `"flatten"`. */
  kind: "flatten";
}

/** Flatten as a layer kind: `flatten` (implied before the first `denseN` after images). */
export const flattenLayer: LayerKind<FlattenSpec> = {
  kind: "flatten",
  word: "flatten",
  about: "an image's C×H×W values as one vector (implied before the first denseN)",
  fields: {},
  takes: "any",
  implied: true,
  read: (word: string) => (word === "flatten" ? [{ kind: "flatten" }] : undefined),
  write: () => "flatten",
  outputShape: (_spec: FlattenSpec, input: Shape) => [sizeOf(input)],
  params: () => [],
  init: () => null,
  forward: (_spec, X) => ({ Y: { m: X.m, shape: [sizeOf(X.shape)], data: X.data } }),
  backward: (_spec, X, _p, dY) => ({ dX: { m: X.m, shape: [...X.shape], data: dY.data } }),
};
