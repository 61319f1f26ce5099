/**
 * The ReLU layer on a batch of any shape: `Y = max(X, 0)`, and back, `dX = dY ⊙ [X > 0]` — the
 * seed's `ReLU` and `ReLU_deriv`, element by element.
 *
 * @module
 */

import type { Batch } from "./batch.ts";

/** Forward: `max(x, 0)` for every element. */
export function reluForward(X: Batch): Batch {
  return { m: X.m, shape: [...X.shape], data: X.data.map((x) => (x > 0 ? x : 0)) };
}

/** Backward: the gradient where the input was positive, 0 elsewhere. */
export function reluBackward(X: Batch, dY: Batch): Batch {
  return { m: X.m, shape: [...X.shape], data: dY.data.map((g, i) => (X.data[i] > 0 ? g : 0)) };
}
