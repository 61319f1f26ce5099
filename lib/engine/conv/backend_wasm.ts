/**
 * The convolution engine's WebAssembly backend: one shared memory laid out for a layer-list
 * network, and a chunk's forward and backward passes and the optimizer step run with the
 * kernels of `wasm/conv/kernels.ts`. What it does for each kind of layer is its kernel table,
 * {@link KERNELS}: the one place here that knows the kinds.
 *
 * Layouts. Activations are channels-last, every channel count and unit count padded to a
 * multiple of 8 (padded weights are 0, get 0 gradients, and so stay 0 under every optimizer).
 * Each conv or dense layer's parameters are `WT` (inputs × outputs, float32 and float64, row
 * `(u·k + v)·C + c` for a k×k convolution over C channels, row `(y·W + x)·C + c` for a dense
 * layer after a flattened C×H×W map — the readable layers' `W` transposed and permuted) then
 * `b`. ReLUs are fused into the products before them; a max pool keeps, per output, where its
 * maximum was.
 *
 * A chunk of R samples (a multiple of 4; rows past the chunk's real samples get dZ = 0, so they
 * add nothing):
 *
 * ```text
 * forward   conv:  cols = im2col(A_in);  A = ReLU(cols·WT + b)       (R·Ho·Wo × F)
 *           pool:  A = maxpool(A_in), argmax                         (R·Ho·Wo × C)
 *           dense: A = ReLU(A_in·WT + b)  (no ReLU for the last: Z)  (R × units)
 * softmax   dZ = softmax(Z) − onehot(y); stats += [right answers, Σ −log a_y]
 * backward  dense: dWT = A_inᵀ·dZ, db = Σ dZ, dA_in = (dZ·WTᵀ) ⊙ [A_in > 0]
 *           conv:  dWT = colsᵀ·dZ, db = Σ dZ, dA_in = col2im(dZ·WTᵀ) ⊙ [A_in > 0]
 *           pool:  dA_in = the gradient of each output at its argmax
 * ```
 *
 * The products sum the chunk's rows in order, each chunk into its own gradient buffer; the
 * update adds the chunks' buffers in chunk order (the shared `update` kernel).
 *
 * @module
 */

import type { LayerParams, Network } from "../../nn/layers/network.ts";
import { parameterCount } from "../../nn/layers/network.ts";
import type { LayerSpec } from "../../nn/layers/registry.ts";
import { layerShapes } from "../../nn/layers/shapes.ts";
import { networkName } from "../../nn/dense_view.ts";
import type { OptimizerOptions } from "../../nn/optimizers.ts";
import { shareOf, type Slice, updateRegions } from "../shared/kernels.ts";
import { align, checkMemory, regions } from "../shared/memory.ts";
import type { UpdateStep } from "../shared/phases.ts";
import { type ConvKernels, convKernels, convModule } from "./kernels_wasm.ts";

const PAGE = 65536;
const BASE = 65536;
const pad8 = (n: number) => Math.ceil(n / 8) * 8;
const pad4 = (n: number) => Math.ceil(n / 4) * 4;

/** A map as the kernels hold it: rows, columns, channels (padded); `[1, 1, n]` for a vector. */
type MapShape = [number, number, number];

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
interface LayerBuffers {
  /** The layer's output. */
  A: number;
  /** The gradient at its output. */
  D: number;
  /** A convolution's patches and their gradient (−1: none). */
  cols: number;
  dcols: number;
  /** A max pool's argmax (−1: none). */
  argmax: number;
}

/** What a layer's passes see: the kernels, this chunk's rows, and where everything is. */
interface Pass {
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
}

/** What the kernels do for one kind of layer: an entry of the engine's kernel table. */
interface KindKernels {
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
  scratch?(layer: KernelLayer, rows: number): { cols?: number; argmax?: number };
  /** Its forward pass over a chunk. */
  forward?(p: Pass): void;
  /** Its backward pass, from D to the gradient at its input and its parameters' gradients. */
  backward?(p: Pass): void;
}

