/**
 * The network, as the seed writes it: forward propagation, backward propagation and the update
 * step, one line per equation, over whole matrices (one column per sample).
 *
 * This is the readable, textbook version. Training runs on the fused engine in `engine.ts`,
 * which tests prove equal to these functions.
 *
 * @module
 */

import { relu, reluDerivative, softmax, softmaxUnstable } from "./activations.ts";
import type { Digits } from "../data/dataset.ts";
import {
  addColumn,
  hadamard,
  matMul,
  type Matrix,
  matrix,
  scale,
  shape,
  subtract,
  sumAll,
  sumRows,
} from "./matrix.ts";
import type { Params } from "./params.ts";

/**
 * `X = pixels / 255` as a 784×m matrix, one column per image: the seed's `X_train`
 * (`data_train[1:n] / 255`).
 */
export function pixelsToX(digits: Pick<Digits, "count" | "pixels">): Matrix {
  const m = digits.count, n = digits.pixels.length / m;
  const X = matrix(n, m);
  for (let j = 0; j < m; j++) {
    for (let k = 0; k < n; k++) X.data[k * m + j] = digits.pixels[j * n + k] / 255;
  }
  return X;
}

/**
 * `Y[Yⱼ, j] = 1`, zero elsewhere: the seed's `one_hot`, a classes×m matrix with a single 1 in
 * each column.
 */
export function oneHot(Y: ArrayLike<number>, classes = 10): Matrix {
  const m = Y.length;
  const M = matrix(classes, m);
  for (let j = 0; j < m; j++) {
    if (!(Y[j] >= 0 && Y[j] < classes)) {
      throw new RangeError(
        `Cannot one-hot encode label ${Y[j]} of sample ${j}: expected 0–${classes - 1}`,
      );
    }
    M.data[Y[j] * m + j] = 1;
  }
  return M;
}

/** What forward propagation computes: `Z[l]` and `A[l]` for each layer (`Z[0]` is the seed's `Z1`). */
export interface Cache {
  /** Pre-activations `Z[l] = W[l]·A[l−1] + b[l]`, one per layer. */
  Z: Matrix[];
  /** Activations: ReLU of Z, softmax for the last layer. */
  A: Matrix[];
}

/** Options of {@link forwardProp}. */
export interface ForwardOptions {
  /** Use the seed's softmax, which overflows for large inputs (see `softmaxUnstable`). */
  unstableSoftmax?: boolean;
}

/**
 * Forward propagation, the seed's `forward_prop`, for any number of layers:
 *
 * ```text
 * Z[1] = W[1]·X + b[1]       (10×784)·(784×m) + (10×1) → 10×m
 * A[1] = ReLU(Z[1])
 * Z[2] = W[2]·A[1] + b[2]    (10×10)·(10×m) + (10×1)   → 10×m
 * A[2] = ReLU(Z[2])
 * Z[3] = W[3]·A[2] + b[3]    (10×10)·(10×m) + (10×1)   → 10×m
 * A[3] = softmax(Z[3])       each column sums to 1
 * ```
 *
 * @param params Weights and biases.
 * @param X Inputs, one column per sample (`sizes[0] × m`).
 * @returns `{ Z, A }`; `A.at(-1)` holds the class probabilities.
 * @throws {RangeError} When X has the wrong number of rows.
 */
export function forwardProp(params: Params, X: Matrix, options: ForwardOptions = {}): Cache {
  if (X.rows !== params.sizes[0]) {
    throw new RangeError(
      `Cannot run the network on X (${shape(X)}): expected ${params.sizes[0]} rows`,
    );
  }
  const L = params.W.length;
  const Z: Matrix[] = [], A: Matrix[] = [];
  let input = X;
  for (let l = 0; l < L; l++) {
    Z[l] = addColumn(matMul(params.W[l], input), params.b[l]); // Z = W·A_prev + b
    const last = l === L - 1;
    A[l] = !last ? relu(Z[l]) : options.unstableSoftmax ? softmaxUnstable(Z[l]) : softmax(Z[l]);
    input = A[l];
  }
  return { Z, A };
}

