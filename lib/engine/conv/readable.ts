/**
 * The readable layers as an engine: each step runs `networkForward` and `networkBackward` of
 * `lib/nn/layers/` over the batch in float64 on the main thread, then the optimizer — exactly
 * what `networkMiniBatchGradientDescent` computes (the tests check it bit for bit). The
 * TypeScript backend of the convolution engine, for any layer list: slow on MNIST-sized
 * convolutions (minutes an epoch), and the fallback where WebAssembly does not run.
 *
 * @module
 */

import type { Digits } from "../../data/dataset.ts";
import { imagesToBatch, sizeOf } from "../../nn/layers/batch.ts";
import {
  cloneNetwork,
  type Network,
  networkBackward,
  networkForward,
  networkParameterLengths,
} from "../../nn/layers/network.ts";
import { applyNetworkOptimizer } from "../../nn/layers/train.ts";
import { type EpochPlan, takeEpochBatch } from "../../nn/minibatch.ts";
import { createOptimizerState } from "../../nn/optimizers.ts";
import type { Engine, EngineSettings } from "../engine.ts";

/** Start the readable layers on `train` from the network `start`. */
export function startReadableEngine(
  train: Digits,
  start: Network,
  settings: EngineSettings,
): Promise<Engine> {
  const net = cloneNetwork(start);
  const state = createOptimizerState(networkParameterLengths(net), settings.optimizer);
  const size = sizeOf(net.input);
  let epoch: Digits | undefined, plan: EpochPlan | undefined;
  return Promise.resolve({
    name: "conv",
    threads: 1,
    backend: "typescript",
    arrange(next) {
      plan = next;
      epoch = takeEpochBatch(train, plan, 0, plan.order.length);
    },
    step(from, to, lr) {
      if (!epoch) throw new Error("Cannot take a step before an epoch is arranged");
      const batch = {
        count: to - from,
        labels: epoch.labels.subarray(from, to),
        pixels: epoch.pixels.subarray(from * size, to * size),
      };
      const mode = { training: true, seed: plan!.seed, first: from };
      const forward = networkForward(net, imagesToBatch(batch, net.input), mode);
      const { grads, loss, accuracy } = networkBackward(net, forward, batch.labels);
      applyNetworkOptimizer(net, grads, lr, state, settings.optimizer);
      return { accuracy, loss };
    },
    network: () => cloneNetwork(net),
    close() {
      epoch = undefined;
    },
  });
}
