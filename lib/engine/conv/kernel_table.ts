/**
 * The convolution engine's kernel table: what its WebAssembly backend does for each kind of
 * layer — where the kind may stand, how its map and its parameters are laid out, what scratch it
 * needs, and its forward and backward passes over a chunk, as calls of the kernels of
 * `wasm/conv/kernels.ts` (`kernels_wasm.ts`). The one place in the engine that knows the kinds:
 * a new kind of layer is an entry here (and its kernels).
 *
 * @module
 */

import type { DropoutSpec } from "../../nn/layers/dropout.ts";
import { BN_EPSILON, BN_MOMENTUM } from "../../nn/layers/batch_norm.ts";
import type { LayerParams } from "../../nn/layers/layer.ts";
import type { Network } from "../../nn/layers/network.ts";
import type { LayerSpec } from "../../nn/layers/registry.ts";
import { layerShapes } from "../../nn/layers/shapes.ts";
import { blockImages, patches } from "./blocks.ts";
import type { KernelLayer, LayerBuffers, MapShape, Pass } from "./pass.ts";
import { tilingOf, winogradBackward, winogradForward, winogradScratch } from "./winograd.ts";

export type { KernelLayer, LayerBuffers, MapShape, Pass };

const pad8 = (n: number) => Math.ceil(n / 8) * 8;
const pad4 = (n: number) => Math.ceil(n / 4) * 4;

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
  /** Its output is ≥ 0 where its input is (a pool, a dropout, a flatten). */
  keepsSign?: boolean;
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
  ): {
    cols?: number;
    dcols?: number;
    panels?: number;
    argmax?: number;
    mask?: number;
    tmp?: number;
    coef?: number;
  };
  /** Its forward pass over a chunk. */
  forward?(p: Pass): void;
  /** Its backward pass, from D to the gradient at its input and its parameters' gradients. */
  backward?(p: Pass): void;
  /** Its parameters are not decayed (batch normalisation's γ and β). */
  undecayed?: boolean;
  /** Write its readable parameters `p` into the kernel layout P and the state S (default: W and b). */
  pack?(layer: KernelLayer, p: LayerParams, P: Float64Array, S: Float64Array): void;
  /** Its readable parameters, read back from P and S (default: W and b). */
  unpack?(layer: KernelLayer, P: Float64Array, S: Float64Array): LayerParams;
  /** Float64 values of its state (0: none). */
  stateLength?(layer: KernelLayer): number;
  /**
   * Float64 values of its sums in each chunk: a layer that needs its batch's statistics, which
   * makes a step's gradient phase run in rounds (`shared/phases.ts`).
   */
  sumsLength?(layer: KernelLayer): number;
  /** Its chunk's sums of the forward pass, before it runs (the round before its forward). */
  forwardSums?(p: Pass): void;
  /** Its chunk's sums of the backward pass, before it runs (the round before its backward). */
  backwardSums?(p: Pass): void;
  /** After a step, on one thread: its state from the step's sums. */
  afterStep?(p: Pass): void;
}

