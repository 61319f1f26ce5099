/**
 * The seed's `gradient_descent`, written with the textbook functions of `network.ts`: clear,
 * and slow on the full data set. `train()` in `train.ts` runs the same loop on the fast engine.
 *
 * @module
 */

import { getAccuracy, getPredictions } from "./metrics.ts";
import { crossEntropy } from "./metrics.ts";
import type { Matrix } from "./matrix.ts";
import { backProp, type BackwardOptions, forwardProp, updateParams } from "./network.ts";
import type { Params } from "./params.ts";

/** One iteration's numbers, for the accuracy and loss curves. */
export interface HistoryPoint {
  /** Iterations done before these numbers were taken (0 = the initial parameters). */
  iteration: number;
  /** Accuracy on the training set. */
  trainAccuracy: number;
  /** Mean cross-entropy loss on the training set. */
  loss: number;
  /** Accuracy on the dev set, at checkpoints only. */
  devAccuracy?: number;
  /** Mean cross-entropy loss on the dev set, at checkpoints only. */
  devLoss?: number;
}

/**
 * Full-batch gradient descent, the seed's `gradient_descent(X, Y, iterations, alpha)`:
 * `iterations` times forward, backward, update. Each history point is taken from the forward
 * pass of its iteration, before the update, as the seed prints its accuracy.
 *
 * @param X Inputs, 784×m.
 * @param Y Labels, m of them.
 * @param iterations How many steps.
 * @param alpha The learning rate α.
 * @param params Where to start (see `initParams`).
 * @param options `originalBiasGradient` reproduces the seed's scalar bias gradient.
 * @returns The trained parameters and one history point per iteration.
 */
export function gradientDescent(
  X: Matrix,
  Y: ArrayLike<number>,
  iterations: number,
  alpha: number,
  params: Params,
  options: BackwardOptions = {},
): { params: Params; history: HistoryPoint[] } {
  const history: HistoryPoint[] = [];
  for (let i = 0; i < iterations; i++) {
    const cache = forwardProp(params, X);
    const grads = backProp(params, cache, X, Y, options);
    const A = cache.A[cache.A.length - 1];
    history.push({
      iteration: i,
      trainAccuracy: getAccuracy(getPredictions(A), Y),
      loss: crossEntropy(A, Y),
    });
    params = updateParams(params, grads, alpha);
  }
  return { params, history };
}
