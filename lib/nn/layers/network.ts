/**
 * A network as a list of layers, forward and backward, in float64: each layer's pass asked of
 * its kind (`registry.ts`), then softmax with cross-entropy. For a list of dense layers it
 * computes exactly what the seed's `forwardProp` and `backProp` compute.
 *
 * @module
 */

import type { Rng } from "../../data/random.ts";
import { type Batch, sizeOf, zeros } from "./batch.ts";
import { EVALUATION, type LayerMode, type LayerParams, type Shape } from "./layer.ts";
import { layerKind, type LayerSpec } from "./registry.ts";
import { layerParamInfos, layerShapes, MNIST_INPUT } from "./shapes.ts";

export type { LayerParams } from "./layer.ts";

/** A network: the input's shape, the layers, and each layer's parameters (`null`: none). */
export interface Network {
  /** One sample's input shape: `[1, 28, 28]`, or `[784]` for a dense network on vectors. */
  input: number[];
  /** The layers, in order; softmax and cross-entropy follow the last. */
  layers: LayerSpec[];
  /** `params[l]` for the layers that have parameters (`{ W, b }`), `null` for the others. */
  params: (LayerParams | null)[];
}

/** What the forward pass keeps for the backward one: every layer's input and output. */
export interface Forward {
  /** `A[0]` is the input, `A[l + 1]` layer l's output; the last holds the scores Z. */
  A: Batch[];
  /** What each layer's forward pass kept for its backward pass (a max pool's argmax). */
  caches: unknown[];
  /** Softmax of the scores, m×classes. */
  probabilities: Batch;
}

/**
 * Fresh parameters for `layers` on inputs of shape `input`, each layer's drawn by its kind
 * (He: every weight `N·√(2 / fan_in)`, biases 0), layer by layer, W then b.
 *
 * @throws {RangeError} When the layers do not fit the input.
 */
export function initNetwork(
  layers: readonly LayerSpec[],
  rng: Rng,
  input: Shape = MNIST_INPUT,
): Network {
  const shapes = layerShapes(layers, input);
  const params = layers.map((layer, l) => layerKind(layer).init(layer, shapes[l], rng));
  return { input: [...input], layers: layers.map((l) => ({ ...l })), params };
}

/** A deep copy of a network. */
export function cloneNetwork(net: Network): Network {
  return {
    input: [...net.input],
    layers: net.layers.map((l) => ({ ...l })),
    params: net.params.map((p) =>
      p && Object.fromEntries(Object.entries(p).map(([name, a]) => [name, a.slice()]))
    ),
  };
}

/** Each layer's trained parameter arrays (its buffers left out), from the input's shape on. */
function trainedInfos(net: Pick<Network, "input" | "layers">) {
  return layerParamInfos(net.layers, net.input).map((infos) =>
    infos.filter((info) => info.trained !== false)
  );
}

/**
 * Every trained parameter array of a network in order — each layer's, in the order its kind
 * lists them, buffers (batch normalisation's running statistics) left out — with whether weight
 * decay applies: what an optimizer steps.
 */
export function parameterArrays(
  net: Network,
): { layer: number; name: string; values: Float64Array; decay: boolean }[] {
  return trainedInfos(net).flatMap((infos, l) =>
    infos.map((info) => ({
      layer: l,
      name: info.name,
      values: net.params[l]![info.name],
      decay: info.decay,
    }))
  );
}

/** The lengths of a network's trained arrays, in the order of {@link parameterArrays}. */
export function networkParameterLengths(net: Network): number[] {
  return trainedInfos(net).flat().map((info) => info.length);
}

/** Trained parameters (weights, biases, batch normalisation's γ and β) of a network: its size. */
export function parameterCount(net: Network): number {
  return networkParameterLengths(net).reduce((a, b) => a + b, 0);
}

/** The number of classes: the size of the last layer's output. */
export function classCount(net: Network): number {
  return sizeOf(layerShapes(net.layers, net.input).at(-1)!);
}

/**
 * The forward pass over a batch, then the softmax of each sample's scores: in evaluation mode
 * unless `mode` says training (see {@link LayerMode}; training updates batch normalisation's
 * running statistics in `net`).
 */
export function networkForward(
  net: Network,
  X: Batch,
  mode: Omit<LayerMode, "layer"> = EVALUATION,
): Forward {
  const A = [X], caches: unknown[] = [];
  net.layers.forEach((layer, l) => {
    const { Y, cache } = layerKind(layer).forward(layer, A[l], net.params[l], {
      ...mode,
      layer: l,
    });
    A.push(Y);
    caches.push(cache);
  });
  return { A, caches, probabilities: softmaxRows(A.at(-1)!) };
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
 * The backward pass of a training forward pass: the gradient of the mean cross-entropy loss `L = −(1/m) Σⱼ log P[j, yⱼ]`
 * with respect to every layer's parameters, from `dZ = (P − onehot(Y)) / m` at the scores back
 * through each layer's backward pass.
 *
 * @returns Each layer's parameter gradients (`null` where it has none), the loss and the
 * accuracy of the forward pass.
 */
export function networkBackward(
  net: Network,
  forward: Forward,
  labels: ArrayLike<number>,
): { grads: (LayerParams | null)[]; loss: number; accuracy: number } {
  const { A, caches, probabilities: P } = forward;
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
    const layer = net.layers[l];
    const back = layerKind(layer).backward(layer, A[l], net.params[l], dA, caches[l]);
    grads[l] = back.grads ?? null;
    dA = back.dX;
  }
  return { grads, loss, accuracy: right / m };
}