/**
 * A convolution's kernels, image block by image block: im2col (at its stride, over its padding)
 * then a product, ReLU fused. Per chunk of R images, maps H×W×C → Ho×Wo×N, K = k·k·C:
 *
 *   cols (R·Ho·Wo × K) = im2col(X)      Z = cols·WT + b      (then ReLU)
 *   dWT = colsᵀ·dZ      db = Σ_rows dZ   dX = col2im(dZ·WTᵀ)   (then ⊙ ReLU′ of the input)
 *
 * A 3×3 or 5×5 convolution at stride 1, or a 5×5 at stride 2, computes Z, dWT and dX by
 * Winograd instead (`winograd.ts`): it gathers no patches.
 */
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
  scratch(layer, rows) {
    const positions = layer.output[0] * layer.output[1], N = layer.output[2];
    const tiling = tilingOf(layer);
    if (tiling) return winogradScratch(tiling, rows);
    return {
      cols: rows * positions * layer.K * 4,
      dcols: blockImages(layer, rows) * positions * layer.K * 4,
      panels: layer.K * N * 4,
    };
  },
  forward(pass) {
    const { x, layer, l, R, buf, input, p32 } = pass;
    const tiling = l > 0 ? tilingOf(layer) : undefined;
    if (tiling) return winogradForward(pass, tiling);
    const [H, W, C] = layer.input, [Ho, Wo, N] = layer.output;
    const { k, s, p } = patches(layer), K = layer.K, positions = Ho * Wo;
    const bytesIn = l === 0 ? H * W : H * W * C * 4;
    x.pack({ K, N, B: p32(layer.wt), ldb: N, transposed: false, panels: buf.panels });
    const step = blockImages(layer, R);
    for (let j = 0; j < R; j += step) {
      const images = Math.min(step, R - j), X = input + j * bytesIn;
      const cols = buf.cols + j * positions * K * 4;
      if (l === 0) x.im2colU8({ X, H, W, k, s, p, images, cols, ldc: K });
      else x.im2col({ X, H, W, C, k, s, p, images, cols, ldc: K });
      x.gemmPacked({
        M: images * positions,
        N,
        K,
        A: cols,
        lda: K,
        panels: buf.panels,
        C: buf.A + j * positions * N * 4,
        ldc: N,
        bias: p32(layer.b),
        relu: true,
      });
    }
  },
  backward(pass) {
    const { x, layer, l, R, buf, input, dInput, g } = pass;
    const [H, W, C] = layer.input, [Ho, Wo, N] = layer.output;
    const K = layer.K, positions = R * Ho * Wo;
    const tiling = l > 0 ? tilingOf(layer) : undefined;
    if (tiling) winogradBackward(pass, tiling);
    else {
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
    }
    x.columnSums({ rows: positions, N, D: buf.D, ld: N, out: g(layer.b) });
    if (l === 0) return; // nothing flows back into the image
    if (!tiling) patchInputGradient(pass);
    if (layer.afterRelu) x.maskPositive({ D: dInput, M: input, count: R * H * W * C });
  },
};

/** dX = col2im(dZ·WTᵀ), image block by image block: the patches' gradient, added back. */
function patchInputGradient({ x, layer, R, buf, dInput, p32 }: Pass): void {
  const [H, W, C] = layer.input, [Ho, Wo, N] = layer.output;
  const { k, s, p } = patches(layer), K = layer.K;
  x.pack({ K: N, N: K, B: p32(layer.wt), ldb: N, transposed: true, panels: buf.panels });
  const step = blockImages(layer, R);
  for (let j = 0; j < R; j += step) {
    const images = Math.min(step, R - j);
    x.gemmPacked({
      M: images * Ho * Wo,
      N: K,
      K: N,
      A: buf.D + j * Ho * Wo * N * 4,
      lda: N,
      panels: buf.panels,
      C: buf.dcols,
      ldc: K,
      bias: 0,
      relu: false,
    });
    const dX = dInput + j * H * W * C * 4;
    x.col2im({ dcols: buf.dcols, ldc: K, H, W, C, k, s, p, images, dX });
  }
}

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
  // WT packed in panels first: the product then reads each 8 columns contiguous, not K rows a
  // row of N apart (1.4 times gemmNN's speed at K = 1024, N = 256; the same bits).
  scratch: (layer) => ({ panels: layer.K * layer.output[2] * 4 }),
  forward({ x, layer, l, last, R, buf, input, p32 }) {
    const N = layer.output[2], K = layer.K;
    x.gemmPanels({
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
      transposed: false,
      panels: buf.panels,
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
      mask: layer.afterRelu ? input : 0,
      stored: R,
    });
  },
};

/** Float64 and float32 views of `n` values at byte address `at`. */
const f64 = (buffer: ArrayBufferLike, at: number, n: number) => new Float64Array(buffer, at, n);
const f32 = (buffer: ArrayBufferLike, at: number, n: number) => new Float32Array(buffer, at, n);

/**
 * The batch's mean μ and variance σ² of each channel of a batch normalisation's input, and
 * 1/√(σ² + ε): every chunk's sums [Σx, Σx²] added in chunk order (the same bits on any thread),
 * σ² = Σx²/N − μ² over the N = batch·H·W values. (In float64, from float32 values of a ReLU's
 * output, whose mean is not much larger than its spread: the difference keeps its digits.)
 */
function batchMoments(
  p: Pass,
): { mean: Float64Array; variance: Float64Array; invStd: Float64Array } {
  const [H, W, C] = p.layer.output, N = p.batch * H * W;
  const sum = new Float64Array(C), squares = new Float64Array(C);
  for (let c = 0; c < p.chunks; c++) {
    const chunk = f64(p.buffer, p.sums(c), 2 * C);
    for (let i = 0; i < C; i++) sum[i] += chunk[i], squares[i] += chunk[C + i];
  }
  const mean = sum.map((s) => s / N);
  const variance = squares.map((q, i) => Math.max(0, q / N - mean[i] ** 2));
  return { mean, variance, invStd: variance.map((v) => 1 / Math.sqrt(v + BN_EPSILON)) };
}

