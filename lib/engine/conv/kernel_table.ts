/**
 * The convolution engine's kernel table: what its WebAssembly backend does for each kind of
 * layer — where the kind may stand, how its map and its parameters are laid out, what scratch it
 * needs, and its forward and backward passes over a chunk, as calls of the kernels of
 * `wasm/conv/kernels.ts` (`kernels_wasm.ts`). The one place in the engine that knows the kinds:
 * a new kind of layer is an entry here (and its kernels).
 *
 * @module
 */

import { convGeometry, type ConvSpec } from "../../nn/layers/conv.ts";
import type { DropoutSpec } from "../../nn/layers/dropout.ts";
import type { Network } from "../../nn/layers/network.ts";
import type { LayerSpec } from "../../nn/layers/registry.ts";
import { layerShapes } from "../../nn/layers/shapes.ts";
import type { ConvKernels } from "./kernels_wasm.ts";

const pad8 = (n: number) => Math.ceil(n / 8) * 8;
const pad4 = (n: number) => Math.ceil(n / 4) * 4;

/** A map as the kernels hold it: rows, columns, channels (padded); `[1, 1, n]` for a vector. */
export type MapShape = [number, number, number];

/** One layer as the kernels see it. */
export interface KernelLayer {
  /** The readable layer. */
  spec: LayerSpec;
  /** Input map H×W×C (C padded), or [1, 1, n] for a vector. */
  input: MapShape;
  /** Output map, likewise. */
  output: MapShape;
  /** The real (unpadded) input channels, or units of a vector. */
  realIn: number;
  /** The real (unpadded) output channels, or units. */
  realOut: number;
  /**
   * For a dense layer right after a flatten: the map it flattens, H, W, C (padded) and the real
   * channels, to place the readable weights (index c·H·W + position) at kernel rows
   * position·C + c.
   */
  flattened?: [number, number, number, number];
  /** For conv and dense: rows of WT (k·k·C padded to 4, or the input's size); else 0. */
  K: number;
  /** Where WT starts in the kernel layout (−1: no parameters). */
  wt: number;
  /** Where b starts (−1: no parameters). */
  b: number;
}

/** One thread's buffers of a layer, byte addresses: output, its gradient, and its own scratch. */
export interface LayerBuffers {
  /** The layer's output. */
  A: number;
  /** The gradient at its output. */
  D: number;
  /** A convolution's patches and their gradient (−1: none). */
  cols: number;
  dcols: number;
  /** A convolution's weights packed in panels for its products (−1: none). */
  panels: number;
  /** A max pool's argmax (−1: none). */
  argmax: number;
  /** A dropout's mask (−1: none). */
  mask: number;
}

/** What a layer's passes see: the kernels, this chunk's rows, and where everything is. */
export interface Pass {
  x: ConvKernels;
  layer: KernelLayer;
  /** Its place in the list, and the last place. */
  l: number;
  last: number;
  /** Rows of the chunk (a multiple of 4). */
  R: number;
  /** This thread's buffers of the layer. */
  buf: LayerBuffers;
  /** Where the layer's input is (the grey bytes for the first layer), and its gradient's place. */
  input: number;
  dInput: number;
  /** Addresses of an offset into the float32 parameters, and into this chunk's gradient. */
  p32: (offset: number) => number;
  g: (offset: number) => number;
  /** Training (a dropout drops) or scoring (it passes its input on). */
  training: boolean;
  /** The epoch's noise seed, and the place in the epoch of the chunk's first row. */
  seed: number;
  first: number;
}