/** A convolution's kernels: im2col then a product, ReLU fused. */
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
  scratch: (layer, rows) => ({ cols: rows * layer.output[0] * layer.output[1] * layer.K * 4 }),
  forward({ x, layer, l, R, buf, input, p32 }) {
    const [H, W, C] = layer.input, [Ho, Wo, N] = layer.output;
    const k = (layer.spec as { size: number }).size, K = layer.K;
    if (l === 0) x.im2colU8({ X: input, H, W, k, images: R, cols: buf.cols, ldc: K });
    else x.im2col({ X: input, H, W, C, k, images: R, cols: buf.cols, ldc: K });
    x.gemmNN({
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
    });
  },
  backward({ x, layer, l, R, buf, input, dInput, p32, g }) {
    const [H, W, C] = layer.input, [Ho, Wo, N] = layer.output;
    const k = (layer.spec as { size: number }).size, K = layer.K, positions = R * Ho * Wo;
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
    x.gemmNTMasked({
      M: positions,
      N: K,
      K: N,
      A: buf.D,
      lda: N,
      B: p32(layer.wt),
      ldb: N,
      C: buf.dcols,
      ldc: K,
      mask: 0,
      stored: positions,
    });
    x.col2im({ dcols: buf.dcols, ldc: K, H, W, C, k, images: R, dX: dInput });
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

/** Layer l's readable parameters written into the kernel layout `out` (padding left 0). */
function packLayer(p: LayerParams, layer: KernelLayer, out: Float64Array): void {
  KERNELS[layer.spec.kind]!.weights!(layer, (readable, kernel) => out[kernel] = p.W[readable]);
  for (let i = 0; i < layer.realOut; i++) out[layer.b + i] = p.b[i];
}

/** Layer l's readable parameters, read back from the kernel layout. */
function unpackLayer(layer: KernelLayer, P: Float64Array, shape: LayerParams): LayerParams {
  const W = new Float64Array(shape.W.length), b = new Float64Array(shape.b.length);
  KERNELS[layer.spec.kind]!.weights!(layer, (readable, kernel) => W[readable] = P[kernel]);
  for (let i = 0; i < layer.realOut; i++) b[i] = P[layer.b + i];
  return { W, b };
}

/** Where everything sits in the shared memory; cloneable, so workers attach to the same. */
export interface ConvMemoryPlan {
  /** The compiled kernels. */
  module: WebAssembly.Module;
  /** The shared memory. */
  memory: WebAssembly.Memory;
  /** The network's shape (its parameters live in the memory). */
  net: Network;
  /** Its layers as the kernels see them. */
  layers: KernelLayer[];
  /** Parameters in the kernel layout. */
  length: number;
  /** Training samples. */
  m: number;
  /** Most rows of a chunk, a multiple of 4. */
  rows: number;
  /** The most chunks a batch is cut into. */
  maxChunks: number;
  /** Bytes between two chunks' gradient buffers. */
  gStride: number;
  /** Bytes of one thread's scratch. */
  scratchBytes: number;
  /** Byte offsets of the regions. */
  at: Record<"P64" | "M1" | "M2" | "P32" | "G" | "STATS" | "PIXELS" | "LABELS" | "SCRATCH", number>;
}

/**
 * Bytes of one thread's scratch for chunks of `rows` samples, and each layer's buffers in it (a
 * pass-through layer has none of its own: it uses its input's).
 */
function scratchOf(
  layers: KernelLayer[],
  rows: number,
): { bytes: number; offsets: LayerBuffers[] } {
  let bytes = 0;
  const take = (n: number) => {
    const at = bytes;
    bytes += align(n);
    return at;
  };
  const offsets = layers.map((layer): LayerBuffers => {
    const kernels = KERNELS[layer.spec.kind]!;
    if (kernels.passThrough) return { A: 0, D: 0, cols: -1, dcols: -1, argmax: -1 };
    const [H, W, C] = layer.output, n = rows * H * W * C;
    const A = take(n * 4), D = take(n * 4);
    const own = kernels.scratch?.(layer, rows) ?? {};
    const cols = own.cols ? take(own.cols) : -1, dcols = own.cols ? take(own.cols) : -1;
    const argmax = own.argmax ? take(own.argmax) : -1;
    return { A, D, cols, dcols, argmax };
  });
  return { bytes: bytes + 1024, offsets }; // + 512 bytes of update sums, aligned
}

/** Allocate the shared memory for training `net` on m samples in chunks of `rows`. */
export function allocateConvWasm(
  net: Network,
  m: number,
  rows: number,
  threads: number,
  maxChunks: number,
): ConvMemoryPlan {
  const { layers, length } = kernelLayers(net);
  rows = pad4(rows);
  const memoryRegions = regions(BASE), region = memoryRegions.take;
  const gStride = align(length * 4);
  const pixels = layers[0].input[0] * layers[0].input[1];
  const scratch = scratchOf(layers, rows).bytes;
  const at = {
    ...updateRegions(region, length, maxChunks),
    PIXELS: region((m + rows) * pixels), // + a chunk of padding rows to read past the end
    LABELS: region(m + rows),
    SCRATCH: region(threads * scratch),
  };
  const end = memoryRegions.end();
  checkMemory(
    { name: networkName(net), parameters: parameterCount(net) },
    end,
    "the convolution engine on WebAssembly",
    "wasm",
  );
  const pages = Math.ceil(end / PAGE);
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  const plan: ConvMemoryPlan = {
    module: convModule(),
    memory,
    net: { input: [...net.input], layers: net.layers.map((l) => ({ ...l })), params: [] },
    layers,
    length,
    m,
    rows,
    maxChunks,
    gStride,
    scratchBytes: scratch,
    at,
  };
  const P64 = new Float64Array(memory.buffer, at.P64, length);
  layers.forEach((layer, l) => {
    if (layer.wt >= 0) packLayer(net.params[l]!, layer, P64);
  });
  new Float32Array(memory.buffer, at.P32, length).set(P64);
  return plan;
}

/** The network in the plan's float64 parameters. */
export function readConvNetwork(plan: ConvMemoryPlan, shape: Network): Network {
  const P64 = new Float64Array(plan.memory.buffer, plan.at.P64, plan.length);
  return {
    input: [...shape.input],
    layers: shape.layers.map((l) => ({ ...l })),
    params: plan.layers.map((layer, l) =>
      layer.wt >= 0 ? unpackLayer(layer, P64, shape.params[l]!) : null
    ),
  };
}

/** One thread's view: its jobs on the shared memory. */
export interface ConvWasmBackend {
  /** Per chunk: [correct, loss sum]. */
  stats: Float64Array;
  /** The arranged epoch's images (grey bytes). */
  pixels: Uint8Array;
  /** The arranged epoch's labels. */
  labels: Uint8Array;
  /** Forward and backward over samples from … to−1 of the epoch into chunk c's buffers. */
  runChunk(c: number, from: number, to: number): void;
  /**
   * Score samples from … to−1 (no gradient): stats[0..1] = [right answers, loss sum], and the
   * byte address of their probabilities, (to − from) × classes float32.
   */
  score(from: number, to: number): number;
  /** This thread's share of the optimizer step, from the chunks' sums. */
  updateShare(slot: number, threads: number, step: UpdateStep): void;
}

/** Attach thread `slot` to the shared memory of `plan`. */
export function attachConvWasm(
  plan: ConvMemoryPlan,
  o: Required<OptimizerOptions>,
  slot: number,
): ConvWasmBackend {
  const x = convKernels(plan.memory);
  const { layers, at, gStride, rows } = plan;
  const base = at.SCRATCH + slot * plan.scratchBytes;
  const { offsets, bytes } = scratchOf(layers, rows);
  const bufs = offsets.map((b) => ({
    A: base + b.A,
    D: base + b.D,
    cols: base + b.cols,
    dcols: base + b.dcols,
    argmax: base + b.argmax,
  }));
  // A ReLU is fused into the product before it and a flatten changes no float: such a layer's
  // output is its input's buffer, and the gradient at its output is the gradient at its input's.
  for (let l = 1; l < layers.length; l++) {
    if (KERNELS[layers[l].spec.kind]!.passThrough) {
      bufs[l] = { ...bufs[l], A: bufs[l - 1].A, D: bufs[l - 1].D };
    }
  }
  x.setScratch(base + bytes - 512);
  const p32 = (offset: number) => at.P32 + offset * 4;
  // Each layer's weights (decayed) and biases (not), the ranges the update shares out.
  const slices: Slice[] = layers.flatMap((layer) =>
    layer.wt < 0 ? [] : [
      { from: layer.wt, to: layer.b, decay: true },
      { from: layer.b, to: layer.b + layer.output[2], decay: false },
    ]
  );
  const last = layers.length - 1;
  const pixels = layers[0].input[0] * layers[0].input[1];
  const buffer = plan.memory.buffer;
  /** Layer l's passes over a chunk of R rows from sample `from`, gradients into chunk buffer G. */
  const pass = (l: number, from: number, R: number, G: number): Pass => ({
    x,
    layer: layers[l],
    l,
    last,
    R,
    buf: bufs[l],
    input: l === 0 ? at.PIXELS + from * pixels : bufs[l - 1].A,
    dInput: l > 0 ? bufs[l - 1].D : 0,
    p32,
    g: (offset) => G + offset * 4,
  });
  /** The forward pass over samples from … to−1 in R rows (a multiple of 4): A[last] = Z. */
  function forward(from: number, R: number, G: number): void {
    for (let l = 0; l < layers.length; l++) {
      KERNELS[layers[l].spec.kind]!.forward?.(pass(l, from, R, G));
    }
  }
  /** softmax, loss and dZ (or, scoring, the probabilities) of the rows from … to−1. */
  const softmax = (from: number, to: number, stats: number, probabilities: number) =>
    x.softmaxLoss({
      Z: bufs[last].A,
      rows: to - from,
      R: pad4(to - from),
      stride: layers[last].output[2],
      classes: layers[last].realOut,
      labels: at.LABELS + from,
      dZ: bufs[last].D,
      stats,
      probabilities,
    });

  return {
    stats: new Float64Array(buffer, at.STATS, 2 * plan.maxChunks),
    pixels: new Uint8Array(buffer, at.PIXELS, (plan.m + rows) * pixels),
    labels: new Uint8Array(buffer, at.LABELS, plan.m + rows),
    runChunk(c, from, to) {
      const R = pad4(to - from), G = at.G + c * gStride;
      forward(from, R, G);
      const stats = at.STATS + c * 16;
      x.zero(stats, 16);
      softmax(from, to, stats, 0);
      // Backward: D[l] is the gradient at layer l's output, ReLU′ applied where it has one.
      for (let l = last; l >= 0; l--) {
        KERNELS[layers[l].spec.kind]!.backward?.(pass(l, from, R, G));
      }
    },
    score(from, to) {
      forward(from, pad4(to - from), at.G);
      x.zero(at.STATS, 16);
      softmax(from, to, at.STATS, bufs[last].D);
      return bufs[last].D;
    },
    updateShare(slot, threads, step) {
      for (const slice of slices) {
        const [lo, hi] = shareOf(slice.from, slice.to, slot, threads);
        if (hi <= lo) continue;
        x.setStep(o, step, slice.decay);
        x.update({
          from: lo,
          to: hi,
          P64: at.P64,
          P32: at.P32,
          G: at.G,
          gStride,
          chunks: step.chunks,
          M1: at.M1,
          M2: at.M2,
        });
      }
    },
  };
}
