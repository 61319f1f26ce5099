/**
 * The convolution engine's Winograd convolutions (`wasm/conv/kernels.ts`): which layers run on
 * them, by which algorithm, and their passes over a chunk, image block by image block.
 *
 * A 3×3 convolution at stride 1 runs on F(6×6, 3×3), F(4×4, 3×3) or F(2×2, 3×3), the largest
 * tiles its output's sides are multiples of: 64 products a 6×6 tile where the patches take 324,
 * 36 a 4×4 tile where they take 144, 16 a 2×2 tile where they take 36; a 5×5 one on F(4×4, 5×5)
 * (64 a 4×4 tile where the patches take 400) or F(2×2, 5×5) (36 a 2×2 tile, for 100). A 5×5
 * convolution at stride 2 runs as a 3×3 one at stride 1 over its input rearranged space to depth
 * — each 2×2 block of pixels one pixel of 4C channels, the kernels likewise (5×5 padded to 6×6
 * with zeros, then 3×3 of 4C), the same sums:
 *
 *   y[o] = Σ_{k<5} w[k]·x[2o + k − p] = Σ_{a<3} Σ_{b<2} w[2a + b]·x[2(o + a) + b − p]
 *
 * — on F(6×6, 3×3) where its output's sides are multiples of 6, 64·4C products a 6×6 tile where
 * the patches take 36·25·C (3.5 times fewer), or as a 3×3 convolution does.
 *
 * @module
 */

import { fitImages, patches } from "./blocks.ts";
import type { KernelLayer, Pass } from "./pass.ts";
import {
  type Winograd,
  winogradAlpha,
  winogradPlaneBytes,
  winogradTmpBytes,
} from "./kernels_wasm.ts";

/** A convolution as Winograd runs it: at stride 1, maps H×W×C padded by p → Ho×Wo×N, by `f`. */
export interface Tiling {
  H: number;
  W: number;
  C: number;
  p: number;
  Ho: number;
  Wo: number;
  N: number;
  /** The algorithm, F(m×m, r×r). */
  f: Winograd;
  /** Its α² transformed matrices. */
  planes: number;
  /**
   * Its input gradient is the forward pass's adjoint (the 6×6 and 8×8 algorithms': in the weight
   * gradient's block loop), not a full convolution of the gradient (F(2×2, 3×3)'s).
   */
  adjoint: boolean;
  /** For a 5×5 convolution at stride 2: its own input map H×W×C and padding, before space to depth. */
  strided?: { H: number; W: number; C: number; p: number };
}

/**
 * The tiling of a convolution at stride 1 by an r×r kernel: the largest tiles that fit its output
 * exactly — F(6×6, 3×3) or F(4×4, 5×5) (8×8 blocks, 64 products), else F(4×4, 3×3), else the
 * 2×2 tiles of F(2×2, 3×3) and F(2×2, 5×5).
 */
function tiling(
  H: number,
  W: number,
  C: number,
  p: number,
  Ho: number,
  Wo: number,
  N: number,
  r: number,
): Tiling {
  const fits = (m: number) => Ho % m === 0 && Wo % m === 0;
  const f: Winograd = r === 5
    ? fits(4) ? { m: 4, r: 5 } : { m: 2, r: 5 }
    : fits(6)
    ? { m: 6, r: 3 }
    : fits(4)
    ? { m: 4, r: 3 }
    : { m: 2, r: 3 };
  const planes = winogradAlpha(f) ** 2;
  return { H, W, C, p, Ho, Wo, N, f, planes, adjoint: planes > 16 };
}

/**
 * How a convolution runs on Winograd, or `undefined` if it does not: a 3×3 or 5×5 kernel at
 * stride 1 padded by less than its size, its input of even height and width (F(2×2, 3×3)'s input
 * gradient takes whole 2×2 tiles of it), or a 5×5 kernel at stride 2; over float maps of a
 * multiple of 8 channels (not the first layer's grey bytes), its output of even height and width.
 */
export function tilingOf(layer: KernelLayer): Tiling | undefined {
  if (layer.spec.kind !== "conv") return undefined;
  const { k, s, p } = patches(layer), [H, W, C] = layer.input, [Ho, Wo, N] = layer.output;
  if (C % 8 !== 0 || Ho % 2 !== 0 || Wo % 2 !== 0) return undefined;
  if (s === 1 && (k === 3 || k === 5) && p < k && H % 2 === 0 && W % 2 === 0) {
    return tiling(H, W, C, p, Ho, Wo, N, k);
  }
  if (s === 2 && k === 5) {
    return { ...tiling(Ho + 2, Wo + 2, 4 * C, 0, Ho, Wo, N, 3), strided: { H, W, C, p } };
  }
  return undefined;
}

/** Whether a convolution runs on Winograd ({@link tilingOf}). */
export function usesWinograd(layer: KernelLayer): boolean {
  return tilingOf(layer) !== undefined;
}

