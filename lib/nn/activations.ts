/**
 * The activation functions of the network and their derivatives.
 *
 * @module
 */

import { type Matrix, matrix } from "./matrix.ts";

/** `max(Z, 0)`, element-wise: the seed's `ReLU`. */
export function relu(Z: Matrix): Matrix {
  return { rows: Z.rows, cols: Z.cols, data: Z.data.map((z) => (z > 0 ? z : 0)) };
}

/** `g′(Z) = 1 if Z > 0 else 0`, element-wise: the seed's `deriv_ReLU`. */
export function reluDerivative(Z: Matrix): Matrix {
  return { rows: Z.rows, cols: Z.cols, data: Z.data.map((z) => (z > 0 ? 1 : 0)) };
}

/**
 * `softmax(Z)ᵢⱼ = exp(Zᵢⱼ − maxᵢ Zᵢⱼ) / Σᵢ exp(Zᵢⱼ − maxᵢ Zᵢⱼ)`, column by column (one column
 * per sample).
 *
 * Subtracting each column's maximum changes nothing mathematically and keeps `exp` from
 * overflowing: the largest term is exp(0) = 1. Compare {@link softmaxUnstable}.
 *
 * @example
 * ```ts
 * import { softmax } from "./activations.ts";
 * import { fromRows } from "./matrix.ts";
 * const A = softmax(fromRows([[1000], [1000]])); // [[0.5], [0.5]], not NaN
 * ```
 */
export function softmax(Z: Matrix): Matrix {
  const A = matrix(Z.rows, Z.cols);
  const z = Z.data, a = A.data, n = Z.cols;
  for (let j = 0; j < n; j++) {
    let max = -Infinity;
    for (let i = 0; i < Z.rows; i++) max = Math.max(max, z[i * n + j]);
    let sum = 0;
    for (let i = 0; i < Z.rows; i++) sum += a[i * n + j] = Math.exp(z[i * n + j] - max);
    for (let i = 0; i < Z.rows; i++) a[i * n + j] /= sum;
  }
  return A;
}

/**
 * `exp(Z) / Σᵢ exp(Z)`, column by column, exactly as the seed writes it:
 * `np.exp(Z) / sum(np.exp(Z))`.
 *
 * Kept to show what goes wrong: `exp(710)` is already `Infinity` in float64, so a column with a
 * large entry becomes `Infinity / Infinity = NaN`. Use {@link softmax}.
 */
export function softmaxUnstable(Z: Matrix): Matrix {
  const E = { rows: Z.rows, cols: Z.cols, data: Z.data.map(Math.exp) };
  const n = Z.cols;
  for (let j = 0; j < n; j++) {
    let sum = 0;
    for (let i = 0; i < Z.rows; i++) sum += E.data[i * n + j];
    for (let i = 0; i < Z.rows; i++) E.data[i * n + j] /= sum;
  }
  return E;
}
