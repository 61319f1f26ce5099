/**
 * The convolution engine's WebAssembly kernels (`wasm/conv/kernels.ts`), with named, typed
 * arguments: channels-last im2col and its inverse (at any stride and padding), max pooling and
 * its backward pass, the ReLU mask, dropout, batch normalisation's sums and passes, and the
 * matrix products, softmax and optimizer update it shares with the mini-batch engine
 * (`shared/kernels.ts`), all in one module over a shared memory.
 *
 * The kernels are proven equal to the readable layers of `lib/nn/layers/` by
 * `tests/engine/conv_kernels_test.ts`; `backend_wasm.ts` runs them.
 *
 * @module
 */

import { type MatrixKernels, matrixKernels, type SharedExports } from "../shared/kernels.ts";
import { CONV_WASM_BASE64 } from "./kernels_wasm_binary.ts";

/** A map's place and shape: `images` channels-last maps H×W×C at address X. */
interface Maps {
  /** Address. */
  X: number;
  /** Rows. */
  H: number;
  /** Columns. */
  W: number;
  /** How many. */
  images: number;
}

/** A convolution's patches: k×k, at stride s, over the input padded by p zeros. */
interface Patches {
  /** Kernel size. */
  k: number;
  /** Stride. */
  s: number;
  /** Padding. */
  p: number;
}

/** The convolution engine's kernels (addresses in bytes, sizes in floats). */
export interface ConvKernels extends MatrixKernels {
  /**
   * The k×k patches of grey images (bytes, one channel) at stride s, padded by p, as rows of
   * cols (stride ldc), /255.
   */
  im2colU8(o: Maps & Patches & { cols: number; ldc: number }): void;
  /** The k×k patches of float32 maps (C channels, a multiple of 4) as rows of cols. */
  im2col(o: Maps & Patches & { C: number; cols: number; ldc: number }): void;
  /** dX (overwritten) = the sum of every patch gradient of dcols at its place: im2col's adjoint. */
  col2im(
    o: Patches & {
      dcols: number;
      ldc: number;
      H: number;
      W: number;
      C: number;
      images: number;
      dX: number;
    },
  ): void;
  /**
   * Inverted dropout of R maps H×W×C (Cr real channels) from X into Y, its mask (0 or `scale`)
   * into mask: counterUniform(seed, layer, first + row, readable index) ≥ p, as
   * `threshold = ⌈p·2²⁴⌉` on the hash's top 24 bits.
   */
  dropout(
    o: {
      X: number;
      Y: number;
      mask: number;
      R: number;
      H: number;
      W: number;
      C: number;
      Cr: number;
      seed: number;
      layer: number;
      first: number;
      threshold: number;
      scale: number;
    },
  ): void;
  /** `out = D ⊙ M` over `count` floats. */
  multiply(o: { D: number; M: number; out: number; count: number }): void;
  /** p×p max pooling into Y, and where each output's maximum was (argmax, int32). */
  maxPool(o: Maps & { C: number; p: number; Y: number; argmax: number }): void;
  /** dX (countIn floats, overwritten) = each output's gradient at its argmax. */
  maxPoolBackward(
    o: { dY: number; argmax: number; count: number; dX: number; countIn: number },
  ): void;
  /** `D ⊙= [M > 0]` over `count` floats: ReLU′ of the layer whose output is M. */
  maskPositive(o: { D: number; M: number; count: number }): void;
  /** `out[c] += Σ x`, `out[C + c] += Σ x²` (float64) over `count` positions of C channels. */
  channelSums(o: { X: number; count: number; C: number; out: number }): void;
  /** `out[c] += Σ dy`, `out[C + c] += Σ dy·x` (float64) over `count` positions. */
  gradientSums(o: { D: number; X: number; count: number; C: number; out: number }): void;
  /** `Y = (X − μ)·s + β` per channel, coef = [μ, s, β] (float32, 3·C). */
  normalize(o: { X: number; Y: number; count: number; C: number; coef: number }): void;
  /**
   * `dX = s·(dy − dβ/N − x̂·dγ/N)`, coef = [μ, 1/√(σ² + ε), s, dβ/N, dγ/N] (float32, 5·C);
   * `masked`: ⊙ [x > 0].
   */
  normalizeBackward(
    o: {
      D: number;
      X: number;
      dX: number;
      count: number;
      C: number;
      coef: number;
      masked: boolean;
    },
  ): void;
}

/** The raw exports, positional. */
interface ConvExports extends SharedExports {
  im2colU8(...args: number[]): void;
  im2col(...args: number[]): void;
  col2im(...args: number[]): void;
  maxPool(...args: number[]): void;
  maxPoolBackward(...args: number[]): void;
  maskPositive(...args: number[]): void;
  dropout(...args: number[]): void;
  multiply(...args: number[]): void;
  channelSums(...args: number[]): void;
  gradientSums(...args: number[]): void;
  normalize(...args: number[]): void;
  normalizeBackward(...args: number[]): void;
}

let compiled: WebAssembly.Module | undefined;

/** The compiled kernels (compiled once per thread). */
export function convModule(): WebAssembly.Module {
  compiled ??= new WebAssembly.Module(
    Uint8Array.from(atob(CONV_WASM_BASE64), (c) => c.charCodeAt(0)),
  );
  return compiled;
}

/** An instance of the kernels over `memory` (shared, at least as large as the data). */
export function convKernels(memory: WebAssembly.Memory): ConvKernels {
  const instance = new WebAssembly.Instance(convModule(), { env: { memory } });
  const x = instance.exports as unknown as ConvExports;
  return {
    ...matrixKernels(x),
    im2colU8: (o) => x.im2colU8(o.X, o.H, o.W, o.k, o.s, o.p, o.images, o.cols, o.ldc),
    im2col: (o) => x.im2col(o.X, o.H, o.W, o.C, o.k, o.s, o.p, o.images, o.cols, o.ldc),
    col2im: (o) => x.col2im(o.dcols, o.ldc, o.H, o.W, o.C, o.k, o.s, o.p, o.images, o.dX),
    maxPool: (o) => x.maxPool(o.X, o.H, o.W, o.C, o.p, o.images, o.Y, o.argmax),
    maxPoolBackward: (o) => x.maxPoolBackward(o.dY, o.argmax, o.count, o.dX, o.countIn),
    maskPositive: (o) => x.maskPositive(o.D, o.M, o.count),
    dropout: (o) =>
      x.dropout(
        o.X,
        o.Y,
        o.mask,
        o.R,
        o.H,
        o.W,
        o.C,
        o.Cr,
        o.seed,
        o.layer,
        o.first,
        o.threshold,
        o.scale,
      ),
    multiply: (o) => x.multiply(o.D, o.M, o.out, o.count),
    channelSums: (o) => x.channelSums(o.X, o.count, o.C, o.out),
    gradientSums: (o) => x.gradientSums(o.D, o.X, o.count, o.C, o.out),
    normalize: (o) => x.normalize(o.X, o.Y, o.count, o.C, o.coef),
    normalizeBackward: (o) =>
      x.normalizeBackward(o.D, o.X, o.dX, o.count, o.C, o.coef, o.masked ? 1 : 0),
  };
}