/**
 * Batch normalisation's kernels (`lib/nn/layers/batch_norm.ts`): γ in place of WT and β of b,
 * the running mean and variance as state, and each chunk's sums, which the round before each
 * pass leaves and the pass combines:
 *
 * ```text
 * forward sums    [Σx, Σx²] of the chunk's real rows              (2·C, float64)
 * forward         Y = (X − μ)·γ/√(σ² + ε) + β                      (μ, σ²: the batch's)
 *   scoring       Y = (X − running mean)·γ/√(running var + ε) + β
 * backward sums   [Σdy, Σdy·x] of the chunk's real rows            (2·C, float64)
 * backward        chunk's dβ = Σdy, dγ = (Σdy·x − μ·Σdy)/√(σ² + ε) into its gradient buffer;
 *                 dX = s·(dy − dβ/N − x̂·dγ/N) with the batch's dβ, dγ (padding rows 0)
 * after a step    running ← 0.9·running + 0.1·(μ, σ²·N/(N − 1))
 * ```
 */
const batchNormKernelsOf: KindKernels = {
  unfit: (l, layers) =>
    l > 0 && layers[l - 1].kind !== "flatten"
      ? undefined
      : "it takes a bn after a layer, not first nor right after the flatten",
  undecayed: true,
  K: () => 1,
  pack(layer, p, P, S) {
    const C = layer.output[2];
    for (let i = 0; i < layer.realOut; i++) {
      P[layer.wt + i] = p.gamma[i];
      P[layer.b + i] = p.beta[i];
      S[layer.state + i] = p.runningMean[i];
      S[layer.state + C + i] = p.runningVar[i];
    }
  },
  unpack(layer, P, S) {
    const n = layer.realOut, C = layer.output[2], at = (o: number) => P.slice(o, o + n);
    return {
      gamma: at(layer.wt),
      beta: at(layer.b),
      runningMean: S.slice(layer.state, layer.state + n),
      runningVar: S.slice(layer.state + C, layer.state + C + n),
    };
  },
  stateLength: (layer) => 2 * layer.output[2],
  sumsLength: (layer) => 4 * layer.output[2],
  scratch: (layer) => ({ coef: 5 * layer.output[2] * 4 }),
  forwardSums({ x, layer, rows, input, sums, chunk }) {
    const [H, W, C] = layer.output, out = sums(chunk);
    x.zero(out, 2 * C * 8);
    x.channelSums({ X: input, count: rows * H * W, C, out });
  },
  forward(p) {
    const { x, layer, R, buf, input, buffer, training } = p, [H, W, C] = layer.output;
    const gamma = f32(buffer, p.p32(layer.wt), C), beta = f32(buffer, p.p32(layer.b), C);
    const coef = f32(buffer, buf.coef, 3 * C), S = f64(buffer, p.state, 2 * C);
    const { mean, invStd } = training
      ? batchMoments(p)
      : { mean: S.subarray(0, C), invStd: S.subarray(C).map((v) => 1 / Math.sqrt(v + BN_EPSILON)) };
    for (let c = 0; c < C; c++) {
      coef[c] = mean[c];
      coef[C + c] = gamma[c] * invStd[c];
      coef[2 * C + c] = beta[c];
    }
    x.normalize({ X: input, Y: buf.A, count: R * H * W, C, coef: buf.coef });
  },
  backwardSums({ x, layer, rows, buf, input, sums, chunk }) {
    const [H, W, C] = layer.output, out = sums(chunk) + 2 * C * 8;
    x.zero(out, 2 * C * 8);
    x.gradientSums({ D: buf.D, X: input, count: rows * H * W, C, out });
  },
  backward(p) {
    const { x, layer, R, rows, buf, input, dInput, buffer } = p, [H, W, C] = layer.output;
    const N = p.batch * H * W, { mean, invStd } = batchMoments(p);
    const dbeta = new Float64Array(C), dgamma = new Float64Array(C);
    for (let c = 0; c < p.chunks; c++) {
      const chunk = f64(buffer, p.sums(c) + 2 * C * 8, 2 * C);
      for (let i = 0; i < C; i++) dbeta[i] += chunk[i], dgamma[i] += chunk[C + i];
    }
    for (let i = 0; i < C; i++) dgamma[i] = (dgamma[i] - mean[i] * dbeta[i]) * invStd[i];
    // This chunk's own dγ and dβ, into its gradient buffer: the update adds the chunks'.
    const own = f64(buffer, p.sums(p.chunk) + 2 * C * 8, 2 * C);
    const gGamma = f32(buffer, p.g(layer.wt), C), gBeta = f32(buffer, p.g(layer.b), C);
    for (let i = 0; i < C; i++) {
      gBeta[i] = own[i];
      gGamma[i] = (own[C + i] - mean[i] * own[i]) * invStd[i];
    }
    const gamma = f32(buffer, p.p32(layer.wt), C), coef = f32(buffer, buf.coef, 5 * C);
    for (let c = 0; c < C; c++) {
      coef[c] = mean[c];
      coef[C + c] = invStd[c];
      coef[2 * C + c] = gamma[c] * invStd[c];
      coef[3 * C + c] = dbeta[c] / N;
      coef[4 * C + c] = dgamma[c] / N;
    }
    const count = rows * H * W;
    x.normalizeBackward({
      D: buf.D,
      X: input,
      dX: dInput,
      count,
      C,
      coef: buf.coef,
      masked: layer.afterRelu,
    });
    // The padding rows carry no gradient back (their dy is 0, but dβ/N and dγ/N are not).
    if (R > rows) x.zero(dInput + count * C * 4, (R - rows) * H * W * C * 4);
  },
  afterStep(p) {
    const [H, W, C] = p.layer.output, N = p.batch * H * W;
    const { mean, variance } = batchMoments(p), S = f64(p.buffer, p.state, 2 * C);
    for (let c = 0; c < p.layer.realOut; c++) {
      const unbiased = N > 1 ? variance[c] * N / (N - 1) : S[C + c];
      S[c] = (1 - BN_MOMENTUM) * S[c] + BN_MOMENTUM * mean[c];
      S[C + c] = (1 - BN_MOMENTUM) * S[C + c] + BN_MOMENTUM * unbiased;
    }
  },
};

