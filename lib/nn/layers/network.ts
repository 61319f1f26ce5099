/**
 * A network of any layer list (`spec.ts`), forward and backward, in float64: each layer's
 * function from its own file, then softmax with cross-entropy. The layer-list counterpart of
 * `forwardProp` and `backProp` — for a dense list it computes exactly what they compute.
 *
 * @module
 */

import type { Rng } from "../../data/random.ts";
import type { Params } from "../params.ts";
import { type Batch, sizeOf, zeros } from "./batch.ts";
import { convBackward, convForward } from "./conv.ts";
import { denseBackward, denseForward } from "./dense.ts";
import { maxPoolBackward, maxPoolForward } from "./max_pool.ts";
import { reluBackward, reluForward } from "./relu.ts";
import { layerShapes, type LayerSpec, MNIST_INPUT } from "./spec.ts";

/** A layer's parameters: W (conv: F×C×k×k; dense: units×inputs, row-major) and b. */
export interface LayerParams {
  /** Weights. */
  W: Float64Array;
  /** Biases. */
  b: Float64Array;
}

/** A network: the input's shape, the layers, and each layer's parameters (`null`: none). */
export interface Network {
  /** One sample's input shape: `[1, 28, 28]`, or `[784]` for a dense network. */
  input: number[];
  /** The layers, in order; softmax and cross-entropy follow the last. */
  layers: LayerSpec[];
  /** `params[l]` for conv and dense layers, `null` for the others. */
  params: (LayerParams | null)[];
}

/** What the forward pass keeps for the backward one: every layer's input and output. */
export interface Forward {
  /** `A[0]` is the input, `A[l + 1]` layer l's output; the last holds the scores Z. */
  A: Batch[];
  /** For each max-pool layer, the input index of each output's maximum. */
  argmax: (Int32Array | undefined)[];
  /** Softmax of the scores, m×classes. */
  probabilities: Batch;
}

/**
 * He-initialised parameters for `layers` on inputs of shape `input`: every weight
 * `N·√(2 / fan_in)` (fan_in = C·k·k for a convolution, the inputs for a dense layer), biases 0,
 * drawn layer by layer, W then b.
 */
export function initNetwork(
  layers: readonly LayerSpec[],
  rng: Rng,
  input: readonly number[] = MNIST_INPUT,
): Network {
  const shapes = layerShapes(layers, input);
  const params = layers.map((layer, l): LayerParams | null => {
    const fanIn = layer.kind === "conv"
      ? shapes[l][0] * layer.size * layer.size
      : layer.kind === "dense"
      ? sizeOf(shapes[l])
      : 0;
    if (layer.kind !== "conv" && layer.kind !== "dense") return null;
    const outputs = layer.kind === "conv" ? layer.filters : layer.units;
    const scale = Math.sqrt(2 / fanIn);
    const W = new Float64Array(outputs * fanIn).map(() => rng.normal() * scale);
    return { W, b: new Float64Array(outputs) };
  });
  return { input: [...input], layers: layers.map((l) => ({ ...l })), params };
}

/** The dense `Params` of the first two notebooks as a layer-list network (the same numbers). */
export function networkFromParams(params: Params): Network {
  const layers: LayerSpec[] = [];
  const list: (LayerParams | null)[] = [];
  params.W.forEach((W, l) => {
    layers.push({ kind: "dense", units: W.rows });
    list.push({ W: Float64Array.from(W.data), b: Float64Array.from(params.b[l].data) });
    if (l + 1 < params.W.length) {
      layers.push({ kind: "relu" });
      list.push(null);
    }
  });
  return { input: [params.sizes[0]], layers, params: list };
}

/** The forward pass over a batch, then the softmax of each sample's scores. */
export function networkForward(net: Network, X: Batch): Forward {
  const A = [X], argmax: (Int32Array | undefined)[] = [];
  net.layers.forEach((layer, l) => {
    const input = A[l], p = net.params[l];
    let out: Batch;
    switch (layer.kind) {
      case "conv":
        out = convForward(input, p!.W, p!.b, layer.size);
        break;
      case "maxPool": {
        const pooled = maxPoolForward(input, layer.size);
        out = pooled.Y;
        argmax[l] = pooled.argmax;
        break;
      }
      case "relu":
        out = reluForward(input);
        break;
      case "flatten":
        out = { m: input.m, shape: [sizeOf(input.shape)], data: input.data };
        break;
      case "dense":
        out = denseForward(input, p!.W, p!.b);
    }
    A.push(out);
  });
  return { A, argmax, probabilities: softmaxRows(A.at(-1)!) };
}

/** Softmax of each sample's scores, the maximum subtracted first so that exp cannot overflow. */
export function softmaxRows(Z: Batch): Batch {
  const n = sizeOf(Z.shape), P = zeros(Z.m, Z.shape);
  for (let j = 0; j < Z.m; j++) {
    let max = -Infinity, sum = 0;
    for (let i = 0; i < n; i++) max = Math.max(max, Z.data[j * n + i]);
    for (let i = 0; i < n; i++) sum += P.data[j * n + i] = Math.exp(Z.data[j * n + i] - max);
    for (let i = 0; i < n; i++) P.data[j * n + i] /= sum;
  }
  return P;
}

/**
 * The backward pass: the gradient of the mean cross-entropy loss `L = −(1/m) Σⱼ log P[j, yⱼ]`
 * with respect to every layer's parameters, from `dZ = (P − onehot(Y)) / m` at the scores back
 * through each layer's backward function.
 *
 * @returns Each layer's `{ W, b }` gradient (`null` where it has none), the loss and the
 * accuracy of the forward pass.
 */
export function networkBackward(
  net: Network,
  forward: Forward,
  labels: ArrayLike<number>,
): { grads: (LayerParams | null)[]; loss: number; accuracy: number } {
  const { A, argmax, probabilities: P } = forward;
  const m = P.m, classes = P.shape[0];
  let dA = zeros(m, P.shape), loss = 0, right = 0;
  for (let j = 0; j < m; j++) {
    let best = 0;
    for (let i = 0; i < classes; i++) {
      const p = P.data[j * classes + i];
      dA.data[j * classes + i] = (p - (i === labels[j] ? 1 : 0)) / m;
      if (p > P.data[j * classes + best]) best = i;
    }
    loss -= Math.log(P.data[j * classes + labels[j]]) / m;
    if (best === labels[j]) right++;
  }
  const grads: (LayerParams | null)[] = net.layers.map(() => null);
  for (let l = net.layers.length - 1; l >= 0; l--) {
    const layer = net.layers[l], X = A[l], p = net.params[l];
    switch (layer.kind) {
      case "conv": {
        const { dX, dW, db } = convBackward(X, p!.W, layer.size, dA);
        grads[l] = { W: dW, b: db };
        dA = dX;
        break;
      }
      case "maxPool":
        dA = maxPoolBackward(X, argmax[l]!, dA);
        break;
      case "relu":
        dA = reluBackward(X, dA);
        break;
      case "flatten":
        dA = { m, shape: [...X.shape], data: dA.data };
        break;
      case "dense": {
        const { dX, dW, db } = denseBackward(X, p!.W, dA);
        grads[l] = { W: dW, b: db };
        dA = dX;
      }
    }
  }
  return { grads, loss, accuracy: right / m };
}