/**
 * A Winograd convolution's blocks: images per block, and the tiles an image has in the larger
 * of its passes (the forward pass's, over the output; with a full convolution for the input
 * gradient, the larger of that and the forward's), for its transformed inputs and products:
 * α² matrices each of tiles × channels, inputs then products, in the layer's `dcols` region.
 */
export function winogradBlock(t: Tiling, R: number): { images: number; tiles: number } {
  const { m } = t.f, forward = t.Ho * t.Wo / (m * m), full = t.adjoint ? 0 : t.H * t.W / 4;
  const pairs = forward % 2 === 1 || full % 2 === 1;
  const tiles = Math.max(forward, full), bytes = t.planes * tiles * Math.max(t.C, t.N) * 2 * 4;
  return { images: fitImages(bytes, pairs, R), tiles };
}

/**
 * A Winograd convolution's scratch for chunks of `rows`: `dcols`, a block's transformed inputs
 * and products; `panels`, the transformed kernels U (the adjoint's: dU, then Uᵀ); `tmp`, an α×α
 * block between a transform's two passes; for a strided one, `cols`: its kernels and their
 * gradient space to depth (9·4C × N each), then the chunk's input space to depth (its gradient,
 * backward, in its place).
 */
export function winogradScratch(
  t: Tiling,
  rows: number,
): { cols?: number; dcols: number; panels: number; tmp: number } {
  const { images, tiles } = winogradBlock(t, rows), { C, N, planes } = t;
  const cols = t.strided ? (2 * 9 * C * N + rows * t.H * t.W * C) * 4 : undefined;
  return {
    cols,
    dcols: 2 * planes * winogradPlaneBytes(images * tiles * Math.max(C, N)),
    panels: (t.adjoint ? 2 : 1) * planes * winogradPlaneBytes(C * N),
    tmp: winogradTmpBytes(t.f),
  };
}

/** A strided convolution's regions in `cols`: its kernels, their gradient, its input, space to depth. */
function depthRegions(t: Tiling, cols: number): { WT: number; dWT: number; X: number } {
  const kernels = 9 * t.C * t.N * 4;
  return { WT: cols, dWT: cols + kernels, X: cols + 2 * kernels };
}

/**
 * A Winograd convolution's images per block and, in its `dcols` region, where a block's
 * transformed inputs V start and where its products M (or gradient tiles dM) start after them.
 */
function regions(t: Tiling, R: number, dcols: number): { step: number; V: number; M: number } {
  const { images: step, tiles } = winogradBlock(t, R);
  const M = dcols + t.planes * winogradPlaneBytes(step * tiles * Math.max(t.C, t.N));
  return { step, V: dcols, M };
}

/**
 * One r×r convolution at stride 1 by Winograd F(m×m, r×r), from maps In (H×W×Ci, padded by p)
 * to maps Out (Ho×Wo×Co), image block by image block: the kernels' transforms into panels, then
 * for each block its inputs' transforms V, the α² products M = V·U and the outputs'
 * transforms.
 */
function convolve(
  { x, R, buf }: Pass,
  t: Tiling,
  o: {
    In: number;
    H: number;
    W: number;
    Ci: number;
    p: number;
    Out: number;
    Ho: number;
    Wo: number;
    Co: number;
    WT: number;
    flip: boolean;
    bias: number;
    relu: boolean;
  },
): void {
  const { f } = t, { m } = f, tmp = buf.tmp;
  x.winogradWeights({ ...f, WT: o.WT, C: t.C, N: t.N, flip: o.flip, P: buf.panels, tmp });
  const { step, V, M } = regions(t, R, buf.dcols);
  for (let j = 0; j < R; j += step) {
    const images = Math.min(step, R - j), T = images * o.Ho * o.Wo / (m * m);
    const X = o.In + j * o.H * o.W * o.Ci * 4, Y = o.Out + j * o.Ho * o.Wo * o.Co * 4;
    const { H, W, Ci, p, Ho, Wo, Co, bias, relu } = o;
    x.winogradInput({ ...f, X, H, W, C: Ci, p, images, Ho, Wo, V, tmp });
    x.winogradMultiply({ ...f, T, K: Ci, N: Co, V, P: buf.panels, M });
    x.winogradOutput({ ...f, M, N: Co, Ho, Wo, images, bias, relu, Y, tmp });
  }
}

/**
 * The maps and kernels a Winograd convolution reads and the kernels' gradient it writes: the
 * layer's own, or, strided, its regions of the chunk's input and the kernels space to depth.
 */
function operands(pass: Pass, t: Tiling): { X: number; WT: number; dWT: number } {
  const { layer, buf, input, p32, g } = pass;
  return t.strided ? depthRegions(t, buf.cols) : { X: input, WT: p32(layer.wt), dWT: g(layer.wt) };
}

