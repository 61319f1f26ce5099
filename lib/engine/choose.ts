/**
 * The one rule that picks an engine for a training, used by `train`, `trainMiniBatch` and
 * `runRecipe` (and through them the command line, the notebooks and the benchmarks):
 *
 * 1. The seed's fused engine (`fused/`) where it is the fastest: plain full-batch gradient
 *    descent, a first layer of 9 to 12 units (its kernel's fast path keeps them in three SIMD
 *    vectors), and little work after it (at most {@link FUSED_LATER_MAX} multiply-adds per image
 *    in the later layers). Measured here, milliseconds per full-batch step on 41,000 images, two
 *    threads, fused against the mini-batch engine: 784-10-10-10 10 / 28, 784-12-64-10 28 / 35,
 *    784-10-32-10 18 / 29; but 784-12-128-10 53 / 45, 784-16-16-10 35 / 27, 784-8-10 27 / 16.
 *    The fused engine is also the only one with the seed's scalar bias gradient.
 * 2. The mini-batch engine (`batch/`) for everything else: any sizes, any batch (a full batch is
 *    a batch of all), every optimizer, schedule and shift.
 * 3. On WebAssembly SIMD wherever it runs; TypeScript (float64) where it does not, or when asked.
 *
 * 4. A network with convolution or pooling layers: the convolution engine (`conv/`), on its
 *    WebAssembly kernels where they take the layers (`convWasmUnfit`), else on TypeScript.
 *
 * @module
 */

import type { Backend } from "./shared/backend.ts";
import { type LayerSpec, MNIST_INPUT } from "../nn/layers/spec.ts";
import { convWasmUnfit } from "./conv/backend_wasm.ts";
import { batchWasmRuns } from "./batch/kernels_wasm.ts";
import { wasmUnfit } from "./fused/kernel_wasm.ts";

/**
 * The engines: the seed's fused per-sample kernels, the mini-batch matrix products, or the
 * engine for layer lists with convolutions.
 */
export type EngineName = "fused" | "batch" | "conv";

/** An engine and the language of its kernels. */
export interface EngineChoice {
  /** Which engine. */
  engine: EngineName;
  /** Which kernels. */
  backend: Backend;
}

/** What the rule looks at. */
export interface EnginePlan {
  /** Layer sizes, input first (a dense network). */
  sizes: readonly number[];
  /** The layer list, for a network with convolutions or pooling (then `sizes` is unused). */
  layers?: readonly LayerSpec[];
  /** The layer list's input shape (MNIST's 1×28×28). */
  input?: readonly number[];
  /**
   * Full-batch gradient descent: every step over every image, unshifted, `W := W − α·dW` at a
   * constant α, no weight decay (the seed's loop).
   */
  plainFullBatch: boolean;
  /** The seed's scalar bias gradient (`1/m · np.sum(dZ)`): only the fused engine has it. */
  originalBiasGradient?: boolean;
  /** `"auto"` (default), or the kernels asked for. */
  backend?: Backend | "auto";
  /** `"auto"` (default), or the engine asked for (the tests run both on the same job). */
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

/**
 * The engine and kernels for a training.
 *
 * @throws {Error} When WebAssembly is asked for and does not run here, or an engine is asked for
 * that cannot run the plan.
 */
export function chooseEngine(plan: EnginePlan): EngineChoice {
  const wanted = plan.backend ?? "auto";
  const wasmRuns = batchWasmRuns();
  if (wanted === "wasm" && !wasmRuns) {
    throw new Error(
      "Cannot train on WebAssembly: this runtime lacks WebAssembly relaxed SIMD or shared memory",
    );
  }
  const backend: Backend = wanted === "typescript" || !wasmRuns ? "typescript" : "wasm";
  if (plan.layers?.some((l) => l.kind === "conv" || l.kind === "maxPool")) {
    const unfit = convWasmUnfit(plan.layers, plan.input ?? MNIST_INPUT);
    if (wanted === "wasm" && unfit) {
      throw new Error(`Cannot train these layers on WebAssembly: ${unfit}`);
    }
    return { engine: "conv", backend: unfit ? "typescript" : backend };
  }
  const asked = plan.engine ?? "auto";
  if (asked === "batch" && plan.originalBiasGradient) {
    throw new Error("Cannot run the seed's scalar bias gradient on the mini-batch engine");
  }
  if (asked === "fused" && !plan.plainFullBatch) {
    throw new Error("Cannot run mini-batches on the fused engine: it takes full-batch steps");
  }
  if (asked === "conv") {
    throw new Error("Cannot run a dense network on the convolution engine: it takes layer lists");
  }
  if (asked === "batch") return { engine: "batch", backend };
  if (asked === "fused" && !plan.originalBiasGradient) return { engine: "fused", backend };
  if (plan.originalBiasGradient) {
    // The fused engine's TypeScript kernel takes any sizes; its WebAssembly one, small ones.
    const fits = !wasmUnfit(plan.sizes);
    if (wanted === "wasm" && !fits) return { engine: "fused", backend: "wasm" }; // it says why
    return { engine: "fused", backend: backend === "wasm" && fits ? "wasm" : "typescript" };
  }
  if (plan.plainFullBatch && (backend === "typescript" || fusedIsFastest(plan.sizes))) {
    return { engine: "fused", backend };
  }
  return { engine: "batch", backend };
}
