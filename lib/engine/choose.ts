/**
 * The one rule that picks an engine and its kernels, for a training and for scoring. `fit`
 * asks it once; the engines take what it gives.
 *
 * For a training:
 *
 * 1. The seed's fused engine (`fused/`) where it is the fastest: a chain of dense layers trained
 *    by plain full-batch gradient descent (every step over every image, unshifted, sgd, no
 *    weight decay), a first layer of 9 to 12 units (its kernel's fast path keeps them in three
 *    SIMD vectors), and little work after it (at most {@link FUSED_LATER_MAX} multiply-adds per
 *    image in the later layers). Measured here, milliseconds per full-batch step on 41,000
 *    images, two threads, fused against the mini-batch engine: 784-10-10-10 10 / 28,
 *    784-12-64-10 28 / 35, 784-10-32-10 18 / 29; but 784-12-128-10 53 / 45, 784-16-16-10
 *    35 / 27, 784-8-10 27 / 16. The fused engine is also the only one with the seed's scalar
 *    bias gradient.
 * 2. The mini-batch engine (`batch/`) for every other chain of dense layers: any sizes, any
 *    batch (a full batch is a batch of all), every optimizer, schedule and shift.
 * 3. The convolution engine (`conv/`) for every other layer list (and for rotated and scaled
 *    images): its WebAssembly kernels where they take the layers (`convWasmUnfit`), else the
 *    readable layers.
 * 4. On WebAssembly SIMD wherever it runs; TypeScript (float64) where it does not, or when asked.
 *
 * For scoring: a chain of dense layers on the mini-batch engine's kernels (or the fused
 * engine's TypeScript pass), any other list on the convolution engine's kernels where they take
 * it (or the readable layers).
 *
 * @module
 */

import type { DistortOptions } from "../data/distort.ts";
import { denseSizes } from "../nn/dense_view.ts";
import type { Network } from "../nn/layers/network.ts";
import type { OptimizerName } from "../nn/optimizers.ts";
import { startBatchEngine } from "./batch/engine.ts";
import { convWasmUnfit } from "./conv/kernel_table.ts";
import { startConvEngine } from "./conv/engine.ts";
import type { EngineName, StartEngine } from "./engine.ts";
import { startFusedEngine } from "./fused/engine.ts";
import { wasmUnfit } from "./fused/kernel_wasm.ts";
import type { Backend } from "./shared/backend.ts";
import { wasmRuns } from "./shared/kernels.ts";

export type { EngineName } from "./engine.ts";

/** An engine, the language of its kernels, and how to start it. */
export interface EngineChoice {
  /** Which engine. */
  name: EngineName;
  /** Which kernels. */
  backend: Backend;
  /** Starts it. */
  start: StartEngine;
}

/** What the rule looks at. */
export interface EngineJob {
  /** The network to train. */
  network: Network;
  /** Training images. */
  m: number;
  /** Images per step (`m`: full batch). */
  batchSize: number;
  /** The update rule. */
  optimizer: OptimizerName;
  /** λ, the weight decay. */
  weightDecay: number;
  /** Random shifts, in pixels. */
  augment: number;
  /** Random rotations and scalings. */
  distort?: DistortOptions;
  /** The seed's scalar bias gradient (`1/m · np.sum(dZ)`): only the fused engine has it. */
  originalBiasGradient?: boolean;
  /** `"auto"` (default), or the kernels asked for. */
  backend?: Backend | "auto";
  /** `"auto"` (default), or the engine asked for (the tests run several on the same job). */
  engine?: EngineName | "auto";
}

/** The most multiply-adds per image after the first layer for which the fused engine wins. */
export const FUSED_LATER_MAX = 2048;

/** Whether the fused engine is the fastest for a plain full batch of a network of these sizes. */
export function fusedIsFastest(sizes: readonly number[]): boolean {
  let later = 0;
  for (let l = 1; l + 1 < sizes.length; l++) later += sizes[l] * sizes[l + 1];
  return sizes[1] >= 9 && sizes[1] <= 12 && later <= FUSED_LATER_MAX && !wasmUnfit(sizes);
}

