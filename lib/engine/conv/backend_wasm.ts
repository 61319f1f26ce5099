/**
 * The convolution engine's WebAssembly backend: one shared memory laid out for a layer-list
 * network, and a chunk's forward and backward passes and the optimizer step run with the
 * kernels of `wasm/conv/kernels.ts`.
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
 * update adds the chunks' buffers in chunk order (the mini-batch engine's `update` kernel).
 *
 * @module
 */

import type { LayerParams, Network } from "../../nn/layers/network.ts";
import { layerShapes, type LayerSpec, layersText } from "../../nn/layers/spec.ts";
import type { OptimizerOptions } from "../../nn/optimizers.ts";
import { align, checkMemory, regions } from "../shared/memory.ts";
import { shareOf } from "../batch/contract.ts";
import { setOptimizerStep, updateRegions } from "../batch/kernels_wasm.ts";
import { type ConvKernels, convKernels, convModule } from "./kernels_wasm.ts";

const PAGE = 65536;
const BASE = 65536;
const pad8 = (n: number) => Math.ceil(n / 8) * 8;
const pad4 = (n: number) => Math.ceil(n / 4) * 4;

/** One layer as the kernels see it. */
export interface KernelLayer {
  /** The readable layer. */
  spec: LayerSpec;
  /** Input map H×W×C (C padded), or [1, 1, n] for a vector. */
  input: [number, number, number];
  /** Output map, likewise. */
  output: [number, number, number];
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

/**
 * Why the WebAssembly backend cannot run these layers, or `undefined` when it can: it takes a
 * first convolution on grey images, then any sequence of convolutions and max pools, one
 * flatten, dense layers, with a ReLU after every convolution and hidden dense layer (the shape
 * `parseLayers` gives).
 */
export function convWasmUnfit(
  layers: readonly LayerSpec[],
  input: readonly number[],
): string | undefined {
  if (input.length !== 3 || input[0] !== 1) return "it takes one-channel images";
  if (layers[0]?.kind !== "conv") return "it takes a convolution first";
  let flat = false;
  for (let l = 0; l < layers.length; l++) {
    const layer = layers[l], next = layers[l + 1]?.kind;
    if (
      layer.kind === "relu" &&
      !(l > 0 && (layers[l - 1].kind === "conv" || layers[l - 1].kind === "dense"))
    ) {
      return "it takes a ReLU only right after a convolution or dense layer";
    }
    if (layer.kind === "conv" && (flat || next !== "relu")) {
      return "it takes convolutions before the flatten, each followed by a ReLU";
    }
    if (layer.kind === "maxPool" && flat) return "it takes max pools before the flatten";
    if (layer.kind === "flatten") flat = true;
    if (layer.kind === "dense" && !flat) return "it takes a flatten before the dense layers";
    if (layer.kind === "dense" && l < layers.length - 1 && next !== "relu") {
      return "it takes a ReLU after every hidden dense layer";
    }
  }
  if (layers.at(-1)!.kind !== "dense") return "it takes a dense layer last";
  return undefined;
}

/** The kernel layers of a network and the length of its kernel parameter layout. */
export function kernelLayers(net: Network): { layers: KernelLayer[]; length: number } {
  const shapes = layerShapes(net.layers, net.input);
  const asMap = (s: number[], real: boolean): [number, number, number] =>
    s.length === 3 ? [s[1], s[2], real ? s[0] : pad8(s[0])] : [1, 1, real ? s[0] : pad8(s[0])];
  let length = 0;
  const layers: KernelLayer[] = [];
  net.layers.forEach((spec, l) => {
    // The input image keeps its one channel; every later map is padded to 8.
    const input = l === 0 ? asMap(shapes[0], true) : layers[l - 1].output;
    let output = asMap(shapes[l + 1], false), K = 0, wt = -1, b = -1;
    if (spec.kind === "flatten") output = [1, 1, input[0] * input[1] * input[2]];
    if (spec.kind === "conv") K = pad4(spec.size * spec.size * input[2]);
    if (spec.kind === "dense") K = input[0] * input[1] * input[2];
    if (spec.kind === "conv" || spec.kind === "dense") {
      wt = length;
      length += K * output[2];
      b = length;
      length += output[2];
    }
    const before = net.layers[l - 1]?.kind === "flatten" ? layers[l - 1] : undefined;
    const flattened: KernelLayer["flattened"] = before && spec.kind === "dense"
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

/**
 * Each weight of layer l: `visit(readable index in W, index in the kernel layout)`. A conv
 * kernel W[f,c,u,v] goes to row (u·k + v)·C + c, column f of WT; a dense weight W[i,q] to row q
 * (after a flattened map: readable q = c·H·W + pos, kernel row pos·C + c), column i.
 */
function forEachWeight(
  layer: KernelLayer,
  visit: (readable: number, kernel: number) => void,
): void {
  const N = layer.output[2];
  if (layer.spec.kind === "conv") {
    const { size: k } = layer.spec, C = layer.input[2], Cr = layer.realIn;
    for (let f = 0; f < layer.realOut; f++) {
      for (let c = 0; c < Cr; c++) {
        for (let u = 0; u < k; u++) {
          for (let v = 0; v < k; v++) {
            visit(((f * Cr + c) * k + u) * k + v, layer.wt + ((u * k + v) * C + c) * N + f);
          }
        }
      }
    }
    return;
  }
  const [H, W, C, Cr] = layer.flattened ?? [1, 1, layer.input[2], layer.realIn];
  const positions = H * W, n = positions * Cr;
  for (let i = 0; i < layer.realOut; i++) {
    for (let q = 0; q < n; q++) {
      const row = (q % positions) * C + Math.floor(q / positions);
      visit(i * n + q, layer.wt + row * N + i);
    }
  }
}

/** Layer l's readable parameters written into the kernel layout `out` (padding left 0). */
function packLayer(p: LayerParams, layer: KernelLayer, out: Float64Array): void {
  forEachWeight(layer, (readable, kernel) => out[kernel] = p.W[readable]);
  for (let i = 0; i < layer.realOut; i++) out[layer.b + i] = p.b[i];
}

/** Layer l's readable parameters, read back from the kernel layout. */
function unpackLayer(layer: KernelLayer, P: Float64Array, shape: LayerParams): LayerParams {
  const W = new Float64Array(shape.W.length), b = new Float64Array(shape.b.length);
  forEachWeight(layer, (readable, kernel) => W[readable] = P[kernel]);
  for (let i = 0; i < layer.realOut; i++) b[i] = P[layer.b + i];
  return { W, b };
}

/** Where everything sits in the shared memory; cloneable, so workers attach to the same. */
export interface ConvMemoryPlan {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  net: Network;
  layers: KernelLayer[];
  length: number;
  m: number;
  rows: number;
  maxChunks: number;
  gStride: number;
  scratchBytes: number;
  at: Record<"P64" | "M1" | "M2" | "P32" | "G" | "STATS" | "PIXELS" | "LABELS" | "SCRATCH", number>;
}

/** Whether a layer computes nothing of its own here: a ReLU (fused before it) or a flatten. */
const passThrough = (layer: KernelLayer) =>
  layer.spec.kind === "relu" || layer.spec.kind === "flatten";

/**
 * Bytes of one thread's scratch for chunks of `rows` samples, and where each layer's A, D, cols,
 * dcols and argmax start in it (a pass-through layer has none: it uses its neighbours').
 */
function scratchOf(layers: KernelLayer[], rows: number): { bytes: number; offsets: number[][] } {
  let bytes = 0;
  const offsets = layers.map((layer) => {
    if (passThrough(layer)) return [0, 0, -1, -1, -1];
    const [H, W, C] = layer.output, n = rows * H * W * C;
    const A = bytes;
    bytes += align(n * 4);
    const D = bytes;
    bytes += align(n * 4);
    let cols = -1, dcols = -1, argmax = -1;
    if (layer.spec.kind === "conv") {
      const positions = rows * H * W;
      cols = bytes;
      bytes += align(positions * layer.K * 4);
      dcols = bytes;
      bytes += align(positions * layer.K * 4);
    }
    if (layer.spec.kind === "maxPool") {
      argmax = bytes;
      bytes += align(n * 4);
    }
    return [A, D, cols, dcols, argmax];
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
    {
      name: layersText(net.layers),
      parameters: net.params.reduce((n, p) => n + (p ? p.W.length + p.b.length : 0), 0),
    },
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
  /** The arranged epoch's images (grey bytes) and labels. */
  pixels: Uint8Array;
  labels: Uint8Array;
  /** Forward and backward over samples from … to−1 of the epoch into chunk c's buffers. */
  runChunk(c: number, from: number, to: number): void;
  /**
   * Score samples from … to−1 (no gradient): stats[0..1] = [right answers, loss sum], and the
   * byte address of their probabilities, (to − from) × classes float32.
   */
  score(from: number, to: number): number;
  /** This thread's share of the optimizer step, from the chunks' sums. */
  updateShare(
    slot: number,
    threads: number,
    step: { chunks: number; from: number; to: number; lr: number; t: number },
  ): void;
}

/** Attach thread `slot` to the shared memory of `plan`. */
export function attachConvWasm(
  plan: ConvMemoryPlan,
  o: Required<OptimizerOptions>,
  slot: number,
): ConvWasmBackend {
  const x: ConvKernels = convKernels(plan.memory);
  const { layers, at, gStride, rows } = plan;
  const base = at.SCRATCH + slot * plan.scratchBytes;
  const { offsets, bytes } = scratchOf(layers, rows);
  const [A, D, COLS, DCOLS, ARG] = [0, 1, 2, 3, 4].map((i) => offsets.map((o) => base + o[i]));
  // A ReLU is fused into the product before it and a flatten changes no float: such a layer's
  // output is its input's buffer, and the gradient at its output is the gradient at its input's.
  for (let l = 1; l < layers.length; l++) {
    if (passThrough(layers[l])) [A[l], D[l]] = [A[l - 1], D[l - 1]];
  }
  x.setScratch(base + bytes - 512);
  const p32 = (offset: number) => at.P32 + offset * 4;
  // Each layer's weights (decayed) and biases (not), the ranges the update shares out.
  const slices = layers.flatMap((layer) =>
    layer.wt < 0 ? [] : [
      { from: layer.wt, to: layer.b, decay: true },
      { from: layer.b, to: layer.b + layer.output[2], decay: false },
    ]
  );
  const last = layers.length - 1;
  const pixels = layers[0].input[0] * layers[0].input[1];
  const buffer = plan.memory.buffer;
  /** Where layer l's input starts, for a chunk from sample `from`: the grey bytes, or A[l − 1]. */
  const inputOf = (from: number, l: number) => (l === 0 ? at.PIXELS + from * pixels : A[l - 1]);
  /** The forward pass over samples from … to−1 in R rows (a multiple of 4): A[last] = Z. */
  function forward(from: number, R: number): void {
    const input = (l: number) => inputOf(from, l);
    layers.forEach((layer, l) => {
      const [H, W, C] = layer.input, [Ho, Wo, N] = layer.output;
      const spec = layer.spec;
      if (spec.kind === "conv") {
        if (l === 0) x.im2colU8(input(0), H, W, spec.size, R, COLS[l], layer.K);
        else x.im2col(input(l), H, W, C, spec.size, R, COLS[l], layer.K);
        x.gemmNN(
          R * Ho * Wo,
          N,
          layer.K,
          COLS[l],
          layer.K,
          p32(layer.wt),
          N,
          A[l],
          N,
          p32(layer.b),
          true,
        );
      } else if (spec.kind === "maxPool") {
        x.maxPool(input(l), H, W, C, spec.size, R, A[l], ARG[l]);
      } else if (spec.kind === "dense") {
        x.gemmNN(
          R,
          N,
          layer.K,
          input(l),
          layer.K,
          p32(layer.wt),
          N,
          A[l],
          N,
          p32(layer.b),
          l < last,
        );
      }
    });
  }

  return {
    stats: new Float64Array(buffer, at.STATS, 2 * plan.maxChunks),
    pixels: new Uint8Array(buffer, at.PIXELS, (plan.m + rows) * pixels),
    labels: new Uint8Array(buffer, at.LABELS, plan.m + rows),
    runChunk(c, from, to) {
      const real = to - from, R = pad4(real);
      const G = at.G + c * gStride, g = (offset: number) => G + offset * 4;
      const input = (l: number) => inputOf(from, l);
      forward(from, R);
      const stats = at.STATS + c * 16;
      x.zero(stats, 16);
      const out = layers[last];
      x.softmaxLoss(
        A[last],
        real,
        R,
        out.output[2],
        out.realOut,
        at.LABELS + from,
        D[last],
        stats,
        0,
      );
      // Backward: D[l] is the gradient at layer l's output, ReLU′ applied where it has one.
      for (let l = last; l >= 0; l--) {
        const layer = layers[l], spec = layer.spec;
        const [H, W, C] = layer.input, [Ho, Wo, N] = layer.output;
        const dIn = l > 0 ? D[l - 1] : 0, inputs = R * H * W * C;
        if (spec.kind === "dense") {
          x.gemmTN(layer.K, N, R, input(l), layer.K, D[l], N, g(layer.wt), N);
          x.columnSums(R, N, D[l], N, g(layer.b));
          x.gemmNTMasked(R, layer.K, N, D[l], N, p32(layer.wt), N, dIn, layer.K, input(l), R);
        } else if (spec.kind === "conv") {
          const positions = R * Ho * Wo;
          x.gemmTN(layer.K, N, positions, COLS[l], layer.K, D[l], N, g(layer.wt), N);
          x.columnSums(positions, N, D[l], N, g(layer.b));
          if (l > 0) {
            x.gemmNTMasked(
              positions,
              layer.K,
              N,
              D[l],
              N,
              p32(layer.wt),
              N,
              DCOLS[l],
              layer.K,
              0,
              positions,
            );
            x.col2im(DCOLS[l], layer.K, H, W, C, spec.size, R, dIn);
            x.maskPositive(dIn, input(l), inputs);
          }
        } else if (spec.kind === "maxPool") {
          x.maxPoolBackward(D[l], ARG[l], R * Ho * Wo * N, dIn, inputs);
        }
      }
    },
    score(from, to) {
      const real = to - from, out = layers[last], probabilities = D[last];
      forward(from, pad4(real));
      x.zero(at.STATS, 16);
      x.softmaxLoss(
        A[last],
        real,
        pad4(real),
        out.output[2],
        out.realOut,
        at.LABELS + from,
        D[last],
        at.STATS,
        probabilities,
      );
      return probabilities;
    },
    updateShare(slot, threads, step) {
      for (const slice of slices) {
        const [lo, hi] = shareOf(slice.from, slice.to, slot, threads);
        if (hi <= lo) continue;
        setOptimizerStep(x, o, step, slice.decay);
        x.update(lo, hi, at.P64, at.P32, at.G, gStride, step.chunks, at.M1, at.M2);
      }
    },
  };
}
