/**
 * What the convolution engine's kernel table works on: a layer as the kernels see it, its
 * buffers in a thread's scratch, and what one of its passes over a chunk sees.
 *
 * @module
 */

import type { LayerSpec } from "../../nn/layers/registry.ts";
import type { ConvKernels } from "./kernels_wasm.ts";

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
  /**
   * Its input is a ReLU's output (or one passed on from it by a pool, a dropout or a flatten):
   * ≥ 0, so that its backward pass applies that ReLU's ReLU′ by masking the gradient at its
   * input by input > 0. Not after a batch normalisation, whose outputs are of either sign.
   */
  afterRelu: boolean;
  /** Where its state starts in the float64 state (−1: none): a batch normalisation's running statistics. */
  state: number;
  /** Where its sums start in a chunk's float64 sums (−1: none). */
  sums: number;
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
  /** A batch normalisation's coefficients, float32 (−1: none). */
  coef: number;
  /** A Winograd convolution's 6×6 block between a transform's two passes (−1: none). */
  tmp: number;
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
  /** The chunk's real rows (R less its padding), and the batch's samples. */
  rows: number;
  batch: number;
  /** The chunk's number, and the batch's number of chunks. */
  chunk: number;
  chunks: number;
  /** The byte address of chunk c's sums of this layer (float64). */
  sums: (c: number) => number;
  /** The byte address of the layer's state (float64). */
  state: number;
  /** The shared memory, for views of sums, state and parameters. */
  buffer: ArrayBufferLike;
}
