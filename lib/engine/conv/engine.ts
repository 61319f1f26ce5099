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
import type { Distortions } from "../../data/distort.ts";
import { imagesToBatch, sizeOf } from "../../nn/layers/batch.ts";
import { augmentImage, takeEpochBatch } from "../../nn/minibatch.ts";
import { type Network, networkBackward, networkForward } from "../../nn/layers/network.ts";
import {
  applyNetworkOptimizer,
  cloneNetwork,
  networkParameterLengths,
} from "../../nn/layers/train.ts";
import {
  createOptimizerState,
  optimizerDefaults,
  type OptimizerOptions,
} from "../../nn/optimizers.ts";
import { batchWasmRuns } from "../batch/kernels_wasm.ts";
import { chunkRows, MAX_CHUNKS, startPhases } from "../shared/phases.ts";
import { threadCount } from "../shared/backend.ts";
import {
  allocateConvWasm,
  attachConvWasm,
  convWasmUnfit,
  readConvNetwork,
} from "./backend_wasm.ts";
import type { Backend, StepResult } from "../shared/backend.ts";

/** Options of {@link createConvEngine}. */
export interface ConvEngineOptions extends OptimizerOptions {
  /** The kernels: `"wasm"` (float32 passes), `"typescript"` (float64) or `"auto"`. */
  backend?: Backend | "auto";
  /** Threads for the WebAssembly kernels, the main thread included (default: the cores, ≤ 8). */
  threads?: number;
}

/** A running engine for a layer-list network. */
export interface ConvEngine {
  /** Threads in use. */
  readonly threads: number;
  /** The kernels in use. */
  readonly backend: Backend;
  /** Lay out an epoch: the images in `order`, each shifted (and distorted) as planned. */
  arrange(order: Uint32Array, dx: Int8Array, dy: Int8Array, distortions?: Distortions): void;
  /** One optimizer step on samples `from … to−1` of the arranged epoch, at learning rate `lr`. */
  step(from: number, to: number, lr: number): StepResult;
  /** A copy of the current network. */
  network(): Network;
  /** Release what the engine holds. */
  close(): void;
}

/**
 * Start an engine on `train` from the network `start`, for batches of at most `batchSize`.
 *
 * @throws {Error} When WebAssembly is asked for and cannot run these layers.
 */
export async function createConvEngine(
  train: Digits,
  start: Network,
  batchSize: number,
  options: ConvEngineOptions = {},
): Promise<ConvEngine> {
  const unfit = convWasmUnfit(start.layers, start.input);
  if (options.backend === "wasm" && unfit) {
    throw new Error(`Cannot train these layers on WebAssembly: ${unfit}`);
  }
  if (options.backend !== "typescript" && !unfit && batchWasmRuns()) {
    return await createConvWasmEngine(train, start, batchSize, options);
  }
  const net = cloneNetwork(start);
  const state = createOptimizerState(networkParameterLengths(net), options);
  const size = sizeOf(net.input);
  let epoch: Digits | undefined;
  return {
    threads: 1,
    backend: "typescript",
    arrange(order, dx, dy, distortions) {
      epoch = takeEpochBatch(train, { order, dx, dy, distortions }, 0, order.length);
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

/**
 * The engine on the WebAssembly kernels, on every core: each step's chunks spread over the
 * threads, then each thread's share of the update (`shared/phases.ts`) — the same bits whatever
 * the number of threads.
 */
async function createConvWasmEngine(
  train: Digits,
  start: Network,
  batchSize: number,
  options: ConvEngineOptions,
): Promise<ConvEngine> {
  const m = train.count, size = sizeOf(start.input);
  const threads = Math.min(threadCount(options.threads), MAX_CHUNKS);
  const plan = allocateConvWasm(start, m, chunkRows(batchSize), threads, MAX_CHUNKS);
  const optimizer = optimizerDefaults(options);
  const main = attachConvWasm(plan, optimizer, 0);
  const phases = await startPhases(
    new URL("./worker.ts", import.meta.url),
    { plan, optimizer },
    main,
    threads,
  );
  return {
    threads,
    backend: "wasm",
    arrange(order, dx, dy, distortions) {
      const epoch = { order, dx, dy, distortions };
      for (let i = 0; i < m; i++) {
        const j = order[i];
        main.labels[i] = train.labels[j];
        const src = train.pixels.subarray(j * size, (j + 1) * size);
        augmentImage(epoch, i, src, main.pixels.subarray(i * size, (i + 1) * size));
      }
    },
    step(from, to, lr) {
      const B = to - from, chunks = phases.step(from, to, lr);
      let correct = 0, loss = 0;
      for (let c = 0; c < chunks; c++) {
        correct += main.stats[2 * c];
        loss += main.stats[2 * c + 1];
      }
      return { accuracy: correct / B, loss: loss / B };
    },
    network: () => readConvNetwork(plan, start),
    close: phases.close,
  };
}
