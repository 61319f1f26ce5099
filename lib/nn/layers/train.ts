/**
 * Training a network with the readable layers: mini-batch gradient descent, one optimizer step
 * over every layer's parameters per batch — the loop every engine is proven equal to:
 *
 * ```text
 * for e = 0 … E−1:
 *   order ← a random permutation of 0 … m−1 (with one batch of all: 0 … m−1 as they are)
 *   shifts ← k-pixel shifts (and rotations and scalings, when asked), one per image
 *   seed ← a 32-bit seed for dropout's masks (drawn only when the network has a dropout)
 *   η ← schedule(η₀, e, E)
 *   for each batch B of `batchSize` images of order (the last may be smaller):
 *     X, Y ← the images of B, shifted
 *     grads ← networkBackward(networkForward(X, training), Y)  (means over B)
 *     θ ← optimizer(θ, grads, η)
 * ```
 *
 * With `batchSize = m`, `sgd` and no shifts this is the seed's full-batch gradient descent.
 *
 * @module
 */

import type { Digits } from "../../data/dataset.ts";
import type { Rng } from "../../data/random.ts";
import {
  checkMiniBatch,
  type EpochPoint,
  type MiniBatchOptions,
  planEpoch,
  takeEpochBatch,
} from "../minibatch.ts";
import {
  createOptimizerState,
  type OptimizerOptions,
  type OptimizerState,
  stepArrays,
} from "../optimizers.ts";
import { batchRate, learningRate } from "../schedules.ts";
import { asNetwork, type Model } from "../dense_view.ts";
import { imagesToBatch } from "./batch.ts";
import type { LayerParams } from "./layer.ts";
import { drawsNoise } from "./registry.ts";
import {
  cloneNetwork,
  type Network,
  networkBackward,
  networkForward,
  networkParameterLengths,
  parameterArrays,
} from "./network.ts";

export { cloneNetwork, networkParameterLengths } from "./network.ts";

/**
 * One optimizer step over every parameter of a network, in place: each array as its layer
 * lists it (W decayed by λ, b not), with `optimizerUpdate`.
 */
export function applyNetworkOptimizer(
  net: Network,
  grads: readonly (LayerParams | null)[],
  lr: number,
  state: OptimizerState,
  options: OptimizerOptions = {},
): void {
  const arrays = parameterArrays(net).map((a) => ({
    theta: a.values,
    g: grads[a.layer]![a.name],
    decay: a.decay,
  }));
  stepArrays(arrays, lr, state, options);
}

/**
 * Mini-batch training of a network with the readable layers (slow: for tests and small sets;
 * `fit` runs the same loop on an engine, proven equal to it).
 *
 * @param digits The training images.
 * @param start Where to start (not changed): a layer list, or the seed's `Params`.
 * @param rng Draws every epoch's order, shifts and distortions.
 * @returns The trained network and one point per epoch.
 */
export function miniBatchGradientDescent(
  digits: Digits,
  start: Model,
  rng: Rng,
  options: MiniBatchOptions,
): { network: Network; history: EpochPoint[] } {
  const m = digits.count;
  checkMiniBatch(options, m);
  const { epochs, batchSize, augment = 0, distort } = options;
  const net = cloneNetwork(asNetwork(start));
  const noisy = drawsNoise(net.layers);
  const state = createOptimizerState(networkParameterLengths(net), options);
  const history: EpochPoint[] = [];
  for (let e = 0; e < epochs; e++) {
    const plan = planEpoch(m, augment, rng, batchSize, distort, noisy);
    const lr = learningRate(options.lr, e, epochs, options);
    const batches = Math.ceil(m / batchSize);
    let correct = 0, loss = 0;
    for (let from = 0; from < m; from += batchSize) {
      const to = Math.min(m, from + batchSize);
      const rate = batchRate(options.lr, e, from / batchSize, batches, epochs, options);
      const batch = takeEpochBatch(digits, plan, from, to);
      const mode = { training: true, seed: plan.seed, first: from };
      const forward = networkForward(net, imagesToBatch(batch, net.input), mode);
      const step = networkBackward(net, forward, batch.labels);
      correct += step.accuracy * batch.count;
      loss += step.loss * batch.count;
      applyNetworkOptimizer(net, step.grads, rate, state, options);
    }
    history.push({ epoch: e + 1, lr, trainAccuracy: correct / m, loss: loss / m });
  }
  return { network: net, history };
}
