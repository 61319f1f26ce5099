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
export interface ConvKernels extends MatrixKernels, WinogradKernels {
  /**
   * The k×k patches of grey images (bytes, one channel) at stride s, padded by p, as rows of
   * cols (stride ldc), /255.
   */
  im2colU8(o: Maps & Patches & { cols: number; ldc: number }): void;
  /** The k×k patches of float32 maps (C channels, a multiple of 4) as rows of cols. */
  im2col(o: Maps & Patches & { C: number; cols: number; ldc: number }): void;
  /**
   * Space to depth at stride 2: Y (images × Hs×Ws×4C) from maps H×W×C (C a multiple of 4) padded
   * by p, Y[j, ys, xs, (by·2 + bx)·C + c] = X[j, 2ys + by − p, 2xs + bx − p, c] (0 outside X).
   */
  spaceToDepth(o: Maps & { C: number; p: number; Hs: number; Ws: number; Y: number }): void;
  /** Depth to space, spaceToDepth's adjoint: X (images × H×W×C, overwritten) from Y. */
  depthToSpace(
    o: Maps & { C: number; p: number; Hs: number; Ws: number; Y: number },
  ): void;
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

/**
 * The Winograd passes of an r×r convolution at stride 1, F(m×m, r×r) ({@link Winograd},
 * `wasm/conv/kernels.ts`): the kernels transformed into panels, the inputs' tiles transformed,
 * the products, and the outputs transformed back. Each takes the algorithm's m and r: α = m + r − 1,
 * each m×m tile's block of input α×α, and α² matrices ξ ("planes": 16, 36 or 64). `tmp`: the
 * thread's own scratch ({@link winogradTmpBytes}), where the 6×6 and 8×8 algorithms keep a block
 * between a transform's two passes.
 */
export interface WinogradKernels {
  /**
   * U = G g Gᵀ of every r×r kernel of WT (r·r·C × N) into P: α² matrices C × N (`flip`,
   * F(2×2, 3×3): N × C, the kernels turned by 180°, for the input gradient as a full convolution;
   * `transposed`, α = 6 or 8: Uᵀ, N × C, for the input gradient as the forward pass's adjoint), in
   * gemmPacked's panels.
   */
  winogradWeights(
    o: Winograd & {
      WT: number;
      C: number;
      N: number;
      flip: boolean;
      P: number;
      tmp: number;
      transposed?: boolean;
    },
  ): void;
  /**
   * V = Bᵀ d B of each α×α input block d under an m×m tile of an Ho×Wo output (multiples of m),
   * of `images` maps H×W×C padded by p: α² matrices T × C, T = images·Ho·Wo/m².
   */
  winogradInput(
    o: Winograd & Maps & {
      C: number;
      p: number;
      Ho: number;
      Wo: number;
      V: number;
      tmp: number;
    },
  ): void;
  /** M[ξ] (T × N) = V[ξ] (T × K) · U[ξ] (K × N) for the α² ξ (T even, N a multiple of 8). */
  winogradMultiply(
    o: Winograd & { T: number; K: number; N: number; V: number; P: number; M: number },
  ): void;
  /** Y = Aᵀ m A (+ bias, ReLU when `relu`) of every tile into `images` maps Ho×Wo×N. */
  winogradOutput(
    o: Winograd & {
      M: number;
      N: number;
      Ho: number;
      Wo: number;
      images: number;
      bias: number;
      relu: boolean;
      Y: number;
      tmp: number;
    },
  ): void;
  /**
   * dM = A dy Aᵀ of every m×m tile dy of `images` gradient maps Ho×Wo×N: α² matrices T × N, the
   * weight gradient's transformed tiles.
   */
  winogradOutputGradient(
    o: Winograd & {
      dY: number;
      N: number;
      Ho: number;
      Wo: number;
      images: number;
      dM: number;
      tmp: number;
    },
  ): void;
  /**
   * dU[ξ] (K × N) = V[ξ]ᵀ·dM[ξ], summed over T tiles in order, for the α² ξ; added to dU when
   * `accumulate`.
   */
  winogradGradientProducts(
    o: Winograd & {
      T: number;
      K: number;
      N: number;
      V: number;
      dM: number;
      dU: number;
      accumulate: boolean;
    },
  ): void;
  /**
   * The input gradient as the adjoint of the forward pass (α = 6 or 8): for each tile dd = B dV Bᵀ,
   * from dV (α² matrices T × C: dM·Uᵀ), added into the α×α block of `images` maps H×W×C (padded
   * by p) that the tile of the Ho×Wo output read; dX zeroed first.
   */
  winogradInputGradient(
    o: Winograd & Omit<Maps, "X"> & {
      C: number;
      p: number;
      Ho: number;
      Wo: number;
      dV: number;
      dX: number;
      tmp: number;
    },
  ): void;
  /**
   * dWT (r·r·C × N) = Gᵀ dU G of every channel pair of dU's α² matrices C × N (for α = 6 or 8, dU is
   * overwritten).
   */
  winogradWeightsGradient(
    o: Winograd & { dU: number; C: number; N: number; WT: number },
  ): void;
}

/**
 * The Winograd algorithms the engine runs, F(m×m, r×r): m×m output tiles of an r×r kernel from
 * (m + r − 1)² products — F(2×2, 3×3), F(4×4, 3×3), F(6×6, 3×3), F(2×2, 5×5) and F(4×4, 5×5).
 */
export type Winograd =
  | { m: 2; r: 3 }
  | { m: 4; r: 3 }
  | { m: 6; r: 3 }
  | { m: 2; r: 5 }
  | { m: 4; r: 5 };

/**
 * The bytes from one of a Winograd algorithm's α² matrices of n floats to the next, as the
 * kernels lay them out (`planeBytes` of `wasm/conv/kernels.ts`): 4n rounded up to an odd number
 * of 64-byte lines, so that the matrices a transform touches at once do not share the L1 cache's
 * sets.
 */
export function winogradPlaneBytes(n: number): number {
  return (Math.ceil((4 * n) / 64) | 1) * 64;
}

/** The side α = m + r − 1 of a Winograd algorithm's input blocks: 4, 6 or 8. */
export function winogradAlpha(f: Winograd): 4 | 6 | 8 {
  return f.m + f.r - 1 as 4 | 6 | 8;
}

/** Bytes of a thread's scratch a Winograd algorithm's transforms take (`tmp`): 16·α². */
export function winogradTmpBytes(f: Winograd): number {
  return 16 * winogradAlpha(f) ** 2;
}

/** The raw exports, positional. */
interface ConvExports extends SharedExports {
  im2colU8(...args: number[]): void;
  im2col(...args: number[]): void;
  spaceToDepth(...args: number[]): void;
  depthToSpace(...args: number[]): void;
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
  winogradWeights(...args: (number | boolean)[]): void;
  winogradInput(...args: number[]): void;
  winogradMultiply(...args: number[]): void;
  winogradOutput(...args: (number | boolean)[]): void;
  winogradOutputGradient(...args: number[]): void;
  winogradGradientProducts(...args: (number | boolean)[]): void;
  winogradWeightsGradient(...args: number[]): void;
  winograd5Output(...args: (number | boolean)[]): void;
  winograd5OutputGradient(...args: number[]): void;
  winogradWeightsOf(...args: (number | boolean)[]): void;
  winogradInputOf(...args: number[]): void;
  winogradWeightsGradientOf(...args: number[]): void;
  winogradInputGradientOf(...args: number[]): void;
  winogradOutputOf(...args: (number | boolean)[]): void;
  winogradOutputGradientOf(...args: number[]): void;
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
    spaceToDepth: (o) => x.spaceToDepth(o.X, o.H, o.W, o.C, o.p, o.images, o.Hs, o.Ws, o.Y),
    depthToSpace: (o) => x.depthToSpace(o.Y, o.Hs, o.Ws, o.C, o.p, o.images, o.H, o.W, o.X),
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
    winogradWeights: (o) => {
      const a = winogradAlpha(o);
      if (a === 4) return x.winogradWeights(o.WT, o.C, o.N, o.flip, o.P);
      x.winogradWeightsOf(
        a,
        o.WT,
        o.r,
        o.C,
        o.N,
        !!o.transposed,
        o.P,
        o.tmp,
      );
    },
    winogradInput: (o) => {
      const a = winogradAlpha(o);
      if (a === 4) return x.winogradInput(o.X, o.H, o.W, o.C, o.p, o.images, o.Ho, o.Wo, o.V);
      x.winogradInputOf(
        a,
        o.X,
        o.H,
        o.W,
        o.C,
        o.p,
        o.images,
        o.Ho,
        o.Wo,
        o.m,
        o.V,
        o.tmp,
      );
    },
    winogradMultiply: (o) =>
      x.winogradMultiply(winogradAlpha(o) ** 2, o.T, o.K, o.N, o.V, o.P, o.M),
    winogradOutput: (o) => {
      const a = winogradAlpha(o), { M, N, Ho, Wo, images, bias, relu, Y, tmp } = o;
      if (o.m > 2) return x.winogradOutputOf(a, M, N, Ho, Wo, images, o.m, bias, relu, Y, tmp);
      (o.r === 5 ? x.winograd5Output : x.winogradOutput)(M, N, Ho, Wo, images, bias, relu, Y);
    },
    winogradOutputGradient: (o) => {
      const a = winogradAlpha(o), { dY, N, Ho, Wo, images, dM, tmp } = o;
      if (o.m > 2) return x.winogradOutputGradientOf(a, dY, N, Ho, Wo, images, o.m, dM, tmp);
      (o.r === 5 ? x.winograd5OutputGradient : x.winogradOutputGradient)(dY, N, Ho, Wo, images, dM);
    },
    winogradGradientProducts: (o) =>
      x.winogradGradientProducts(
        winogradAlpha(o) ** 2,
        o.T,
        o.K,
        o.N,
        o.V,
        o.dM,
        o.dU,
        o.accumulate,
      ),
    winogradInputGradient: (o) => {
      const a = winogradAlpha(o);
      if (a === 4) throw new Error("the adjoint input gradient takes 6×6 or 8×8 blocks");
      x.winogradInputGradientOf(
        a,
        o.dV,
        o.C,
        o.H,
        o.W,
        o.p,
        o.images,
        o.Ho,
        o.Wo,
        o.m,
        o.dX,
        o.tmp,
      );
    },
    winogradWeightsGradient: (o) => {
      const a = winogradAlpha(o);
      if (a === 4) return x.winogradWeightsGradient(o.dU, o.C, o.N, o.WT);
      x.winogradWeightsGradientOf(
        a,
        o.dU,
        o.r,
        o.C,
        o.N,
        o.WT,
      );
    },
  };
}
