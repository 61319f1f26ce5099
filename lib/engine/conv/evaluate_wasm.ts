/**
 * Scoring a set of digits with a layer-list network on the convolution engine's WebAssembly
 * kernels: the forward pass 64 images at a time, then the softmax in float64 — what the
 * readable layers compute, to float32 precision.
 *
 * @module
 */

import type { Digits } from "../../data/dataset.ts";
import { matrix } from "../../nn/matrix.ts";
import type { Network } from "../../nn/layers/network.ts";
import { optimizerDefaults } from "../../nn/optimizers.ts";
import { type Evaluation, takeRows } from "../shared/backend.ts";
import { allocateConvWasm, attachConvWasm } from "./backend_wasm.ts";

const ROWS = 64;

/** {@link Evaluation} of `digits` under `net`, on the WebAssembly kernels (one thread). */
export function evaluateConvWasm(net: Network, digits: Digits): Evaluation {
  const m = digits.count;
  const plan = allocateConvWasm(net, m, ROWS, 1, 1);
  const kernels = attachConvWasm(plan, optimizerDefaults({}), 0);
  kernels.pixels.set(digits.pixels);
  kernels.labels.set(digits.labels);
  const classes = plan.layers.at(-1)!.realOut;
  const probabilities = matrix(classes, m);
  const predictions = new Uint8Array(m);
  let right = 0, loss = 0;
  for (let from = 0; from < m; from += ROWS) {
    const to = Math.min(m, from + ROWS);
    const at = kernels.score(from, to);
    const P = new Float32Array(plan.memory.buffer, at, (to - from) * classes);
    right += kernels.stats[0];
    loss += kernels.stats[1];
    takeRows(P, from, to, { probabilities, predictions });
  }
  return { probabilities, predictions, accuracy: right / m, loss: loss / m };
}
