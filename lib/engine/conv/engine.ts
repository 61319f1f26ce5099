/**
 * The engine for networks given as layer lists — convolutions, pooling, dense layers — behind
 * the mini-batch engine's contract: lay out an epoch, take a step on a range of it, read the
 * network back.
 *
 * Its one backend today is TypeScript in float64: each step runs the readable layers of
 * `lib/nn/layers/` over the batch on the main thread, so it computes exactly what
 * `networkMiniBatchGradientDescent` computes (the tests check it bit for bit). It is the
 * fallback, slow on MNIST-sized convolutions (minutes per epoch); the WebAssembly SIMD backend
 * that takes every core goes beside it, in this folder, behind the same interface.
 *
 * @module
 */

import type { Digits } from "../../data/dataset.ts";
import { takeShifted } from "../../data/augment.ts";
import { imagesToBatch, sizeOf } from "../../nn/layers/batch.ts";
import { type Network, networkBackward, networkForward } from "../../nn/layers/network.ts";
import {
  applyNetworkOptimizer,
  cloneNetwork,
  networkParameterLengths,
} from "../../nn/layers/train.ts";
import { createOptimizerState, type OptimizerOptions } from "../../nn/optimizers.ts";
import type { Backend, StepResult } from "../shared/backend.ts";

/** Options of {@link createConvEngine}. */
export interface ConvEngineOptions extends OptimizerOptions {
  /** The kernels: `"typescript"` (float64, the only one yet) or `"auto"`. */
  backend?: Backend | "auto";
}

/** A running engine for a layer-list network. */
export interface ConvEngine {
  /** Threads in use. */
  readonly threads: number;
  /** The kernels in use. */
  readonly backend: Backend;
  /** Lay out an epoch: the images in `order`, each shifted by `dx[i]`, `dy[i]`. */
  arrange(order: Uint32Array, dx: Int8Array, dy: Int8Array): void;
  /** One optimizer step on samples `from … to−1` of the arranged epoch, at learning rate `lr`. */
  step(from: number, to: number, lr: number): StepResult;
  /** A copy of the current network. */
  network(): Network;
  /** Release what the engine holds. */
  close(): void;
}

/**
 * Start an engine on `train` from the network `start`.
 *
 * @throws {Error} When WebAssembly is asked for: this engine has no WebAssembly backend yet.
 */
export function createConvEngine(
  train: Digits,
  start: Network,
  options: ConvEngineOptions = {},
): ConvEngine {
  if (options.backend === "wasm") {
    throw new Error(
      "Cannot train a convolutional network on WebAssembly yet: its engine runs TypeScript only",
    );
  }
  const net = cloneNetwork(start);
  const state = createOptimizerState(networkParameterLengths(net), options);
  const size = sizeOf(net.input);
  let epoch: Digits | undefined;
  return {
    threads: 1,
    backend: "typescript",
    arrange(order, dx, dy) {
      epoch = takeShifted(train, order, { dx, dy });
    },
    step(from, to, lr) {
      if (!epoch) throw new Error("Cannot take a step before an epoch is arranged");
      const batch = {
        count: to - from,
        labels: epoch.labels.subarray(from, to),
        pixels: epoch.pixels.subarray(from * size, to * size),
      };
      const forward = networkForward(net, imagesToBatch(batch, net.input));
      const { grads, loss, accuracy } = networkBackward(net, forward, batch.labels);
      applyNetworkOptimizer(net, grads, lr, state, options);
      return { accuracy, loss };
    },
    network: () => cloneNetwork(net),
    close() {
      epoch = undefined;
    },
  };
}
