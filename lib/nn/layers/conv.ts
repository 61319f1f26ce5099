/**
 * The convolution layer: k×k kernels, "valid" (no padding), stride 1, C channels in, F out.
 *
 * ```text
 * Y[j,f,y,x] = b[f] + Σ_c Σ_u Σ_v W[f,c,u,v] · X[j,c,y+u,x+v]
 *   X: m×C×H×W   W: F×C×k×k   b: F   Y: m×F×(H−k+1)×(W−k+1)
 * ```
 *
 * Written as loops over pixels, the readable version the engines are proven equal to.
 *
 * @module
 */

import { type Batch, zeros } from "./batch.ts";

/** The output shape of a k×k convolution with F filters on inputs of shape `[C, H, W]`. */
export function convShape(input: readonly number[], k: number, filters: number): number[] {
  const [, H, W] = input;
  return [filters, H - k + 1, W - k + 1];
}

/**
 * Forward: every output pixel is the kernel's dot product with the k×k patch under it.
 *
 * @param X Inputs, m×C×H×W.
 * @param W Kernels, F×C×k×k, row-major.
 * @param b Biases, F.
 * @param k Kernel size.
 */
export function convForward(X: Batch, W: Float64Array, b: Float64Array, k: number): Batch {
  const [C, H, Wd] = X.shape, F = b.length;
  const [, Ho, Wo] = convShape(X.shape, k, F);
  const Y = zeros(X.m, [F, Ho, Wo]);
  for (let j = 0; j < X.m; j++) {
    for (let f = 0; f < F; f++) {
      for (let y = 0; y < Ho; y++) {
        for (let x = 0; x < Wo; x++) {
          let sum = b[f];
          for (let c = 0; c < C; c++) {
            for (let u = 0; u < k; u++) {
              for (let v = 0; v < k; v++) {
                sum += W[((f * C + c) * k + u) * k + v] *
                  X.data[((j * C + c) * H + y + u) * Wd + x + v];
              }
            }
          }
          Y.data[((j * F + f) * Ho + y) * Wo + x] = sum;
        }
      }
    }
  }
  return Y;
}

/**
 * Backward: each output gradient flows back along the products that made its pixel.
 *
 * ```text
 * dW[f,c,u,v] = Σ_j Σ_y Σ_x dY[j,f,y,x] · X[j,c,y+u,x+v]     (F×C×k×k)
 * db[f]       = Σ_j Σ_y Σ_x dY[j,f,y,x]                      (F)
 * dX[j,c,y+u,x+v] += W[f,c,u,v] · dY[j,f,y,x]                (m×C×H×W)
 * ```
 */
export function convBackward(
  X: Batch,
  W: Float64Array,
  k: number,
  dY: Batch,
): { dX: Batch; dW: Float64Array; db: Float64Array } {
  const [C, H, Wd] = X.shape, [F, Ho, Wo] = dY.shape;
  const dX = zeros(X.m, X.shape), dW = new Float64Array(W.length), db = new Float64Array(F);
  for (let j = 0; j < X.m; j++) {
    for (let f = 0; f < F; f++) {
      for (let y = 0; y < Ho; y++) {
        for (let x = 0; x < Wo; x++) {
          const g = dY.data[((j * F + f) * Ho + y) * Wo + x];
          db[f] += g;
          for (let c = 0; c < C; c++) {
            for (let u = 0; u < k; u++) {
              for (let v = 0; v < k; v++) {
                const w = ((f * C + c) * k + u) * k + v;
                const i = ((j * C + c) * H + y + u) * Wd + x + v;
                dW[w] += g * X.data[i];
                dX.data[i] += g * W[w];
              }
            }
          }
        }
      }
    }
  }
  return { dX, dW, db };
}
