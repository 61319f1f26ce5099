/**
 * Scoring: the network's forward pass over a whole set of digits — probabilities, predictions,
 * accuracy and loss — on the fastest kernels that run here.
 *
 * @module
 */

import type { Digits } from "../data/dataset.ts";
import { matrix } from "../nn/matrix.ts";
import type { Params } from "../nn/params.ts";
import { imagesToBatch, sizeOf } from "../nn/layers/batch.ts";
import { type Network, networkForward } from "../nn/layers/network.ts";
import { type Backend, type Evaluation, takeRows } from "./shared/backend.ts";
import { toCsr } from "./shared/sparse.ts";
import { createScratch, forwardSample, layoutOf, pack } from "./fused/kernel_typescript.ts";
import { evaluateWasm } from "./batch/evaluate_wasm.ts";
import { batchWasmRuns } from "./batch/kernels_wasm.ts";
import { convWasmUnfit } from "./conv/backend_wasm.ts";
import { evaluateConvWasm } from "./conv/evaluate_wasm.ts";

export type { Evaluation };

/** Options of {@link evaluate}. */
export interface EvaluateOptions {
  /**
   * `"typescript"`: `forwardProp` fused per sample in float64; `"wasm"`: the mini-batch engine's
   * float32 kernels, several times faster for wide networks; `"auto"` (default): wasm where
   * WebAssembly relaxed SIMD runs.
   */
  backend?: Backend | "auto";
}

/**
 * Run the network forward on every image of `digits`: for a dense network (`Params`), over the
 * nonzero pixels only, what `forwardProp` computes (the tests prove it: to 1e-14 in float64, to
 * float32 precision in WebAssembly); for a layer-list `Network`, the convolution engine's
 * WebAssembly forward pass where it takes the layers, else the readable layers, 256 images at a
 * time.
 */
export function evaluate(
  model: Params | Network,
  digits: Digits,
  options: EvaluateOptions = {},
): Evaluation {
  if ("layers" in model) {
    const wasm = options.backend !== "typescript" && batchWasmRuns() &&
      !convWasmUnfit(model.layers, model.input);
    return wasm || options.backend === "wasm"
      ? evaluateConvWasm(model, digits)
      : evaluateNetwork(model, digits);
  }
  const params = model;
  const wanted = options.backend ?? "auto";
  if (wanted === "wasm" || (wanted === "auto" && batchWasmRuns())) {
    return evaluateWasm(params, digits);
  }
  const layout = layoutOf(params.sizes);
  const P = pack(params, layout, new Float64Array(layout.length));
  const csr = toCsr(digits);
  const s = createScratch(layout.sizes);
  const classes = layout.sizes.at(-1)!, m = digits.count;
  const probabilities = matrix(classes, m);
  const predictions = new Uint8Array(m);
  let right = 0, loss = 0;
  for (let j = 0; j < m; j++) {
    predictions[j] = forwardSample(P, layout, csr, j, s);
    const a = s.a[s.a.length - 1], y = digits.labels[j];
    for (let i = 0; i < classes; i++) probabilities.data[i * m + j] = a[i];
    if (predictions[j] === y) right++;
    loss += s.logNorm - s.z[s.z.length - 1][y]; // −log a[y], as the training kernel computes it
  }
  return { probabilities, predictions, accuracy: right / m, loss: loss / m };
}

/** {@link evaluate} for a layer-list network: its forward pass over batches of 256 images. */
function evaluateNetwork(net: Network, digits: Digits): Evaluation {
  const m = digits.count, size = sizeOf(net.input);
  const classes = (net.layers.findLast((l) => l.kind === "dense") as { units: number }).units;
  const probabilities = matrix(classes, m);
  const predictions = new Uint8Array(m);
  let right = 0, loss = 0;
  for (let from = 0; from < m; from += 256) {
    const to = Math.min(m, from + 256);
    const images = { count: to - from, pixels: digits.pixels.subarray(from * size, to * size) };
    const P = networkForward(net, imagesToBatch(images, net.input)).probabilities.data;
    takeRows(P, from, to, { probabilities, predictions });
    for (let j = from; j < to; j++) {
      const y = digits.labels[j];
      if (predictions[j] === y) right++;
      loss -= Math.log(P[(j - from) * classes + y]);
    }
  }
  return { probabilities, predictions, accuracy: right / m, loss: loss / m };
}