/** A strided convolution's chunk input and kernels, space to depth, into their regions. */
function toDepth(pass: Pass, t: Tiling, s: NonNullable<Tiling["strided"]>): void {
  const { x, layer, R, buf, input, p32 } = pass, at = depthRegions(t, buf.cols);
  // WT (5·5·C × N) is a 5×5 map of C·N channels: space to depth, a 3×3 one of 4·C·N.
  const kernels = { H: 5, W: 5, C: s.C * t.N, p: 0, images: 1, Hs: 3, Ws: 3 };
  x.spaceToDepth({ ...kernels, X: p32(layer.wt), Y: at.WT });
  x.spaceToDepth({
    X: input,
    H: s.H,
    W: s.W,
    C: s.C,
    p: s.p,
    images: R,
    Hs: t.H,
    Ws: t.W,
    Y: at.X,
  });
}

/** Z = ReLU(X ⊛ W + b) by Winograd (strided: over the input space to depth). */
export function winogradForward(pass: Pass, t: Tiling): void {
  if (t.strided) toDepth(pass, t, t.strided);
  const { layer, buf, p32 } = pass, { X, WT } = operands(pass, t);
  const { H, W, C, p, Ho, Wo, N } = t;
  convolve(pass, t, {
    In: X,
    H,
    W,
    Ci: C,
    p,
    Out: buf.A,
    Ho,
    Wo,
    Co: N,
    WT,
    flip: false,
    bias: p32(layer.b),
    relu: true,
  });
}

/**
 * dWT and dX (before the ReLU′ of the input) by Winograd: the weight gradient's block loop
 * ({@link weightGradient}), with the input gradient in it (the adjoint) or after it (a full
 * convolution of dZ, padded by r − 1 − p, with the kernels turned by 180°, channels N → C).
 * Strided: both into the input's and the kernels' space-to-depth regions, then depth to space.
 */
export function winogradBackward(pass: Pass, t: Tiling): void {
  const { x, layer, R, buf, dInput, g } = pass, s = t.strided;
  const { X, WT, dWT } = operands(pass, t), dX = s ? X : dInput;
  weightGradient(pass, t, { X, WT, dWT, dX });
  if (!t.adjoint) {
    const { H, W, C, p, Ho, Wo, N } = t;
    convolve(pass, t, {
      In: buf.D,
      H: Ho,
      W: Wo,
      Ci: N,
      p: t.f.r - 1 - p,
      Out: dX,
      Ho: H,
      Wo: W,
      Co: C,
      WT,
      flip: true,
      bias: 0,
      relu: false,
    });
  }
  if (!s) return;
  const kernels = { Hs: 3, Ws: 3, C: s.C * t.N, p: 0, images: 1, H: 5, W: 5 };
  x.depthToSpace({ ...kernels, Y: dWT, X: g(layer.wt) });
  x.depthToSpace({ Y: dX, Hs: t.H, Ws: t.W, C: s.C, p: s.p, images: R, H: s.H, W: s.W, X: dInput });
}

/**
 * dWT = Σ_tiles Gᵀ [(Bᵀ d B) ⊙ (A dZ Aᵀ)] G by Winograd, block by block: each block's input
 * tiles transformed as the forward pass transforms them (V), its gradient tiles (dM), and the α²
 * products dU[ξ] = V[ξ]ᵀ·dM[ξ] summed over the chunk's tiles in the panels' region (free until
 * the input gradient packs its kernels there); then dU's transform back into dWT.
 *
 * With the adjoint, dX too, in the same loop: dV[ξ] = dM[ξ]·U[ξ]ᵀ (in V's place, its dU product
 * done) and dX, the adjoint of V = Bᵀ d B: each tile's B dV Bᵀ added into the block it read
 * (which may be X's own place: a block's X is read before its dX is written). The panels' region
 * then holds dU, and Uᵀ after it.
 */
function weightGradient(
  { x, R, buf }: Pass,
  t: Tiling,
  o: { X: number; WT: number; dWT: number; dX: number },
): void {
  const { H, W, C, p, Ho, Wo, N, f, planes, adjoint } = t, { m } = f;
  const { step, V, M: dM } = regions(t, R, buf.dcols);
  const UT = buf.panels + planes * winogradPlaneBytes(C * N), tmp = buf.tmp;
  if (adjoint) {
    x.winogradWeights({ ...f, WT: o.WT, C, N, flip: false, transposed: true, P: UT, tmp });
  }
  for (let j = 0; j < R; j += step) {
    const images = Math.min(step, R - j), T = images * Ho * Wo / (m * m);
    const X = o.X + j * H * W * C * 4, dY = buf.D + j * Ho * Wo * N * 4;
    x.winogradInput({ ...f, X, H, W, C, p, images, Ho, Wo, V, tmp });
    x.winogradOutputGradient({ ...f, dY, N, Ho, Wo, images, dM, tmp });
    x.winogradGradientProducts({ ...f, T, K: C, N, V, dM, dU: buf.panels, accumulate: j > 0 });
    if (!adjoint) continue;
    const dX = o.dX + j * H * W * C * 4;
    x.winogradMultiply({ ...f, T, K: N, N: C, V: dM, P: UT, M: V });
    x.winogradInputGradient({ ...f, H, W, C, p, images, Ho, Wo, dV: V, dX, tmp });
  }
  x.winogradWeightsGradient({ ...f, dU: buf.panels, C, N, WT: o.dWT });
}