/** Gradients of the loss with respect to each parameter, shaped like them. */
export interface Grads {
  /** `dW[l]`, shaped like `W[l]`. */
  dW: Matrix[];
  /** `db[l]`, shaped like `b[l]`. */
  db: Matrix[];
}

/** Options of {@link backProp}. */
export interface BackwardOptions {
  /**
   * Reproduce the seed's bias gradient `db = 1/m · np.sum(dZ)`: the sum over *every* unit and
   * sample, so each unit of a layer gets the same scalar. The correct gradient sums each unit's
   * row: `db = 1/m · Σⱼ dZ[:, j]`. Off by default.
   */
  originalBiasGradient?: boolean;
}

/**
 * Backward propagation, the seed's `back_prop`: the gradient of the mean cross-entropy loss.
 *
 * ```text
 * dZ[3] = A[3] − Y                       10×m
 * dW[3] = 1/m · dZ[3]·A[2]ᵀ              (10×m)·(m×10) → 10×10
 * db[3] = 1/m · Σ_columns dZ[3]          10×1
 * dZ[2] = W[3]ᵀ·dZ[3] ⊙ ReLU′(Z[2])      (10×10)·(10×m) → 10×m
 * dW[2] = 1/m · dZ[2]·A[1]ᵀ              10×10
 * db[2] = 1/m · Σ_columns dZ[2]          10×1
 * dZ[1] = W[2]ᵀ·dZ[2] ⊙ ReLU′(Z[1])      10×m
 * dW[1] = 1/m · dZ[1]·Xᵀ                 (10×m)·(m×784) → 10×784
 * db[1] = 1/m · Σ_columns dZ[1]          10×1
 * ```
 *
 * @param params The parameters the forward pass used.
 * @param cache The forward pass's `{ Z, A }`.
 * @param X The inputs (`sizes[0] × m`).
 * @param Y The labels, one per sample.
 * @returns `{ dW, db }`.
 */
export function backProp(
  params: Params,
  cache: Cache,
  X: Matrix,
  Y: ArrayLike<number>,
  options: BackwardOptions = {},
): Grads {
  const L = params.W.length;
  const m = Y.length;
  const { Z, A } = cache;
  const dW: Matrix[] = [], db: Matrix[] = [];
  let dZ = subtract(A[L - 1], oneHot(Y, params.sizes[L])); // the last layer's dZ = A − Y (the seed's dZ3 = A3 − Y)
  for (let l = L - 1; l >= 0; l--) {
    const Aprev = l > 0 ? A[l - 1] : X;
    dW[l] = scale(matMul(dZ, Aprev, { transposeB: true }), 1 / m); // dW = 1/m · dZ·A_prevᵀ
    db[l] = options.originalBiasGradient
      ? column(dZ.rows, sumAll(dZ) / m) // the seed: 1/m · np.sum(dZ), one scalar for all
      : scale(sumRows(dZ), 1 / m); // db = 1/m · Σ_columns dZ
    if (l > 0) {
      // dZ_prev = Wᵀ·dZ ⊙ ReLU′(Z_prev)
      dZ = hadamard(matMul(params.W[l], dZ, { transposeA: true }), reluDerivative(Z[l - 1]));
    }
  }
  return { dW, db };
}

function column(rows: number, value: number): Matrix {
  return { rows, cols: 1, data: new Float64Array(rows).fill(value) };
}

/**
 * The update step, the seed's `update_params`: `W := W − α·dW`, `b := b − α·db` for every layer.
 *
 * @returns New parameters (the inputs are not changed).
 */
export function updateParams(params: Params, grads: Grads, alpha: number): Params {
  return {
    sizes: [...params.sizes],
    W: params.W.map((W, l) => subtract(W, scale(grads.dW[l], alpha))),
    b: params.b.map((b, l) => subtract(b, scale(grads.db[l], alpha))),
  };
}
