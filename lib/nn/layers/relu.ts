/**
 * The ReLU layer on a batch of any shape: `Y = max(X, 0)`, and back, `dX = dY ⊙ [X > 0]` — the
 * seed's `ReLU` and `ReLU_deriv`, element by element.
 *
 * @module
 */

import type { Batch } from "./batch.ts";
import type { LayerKind, Shape } from "./layer.ts";

/** A ReLU's description. */
export interface ReluSpec {
  /** `"relu"`. */
  kind: "relu";
}

/** Forward: `max(x, 0)` for every element. */
export function reluForward(X: Batch): Batch {
  return { m: X.m, shape: [...X.shape], data: X.data.map((x) => (x > 0 ? x : 0)) };
}

/** Backward: the gradient where the input was positive, 0 elsewhere. */
export function reluBackward(X: Batch, dY: Batch): Batch {
  return { m: X.m, shape: [...X.shape], data: dY.data.map((g, i) => (X.data[i] > 0 ? g : 0)) };
}

/** The ReLU as a layer kind: `relu` (implied after `convKxC` and `denseN`); no parameters. */
export const reluLayer: LayerKind<ReluSpec> = {
  kind: "relu",
  word: "relu",
  about: "max(x, 0), element by element (implied after convKxC and denseN)",
  fields: {},
  takes: "any",
  implied: true,
  read: (word: string) => (word === "relu" ? [{ kind: "relu" }] : undefined),
  write: () => "relu",
  outputShape: (_spec: ReluSpec, input: Shape) => [...input],
  params: () => [],
  init: () => null,
  forward: (_spec, X) => ({ Y: reluForward(X) }),
  backward: (_spec, X, _p, dY) => ({ dX: reluBackward(X, dY) }),
};
