/**
 * Max pooling: each channel cut into p×p windows (stride p), each window replaced by its
 * largest value. Rows and columns past the last whole window are dropped, as PyTorch does.
 *
 * ```text
 * Y[j,c,y,x] = max over 0 ≤ u,v < p of X[j,c,p·y+u,p·x+v]
 *   X: m×C×H×W   Y: m×C×⌊H/p⌋×⌊W/p⌋
 * ```
 *
 * @module
 */

import { type Batch, zeros } from "./batch.ts";

/** The output shape of p×p max pooling on inputs of shape `[C, H, W]`. */
export function poolShape(input: readonly number[], p: number): number[] {
  const [C, H, W] = input;
  return [C, Math.floor(H / p), Math.floor(W / p)];
}

/**
 * Forward. Also returns, for each output, the input index of the maximum it took — the one place
 * its gradient goes back to. On a tie the first maximum in reading order (row by row) wins.
 */
export function maxPoolForward(X: Batch, p: number): { Y: Batch; argmax: Int32Array } {
  const [C, H, W] = X.shape, [, Ho, Wo] = poolShape(X.shape, p);
  const Y = zeros(X.m, [C, Ho, Wo]);
  const argmax = new Int32Array(Y.data.length);
  for (let j = 0; j < X.m; j++) {
    for (let c = 0; c < C; c++) {
      for (let y = 0; y < Ho; y++) {
        for (let x = 0; x < Wo; x++) {
          let best = -1, max = -Infinity;
          for (let u = 0; u < p; u++) {
            for (let v = 0; v < p; v++) {
              const i = ((j * C + c) * H + p * y + u) * W + p * x + v;
              if (X.data[i] > max) [max, best] = [X.data[i], i];
            }
          }
          const o = ((j * C + c) * Ho + y) * Wo + x;
          Y.data[o] = max;
          argmax[o] = best;
        }
      }
    }
  }
  return { Y, argmax };
}

/** Backward: each output's gradient goes to the input that was its maximum; the rest get 0. */
export function maxPoolBackward(X: Batch, argmax: Int32Array, dY: Batch): Batch {
  const dX = zeros(X.m, X.shape);
  for (let o = 0; o < dY.data.length; o++) dX.data[argmax[o]] += dY.data[o];
  return dX;
}
