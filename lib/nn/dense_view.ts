/**
 * The first notebook's matrix view of a network. Every network is a list of layers
 * (`lib/nn/layers/`); a list of dense layers with a ReLU between each two — the seed's
 * 784-10-10-10, the second notebook's 784-256-128-10 — is also the seed's `Params`, one weight
 * matrix `W[l]` and one bias column `b[l]` per layer (`W1` is `W[0]`). This module converts
 * between the two, both ways and exactly: the one place that asks which of the two it holds.
 *
 * @module
 */

import type { Rng } from "../data/random.ts";
import { matrix } from "./matrix.ts";
import type { Network } from "./layers/network.ts";
import { initNetwork } from "./layers/network.ts";
import type { LayerSpec } from "./layers/registry.ts";
import type { Shape } from "./layers/layer.ts";
import { MNIST_INPUT } from "./layers/shapes.ts";
import { layersText } from "./layers/text.ts";
import { initParams, type InitScheme, isSeedSizes, type Params } from "./params.ts";

/** A network as a layer list, or as the seed's matrices: what the entry points accept. */
export type Model = Network | Params;

/**
 * The dense network of layer sizes `sizes` (`[784, 10, 10, 10]`, the seed's) as a layer list:
 * dense, ReLU, …, dense. Its input is a vector of `sizes[0]`.
 */
export function denseLayers(sizes: readonly number[]): LayerSpec[] {
  const layers: LayerSpec[] = [];
  for (let l = 1; l < sizes.length; l++) {
    layers.push({ kind: "dense", units: sizes[l] });
    if (l + 1 < sizes.length) layers.push({ kind: "relu" });
  }
  return layers;
}

/**
 * The layer sizes of a network that is a chain of dense layers — an optional flatten first,
 * then dense layers with a ReLU between each two — input first (`[784, 256, 128, 10]`); else
 * `undefined`.
 */
export function denseSizes(net: Pick<Network, "input" | "layers">): number[] | undefined {
  const layers = net.layers[0]?.kind === "flatten" ? net.layers.slice(1) : net.layers;
  if (net.layers[0]?.kind !== "flatten" && net.input.length !== 1) return undefined;
  const n = net.input.reduce((a, b) => a * b, 1);
  const units = layers.flatMap((l) => (l.kind === "dense" ? [l.units] : []));
  const expected = denseLayers([n, ...units]);
  const same = units.length > 0 && expected.length === layers.length &&
    expected.every((l, i) => JSON.stringify(l) === JSON.stringify(layers[i]));
  return same ? [n, ...units] : undefined;
}

/** The dense `Params` of the first two notebooks as a layer-list network (the same numbers). */
export function networkFromParams(params: Params): Network {
  const template = { input: [params.sizes[0]], layers: denseLayers(params.sizes), params: [] };
  return withParams(template, params);
}

/**
 * A chain of dense layers as the seed's `Params` (copies: `W[l]` is `sizes[l+1] × sizes[l]`).
 *
 * @throws {RangeError} For a network that is not a chain of dense layers.
 */
export function toParams(net: Network): Params {
  const sizes = denseSizes(net);
  if (!sizes) {
    throw new RangeError(
      "Cannot view this network as the seed's W and b: it is not a chain of dense layers",
    );
  }
  const dense = net.params.filter((p) => p !== null);
  return {
    sizes,
    W: dense.map((p, l) => matrix(sizes[l + 1], sizes[l], p!.W.slice())),
    b: dense.map((p, l) => matrix(sizes[l + 1], 1, p!.b.slice())),
  };
}

/** A copy of the dense chain `net` (its input and layers) with the parameters of `params`. */
export function withParams(net: Network, params: Params): Network {
  let k = 0;
  return {
    input: [...net.input],
    layers: net.layers.map((l) => ({ ...l })),
    params: net.layers.map((l) => {
      if (l.kind !== "dense") return null;
      const p = { W: Float64Array.from(params.W[k].data), b: Float64Array.from(params.b[k].data) };
      k++;
      return p;
    }),
  };
}

/**
 * A network's name: its sizes for a chain of dense layers (`784-256-128-10`), else its layers
 * in the short form (`conv5x32,pool2,dense256`).
 */
export function networkName(net: Pick<Network, "input" | "layers">): string {
  return denseSizes(net)?.join("-") ?? layersText(net.layers, 10, net.input);
}

/** A network given either way, as a layer list: a `Network` as it is, `Params` converted. */
export function asNetwork(model: Model): Network {
  return "layers" in model ? model : networkFromParams(model);
}

/**
 * Fresh parameters for `layers` on `input`: He's (`initNetwork`), or the seed's own scales and
 * order of draws for the seed's 784-10-10-10 (`initParams`).
 *
 * @throws {RangeError} For the seed's scheme on any other network.
 */
export function initWith(
  layers: readonly LayerSpec[],
  rng: Rng,
  scheme: InitScheme = "he",
  input: Shape = MNIST_INPUT,
): Network {
  if (scheme === "he") return initNetwork(layers, rng, input);
  const template = { input: [...input], layers: [...layers], params: [] };
  const sizes = denseSizes(template);
  if (scheme !== "seed" || !sizes || !isSeedSizes(sizes)) {
    throw new RangeError(
      scheme === "seed"
        ? `Cannot use the seed's initialisation for ${
          sizes ? `sizes ${sizes.join("-")}` : "these layers"
        }: it is defined for 784-10-10-10 only; use he`
        : `Cannot initialise with scheme "${scheme}": expected seed or he`,
    );
  }
  return withParams(template, initParams(rng, sizes, "seed"));
}
