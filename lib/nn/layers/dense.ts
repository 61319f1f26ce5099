/**
 * The dense (fully connected) layer, sample by sample: the seed's `Z = W·A + b`, with the batch
 * stored one sample after another rather than one per column.
 *
 * ```text
 * Y[j,i] = b[i] + Σ_k W[i,k] · X[j,k]        X: m×n   W: units×n   b: units   Y: m×units
 * ```
 *
 * @module
 */

import { type Batch, sizeOf, zeros } from "./batch.ts";

/** Forward. `X` may have any shape: a sample's values are read in order (as if flattened). */
export function denseForward(X: Batch, W: Float64Array, b: Float64Array): Batch {
  const n = sizeOf(X.shape), units = b.length;
  const Y = zeros(X.m, [units]);
  for (let j = 0; j < X.m; j++) {
    for (let i = 0; i < units; i++) {
      let sum = b[i];
      for (let k = 0; k < n; k++) sum += W[i * n + k] * X.data[j * n + k];
      Y.data[j * units + i] = sum;
    }
  }
  return Y;
}

/**
 * Backward.
 *
 * ```text
 * dW[i,k] = Σ_j dY[j,i] · X[j,k]     db[i] = Σ_j dY[j,i]     dX[j,k] = Σ_i W[i,k] · dY[j,i]
 * ```
 */
export function denseBackward(
  X: Batch,
  W: Float64Array,
  dY: Batch,
): { dX: Batch; dW: Float64Array; db: Float64Array } {
  const n = sizeOf(X.shape), units = dY.shape[0];
  const dX = zeros(X.m, X.shape), dW = new Float64Array(W.length), db = new Float64Array(units);
  for (let j = 0; j < X.m; j++) {
    for (let i = 0; i < units; i++) {
      const g = dY.data[j * units + i];
      db[i] += g;
      for (let k = 0; k < n; k++) {
        dW[i * n + k] += g * X.data[j * n + k];
        dX.data[j * n + k] += g * W[i * n + k];
      }
    }
  }
  return { dX, dW, db };
}