/** What the kernels do for one kind of layer: an entry of the engine's kernel table. */
export interface KindKernels {
  /** Why the layer at `l` cannot run here (`flat`: after the flatten), or `undefined`. */
  unfit?(l: number, layers: readonly LayerSpec[], flat: boolean): string | undefined;
  /** It reads grey bytes, so it can come first. */
  readsBytes?: boolean;
  /** A ReLU after it is fused into its product. */
  fusesRelu?: boolean;
  /** Its scores can be the last layer's, the softmax's input. */
  scores?: boolean;
  /** It computes nothing of its own: its output is its input's buffer. */
  passThrough?: boolean;
  /** Its output map for its input map, when not the readable shape with channels padded. */
  output?(input: MapShape): MapShape;
  /** Rows of its WT, for a layer with parameters. */
  K?(spec: LayerSpec, input: MapShape): number;
  /** Each weight: `visit(readable index in W, index in the kernel layout)`. */
  weights?(layer: KernelLayer, visit: (readable: number, kernel: number) => void): void;
  /** Bytes of its scratch beyond A and D, for a chunk of `rows`. */
  scratch?(
    layer: KernelLayer,
    rows: number,
  ): { cols?: number; panels?: number; argmax?: number; mask?: number };
  /** Its forward pass over a chunk. */
  forward?(p: Pass): void;
  /** Its backward pass, from D to the gradient at its input and its parameters' gradients. */
  backward?(p: Pass): void;
}

/** A convolution's patches: size, stride, padding. */
function patches(layer: KernelLayer): { k: number; s: number; p: number } {
  const spec = layer.spec as ConvSpec, { stride, padding } = convGeometry(spec);
  return { k: spec.size, s: stride, p: padding };
}

/** A convolution's kernels: im2col (at its stride, over its padding) then a product, ReLU fused. */
const convKernelsOf: KindKernels = {
  unfit: (l, layers, flat) =>
    flat || layers[l + 1]?.kind !== "relu"
      ? "it takes convolutions before the flatten, each followed by a ReLU"
      : undefined,
  readsBytes: true,
  fusesRelu: true,
  K: (spec, input) => pad4((spec as { size: number }).size ** 2 * input[2]),
  weights(layer, visit) {
    const k = (layer.spec as { size: number }).size, C = layer.input[2], Cr = layer.realIn;
    const N = layer.output[2];
    for (let f = 0; f < layer.realOut; f++) {
      for (let c = 0; c < Cr; c++) {
        for (let u = 0; u < k; u++) {
          for (let v = 0; v < k; v++) {
            visit(((f * Cr + c) * k + u) * k + v, layer.wt + ((u * k + v) * C + c) * N + f);
          }
        }
      }
    }
  },
  scratch: (layer, rows) => ({
    cols: rows * layer.output[0] * layer.output[1] * layer.K * 4,
    panels: layer.K * layer.output[2] * 4,
  }),
  forward({ x, layer, l, R, buf, input, p32 }) {
    const [H, W, C] = layer.input, [Ho, Wo, N] = layer.output;
    const { k, s, p } = patches(layer), K = layer.K;
    if (l === 0) x.im2colU8({ X: input, H, W, k, s, p, images: R, cols: buf.cols, ldc: K });
    else x.im2col({ X: input, H, W, C, k, s, p, images: R, cols: buf.cols, ldc: K });
    x.gemmPanels({
      M: R * Ho * Wo,
      N,
      K,
      A: buf.cols,
      lda: K,
      B: p32(layer.wt),
      ldb: N,
      C: buf.A,
      ldc: N,
      bias: p32(layer.b),
      relu: true,
      transposed: false,
      panels: buf.panels,
    });
  },
  backward({ x, layer, l, R, buf, input, dInput, p32, g }) {
    const [H, W, C] = layer.input, [Ho, Wo, N] = layer.output;
    const { k, s, p } = patches(layer), K = layer.K, positions = R * Ho * Wo;
    x.gemmTN({
      M: K,
      N,
      K: positions,
      A: buf.cols,
      lda: K,
      B: buf.D,
      ldb: N,
      C: g(layer.wt),
      ldc: N,
    });
    x.columnSums({ rows: positions, N, D: buf.D, ld: N, out: g(layer.b) });
    if (l === 0) return; // nothing flows back into the image
    x.gemmPanels({
      M: positions,
      N: K,
      K: N,
      A: buf.D,
      lda: N,
      B: p32(layer.wt),
      ldb: N,
      C: buf.dcols,
      ldc: K,
      bias: 0,
      relu: false,
      transposed: true,
      panels: buf.panels,
    });
    x.col2im({ dcols: buf.dcols, ldc: K, H, W, C, k, s, p, images: R, dX: dInput });
    x.maskPositive({ D: dInput, M: input, count: R * H * W * C });
  },
};