/** The kernels asked for, where they run: `"auto"` is WebAssembly where it runs. */
function kernelsFor(wanted: Backend | "auto" | undefined): Backend {
  if (wanted === "wasm" && !wasmRuns()) {
    throw new Error(
      "Cannot train on WebAssembly: this runtime lacks WebAssembly relaxed SIMD or shared memory",
    );
  }
  return wanted === "typescript" || !wasmRuns() ? "typescript" : "wasm";
}

/**
 * The engine and kernels for a training.
 *
 * @throws {Error} When WebAssembly is asked for and does not run here or cannot run the layers,
 *   or an engine is asked for that cannot run the job.
 */
export function chooseEngine(job: EngineJob): EngineChoice {
  const wanted = job.backend ?? "auto", asked = job.engine ?? "auto";
  const backend = kernelsFor(wanted);
  const sizes = denseSizes(job.network);
  const plainFullBatch = sizes !== undefined && job.batchSize >= job.m &&
    job.optimizer === "sgd" && job.weightDecay === 0 && job.augment === 0 && !job.distort;
  const fused = (): EngineChoice => {
    const why = wasmUnfit(sizes!);
    if (wanted === "wasm" && why) throw new Error(`Cannot run the WebAssembly kernel: ${why}`);
    return { name: "fused", backend: why ? "typescript" : backend, start: startFusedEngine };
  };
  if (job.originalBiasGradient || asked === "fused") {
    if (!plainFullBatch) {
      throw new Error(
        job.originalBiasGradient
          ? "Cannot use the seed's scalar bias gradient here: it belongs to the seed's loop, full-batch gradient descent of a dense network (sgd, every image, no shifts)"
          : "Cannot run this training on the fused engine: it takes full-batch steps of a dense network (sgd, every image, no shifts)",
      );
    }
    if (asked !== "auto" && asked !== "fused") {
      throw new Error("Cannot run the seed's scalar bias gradient on another engine than fused");
    }
    return fused();
  }
  if (asked === "batch" && (!sizes || job.distort)) {
    throw new Error(
      "Cannot run this training on the mini-batch engine: it takes chains of dense layers, shifted but not rotated",
    );
  }
  if (asked === "batch" || (asked === "auto" && sizes && !job.distort)) {
    if (
      asked === "auto" && plainFullBatch && (backend === "typescript" || fusedIsFastest(sizes!))
    ) {
      return fused();
    }
    return { name: "batch", backend, start: startBatchEngine };
  }
  const unfit = convWasmUnfit(job.network.layers, job.network.input);
  if (wanted === "wasm" && unfit) {
    throw new Error(`Cannot train these layers on WebAssembly: ${unfit}`);
  }
  return { name: "conv", backend: unfit ? "typescript" : backend, start: startConvEngine };
}

/** How a network is scored: on the kernels of the dense engines, or of the layer lists. */
export interface ScorerChoice {
  /** `"dense"`: the dense engines' passes; `"layers"`: the convolution engine's or the readable. */
  kind: "dense" | "layers";
  /** Which kernels. */
  backend: Backend;
}

/**
 * The kernels that score a network: for a chain of dense layers the mini-batch engine's
 * WebAssembly pass (or the fused engine's per-sample TypeScript pass); for any other list the
 * convolution engine's WebAssembly pass where it takes the layers (or the readable layers).
 *
 * @throws {Error} When WebAssembly is asked for and does not run here or cannot run the layers.
 */
export function chooseScorer(network: Network, wanted: Backend | "auto" = "auto"): ScorerChoice {
  const backend = kernelsFor(wanted);
  if (denseSizes(network)) return { kind: "dense", backend };
  const unfit = convWasmUnfit(network.layers, network.input);
  if (wanted === "wasm" && unfit) {
    throw new Error(`Cannot score these layers on WebAssembly: ${unfit}`);
  }
  return { kind: "layers", backend: unfit ? "typescript" : backend };
}
