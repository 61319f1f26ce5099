/**
 * Scoring: the network's forward pass over a whole set of digits — probabilities, predictions,
 * accuracy and loss — on the fastest kernels that run here.
 *
 * @module
 */

import type { Digits } from "../data/dataset.ts";
import { checkOptions, images, oneOf } from "../options.ts";
import { matrix } from "../nn/matrix.ts";
import { asNetwork, type Model, toParams } from "../nn/dense_view.ts";
import { imagesToBatch, sizeOf } from "../nn/layers/batch.ts";
import { classCount, type Network, networkForward } from "../nn/layers/network.ts";
import { type Backend, type Evaluation, takeRows } from "./shared/backend.ts";
import { toCsr } from "./shared/sparse.ts";
import { createScratch, forwardSample, layoutOf, pack } from "./fused/kernel_typescript.ts";
import { evaluateWasm } from "./batch/evaluate_wasm.ts";
import { chooseScorer } from "./choose.ts";
import { evaluateConvWasm } from "./conv/evaluate_wasm.ts";

export type { Evaluation };

/** Options of {@link evaluate}. */
export interface EvaluateOptions {
  /**
   * `"wasm"`: the engines' float32 WebAssembly passes; `"typescript"`: float64 (the fused
   * per-sample pass for a dense network, the readable layers for any other); `"auto"`
   * (default): wasm where it runs and takes the network.
   */
  backend?: Backend | "auto";
}

/** The options {@link evaluate} takes, checked at run time. */
export const EVALUATE_OPTIONS = { backend: oneOf("wasm", "typescript", "auto") };

/**
 * Run the network forward on every image of `digits`: probabilities, predictions, accuracy and
 * loss — on the kernels `chooseScorer` picks (`choose.ts`). For a chain of dense layers, over the
 * nonzero pixels only, what `forwardProp` computes (the tests prove it: to 1e-14 in float64, to
 * float32 precision in WebAssembly); for any other layer list, the convolution engine's
 * WebAssembly pass where it takes the layers, else the readable layers, 256 images at a time.
 *
 * @example
 * ```ts ignore
 * const { accuracy, predictions } = evaluate(network, test);
 * ```
 *
 * @throws {RangeError} For digits or options of the wrong form, in one sentence.
 */
export function evaluate(
  model: Model,
  digits: Digits,
  options: EvaluateOptions = {},
): Evaluation {
  checkOptions("evaluate", options, EVALUATE_OPTIONS);
  const problem = images(true)(digits);
  if (problem) throw new RangeError(`Cannot evaluate: the digits must be ${problem}`);
  const net = asNetwork(model);
  const { kind, backend } = chooseScorer(net, options.backend);
  if (kind === "layers") {
    return backend === "wasm" ? evaluateConvWasm(net, digits) : evaluateNetwork(net, digits);
  }
  const params = toParams(net);
  if (backend === "wasm") return evaluateWasm(params, digits);
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
  const classes = classCount(net);
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