/** A dense layer's kernels: a product, ReLU fused but for the last (its scores). */
const denseKernelsOf: KindKernels = {
  unfit: (l, layers, flat) =>
    !flat
      ? "it takes a flatten before the dense layers"
      : l < layers.length - 1 && layers[l + 1]?.kind !== "relu"
      ? "it takes a ReLU after every hidden dense layer"
      : undefined,
  fusesRelu: true,
  scores: true,
  K: (_spec, input) => input[0] * input[1] * input[2],
  weights(layer, visit) {
    const N = layer.output[2];
    const [H, W, C, Cr] = layer.flattened ?? [1, 1, layer.input[2], layer.realIn];
    const positions = H * W, n = positions * Cr;
    for (let i = 0; i < layer.realOut; i++) {
      for (let q = 0; q < n; q++) {
        const row = (q % positions) * C + Math.floor(q / positions);
        visit(i * n + q, layer.wt + row * N + i);
      }
    }
  },
  forward({ x, layer, l, last, R, buf, input, p32 }) {
    const N = layer.output[2], K = layer.K;
    x.gemmNN({
      M: R,
      N,
      K,
      A: input,
      lda: K,
      B: p32(layer.wt),
      ldb: N,
      C: buf.A,
      ldc: N,
      bias: p32(layer.b),
      relu: l < last,
    });
  },
  backward({ x, layer, R, buf, input, dInput, p32, g }) {
    const N = layer.output[2], K = layer.K;
    x.gemmTN({ M: K, N, K: R, A: input, lda: K, B: buf.D, ldb: N, C: g(layer.wt), ldc: N });
    x.columnSums({ rows: R, N, D: buf.D, ld: N, out: g(layer.b) });
    x.gemmNTMasked({
      M: R,
      N: K,
      K: N,
      A: buf.D,
      lda: N,
      B: p32(layer.wt),
      ldb: N,
      C: dInput,
      ldc: K,
      mask: input,
      stored: R,
    });
  },
};

/**
 * The kernel table: what the engine does for each kind of layer. A kind without an entry does
 * not run here (the readable layers train it).
 */