/**
 * The kernel table: what the engine does for each kind of layer. A kind without an entry does
 * not run here (the readable layers train it).
 */
export const KERNELS: Readonly<Partial<Record<LayerSpec["kind"], KindKernels>>> = {
  conv: convKernelsOf,
  maxPool: {
    keepsSign: true,
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
  batchNorm: batchNormKernelsOf,
  dropout: {
    keepsSign: true,
    unfit: (l, layers) =>
      l > 0 && layers[l - 1].kind !== "flatten"
        ? undefined
        : "it takes a dropout after a ReLU, a pool, a bn or a dropout, not right after the flatten",
    scratch: (layer, rows) => ({
      mask: rows * layer.output[0] * layer.output[1] * layer.output[2] * 4,
    }),
    // Y = X ⊙ mask in training (after a ReLU, X ≥ 0, so that the layer after it masks its
    // gradient by Y > 0 as it would by the ReLU's); scoring keeps everything (threshold 0,
    // scale 1).
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
    keepsSign: true,
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

/**
 * The kernel layers of a network, the length of its kernel parameter layout, of its float64
 * state, and of a chunk's float64 sums.
 */
export function kernelLayers(
  net: Network,
): { layers: KernelLayer[]; length: number; stateLength: number; sumsLength: number } {
  const shapes = layerShapes(net.layers, net.input);
  const asMap = (s: number[], real: boolean): MapShape =>
    s.length === 3 ? [s[1], s[2], real ? s[0] : pad8(s[0])] : [1, 1, real ? s[0] : pad8(s[0])];
  let length = 0, stateLength = 0, sumsLength = 0;
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
    // Whether the input is a ReLU's output, passed on by layers that keep its sign.
    let from = l - 1;
    while (from >= 0 && KERNELS[net.layers[from].kind]?.keepsSign) from--;
    const afterRelu = from >= 0 && net.layers[from].kind === "relu";
    // Real channels (maps) or units (vectors) in and out.
    const layer: KernelLayer = {
      spec,
      input,
      output,
      realIn: shapes[l][0],
      realOut: shapes[l + 1][0],
      flattened,
      K,
      wt,
      b,
      afterRelu,
      state: -1,
      sums: -1,
    };
    const state = kernels.stateLength?.(layer) ?? 0, sums = kernels.sumsLength?.(layer) ?? 0;
    if (state) [layer.state, stateLength] = [stateLength, stateLength + state];
    if (sums) [layer.sums, sumsLength] = [sumsLength, sumsLength + sums];
    layers.push(layer);
  });
  return { layers, length, stateLength, sumsLength };
}
