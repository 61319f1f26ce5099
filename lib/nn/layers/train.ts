/**
 * Training a layer-list network with the readable layers: one optimizer step over every layer's
 * parameters, mini-batch gradient descent exactly as `miniBatchGradientDescent` runs it for the
 * dense networks (the same order, shifts, schedules and optimizers), and scoring a set.
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
import { learningRate } from "../schedules.ts";
import { imagesToBatch } from "./batch.ts";
import { type LayerParams, type Network, networkBackward, networkForward } from "./network.ts";

/** A deep copy of a network. */
export function cloneNetwork(net: Network): Network {
  return {
    input: [...net.input],
    layers: net.layers.map((l) => ({ ...l })),
    params: net.params.map((p) => p && { W: p.W.slice(), b: p.b.slice() }),
  };
}

/** The lengths of a network's parameter arrays, W then b of each layer that has them. */
export function networkParameterLengths(net: Network): number[] {
  return net.params.flatMap((p) => (p ? [p.W.length, p.b.length] : []));
}

/**
 * One optimizer step over every parameter of a layer-list network, in place: each layer's W
 * (decayed by λ) then b (not decayed), with `optimizerUpdate` — what `applyOptimizer` does for
 * a dense network.
 */
export function applyNetworkOptimizer(
  net: Network,
  grads: readonly (LayerParams | null)[],
  lr: number,
  state: OptimizerState,
  options: OptimizerOptions = {},
): void {
  const arrays = net.params.flatMap((p, l) =>
    p
      ? [
        { theta: p.W, g: grads[l]!.W, decay: true },
        { theta: p.b, g: grads[l]!.b, decay: false },
      ]
      : []
  );
  stepArrays(arrays, lr, state, options);
}

/**
 * Mini-batch training of a layer-list network with the readable layers (slow: for tests and
 * small sets; `trainNetwork` in `lib/engine/` runs it on an engine).
 *
 * @param digits The training images.
 * @param start Where to start (not changed).
 * @param rng Draws every epoch's order, shifts and distortions.
 * @returns The trained network and one point per epoch.
 */
export function networkMiniBatchGradientDescent(
  digits: Digits,
  start: Network,
  rng: Rng,
  options: MiniBatchOptions,
): { network: Network; history: EpochPoint[] } {
  const m = digits.count;
  checkMiniBatch(options, m);
  const { epochs, batchSize, augment = 0, distort } = options;
  const net = cloneNetwork(start);
  const state = createOptimizerState(networkParameterLengths(net), options);
  const history: EpochPoint[] = [];
  for (let e = 0; e < epochs; e++) {
    const plan = planEpoch(m, augment, rng, batchSize, distort);
    const lr = learningRate(options.lr, e, epochs, options);
    let correct = 0, loss = 0;
    for (let from = 0; from < m; from += batchSize) {
      const to = Math.min(m, from + batchSize);
      const batch = takeEpochBatch(digits, plan, from, to);
      const forward = networkForward(net, imagesToBatch(batch, net.input));
      const step = networkBackward(net, forward, batch.labels);
      correct += step.accuracy * batch.count;
      loss += step.loss * batch.count;
      applyNetworkOptimizer(net, step.grads, lr, state, options);
    }
    history.push({ epoch: e + 1, lr, trainAccuracy: correct / m, loss: loss / m });
  }
  return { network: net, history };
}