export const KERNELS: Readonly<Partial<Record<LayerSpec["kind"], KindKernels>>> = {
  conv: convKernelsOf,
  maxPool: {
    unfit: (_l, _layers, flat) => (flat ? "it takes max pools before the flatten" : undefined),
    scratch: (layer, rows) => ({
      argmax: rows * layer.output[0] * layer.output[1] * layer.output[2] * 4,
    }),
    forward({ x, layer, R, buf, input }) {
      const [H, W, C] = layer.input, p = (layer.spec as { size: number }).size;
      x.maxPool({ X: input, H, W, C, p, images: R, Y: buf.A, argmax: buf.argmax });
    },
    backward({ x, layer, R, buf, dInput }) {
      const [H, W, C] = layer.input, [Ho, Wo, N] = layer.output;
      x.maxPoolBackward({
        dY: buf.D,
        argmax: buf.argmax,
        count: R * Ho * Wo * N,
        dX: dInput,
        countIn: R * H * W * C,
      });
    },
  },
  dropout: {
    unfit: (l, layers) =>
      l > 0 && layers[l - 1].kind !== "flatten"
        ? undefined
        : "it takes a dropout after a ReLU, a pool or a dropout, before the flatten or after it",
    scratch: (layer, rows) => ({
      mask: rows * layer.output[0] * layer.output[1] * layer.output[2] * 4,
    }),
    // Y = X ⊙ mask in training (its input is a ReLU's, a pool's or a dropout's: ≥ 0, so that the
    // layer after it masks its gradient by Y > 0 as it would by the ReLU's); Y = X scoring.
    // Scoring keeps everything (threshold 0, scale 1).
    forward({ x, layer, l, R, buf, input, training, seed, first }) {
      const [H, W, C] = layer.output, rate = training ? (layer.spec as DropoutSpec).rate : 0;
      x.dropout({
        X: input,
        Y: buf.A,
        mask: buf.mask,
        R,
        H,
        W,
        C,
        Cr: layer.realOut,
        seed,
        layer: l,
        first,
        threshold: Math.ceil(rate * 16777216),
        scale: 1 / (1 - rate),
      });
    },
    backward({ x, layer, R, buf, dInput }) {
      const [H, W, C] = layer.output;
      x.multiply({ D: buf.D, M: buf.mask, out: dInput, count: R * H * W * C });
    },
  },
  relu: {
    unfit: (l, layers) =>
      l > 0 && KERNELS[layers[l - 1].kind]?.fusesRelu
        ? undefined
        : "it takes a ReLU only right after a convolution or dense layer",
    passThrough: true,
  },
  flatten: {
    passThrough: true,
    output: (input) => [1, 1, input[0] * input[1] * input[2]],
  },
  dense: denseKernelsOf,
};

/**
 * Why the WebAssembly backend cannot run these layers, or `undefined` when it can: a first layer
 * that reads grey images (a convolution), then the layers its kernel table takes, each where it
 * takes it, and scores last.
 */
export function convWasmUnfit(
  layers: readonly LayerSpec[],
  input: readonly number[],
): string | undefined {
  if (input.length !== 3 || input[0] !== 1) return "it takes one-channel images";
  if (!KERNELS[layers[0]?.kind]?.readsBytes) return "it takes a convolution first";
  let flat = false;
  for (let l = 0; l < layers.length; l++) {
    const kernels = KERNELS[layers[l].kind];
    if (!kernels) return `it has no kernels for ${layers[l].kind} layers`;
    const why = kernels.unfit?.(l, layers, flat);
    if (why) return why;
    if (kernels.output) flat = true;
  }
  if (!KERNELS[layers.at(-1)!.kind]?.scores) return "it takes a dense layer last";
  return undefined;
}

/** The kernel layers of a network and the length of its kernel parameter layout. */
export function kernelLayers(net: Network): { layers: KernelLayer[]; length: number } {
  const shapes = layerShapes(net.layers, net.input);
  const asMap = (s: number[], real: boolean): MapShape =>
    s.length === 3 ? [s[1], s[2], real ? s[0] : pad8(s[0])] : [1, 1, real ? s[0] : pad8(s[0])];
  let length = 0;
  const layers: KernelLayer[] = [];
  net.layers.forEach((spec, l) => {
    const kernels = KERNELS[spec.kind]!;
    // The input image keeps its one channel; every later map is padded to 8.
    const input = l === 0 ? asMap(shapes[0], true) : layers[l - 1].output;
    const output = kernels.output?.(input) ?? asMap(shapes[l + 1], false);
    let K = 0, wt = -1, b = -1;
    if (kernels.K) {
      K = kernels.K(spec, input);
      wt = length;
      length += K * output[2];
      b = length;
      length += output[2];
    }
    const before = l > 0 && KERNELS[net.layers[l - 1].kind]?.output ? layers[l - 1] : undefined;
    const flattened: KernelLayer["flattened"] = before && kernels.K
      ? [...before.input, before.realIn]
      : undefined;
    // Real channels (maps) or units (vectors) in and out.
    layers.push({
      spec,
      input,
      output,
      realIn: shapes[l][0],
      realOut: shapes[l + 1][0],
      flattened,
      K,
      wt,
      b,
    });
  });
  return { layers, length };
}
