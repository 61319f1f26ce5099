// AssemblyScript (TypeScript syntax, compiled to WebAssembly with SIMD): the convolution
// engine's kernels. Together with the matrix products of the mini-batch engine (re-exported
// below: one family of GEMM micro-kernels for both engines), they compute what the readable
// layers of lib/nn/layers/ compute, in float32, four lanes at a time.
//
// Tensors are channels-last (NHWC): image j's element (y, x, c) sits at ((j·H + y)·W + x)·C + c,
// so that the SIMD lanes run over channels and a k×k patch is k runs of k·C contiguous floats.
// A convolution is a matrix product over its patches ("im2col"):
//
//   cols[r, (u·k + v)·C + c] = X[j, y+u, x+v, c]      r = (j·Ho + y)·Wo + x    (R·Ho·Wo × k·k·C)
//   Z = cols · WT + b                                  WT: k·k·C × F             (R·Ho·Wo × F)
//   dWT = colsᵀ · dZ,   dcols = dZ · WTᵀ,   dX = col2im(dcols)
//
// The long products (Z and dcols) run on gemmPacked, WT packed in panels first (packPanels,
// packPanelsT): tiles of 6 × 8 over contiguous panels, for sums of k·k·C terms.
//
// Build: `deno task wasm` (the mini-batch kernels' flags) → lib/engine/conv/kernels_wasm_binary.ts.

export {
  columnSums,
  gemmNN,
  gemmNTMasked,
  gemmPacked,
  gemmTN,
  packPanels,
  packPanelsT,
  setScratch,
  setStep,
  softmaxLoss,
  update,
  zero,
} from "../batch/kernels";
import { gemmPacked, gemmTNInto } from "../batch/kernels";

const INV255: f32 = <f32>(1.0 / 255.0);

/**
 * The patches of `images` grey images (u8, H×W, one channel) as rows of cols (row stride ldc
 * floats), each value grey/255, at stride s over the image padded by p zeros:
 * cols[r, u·k + v] = X[j, s·y+u−p, s·x+v−p] / 255 (0 in the padding). Columns k·k … ldc−1 are
 * left as they are (0 from the allocation).
 */
export function im2colU8(
  X: usize, H: i32, W: i32, k: i32, s: i32, p: i32, images: i32, cols: usize, ldc: i32,
): void {
  const Ho = (H + 2 * p - k) / s + 1, Wo = (W + 2 * p - k) / s + 1, row = <usize>ldc << 2;
  const run = <usize>k << 2, scale = f32x4.splat(INV255);
  let dst = cols;
  for (let j = 0; j < images; j++) {
    const image = X + <usize>(j * H * W);
    for (let y = 0; y < Ho; y++) {
      for (let x = 0; x < Wo; x++) {
        const ix0 = s * x - p;
        let o = dst;
        if (ix0 >= 0 && ix0 + k <= W) {
          // Every column inside the image: a run of k grey bytes per row of the patch, four at a
          // time (the last four of a run may spill into the next run, which overwrites them; the
          // patch's last run is written one by one, so that the columns past k·k stay 0).
          for (let u = 0; u < k; u++) {
            const iy = s * y + u - p;
            if (iy < 0 || iy >= H) memory.fill(o, 0, run);
            else {
              const src = image + <usize>(iy * W + ix0);
              let v = 0;
              if (u < k - 1) {
                for (; v < k; v += 4) {
                  const bytes = v128.load32_zero(src + <usize>v);
                  const ints = i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(bytes));
                  v128.store(o + (<usize>v << 2), f32x4.mul(f32x4.convert_i32x4_u(ints), scale));
                }
              } else {
                for (; v < k; v++) store<f32>(o + (<usize>v << 2), <f32>load<u8>(src + <usize>v) * INV255);
              }
            }
            o += run;
          }
        } else {
          for (let u = 0; u < k; u++) {
            const iy = s * y + u - p;
            for (let v = 0; v < k; v++) {
              const ix = ix0 + v;
              const inside = iy >= 0 && iy < H && ix >= 0 && ix < W;
              store<f32>(o, inside ? <f32>load<u8>(image + <usize>(iy * W + ix)) * INV255 : 0);
              o += 4;
            }
          }
        }
        dst += row;
      }
    }
  }
}

/**
 * The patches of `images` float32 channels-last images (H×W×C, C a multiple of 4) as rows of
 * cols (row stride ldc floats), at stride s over the image padded by p zeros: for each output
 * position, k runs of k·C floats — one copy a run where it lies inside the image, zeros in the
 * padding.
 */
export function im2col(
  X: usize, H: i32, W: i32, C: i32, k: i32, s: i32, p: i32, images: i32, cols: usize, ldc: i32,
): void {
  const Ho = (H + 2 * p - k) / s + 1, Wo = (W + 2 * p - k) / s + 1, row = <usize>ldc << 2;
  const run = <usize>(k * C) << 2, pixel = <usize>C << 2;
  let dst = cols;
  for (let j = 0; j < images; j++) {
    const image = X + (<usize>(j * H * W * C) << 2);
    for (let y = 0; y < Ho; y++) {
      for (let x = 0; x < Wo; x++) {
        const ix0 = s * x - p;
        let o = dst;
        for (let u = 0; u < k; u++) {
          const iy = s * y + u - p;
          if (iy < 0 || iy >= H) {
            memory.fill(o, 0, run);
          } else if (ix0 >= 0 && ix0 + k <= W) {
            memory.copy(o, image + (<usize>((iy * W + ix0) * C) << 2), run);
          } else {
            for (let v = 0; v < k; v++) {
              const ix = ix0 + v, to = o + <usize>v * pixel;
              if (ix < 0 || ix >= W) memory.fill(to, 0, pixel);
              else memory.copy(to, image + (<usize>((iy * W + ix) * C) << 2), pixel);
            }
          }
          o += run;
        }
        dst += row;
      }
    }
  }
}

/**
 * Space to depth at stride 2: Y (images × Hs×Ws×4C) from `images` channels-last maps X (H×W×C,
 * C a multiple of 4) padded by p zeros, each 2×2 block of pixels one pixel of four times the
 * channels: Y[j, ys, xs, (by·2 + bx)·C + c] = X[j, 2ys + by − p, 2xs + bx − p, c], 0 outside X.
 * A k×k convolution at stride 2 over X is a ⌈k/2⌉×⌈k/2⌉ one at stride 1 over Y, its kernels
 * rearranged the same way (p = 0, zeros past k).
 */
export function spaceToDepth(
  X: usize, H: i32, W: i32, C: i32, p: i32, images: i32, Hs: i32, Ws: i32, Y: usize,
): void {
  const pixel = <usize>C << 2;
  let dst = Y;
  for (let j = 0; j < images; j++) {
    const image = X + (<usize>(j * H * W * C) << 2);
    for (let ys = 0; ys < Hs; ys++) {
      for (let xs = 0; xs < Ws; xs++) {
        for (let by = 0; by < 2; by++) {
          const y = 2 * ys + by - p;
          for (let bx = 0; bx < 2; bx++) {
            const x = 2 * xs + bx - p;
            if (y < 0 || y >= H || x < 0 || x >= W) memory.fill(dst, 0, pixel);
            else memory.copy(dst, image + <usize>(y * W + x) * pixel, pixel);
            dst += pixel;
          }
        }
      }
    }
  }
}

/**
 * Depth to space, spaceToDepth's adjoint: X (images × H×W×C, overwritten) from Y (images ×
 * Hs×Ws×4C), X[j, y, x, c] = Y[j, (y + p) / 2, (x + p) / 2, (((y + p) mod 2)·2 + (x + p) mod 2)·C
 * + c] — each pixel of X is one value of Y, the padding's values dropped; 0 where X lies past Y.
 */
export function depthToSpace(
  Y: usize, Hs: i32, Ws: i32, C: i32, p: i32, images: i32, H: i32, W: i32, X: usize,
): void {
  const pixel = <usize>C << 2;
  let dst = X;
  for (let j = 0; j < images; j++) {
    const image = Y + (<usize>(j * Hs * Ws * 4 * C) << 2);
    for (let y = 0; y < H; y++) {
      const ys = (y + p) >> 1, by = (y + p) & 1;
      for (let x = 0; x < W; x++) {
        const xs = (x + p) >> 1, bx = (x + p) & 1;
        if (ys >= Hs || xs >= Ws) memory.fill(dst, 0, pixel);
        else {
          const q = ((ys * Ws + xs) * 4 + by * 2 + bx) * C;
          memory.copy(dst, image + (<usize>q << 2), pixel);
        }
        dst += pixel;
      }
    }
  }
}

/**
 * The inverse gather: dX (images × H×W×C, overwritten) = the sum, over every patch that holds
 * an element, of that element's gradient in dcols (row stride ldc), added in row order; the
 * padding's gradients are dropped.
 */
export function col2im(
  dcols: usize, ldc: i32, H: i32, W: i32, C: i32, k: i32, s: i32, p: i32, images: i32, dX: usize,
): void {
  const Ho = (H + 2 * p - k) / s + 1, Wo = (W + 2 * p - k) / s + 1, row = <usize>ldc << 2;
  const run = k * C, pixel = <usize>C << 2;
  memory.fill(dX, 0, <usize>(images * H * W * C) << 2);
  let src = dcols;
  for (let j = 0; j < images; j++) {
    const image = dX + (<usize>(j * H * W * C) << 2);
    for (let y = 0; y < Ho; y++) {
      for (let x = 0; x < Wo; x++) {
        const ix0 = s * x - p;
        let from = src;
        for (let u = 0; u < k; u++) {
          const iy = s * y + u - p;
          if (iy >= 0 && iy < H) {
            // The run's pixels inside the image: v from vLo to vHi − 1.
            const vLo = ix0 < 0 ? -ix0 : 0, vHi = ix0 + k > W ? W - ix0 : k;
            const d = image + (<usize>((iy * W + ix0 + vLo) * C) << 2);
            const sv = from + <usize>vLo * pixel, n = (vHi - vLo) * C;
            for (let q = 0; q < n; q += 4) {
              const o = <usize>q << 2;
              v128.store(d + o, f32x4.add(v128.load(d + o), v128.load(sv + o)));
            }
          }
          from += <usize>run << 2;
        }
        src += row;
      }
    }
  }
}

/**
 * p×p max pooling (stride p) of `images` channels-last images H×W×C (C a multiple of 4) into
 * Y (⌊H/p⌋ × ⌊W/p⌋ × C each), four channels at a time; argmax (i32, one per output) gets the
 * index in X, counted in floats from X, of the maximum each output took — on a tie the first in
 * reading order, as in the readable layer.
 */
export function maxPool(
  X: usize, H: i32, W: i32, C: i32, p: i32, images: i32, Y: usize, argmax: usize,
): void {
  const Ho = H / p, Wo = W / p;
  let out = 0;
  for (let j = 0; j < images; j++) {
    for (let y = 0; y < Ho; y++) {
      for (let x = 0; x < Wo; x++) {
        for (let c = 0; c < C; c += 4) {
          let first = ((j * H + p * y) * W + p * x) * C + c;
          let best = v128.load(X + (<usize>first << 2));
          let where = i32x4.add(i32x4.splat(first), v128(0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0));
          for (let u = 0; u < p; u++) {
            for (let v = 0; v < p; v++) {
              if (u == 0 && v == 0) continue;
              const i = ((j * H + p * y + u) * W + p * x + v) * C + c;
              const value = v128.load(X + (<usize>i << 2));
              const greater = f32x4.gt(value, best); // strictly: a tie keeps the first
              best = v128.bitselect(value, best, greater);
              const index = i32x4.add(i32x4.splat(i), v128(0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0));
              where = v128.bitselect(index, where, greater);
            }
          }
          v128.store(Y + (<usize>out << 2), best);
          v128.store(argmax + (<usize>out << 2), where);
          out += 4;
        }
      }
    }
  }
}

/** dX (count_in floats, overwritten) = each of the `count` outputs' gradient at its argmax. */
export function maxPoolBackward(
  dY: usize, argmax: usize, count: i32, dX: usize, countIn: i32,
): void {
  memory.fill(dX, 0, <usize>countIn << 2);
  for (let o = 0; o < count; o++) {
    const at = dX + (<usize>load<i32>(argmax + (<usize>o << 2)) << 2);
    store<f32>(at, load<f32>(at) + load<f32>(dY + (<usize>o << 2)));
  }
}

/** D ⊙= [M > 0] over `count` floats (a multiple of 4): the ReLU′ of the layer whose output is M. */
export function maskPositive(D: usize, M: usize, count: i32): void {
  const zero = f32x4.splat(0);
  for (let i = 0; i < count; i += 4) {
    const o = <usize>i << 2;
    v128.store(D + o, v128.and(v128.load(D + o), f32x4.gt(v128.load(M + o), zero)));
  }
}

/** murmur3's finaliser, as `fmix32` of lib/data/random.ts. */
function fmix32(h: u32): u32 {
  h = (h ^ (h >>> 16)) * 0x85ebca6b;
  h = (h ^ (h >>> 13)) * 0xc2b2ae35;
  return h ^ (h >>> 16);
}

/** {@link fmix32} of each of four lanes (i32x4.mul keeps the product's low 32 bits, as u32 does). */
@inline function fmix32x4(h: v128): v128 {
  h = i32x4.mul(v128.xor(h, i32x4.shr_u(h, 16)), i32x4.splat(0x85ebca6b));
  h = i32x4.mul(v128.xor(h, i32x4.shr_u(h, 13)), i32x4.splat(0xc2b2ae35));
  return v128.xor(h, i32x4.shr_u(h, 16));
}

/**
 * Inverted dropout of `R` channels-last maps H×W×C (Cr real channels; C a multiple of 4) from X
 * into Y, and its mask (0 or `scale`, float32) into mask: value (y, x, c) of row j is kept when
 *
 *   fmix32(i + fmix32(first + j + fmix32(layer + fmix32(seed)))) >>> 8  ≥  threshold,
 *   i = (c·H + y)·W + x  (its place in the readable layer's sample)
 *
 * — counterUniform(seed, layer, first + j, i) ≥ p of lib/data/random.ts with threshold
 * ⌈p·2²⁴⌉: the readable layer's mask, bit for bit, whichever thread runs the chunk. Four
 * channels at a time: their i are HW apart. Threshold 0 (scoring) keeps every real channel
 * without drawing.
 */
export function dropout(
  X: usize, Y: usize, mask: usize, R: i32, H: i32, W: i32, C: i32, Cr: i32,
  seed: u32, layer: u32, first: u32, threshold: u32, scale: f32,
): void {
  const layerKey = fmix32(layer + fmix32(seed)), HW = H * W;
  const lanes = v128(0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0);
  const apart = i32x4.mul(lanes, i32x4.splat(HW)), limit = i32x4.splat(threshold);
  const kept = f32x4.splat(scale), real = i32x4.splat(Cr);
  let o: usize = 0;
  for (let j = 0; j < R; j++) {
    const sampleKey = i32x4.splat(fmix32(first + <u32>j + layerKey));
    for (let q = 0; q < HW; q++) {
      for (let c = 0; c < C; c += 4) {
        let keep = i32x4.lt_s(i32x4.add(i32x4.splat(c), lanes), real);
        if (threshold > 0) {
          const i = i32x4.add(i32x4.splat(c * HW + q), apart);
          keep = v128.and(keep, i32x4.ge_u(i32x4.shr_u(fmix32x4(i32x4.add(i, sampleKey)), 8), limit));
        }
        const m = v128.and(kept, keep);
        v128.store(mask + o, m);
        v128.store(Y + o, f32x4.mul(v128.load(X + o), m));
        o += 16;
      }
    }
  }
}

/** out = D ⊙ M over `count` floats (a multiple of 4): dropout's backward pass. */
export function multiply(D: usize, M: usize, out: usize, count: i32): void {
  for (let i = 0; i < count; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, f32x4.mul(v128.load(D + o), v128.load(M + o)));
  }
}

// Batch normalisation, channels-last: `count` positions (rows × H × W) of C channels (a multiple
// of 4), each channel normalised by statistics the engine combines across a batch's chunks. The
// sums are float64, in position order, so that a chunk's are the same on every thread. The two
// sums' kernels run block by block of positions (STAT_BLOCK bytes of a map, in L1), within a
// block four channels at a time, their sums in registers: each sum still adds its positions one
// after the other from the value it had, the bits of a loop over positions adding each into
// memory, without the store and reload a position cost there (0.19 → 0.09 s of a profile).
// normalize and its backward keep the position-major loop: channels in the inner loop streamed
// faster than a block's channel groups (0.14 against 0.16 s).

/** Bytes of a map the sums' kernels read per block of positions. */
const STAT_BLOCK: i32 = 8192;

/** Positions per block of the sums over C channels: STAT_BLOCK bytes, at least one. */
@inline function statBlock(C: i32): i32 {
  return max(1, STAT_BLOCK / (C << 2));
}

/** Lanes 0, 1 (or, `high`, lanes 2, 3) of v, as float64. */
@inline function promote(v: v128, high: bool): v128 {
  return f64x2.promote_low_f32x4(high ? v128.shuffle<f32>(v, v, 2, 3, 0, 1) : v);
}

/**
 * out[c] += Σ x and out[C + c] += Σ x² (float64, 2·C values) over `count` positions of X: a
 * chunk's share of a batch normalisation's mean μ and variance σ² = Σx²/N − μ².
 */
export function channelSums(X: usize, count: i32, C: i32, out: usize): void {
  const squares = out + (<usize>C << 3), row = <usize>C << 2, block = statBlock(C);
  for (let q0 = 0; q0 < count; q0 += block) {
    const q1 = min(count, q0 + block);
    for (let c = 0; c < C; c += 4) {
      const o = <usize>c << 3;
      let s0 = v128.load(out + o), s1 = v128.load(out + o, 16);
      let t0 = v128.load(squares + o), t1 = v128.load(squares + o, 16);
      let x = X + <usize>q0 * row + (<usize>c << 2);
      for (let q = q0; q < q1; q++) {
        const v = v128.load(x), lo = promote(v, false), hi = promote(v, true);
        s0 = f64x2.add(s0, lo);
        s1 = f64x2.add(s1, hi);
        t0 = f64x2.add(t0, f64x2.mul(lo, lo));
        t1 = f64x2.add(t1, f64x2.mul(hi, hi));
        x += row;
      }
      v128.store(out + o, s0);
      v128.store(out + o, s1, 16);
      v128.store(squares + o, t0);
      v128.store(squares + o, t1, 16);
    }
  }
}

/**
 * out[c] += Σ dy and out[C + c] += Σ dy·x (float64, 2·C values) over `count` positions of D and
 * X: a chunk's share of dβ = Σ dy and of dγ = Σ dy·x̂ = (Σ dy·x − μ·Σ dy)/√(σ² + ε).
 */
export function gradientSums(D: usize, X: usize, count: i32, C: i32, out: usize): void {
  const products = out + (<usize>C << 3), row = <usize>C << 2, block = statBlock(C);
  for (let q0 = 0; q0 < count; q0 += block) {
    const q1 = min(count, q0 + block);
    for (let c = 0; c < C; c += 4) {
      const o = <usize>c << 3, start = <usize>q0 * row + (<usize>c << 2);
      let s0 = v128.load(out + o), s1 = v128.load(out + o, 16);
      let t0 = v128.load(products + o), t1 = v128.load(products + o, 16);
      let d = D + start, x = X + start;
      for (let q = q0; q < q1; q++) {
        const dv = v128.load(d), xv = v128.load(x);
        const dlo = promote(dv, false), dhi = promote(dv, true);
        s0 = f64x2.add(s0, dlo);
        s1 = f64x2.add(s1, dhi);
        t0 = f64x2.add(t0, f64x2.mul(dlo, promote(xv, false)));
        t1 = f64x2.add(t1, f64x2.mul(dhi, promote(xv, true)));
        d += row;
        x += row;
      }
      v128.store(out + o, s0);
      v128.store(out + o, s1, 16);
      v128.store(products + o, t0);
      v128.store(products + o, t1, 16);
    }
  }
}

/**
 * Y = (X − μ)·s + β over `count` positions, per channel, from coef = [μ, s, β] (float32, 3·C):
 * training s = γ/√(σ² + ε) with the batch's μ and σ², evaluation the running ones.
 */
export function normalize(X: usize, Y: usize, count: i32, C: i32, coef: usize): void {
  const C4 = <usize>C << 2;
  for (let q = 0; q < count; q++) {
    const at = <usize>(q * C) << 2;
    for (let c = 0; c < C; c += 4) {
      const o = <usize>c << 2;
      const mu = v128.load(coef + o), s = v128.load(coef + C4 + o);
      const beta = v128.load(coef + 2 * C4 + o);
      const x = v128.load(X + at + o);
      v128.store(Y + at + o, f32x4.add(f32x4.mul(f32x4.sub(x, mu), s), beta));
    }
  }
}

/**
 * The backward pass of a batch normalisation over `count` positions, the three-term formula
 * dx = s·(dy − dβ/N − x̂·dγ/N), x̂ = (x − μ)/√(σ² + ε), from coef = [μ, 1/√(σ² + ε), s, dβ/N,
 * dγ/N] (float32, 5·C) into dX; with `masked`, ⊙ [x > 0] (x a ReLU's output: its ReLU′).
 */
export function normalizeBackward(
  D: usize, X: usize, dX: usize, count: i32, C: i32, coef: usize, masked: bool,
): void {
  const C4 = <usize>C << 2, zero = f32x4.splat(0);
  for (let q = 0; q < count; q++) {
    const at = <usize>(q * C) << 2;
    for (let c = 0; c < C; c += 4) {
      const o = <usize>c << 2;
      const mu = v128.load(coef + o), invStd = v128.load(coef + C4 + o);
      const s = v128.load(coef + 2 * C4 + o), m1 = v128.load(coef + 3 * C4 + o);
      const m2 = v128.load(coef + 4 * C4 + o);
      const x = v128.load(X + at + o), dy = v128.load(D + at + o);
      const xhat = f32x4.mul(f32x4.sub(x, mu), invStd);
      let dx = f32x4.mul(s, f32x4.sub(f32x4.sub(dy, m1), f32x4.mul(xhat, m2)));
      if (masked) dx = v128.and(dx, f32x4.gt(x, zero));
      v128.store(dX + at + o, dx);
    }
  }
}

// Winograd F(2×2, 3×3) (Lavin & Gray, 2016): a 3×3 convolution at stride 1, each 2×2 block of
// outputs ("tile") from the 4×4 block of input under it, with 16 multiplies a channel pair where
// the patches take 36:
//
//   Y = Aᵀ [ Σ_c (G g_c Gᵀ) ⊙ (Bᵀ d_c B) ] A        d_c: 4×4 input, g_c: 3×3 kernel, Y: 2×2
//
//   Bᵀ = [1  0 −1  0]    G = [ 1    0    0 ]    Aᵀ = [1 1  1  0]
//        [0  1  1  0]        [1/2  1/2  1/2]         [0 1 −1 −1]
//        [0 −1  1  0]        [1/2 −1/2  1/2]
//        [0  1  0 −1]        [ 0    0    1 ]
//
// For T tiles the sum over channels is 16 matrix products, one per place ξ of the 4×4:
// M[ξ] (T × N) = V[ξ] (T × C) · U[ξ] (C × N), V the transformed inputs, U the transformed
// kernels (packed in panels for gemmPacked). The input gradient of a 3×3 convolution is one too:
// dX is the gradient dZ, padded by 2 − p, convolved with the kernels turned by 180° and their
// channels swapped (`flip`). The weight gradient runs the forward pass's steps backwards, each
// the transpose of its own: dM = A dZ Aᵀ for each tile, dU[ξ] (C × N) = Σ_tiles V[ξ]ᵀ·dM[ξ],
// and dg = Gᵀ dU G for each channel pair — 16 products of T-long sums where the patches take 9
// of 4·T.

/**
 * The bytes from one of a Winograd algorithm's α² matrices (U, V, M and their gradients) of n
 * floats to the next: 4n rounded up to an odd number of 64-byte lines. Matrices a multiple of
 * 4 KB apart fall in the same sets of the L1 cache, and a transform writes (or reads) all 36 at
 * once: 256·64 weights a matrix, the kernels' transform took 2.5 times as long as at 248·64.
 */
@inline function planeBytes(n: i32): usize {
  return ((((<usize>n << 2) + 63) >> 6) | 1) << 6;
}

/**
 * U[ξ] = G g Gᵀ for every kernel g of WT (3·3·C × N, row (u·3 + v)·C + c), into panels for
 * gemmPacked: 16 matrices of `rows` × `cols` (C × N; flipped, N × C from g turned by 180°), ξ
 * apart by rows·cols floats, each in panels of 8 columns (P[q/8][r][q mod 8]).
 */
export function winogradWeights(WT: usize, C: i32, N: i32, flip: bool, P: usize): void {
  const rows = flip ? N : C, cols = flip ? C : N, size = planeBytes(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let q = 0; q < cols; q++) {
      const c = flip ? q : r, n = flip ? r : q;
      const at = P + (<usize>((q >> 3) * rows * 8 + r * 8 + (q & 7)) << 2);
      // t = G·g (4 × 3)
      const g00 = kernelAt(WT, C, N, c, n, flip, 0, 0), g01 = kernelAt(WT, C, N, c, n, flip, 0, 1);
      const g02 = kernelAt(WT, C, N, c, n, flip, 0, 2), g10 = kernelAt(WT, C, N, c, n, flip, 1, 0);
      const g11 = kernelAt(WT, C, N, c, n, flip, 1, 1), g12 = kernelAt(WT, C, N, c, n, flip, 1, 2);
      const g20 = kernelAt(WT, C, N, c, n, flip, 2, 0), g21 = kernelAt(WT, C, N, c, n, flip, 2, 1);
      const g22 = kernelAt(WT, C, N, c, n, flip, 2, 2);
      const t10 = <f32>0.5 * (g00 + g10 + g20), t11 = <f32>0.5 * (g01 + g11 + g21);
      const t12 = <f32>0.5 * (g02 + g12 + g22);
      const t20 = <f32>0.5 * (g00 - g10 + g20), t21 = <f32>0.5 * (g01 - g11 + g21);
      const t22 = <f32>0.5 * (g02 - g12 + g22);
      // U = t·Gᵀ (4 × 4), row i from t's row i: [t0, (t0+t1+t2)/2, (t0−t1+t2)/2, t2]
      storeU(at, size, 0, g00, g01, g02);
      storeU(at, size, 1, t10, t11, t12);
      storeU(at, size, 2, t20, t21, t22);
      storeU(at, size, 3, g20, g21, g22);
    }
  }
}

/** The weight g[u][v] from channel c to n in WT, turned by 180° when `flip`. */
@inline function kernelAt(
  WT: usize, C: i32, N: i32, c: i32, n: i32, flip: bool, u: i32, v: i32,
): f32 {
  const uu = flip ? 2 - u : u, vv = flip ? 2 - v : v;
  return load<f32>(WT + (<usize>(((uu * 3 + vv) * C + c) * N + n) << 2));
}

/** Row i of U = t·Gᵀ from t's row (a, b, c), each U[4i + j] `size` bytes after the last. */
@inline function storeU(at: usize, size: usize, i: i32, a: f32, b: f32, c: f32): void {
  const base = at + <usize>(4 * i) * size;
  store<f32>(base, a);
  store<f32>(base + size, <f32>0.5 * (a + b + c));
  store<f32>(base + 2 * size, <f32>0.5 * (a - b + c));
  store<f32>(base + 3 * size, c);
}

/**
 * V[ξ] = Bᵀ d B for every tile of `images` channels-last maps H×W×C (C a multiple of 4) padded
 * by p zeros, the tiles of an output Ho×Wo (both even; tile t = (j·Ho/2 + ty)·Wo/2 + tx, its
 * input the 4×4 block from (2ty − p, 2tx − p)): V at ((ξ·T + t)·C + c), T = images·Ho·Wo/4.
 */
export function winogradInput(
  X: usize, H: i32, W: i32, C: i32, p: i32, images: i32, Ho: i32, Wo: i32, V: usize,
): void {
  const Th = Ho >> 1, Tw = Wo >> 1, T = images * Th * Tw;
  const plane = planeBytes(T * C), pixel = <usize>C << 2;
  const zero = f32x4.splat(0);
  let t = 0;
  for (let j = 0; j < images; j++) {
    const image = X + (<usize>(j * H * W * C) << 2);
    for (let ty = 0; ty < Th; ty++) {
      const y0 = 2 * ty - p;
      for (let tx = 0; tx < Tw; tx++) {
        const x0 = 2 * tx - p;
        const inside = y0 >= 0 && x0 >= 0 && y0 + 4 <= H && x0 + 4 <= W;
        const origin = image + (<usize>((y0 * W + x0) * C) << 2); // used only when inside
        const out = V + (<usize>(t * C) << 2);
        for (let c = 0; c < C; c += 4) {
          const o = <usize>c << 2;
          // d[a][b], a the row: 16 vectors of 4 channels.
          let d00 = zero, d01 = zero, d02 = zero, d03 = zero, d10 = zero, d11 = zero;
          let d12 = zero, d13 = zero, d20 = zero, d21 = zero, d22 = zero, d23 = zero;
          let d30 = zero, d31 = zero, d32 = zero, d33 = zero;
          if (inside) {
            const r0 = origin + o, row = <usize>W * pixel;
            d00 = v128.load(r0); d01 = v128.load(r0 + pixel);
            d02 = v128.load(r0 + 2 * pixel); d03 = v128.load(r0 + 3 * pixel);
            const r1 = r0 + row;
            d10 = v128.load(r1); d11 = v128.load(r1 + pixel);
            d12 = v128.load(r1 + 2 * pixel); d13 = v128.load(r1 + 3 * pixel);
            const r2 = r1 + row;
            d20 = v128.load(r2); d21 = v128.load(r2 + pixel);
            d22 = v128.load(r2 + 2 * pixel); d23 = v128.load(r2 + 3 * pixel);
            const r3 = r2 + row;
            d30 = v128.load(r3); d31 = v128.load(r3 + pixel);
            d32 = v128.load(r3 + 2 * pixel); d33 = v128.load(r3 + 3 * pixel);
          } else {
            d00 = pixelAt(image, H, W, pixel, o, y0, x0);
            d01 = pixelAt(image, H, W, pixel, o, y0, x0 + 1);
            d02 = pixelAt(image, H, W, pixel, o, y0, x0 + 2);
            d03 = pixelAt(image, H, W, pixel, o, y0, x0 + 3);
            d10 = pixelAt(image, H, W, pixel, o, y0 + 1, x0);
            d11 = pixelAt(image, H, W, pixel, o, y0 + 1, x0 + 1);
            d12 = pixelAt(image, H, W, pixel, o, y0 + 1, x0 + 2);
            d13 = pixelAt(image, H, W, pixel, o, y0 + 1, x0 + 3);
            d20 = pixelAt(image, H, W, pixel, o, y0 + 2, x0);
            d21 = pixelAt(image, H, W, pixel, o, y0 + 2, x0 + 1);
            d22 = pixelAt(image, H, W, pixel, o, y0 + 2, x0 + 2);
            d23 = pixelAt(image, H, W, pixel, o, y0 + 2, x0 + 3);
            d30 = pixelAt(image, H, W, pixel, o, y0 + 3, x0);
            d31 = pixelAt(image, H, W, pixel, o, y0 + 3, x0 + 1);
            d32 = pixelAt(image, H, W, pixel, o, y0 + 3, x0 + 2);
            d33 = pixelAt(image, H, W, pixel, o, y0 + 3, x0 + 3);
          }
          // Bᵀ·d, column by column: rows [d0 − d2, d1 + d2, d2 − d1, d1 − d3].
          const a00 = f32x4.sub(d00, d20), a01 = f32x4.sub(d01, d21);
          const a02 = f32x4.sub(d02, d22), a03 = f32x4.sub(d03, d23);
          const a10 = f32x4.add(d10, d20), a11 = f32x4.add(d11, d21);
          const a12 = f32x4.add(d12, d22), a13 = f32x4.add(d13, d23);
          const a20 = f32x4.sub(d20, d10), a21 = f32x4.sub(d21, d11);
          const a22 = f32x4.sub(d22, d12), a23 = f32x4.sub(d23, d13);
          const a30 = f32x4.sub(d10, d30), a31 = f32x4.sub(d11, d31);
          const a32 = f32x4.sub(d12, d32), a33 = f32x4.sub(d13, d33);
          // (Bᵀ·d)·B, row by row: [a0 − a2, a1 + a2, a2 − a1, a1 − a3].
          const at = out + o;
          storeV(at, plane, 0, a00, a01, a02, a03);
          storeV(at, plane, 1, a10, a11, a12, a13);
          storeV(at, plane, 2, a20, a21, a22, a23);
          storeV(at, plane, 3, a30, a31, a32, a33);
        }
        t++;
      }
    }
  }
}

/** Four channels of pixel (y, x) of an image, 0 outside it. */
@inline function pixelAt(
  image: usize, H: i32, W: i32, pixel: usize, o: usize, y: i32, x: i32,
): v128 {
  if (y < 0 || y >= H || x < 0 || x >= W) return f32x4.splat(0);
  return v128.load(image + <usize>(y * W + x) * pixel + o);
}

/** Row i of V = (Bᵀd)·B from row (a0 … a3) of Bᵀd: V[4i + j] `plane` bytes apart. */
@inline function storeV(at: usize, plane: usize, i: i32, a0: v128, a1: v128, a2: v128, a3: v128): void {
  const base = at + <usize>(4 * i) * plane;
  v128.store(base, f32x4.sub(a0, a2));
  v128.store(base + plane, f32x4.add(a1, a2));
  v128.store(base + 2 * plane, f32x4.sub(a2, a1));
  v128.store(base + 3 * plane, f32x4.sub(a1, a3));
}

/**
 * The products M[ξ] (T × N) = V[ξ] (T × K) · U[ξ] (K × N, packed by winogradWeights or
 * winogradWeightsOf) for the `planes` ξ (16, 36 or 64): M at ((ξ·T + t)·N + n). T a multiple of
 * 2, N of 8.
 */
export function winogradMultiply(
  planes: i32, T: i32, K: i32, N: i32, V: usize, P: usize, M: usize,
): void {
  const a = planeBytes(T * K), u = planeBytes(K * N), m = planeBytes(T * N);
  for (let xi = 0; xi < planes; xi++) {
    gemmPacked(T, N, K, V + <usize>xi * a, K, P + <usize>xi * u, M + <usize>xi * m, N, 0, false);
  }
}

/**
 * Y = Aᵀ m A (+ bias, then ReLU when `relu`) for every tile of M (winogradMultiply's), into
 * `images` channels-last maps Ho×Wo×N (tile t's 2×2 outputs from (2ty, 2tx)); bias 0 for none.
 */
export function winogradOutput(
  M: usize, N: i32, Ho: i32, Wo: i32, images: i32, bias: usize, relu: bool, Y: usize,
): void {
  const Th = Ho >> 1, Tw = Wo >> 1, T = images * Th * Tw;
  const plane = planeBytes(T * N), pixel = <usize>N << 2, row = <usize>Wo * pixel;
  const zero = f32x4.splat(0);
  let t = 0;
  for (let j = 0; j < images; j++) {
    for (let ty = 0; ty < Th; ty++) {
      for (let tx = 0; tx < Tw; tx++) {
        const from = M + (<usize>(t * N) << 2);
        const to = Y + (<usize>(((j * Ho + 2 * ty) * Wo + 2 * tx) * N) << 2);
        for (let n = 0; n < N; n += 4) {
          const o = <usize>n << 2, at = from + o;
          // s = Aᵀ·m, column by column: rows [m0 + m1 + m2, m1 − m2 − m3].
          const m00 = v128.load(at), m01 = v128.load(at + plane);
          const m02 = v128.load(at + 2 * plane), m03 = v128.load(at + 3 * plane);
          const m10 = v128.load(at + 4 * plane), m11 = v128.load(at + 5 * plane);
          const m12 = v128.load(at + 6 * plane), m13 = v128.load(at + 7 * plane);
          const m20 = v128.load(at + 8 * plane), m21 = v128.load(at + 9 * plane);
          const m22 = v128.load(at + 10 * plane), m23 = v128.load(at + 11 * plane);
          const m30 = v128.load(at + 12 * plane), m31 = v128.load(at + 13 * plane);
          const m32 = v128.load(at + 14 * plane), m33 = v128.load(at + 15 * plane);
          const s00 = f32x4.add(f32x4.add(m00, m10), m20), s01 = f32x4.add(f32x4.add(m01, m11), m21);
          const s02 = f32x4.add(f32x4.add(m02, m12), m22), s03 = f32x4.add(f32x4.add(m03, m13), m23);
          const s10 = f32x4.sub(f32x4.sub(m10, m20), m30), s11 = f32x4.sub(f32x4.sub(m11, m21), m31);
          const s12 = f32x4.sub(f32x4.sub(m12, m22), m32), s13 = f32x4.sub(f32x4.sub(m13, m23), m33);
          // y = s·A, row by row: [s0 + s1 + s2, s1 − s2 − s3].
          const b = bias ? v128.load(bias + o) : zero;
          let y00 = f32x4.add(b, f32x4.add(f32x4.add(s00, s01), s02));
          let y01 = f32x4.add(b, f32x4.sub(f32x4.sub(s01, s02), s03));
          let y10 = f32x4.add(b, f32x4.add(f32x4.add(s10, s11), s12));
          let y11 = f32x4.add(b, f32x4.sub(f32x4.sub(s11, s12), s13));
          if (relu) {
            y00 = f32x4.pmax(zero, y00); y01 = f32x4.pmax(zero, y01);
            y10 = f32x4.pmax(zero, y10); y11 = f32x4.pmax(zero, y11);
          }
          const out = to + o;
          v128.store(out, y00);
          v128.store(out + pixel, y01);
          v128.store(out + row, y10);
          v128.store(out + row + pixel, y11);
        }
        t++;
      }
    }
  }
}

/**
 * dM = A dy Aᵀ for every 2×2 tile dy of `images` channels-last maps Ho×Wo×N (both even): the
 * gradient of winogradOutput's Y = Aᵀ m A for each tile's m (bias and ReLU aside), into 16
 * matrices T × N, dM at ((ξ·T + t)·N + n) as winogradMultiply writes M.
 */
export function winogradOutputGradient(
  dY: usize, N: i32, Ho: i32, Wo: i32, images: i32, dM: usize,
): void {
  const Th = Ho >> 1, Tw = Wo >> 1, T = images * Th * Tw;
  const plane = planeBytes(T * N), pixel = <usize>N << 2, row = <usize>Wo * pixel;
  let t = 0;
  for (let j = 0; j < images; j++) {
    for (let ty = 0; ty < Th; ty++) {
      for (let tx = 0; tx < Tw; tx++) {
        const from = dY + (<usize>(((j * Ho + 2 * ty) * Wo + 2 * tx) * N) << 2);
        const to = dM + (<usize>(t * N) << 2);
        for (let n = 0; n < N; n += 4) {
          const o = <usize>n << 2, d = from + o;
          const y00 = v128.load(d), y01 = v128.load(d + pixel);
          const y10 = v128.load(d + row), y11 = v128.load(d + row + pixel);
          // s = A·dy (4 × 2), rows [y0, y0 + y1, y0 − y1, −y1] of dy's rows y0, y1.
          const s10 = f32x4.add(y00, y10), s11 = f32x4.add(y01, y11);
          const s20 = f32x4.sub(y00, y10), s21 = f32x4.sub(y01, y11);
          const s30 = f32x4.neg(y10), s31 = f32x4.neg(y11);
          // dm = s·Aᵀ (4 × 4), row i from s's row (a, b): [a, a + b, a − b, −b].
          const at = to + o;
          storeDm(at, plane, 0, y00, y01);
          storeDm(at, plane, 1, s10, s11);
          storeDm(at, plane, 2, s20, s21);
          storeDm(at, plane, 3, s30, s31);
        }
        t++;
      }
    }
  }
}

/** Row i of dm = s·Aᵀ from s's row (a, b): dm[4i + j] `plane` bytes apart. */
@inline function storeDm(at: usize, plane: usize, i: i32, a: v128, b: v128): void {
  const base = at + <usize>(4 * i) * plane;
  v128.store(base, a);
  v128.store(base + plane, f32x4.add(a, b));
  v128.store(base + 2 * plane, f32x4.sub(a, b));
  v128.store(base + 3 * plane, f32x4.neg(b));
}

/**
 * The products dU[ξ] (K × N) = V[ξ]ᵀ (K × T) · dM[ξ] (T × N) for the `planes` ξ (16 or 36),
 * summed over the T tiles in order — added to dU's values when `accumulate` (a chunk's blocks,
 * one after the other). dU at ((ξ·K + k)·N + n); K a multiple of 4, N of 8.
 */
export function winogradGradientProducts(
  planes: i32, T: i32, K: i32, N: i32, V: usize, dM: usize, dU: usize, accumulate: bool,
): void {
  const a = planeBytes(T * K), m = planeBytes(T * N), u = planeBytes(K * N);
  for (let xi = 0; xi < planes; xi++) {
    const at = <usize>xi;
    gemmTNInto(K, N, T, V + at * a, K, dM + at * m, N, dU + at * u, N, accumulate);
  }
}

/**
 * dWT (9·C × N, row (u·3 + v)·C + c) = Gᵀ dU G for every channel pair (c, n) of dU's 16
 * matrices C × N (winogradGradientProducts'): the gradient of winogradWeights' U = G g Gᵀ.
 */
export function winogradWeightsGradient(dU: usize, C: i32, N: i32, WT: usize): void {
  const size = planeBytes(C * N), half = f32x4.splat(0.5);
  for (let c = 0; c < C; c++) {
    for (let n = 0; n < N; n += 4) {
      const at = dU + (<usize>(c * N + n) << 2);
      // u[i][j] = dU[4i + j]: four channel pairs a vector.
      const u00 = v128.load(at), u01 = v128.load(at + size);
      const u02 = v128.load(at + 2 * size), u03 = v128.load(at + 3 * size);
      const u10 = v128.load(at + 4 * size), u11 = v128.load(at + 5 * size);
      const u12 = v128.load(at + 6 * size), u13 = v128.load(at + 7 * size);
      const u20 = v128.load(at + 8 * size), u21 = v128.load(at + 9 * size);
      const u22 = v128.load(at + 10 * size), u23 = v128.load(at + 11 * size);
      const u30 = v128.load(at + 12 * size), u31 = v128.load(at + 13 * size);
      const u32 = v128.load(at + 14 * size), u33 = v128.load(at + 15 * size);
      // t = Gᵀ·u (3 × 4), column by column: rows [u0 + (u1 + u2)/2, (u1 − u2)/2, (u1 + u2)/2 + u3].
      const p0 = f32x4.mul(half, f32x4.add(u10, u20)), p1 = f32x4.mul(half, f32x4.add(u11, u21));
      const p2 = f32x4.mul(half, f32x4.add(u12, u22)), p3 = f32x4.mul(half, f32x4.add(u13, u23));
      const t00 = f32x4.add(u00, p0), t01 = f32x4.add(u01, p1);
      const t02 = f32x4.add(u02, p2), t03 = f32x4.add(u03, p3);
      const t10 = f32x4.mul(half, f32x4.sub(u10, u20)), t11 = f32x4.mul(half, f32x4.sub(u11, u21));
      const t12 = f32x4.mul(half, f32x4.sub(u12, u22)), t13 = f32x4.mul(half, f32x4.sub(u13, u23));
      const t20 = f32x4.add(p0, u30), t21 = f32x4.add(p1, u31);
      const t22 = f32x4.add(p2, u32), t23 = f32x4.add(p3, u33);
      // dg = t·G (3 × 3), row by row: [a + (b + c)/2, (b − c)/2, (b + c)/2 + d] of t's (a, b, c, d).
      storeDg(WT, C, N, c, n, 0, t00, t01, t02, t03);
      storeDg(WT, C, N, c, n, 1, t10, t11, t12, t13);
      storeDg(WT, C, N, c, n, 2, t20, t21, t22, t23);
    }
  }
}

/** Row u of dg = t·G from t's row (a, b, c, d), into WT at rows (u·3 + v)·C + c, columns n…n+3. */
@inline function storeDg(
  WT: usize, C: i32, N: i32, c: i32, n: i32, u: i32, a: v128, b: v128, cc: v128, d: v128,
): void {
  const half = f32x4.splat(0.5), plus = f32x4.mul(half, f32x4.add(b, cc));
  const at = WT + (<usize>((u * 3 * C + c) * N + n) << 2), step = <usize>(C * N) << 2;
  v128.store(at, f32x4.add(a, plus));
  v128.store(at + step, f32x4.mul(half, f32x4.sub(b, cc)));
  v128.store(at + 2 * step, f32x4.add(plus, d));
}

// Winograd F(2×2, 5×5): the same algorithm on the 6×6 block of input under each 2×2 tile, 36
// multiplies a channel pair where the patches take 100 (interpolation points 0, ±1, ±2, ∞):
//
//   Bᵀ = [4  0 −5  0  1  0]    G = [ 1/4    0     0    0    0 ]    Aᵀ = [1 1  1 1  1 0]
//        [0  4  4 −1 −1  0]        [ 1/6   1/6  1/6  1/6  1/6]         [0 1 −1 2 −2 1]
//        [0 −4  4  1 −1  0]        [ 1/6  −1/6  1/6 −1/6  1/6]
//        [0 −2 −1  2  1  0]        [1/24  1/12  1/6  1/3  2/3]
//        [0  2 −1 −2  1  0]        [1/24 −1/12  1/6 −1/3  2/3]
//        [0  4  0 −5  0  1]        [  0     0    0    0    1 ]
//
// The 36 matrices V[ξ], U[ξ], M[ξ] are laid out as the 16 of F(2×2, 3×3), ξ = 6i + j. Each
// two-dimensional transform runs as two passes of the one-dimensional one: the first into a
// 6×6 block of this thread's scratch (`tmp`), the second from it into the 36 matrices (the
// weight gradient's in place, in dU).

const SIXTH: f32 = <f32>(1.0 / 6.0);
const TWELFTH: f32 = <f32>(1.0 / 12.0);
const TWENTYFOURTH: f32 = <f32>(1.0 / 24.0);
const THIRD: f32 = <f32>(1.0 / 3.0);
const TWO_THIRDS: f32 = <f32>(2.0 / 3.0);

/**
 * G·a for a column (a0 … a4) of four 5×5 kernels, its six rows into dst, dst + step, …: rows
 * [a0/4, (e + o)/6, (e − o)/6, (e′ + o′)/24, (e′ − o′)/24, a4], e = a0 + a2 + a4, o = a1 + a3,
 * e′ = a0 + 4a2 + 16a4, o′ = 2a1 + 8a3.
 */
@inline function g6(a0: v128, a1: v128, a2: v128, a3: v128, a4: v128, dst: usize, step: usize): void {
  const sixth = f32x4.splat(SIXTH), t24 = f32x4.splat(TWENTYFOURTH);
  const e = f32x4.add(f32x4.add(a0, a2), a4), o = f32x4.add(a1, a3);
  const e2 = f32x4.add(f32x4.add(a0, f32x4.mul(f32x4.splat(4), a2)), f32x4.mul(f32x4.splat(16), a4));
  const o2 = f32x4.add(f32x4.mul(f32x4.splat(2), a1), f32x4.mul(f32x4.splat(8), a3));
  v128.store(dst, f32x4.mul(f32x4.splat(0.25), a0));
  v128.store(dst + step, f32x4.mul(sixth, f32x4.add(e, o)));
  v128.store(dst + 2 * step, f32x4.mul(sixth, f32x4.sub(e, o)));
  v128.store(dst + 3 * step, f32x4.mul(t24, f32x4.add(e2, o2)));
  v128.store(dst + 4 * step, f32x4.mul(t24, f32x4.sub(e2, o2)));
  v128.store(dst + 5 * step, a4);
}

/**
 * Four weights g[u][v] of WT (r·r·C × N, row (u·r + v)·C + c): from channel c to n … n+3, or,
 * `transpose`d, from channels c … c+3 to n.
 */
@inline function kernelsAt(
  WT: usize, r: i32, C: i32, N: i32, c: i32, n: i32, transpose: bool, u: i32, v: i32,
): v128 {
  const at = WT + (<usize>(((u * r + v) * C + c) * N + n) << 2);
  if (!transpose) return v128.load(at);
  const s = <usize>N << 2;
  let w = f32x4.splat(load<f32>(at));
  w = f32x4.replace_lane(w, 1, load<f32>(at + s));
  w = f32x4.replace_lane(w, 2, load<f32>(at + 2 * s));
  return f32x4.replace_lane(w, 3, load<f32>(at + 3 * s));
}

/**
 * G·a for a column (a0, a1, a2) of four 3×3 kernels, F(4×4, 3×3)'s G (6 × 3), its six rows into
 * dst, dst + step, …: [a0/4, (a0 + a1 + a2)/6, (a0 − a1 + a2)/6, (a0 + 2a1 + 4a2)/24,
 * (a0 − 2a1 + 4a2)/24, a2].
 */
@inline function g6of3(a0: v128, a1: v128, a2: v128, dst: usize, step: usize): void {
  const sixth = f32x4.splat(SIXTH), t24 = f32x4.splat(TWENTYFOURTH);
  const e = f32x4.add(a0, a2), e2 = f32x4.add(a0, f32x4.mul(f32x4.splat(4), a2));
  const o2 = f32x4.mul(f32x4.splat(2), a1);
  v128.store(dst, f32x4.mul(f32x4.splat(0.25), a0));
  v128.store(dst + step, f32x4.mul(sixth, f32x4.add(e, a1)));
  v128.store(dst + 2 * step, f32x4.mul(sixth, f32x4.sub(e, a1)));
  v128.store(dst + 3 * step, f32x4.mul(t24, f32x4.add(e2, o2)));
  v128.store(dst + 4 * step, f32x4.mul(t24, f32x4.sub(e2, o2)));
  v128.store(dst + 5 * step, a2);
}


/** Bᵀ·d of six vectors d0 … d5 (a row or a column of a block), into dst, dst + step, …. */
@inline function bt6(
  d0: v128, d1: v128, d2: v128, d3: v128, d4: v128, d5: v128, dst: usize, step: usize,
): void {
  const four = f32x4.splat(4), five = f32x4.splat(5), two = f32x4.splat(2);
  // Rows [4d0 − 5d2 + d4, 4(d1 + d2) − (d3 + d4), 4(d2 − d1) + (d3 − d4),
  //       2(d3 − d1) + (d4 − d2), (d4 − d2) − 2(d3 − d1), 4d1 − 5d3 + d5].
  const p = f32x4.mul(four, f32x4.add(d1, d2)), q = f32x4.add(d3, d4);
  const s = f32x4.mul(four, f32x4.sub(d2, d1)), w = f32x4.sub(d3, d4);
  const e = f32x4.mul(two, f32x4.sub(d3, d1)), f = f32x4.sub(d4, d2);
  v128.store(dst, f32x4.add(f32x4.sub(f32x4.mul(four, d0), f32x4.mul(five, d2)), d4));
  v128.store(dst + step, f32x4.sub(p, q));
  v128.store(dst + 2 * step, f32x4.add(s, w));
  v128.store(dst + 3 * step, f32x4.add(e, f));
  v128.store(dst + 4 * step, f32x4.sub(f, e));
  v128.store(dst + 5 * step, f32x4.add(f32x4.sub(f32x4.mul(four, d1), f32x4.mul(five, d3)), d5));
}


/** Aᵀ's first row on six values: m0 + m1 + m2 + m3 + m4. */
@inline function a6first(m0: v128, m1: v128, m2: v128, m3: v128, m4: v128): v128 {
  return f32x4.add(f32x4.add(f32x4.add(f32x4.add(m0, m1), m2), m3), m4);
}

/** Aᵀ's second row on six values: (m1 − m2) + 2(m3 − m4) + m5. */
@inline function a6second(m1: v128, m2: v128, m3: v128, m4: v128, m5: v128): v128 {
  const two = f32x4.splat(2);
  return f32x4.add(f32x4.add(f32x4.sub(m1, m2), f32x4.mul(two, f32x4.sub(m3, m4))), m5);
}

/**
 * Y = Aᵀ m A (+ bias, then ReLU when `relu`) for every 6×6 tile m of M (winogradMultiply's, 36
 * matrices), into `images` channels-last maps Ho×Wo×N; bias 0 for none.
 */
export function winograd5Output(
  M: usize, N: i32, Ho: i32, Wo: i32, images: i32, bias: usize, relu: bool, Y: usize,
): void {
  const Th = Ho >> 1, Tw = Wo >> 1, T = images * Th * Tw;
  const plane = planeBytes(T * N), pixel = <usize>N << 2, row = <usize>Wo * pixel;
  const zero = f32x4.splat(0);
  let t = 0;
  for (let j = 0; j < images; j++) {
    for (let ty = 0; ty < Th; ty++) {
      for (let tx = 0; tx < Tw; tx++) {
        const from = M + (<usize>(t * N) << 2);
        const to = Y + (<usize>(((j * Ho + 2 * ty) * Wo + 2 * tx) * N) << 2);
        for (let n = 0; n < N; n += 4) {
          const o = <usize>n << 2, at = from + o;
          // s = Aᵀ·m (2 × 6), a column of m at a time.
          const s00 = a6first(mAt(at, plane, 0, 0), mAt(at, plane, 1, 0), mAt(at, plane, 2, 0), mAt(at, plane, 3, 0), mAt(at, plane, 4, 0));
          const s01 = a6first(mAt(at, plane, 0, 1), mAt(at, plane, 1, 1), mAt(at, plane, 2, 1), mAt(at, plane, 3, 1), mAt(at, plane, 4, 1));
          const s02 = a6first(mAt(at, plane, 0, 2), mAt(at, plane, 1, 2), mAt(at, plane, 2, 2), mAt(at, plane, 3, 2), mAt(at, plane, 4, 2));
          const s03 = a6first(mAt(at, plane, 0, 3), mAt(at, plane, 1, 3), mAt(at, plane, 2, 3), mAt(at, plane, 3, 3), mAt(at, plane, 4, 3));
          const s04 = a6first(mAt(at, plane, 0, 4), mAt(at, plane, 1, 4), mAt(at, plane, 2, 4), mAt(at, plane, 3, 4), mAt(at, plane, 4, 4));
          const s05 = a6first(mAt(at, plane, 0, 5), mAt(at, plane, 1, 5), mAt(at, plane, 2, 5), mAt(at, plane, 3, 5), mAt(at, plane, 4, 5));
          const s10 = a6second(mAt(at, plane, 1, 0), mAt(at, plane, 2, 0), mAt(at, plane, 3, 0), mAt(at, plane, 4, 0), mAt(at, plane, 5, 0));
          const s11 = a6second(mAt(at, plane, 1, 1), mAt(at, plane, 2, 1), mAt(at, plane, 3, 1), mAt(at, plane, 4, 1), mAt(at, plane, 5, 1));
          const s12 = a6second(mAt(at, plane, 1, 2), mAt(at, plane, 2, 2), mAt(at, plane, 3, 2), mAt(at, plane, 4, 2), mAt(at, plane, 5, 2));
          const s13 = a6second(mAt(at, plane, 1, 3), mAt(at, plane, 2, 3), mAt(at, plane, 3, 3), mAt(at, plane, 4, 3), mAt(at, plane, 5, 3));
          const s14 = a6second(mAt(at, plane, 1, 4), mAt(at, plane, 2, 4), mAt(at, plane, 3, 4), mAt(at, plane, 4, 4), mAt(at, plane, 5, 4));
          const s15 = a6second(mAt(at, plane, 1, 5), mAt(at, plane, 2, 5), mAt(at, plane, 3, 5), mAt(at, plane, 4, 5), mAt(at, plane, 5, 5));
          // y = s·A (2 × 2), a row of s at a time.
          const b = bias ? v128.load(bias + o) : zero;
          let y00 = f32x4.add(b, a6first(s00, s01, s02, s03, s04));
          let y01 = f32x4.add(b, a6second(s01, s02, s03, s04, s05));
          let y10 = f32x4.add(b, a6first(s10, s11, s12, s13, s14));
          let y11 = f32x4.add(b, a6second(s11, s12, s13, s14, s15));
          if (relu) {
            y00 = f32x4.pmax(zero, y00); y01 = f32x4.pmax(zero, y01);
            y10 = f32x4.pmax(zero, y10); y11 = f32x4.pmax(zero, y11);
          }
          const out = to + o;
          v128.store(out, y00);
          v128.store(out + pixel, y01);
          v128.store(out + row, y10);
          v128.store(out + row + pixel, y11);
        }
        t++;
      }
    }
  }
}

/** Four lanes of m[i][j] of a 6×6 tile whose place 6i + j is `plane` bytes after the last. */
@inline function mAt(at: usize, plane: usize, i: i32, j: i32): v128 {
  return v128.load(at + <usize>(6 * i + j) * plane);
}

/** Row i of dm = s·Aᵀ (6 × 6) from s's row (a, b): [a, a + b, a − b, a + 2b, a − 2b, b]. */
@inline function storeDm6(at: usize, plane: usize, i: i32, a: v128, b: v128): void {
  const base = at + <usize>(6 * i) * plane, b2 = f32x4.mul(f32x4.splat(2), b);
  v128.store(base, a);
  v128.store(base + plane, f32x4.add(a, b));
  v128.store(base + 2 * plane, f32x4.sub(a, b));
  v128.store(base + 3 * plane, f32x4.add(a, b2));
  v128.store(base + 4 * plane, f32x4.sub(a, b2));
  v128.store(base + 5 * plane, b);
}

/**
 * dM = A dy Aᵀ for every 2×2 tile dy of `images` channels-last maps Ho×Wo×N (both even): the
 * gradient of winograd5Output's Y = Aᵀ m A for each 6×6 tile m, into 36 matrices T × N.
 */
export function winograd5OutputGradient(
  dY: usize, N: i32, Ho: i32, Wo: i32, images: i32, dM: usize,
): void {
  const Th = Ho >> 1, Tw = Wo >> 1, T = images * Th * Tw;
  const plane = planeBytes(T * N), pixel = <usize>N << 2, row = <usize>Wo * pixel;
  const two = f32x4.splat(2);
  let t = 0;
  for (let j = 0; j < images; j++) {
    for (let ty = 0; ty < Th; ty++) {
      for (let tx = 0; tx < Tw; tx++) {
        const from = dY + (<usize>(((j * Ho + 2 * ty) * Wo + 2 * tx) * N) << 2);
        const to = dM + (<usize>(t * N) << 2);
        for (let n = 0; n < N; n += 4) {
          const o = <usize>n << 2, d = from + o, at = to + o;
          const y00 = v128.load(d), y01 = v128.load(d + pixel);
          const y10 = v128.load(d + row), y11 = v128.load(d + row + pixel);
          // s = A·dy (6 × 2): rows [y0, y0 + y1, y0 − y1, y0 + 2y1, y0 − 2y1, y1] of dy's rows.
          const z0 = f32x4.mul(two, y10), z1 = f32x4.mul(two, y11);
          storeDm6(at, plane, 0, y00, y01);
          storeDm6(at, plane, 1, f32x4.add(y00, y10), f32x4.add(y01, y11));
          storeDm6(at, plane, 2, f32x4.sub(y00, y10), f32x4.sub(y01, y11));
          storeDm6(at, plane, 3, f32x4.add(y00, z0), f32x4.add(y01, z1));
          storeDm6(at, plane, 4, f32x4.sub(y00, z0), f32x4.sub(y01, z1));
          storeDm6(at, plane, 5, y10, y11);
        }
        t++;
      }
    }
  }
}

// Winograd F(4×4, 3×3): the same 6×6 blocks and Bᵀ as F(2×2, 5×5) (points 0, ±1, ±2, ∞), under
// 4×4 tiles of output, 36 multiplies a channel pair where the patches take 144 and F(2×2, 3×3)
// 64 (its 16 per 2×2 tile, four tiles):
//
//   G = [ 1/4    0     0 ]    Aᵀ = [1 1  1 1  1 0]
//       [ 1/6   1/6  1/6 ]         [0 1 −1 2 −2 0]
//       [ 1/6  −1/6  1/6 ]         [0 1  1 4  4 0]
//       [1/24  1/12  1/6 ]         [0 1 −1 8 −8 1]
//       [1/24 −1/12  1/6 ]
//       [  0     0    1  ]
//
// Its passes are the ones written over α below (winogradWeightsOf, winogradInputOf,
// winogradOutputOf and their gradients) and winogradMultiply's; its own are the one-dimensional
// transforms of the outputs (Aᵀ m A, 4×4 from 6×6) and of their gradient (A dy Aᵀ), these two.

/**
 * Aᵀ·m (4 × 6) of six vectors m0 … m5 (a column or a row of a 6×6 tile), into dst, dst + step,
 * …: [m0 + m1 + m2 + m3 + m4, (m1 − m2) + 2(m3 − m4), (m1 + m2) + 4(m3 + m4),
 * (m1 − m2) + 8(m3 − m4) + m5].
 */
@inline function at4(
  m0: v128, m1: v128, m2: v128, m3: v128, m4: v128, m5: v128, dst: usize, step: usize,
): void {
  const s12 = f32x4.add(m1, m2), d12 = f32x4.sub(m1, m2);
  const s34 = f32x4.add(m3, m4), d34 = f32x4.sub(m3, m4);
  v128.store(dst, f32x4.add(f32x4.add(m0, s12), s34));
  v128.store(dst + step, f32x4.add(d12, f32x4.mul(f32x4.splat(2), d34)));
  v128.store(dst + 2 * step, f32x4.add(s12, f32x4.mul(f32x4.splat(4), s34)));
  v128.store(dst + 3 * step, f32x4.add(f32x4.add(d12, f32x4.mul(f32x4.splat(8), d34)), m5));
}

/**
 * A·y (6 × 4) of four vectors y0 … y3 (a column or a row of a 4×4 gradient tile), into dst,
 * dst + step, …: [y0, e + o, e − o, e′ + o′, e′ − o′, y3], e = y0 + y2, o = y1 + y3,
 * e′ = y0 + 4y2, o′ = 2y1 + 8y3.
 */
@inline function a6of4(y0: v128, y1: v128, y2: v128, y3: v128, dst: usize, step: usize): void {
  const e = f32x4.add(y0, y2), o = f32x4.add(y1, y3);
  const e2 = f32x4.add(y0, f32x4.mul(f32x4.splat(4), y2));
  const o2 = f32x4.add(f32x4.mul(f32x4.splat(2), y1), f32x4.mul(f32x4.splat(8), y3));
  v128.store(dst, y0);
  v128.store(dst + step, f32x4.add(e, o));
  v128.store(dst + 2 * step, f32x4.sub(e, o));
  v128.store(dst + 3 * step, f32x4.add(e2, o2));
  v128.store(dst + 4 * step, f32x4.sub(e2, o2));
  v128.store(dst + 5 * step, y3);
}

/** Row k of Gᵀ·u, for six vectors u0 … u5 (a column or a row of a 6×6 tile). */
@inline function gt5(k: i32, u0: v128, u1: v128, u2: v128, u3: v128, u4: v128, u5: v128): v128 {
  const sixth = f32x4.splat(SIXTH);
  if (k === 0) {
    const a = f32x4.add(f32x4.mul(f32x4.splat(0.25), u0), f32x4.mul(sixth, f32x4.add(u1, u2)));
    return f32x4.add(a, f32x4.mul(f32x4.splat(TWENTYFOURTH), f32x4.add(u3, u4)));
  }
  if (k === 1) {
    return f32x4.add(
      f32x4.mul(sixth, f32x4.sub(u1, u2)),
      f32x4.mul(f32x4.splat(TWELFTH), f32x4.sub(u3, u4)),
    );
  }
  if (k === 2) return f32x4.mul(sixth, f32x4.add(f32x4.add(u1, u2), f32x4.add(u3, u4)));
  if (k === 3) {
    return f32x4.add(
      f32x4.mul(sixth, f32x4.sub(u1, u2)),
      f32x4.mul(f32x4.splat(THIRD), f32x4.sub(u3, u4)),
    );
  }
  const a = f32x4.add(f32x4.mul(sixth, f32x4.add(u1, u2)), f32x4.mul(f32x4.splat(TWO_THIRDS), f32x4.add(u3, u4)));
  return f32x4.add(a, u5);
}

/**
 * Row k of Gᵀ·u for an r×r kernel's G (6 × r: r = 5, F(2×2, 5×5); r = 3, F(4×4, 3×3)), for six
 * vectors u0 … u5. The two G share their first two columns; F(4×4, 3×3)'s third is F(2×2, 5×5)'s
 * with a 1 in its last row.
 */
@inline function gt(r: i32, k: i32, u0: v128, u1: v128, u2: v128, u3: v128, u4: v128, u5: v128): v128 {
  const row = gt5(k, u0, u1, u2, u3, u4, u5);
  return r === 3 && k === 2 ? f32x4.add(row, u5) : row;
}


/**
 * B·x of six vectors x0 … x5 (a row or a column of a tile's gradient), into dst, dst + step, …:
 * the transpose of bt6, rows [4x0, 4((x1 − x2) + x5) + 2(x4 − x3), 4(x1 + x2) − (x3 + x4) − 5x0,
 * (x2 − x1) + 2(x3 − x4) − 5x5, x0 − (x1 + x2) + (x3 + x4), x5].
 */
@inline function b6(
  x0: v128, x1: v128, x2: v128, x3: v128, x4: v128, x5: v128, dst: usize, step: usize,
): void {
  const four = f32x4.splat(4), five = f32x4.splat(5), two = f32x4.splat(2);
  const sum12 = f32x4.add(x1, x2), sum34 = f32x4.add(x3, x4);
  const dif12 = f32x4.sub(x1, x2), dif34 = f32x4.sub(x3, x4);
  v128.store(dst, f32x4.mul(four, x0));
  v128.store(dst + step, f32x4.sub(f32x4.mul(four, f32x4.add(dif12, x5)), f32x4.mul(two, dif34)));
  v128.store(dst + 2 * step, f32x4.sub(f32x4.sub(f32x4.mul(four, sum12), sum34), f32x4.mul(five, x0)));
  v128.store(dst + 3 * step, f32x4.sub(f32x4.sub(f32x4.mul(two, dif34), dif12), f32x4.mul(five, x5)));
  v128.store(dst + 4 * step, f32x4.add(f32x4.sub(x0, sum12), sum34));
  v128.store(dst + 5 * step, x5);
}


// Winograd F(4×4, 5×5) and F(6×6, 3×3): 8×8 blocks of input (interpolation points 0, ±1, ±2,
// ±1/2, ∞, as NNPACK's F(6×6, 3×3)), under 4×4 tiles of a 5×5 kernel's output — 64 multiplies a
// channel pair where the patches take 400 and F(2×2, 5×5) 144 — or 6×6 tiles of a 3×3 kernel's
// — 64 where the patches take 324 and F(4×4, 3×3) 81:
//
//   Bᵀ = [1    0  −21/4    0    21/4    0   −1  0]    G (8 × r), row k < 7: s_k·(1, p_k, p_k², …)
//        [0    1    1   −17/4  −17/4    1    1  0]      p = 0, 1, −1,    2,    −2,  1/2,  −1/2
//        [0   −1    1    17/4  −17/4   −1    1  0]      s = 1, −2/9, −2/9, 1/90, 1/90, 32/45, 32/45
//        [0  1/2  1/4   −5/2   −5/4     2    1  0]      row 7: (0, …, 0, 1)
//        [0 −1/2  1/4    5/2   −5/4    −2    1  0]
//        [0    2    4   −5/2    −5    1/2    1  0]    Aᵀ (m × 8), row i: (0ⁱ, 1, (−1)ⁱ, 2ⁱ, (−2)ⁱ,
//        [0   −2    4    5/2    −5   −1/2    1  0]      2⁻ⁱ, (−1/2)ⁱ, [i = m − 1])
//        [0   −1    0    21/4    0   −21/4   0  1]
//
// Bᵀ's entries and Aᵀ's are exact in float32; G's s_k are not. The 64 matrices are laid out as
// the 36 of the 6×6 algorithms, ξ = 8i + j; each transform is two passes of the one-dimensional
// one through this thread's scratch (`tmp`, 1,024 bytes), the weight gradient's in place in dU.
// In float32 against float64, the outputs' error is about 2.5 times F(2×2, 5×5)'s (a sum over
// 32 channels of He-scaled kernels on ReLU inputs: 4.6·10⁻⁶ against 1.9·10⁻⁶ of the outputs'
// RMS, median over tiles; F(4×4, 3×3) 2.7·10⁻⁶, F(6×6, 3×3) 7.0·10⁻⁶).

const NEG_TWO_NINTHS: f32 = <f32>(-2.0 / 9.0);
const NINETIETH: f32 = <f32>(1.0 / 90.0);
const THIRTY_TWO_45THS: f32 = <f32>(32.0 / 45.0);

/**
 * G·a for a column (a0 … a_{r−1}) of four r×r kernels (r = 5 or 3; a3, a4 unread for 3), its
 * eight rows into dst, dst + step, …: [a0, s(e + o), s(e − o), s′(e′ + o′), s′(e′ − o′),
 * s″(e″ + o″), s″(e″ − o″), a_{r−1}] with e, o the sums of the even and odd terms a_j p^j at
 * p = 1, 2, 1/2.
 */
@inline function g8(r: i32, a0: v128, a1: v128, a2: v128, a3: v128, a4: v128, dst: usize, step: usize): void {
  let e1 = f32x4.add(a0, a2), o1 = a1;
  let e2 = f32x4.add(a0, f32x4.mul(f32x4.splat(4), a2)), o2 = f32x4.mul(f32x4.splat(2), a1);
  let e3 = f32x4.add(a0, f32x4.mul(f32x4.splat(0.25), a2)), o3 = f32x4.mul(f32x4.splat(0.5), a1);
  if (r === 5) {
    e1 = f32x4.add(e1, a4); o1 = f32x4.add(o1, a3);
    e2 = f32x4.add(e2, f32x4.mul(f32x4.splat(16), a4));
    o2 = f32x4.add(o2, f32x4.mul(f32x4.splat(8), a3));
    e3 = f32x4.add(e3, f32x4.mul(f32x4.splat(0.0625), a4));
    o3 = f32x4.add(o3, f32x4.mul(f32x4.splat(0.125), a3));
  }
  const s1 = f32x4.splat(NEG_TWO_NINTHS), s2 = f32x4.splat(NINETIETH), s3 = f32x4.splat(THIRTY_TWO_45THS);
  v128.store(dst, a0);
  v128.store(dst + step, f32x4.mul(s1, f32x4.add(e1, o1)));
  v128.store(dst + 2 * step, f32x4.mul(s1, f32x4.sub(e1, o1)));
  v128.store(dst + 3 * step, f32x4.mul(s2, f32x4.add(e2, o2)));
  v128.store(dst + 4 * step, f32x4.mul(s2, f32x4.sub(e2, o2)));
  v128.store(dst + 5 * step, f32x4.mul(s3, f32x4.add(e3, o3)));
  v128.store(dst + 6 * step, f32x4.mul(s3, f32x4.sub(e3, o3)));
  v128.store(dst + 7 * step, r === 5 ? a4 : a2);
}


/**
 * Bᵀ·d of eight vectors d0 … d7 (a row or a column of a block), into dst, dst + step, …: rows
 * [(d0 − d6) + 21/4·(d4 − d2), a + b, a − b (a = d2 + d6 − 17/4·d4, b = d1 + d5 − 17/4·d3),
 * a′ ± b′ (a′ = d2/4 − 5/4·d4 + d6, b′ = d1/2 − 5/2·d3 + 2d5), a″ ± b″ (a″ = 4d2 − 5d4 + d6,
 * b″ = 2d1 − 5/2·d3 + d5/2), (d7 − d1) + 21/4·(d3 − d5)].
 */
@inline function bt8(
  d0: v128, d1: v128, d2: v128, d3: v128, d4: v128, d5: v128, d6: v128, d7: v128, dst: usize,
  step: usize,
): void {
  const c21 = f32x4.splat(5.25), c17 = f32x4.splat(4.25), c5 = f32x4.splat(2.5);
  const two = f32x4.splat(2), half = f32x4.splat(0.5);
  v128.store(dst, f32x4.add(f32x4.sub(d0, d6), f32x4.mul(c21, f32x4.sub(d4, d2))));
  let a = f32x4.sub(f32x4.add(d2, d6), f32x4.mul(c17, d4));
  let b = f32x4.sub(f32x4.add(d1, d5), f32x4.mul(c17, d3));
  v128.store(dst + step, f32x4.add(a, b));
  v128.store(dst + 2 * step, f32x4.sub(a, b));
  a = f32x4.add(f32x4.sub(f32x4.mul(f32x4.splat(0.25), d2), f32x4.mul(f32x4.splat(1.25), d4)), d6);
  b = f32x4.add(f32x4.sub(f32x4.mul(half, d1), f32x4.mul(c5, d3)), f32x4.mul(two, d5));
  v128.store(dst + 3 * step, f32x4.add(a, b));
  v128.store(dst + 4 * step, f32x4.sub(a, b));
  a = f32x4.add(f32x4.sub(f32x4.mul(f32x4.splat(4), d2), f32x4.mul(f32x4.splat(5), d4)), d6);
  b = f32x4.add(f32x4.sub(f32x4.mul(two, d1), f32x4.mul(c5, d3)), f32x4.mul(half, d5));
  v128.store(dst + 5 * step, f32x4.add(a, b));
  v128.store(dst + 6 * step, f32x4.sub(a, b));
  v128.store(dst + 7 * step, f32x4.add(f32x4.sub(d7, d1), f32x4.mul(c21, f32x4.sub(d3, d5))));
}


/**
 * Aᵀ·m (m × 8, m = 4 or 6) of eight vectors m0 … m7 (a column or a row of an 8×8 tile), into
 * dst, dst + step, …: row i = [i = 0]·m0 + Σ± ((m1 ± m2) + 2ⁱ(m3 ± m4) + 2⁻ⁱ(m5 ± m6)), the
 * sums for even i, the differences for odd, and m7 in the last.
 */
@inline function at8(
  m: i32, m0: v128, m1: v128, m2: v128, m3: v128, m4: v128, m5: v128, m6: v128, m7: v128,
  dst: usize, step: usize,
): void {
  const s1 = f32x4.add(m1, m2), d1 = f32x4.sub(m1, m2);
  const s2 = f32x4.add(m3, m4), d2 = f32x4.sub(m3, m4);
  const s3 = f32x4.add(m5, m6), d3 = f32x4.sub(m5, m6);
  v128.store(dst, f32x4.add(f32x4.add(f32x4.add(m0, s1), s2), s3));
  v128.store(dst + step, f32x4.add(f32x4.add(d1, f32x4.mul(f32x4.splat(2), d2)), f32x4.mul(f32x4.splat(0.5), d3)));
  v128.store(dst + 2 * step, f32x4.add(f32x4.add(s1, f32x4.mul(f32x4.splat(4), s2)), f32x4.mul(f32x4.splat(0.25), s3)));
  const r3 = f32x4.add(f32x4.add(d1, f32x4.mul(f32x4.splat(8), d2)), f32x4.mul(f32x4.splat(0.125), d3));
  if (m === 4) {
    v128.store(dst + 3 * step, f32x4.add(r3, m7));
    return;
  }
  v128.store(dst + 3 * step, r3);
  v128.store(dst + 4 * step, f32x4.add(f32x4.add(s1, f32x4.mul(f32x4.splat(16), s2)), f32x4.mul(f32x4.splat(0.0625), s3)));
  const r5 = f32x4.add(f32x4.add(d1, f32x4.mul(f32x4.splat(32), d2)), f32x4.mul(f32x4.splat(0.03125), d3));
  v128.store(dst + 5 * step, f32x4.add(r5, m7));
}

/**
 * A·y (8 × m, m = 4 or 6; y4, y5 unread for 4) of m vectors (a column or a row of an m×m
 * gradient tile), into dst, dst + step, …: [y0, e + o, e − o, e′ + o′, e′ − o′, e″ + o″,
 * e″ − o″, y_{m−1}], e and o the sums of the even and odd terms y_i p^i at p = 1, 2, 1/2.
 */
@inline function a8(
  m: i32, y0: v128, y1: v128, y2: v128, y3: v128, y4: v128, y5: v128, dst: usize, step: usize,
): void {
  let e1 = f32x4.add(y0, y2), o1 = f32x4.add(y1, y3);
  let e2 = f32x4.add(y0, f32x4.mul(f32x4.splat(4), y2));
  let o2 = f32x4.add(f32x4.mul(f32x4.splat(2), y1), f32x4.mul(f32x4.splat(8), y3));
  let e3 = f32x4.add(y0, f32x4.mul(f32x4.splat(0.25), y2));
  let o3 = f32x4.add(f32x4.mul(f32x4.splat(0.5), y1), f32x4.mul(f32x4.splat(0.125), y3));
  if (m === 6) {
    e1 = f32x4.add(e1, y4); o1 = f32x4.add(o1, y5);
    e2 = f32x4.add(e2, f32x4.mul(f32x4.splat(16), y4));
    o2 = f32x4.add(o2, f32x4.mul(f32x4.splat(32), y5));
    e3 = f32x4.add(e3, f32x4.mul(f32x4.splat(0.0625), y4));
    o3 = f32x4.add(o3, f32x4.mul(f32x4.splat(0.03125), y5));
  }
  v128.store(dst, y0);
  v128.store(dst + step, f32x4.add(e1, o1));
  v128.store(dst + 2 * step, f32x4.sub(e1, o1));
  v128.store(dst + 3 * step, f32x4.add(e2, o2));
  v128.store(dst + 4 * step, f32x4.sub(e2, o2));
  v128.store(dst + 5 * step, f32x4.add(e3, o3));
  v128.store(dst + 6 * step, f32x4.sub(e3, o3));
  v128.store(dst + 7 * step, m === 6 ? y5 : y3);
}

/**
 * Row k of Gᵀ·u (r × 8, r = 5 or 3) for eight vectors u0 … u7 (a column or a row of an 8×8
 * tile): s_j·p^k summed over each pair of points ±p, (u1 ± u2), (u3 ± u4), (u5 ± u6) — the sum
 * for even k, the difference for odd — with u0 in row 0 and u7 in row r − 1.
 */
@inline function gt8(
  r: i32, k: i32, u0: v128, u1: v128, u2: v128, u3: v128, u4: v128, u5: v128, u6: v128, u7: v128,
): v128 {
  const even = (k & 1) === 0;
  const q1 = even ? f32x4.add(u1, u2) : f32x4.sub(u1, u2);
  const q2 = even ? f32x4.add(u3, u4) : f32x4.sub(u3, u4);
  const q3 = even ? f32x4.add(u5, u6) : f32x4.sub(u5, u6);
  // s_k·p^k of the pairs: −2/9; 2^k/90; 32/45·2^−k.
  const c2 = <f32>(<f64>(1 << k) / 90.0), c3 = <f32>(32.0 / 45.0 / <f64>(1 << k));
  let v = f32x4.add(
    f32x4.add(f32x4.mul(f32x4.splat(NEG_TWO_NINTHS), q1), f32x4.mul(f32x4.splat(c2), q2)),
    f32x4.mul(f32x4.splat(c3), q3),
  );
  if (k === 0) v = f32x4.add(u0, v);
  if (k === r - 1) v = f32x4.add(v, u7);
  return v;
}


/**
 * B·x of eight vectors x0 … x7 (a row or a column of a tile's gradient), into dst, dst + step,
 * …: the transpose of bt8, over the pairs' sums σ = x1 + x2, x3 + x4, x5 + x6 and differences
 * δ: rows [x0, (δ12 + δ34/2 + 2δ56) − x7, (σ12 + σ34/4 + 4σ56) − 21/4·x0,
 * (21/4·x7 − 17/4·δ12) − 5/2·(δ34 + δ56), (21/4·x0 − 17/4·σ12) − (5/4·σ34 + 5σ56),
 * (δ12 + 2δ34 + δ56/2) − 21/4·x7, (σ12 + σ34 + σ56) − x0, x7].
 */
@inline function b8(
  x0: v128, x1: v128, x2: v128, x3: v128, x4: v128, x5: v128, x6: v128, x7: v128, dst: usize,
  step: usize,
): void {
  const c21 = f32x4.splat(5.25), c17 = f32x4.splat(4.25), two = f32x4.splat(2);
  const half = f32x4.splat(0.5);
  const s12 = f32x4.add(x1, x2), s34 = f32x4.add(x3, x4), s56 = f32x4.add(x5, x6);
  const d12 = f32x4.sub(x1, x2), d34 = f32x4.sub(x3, x4), d56 = f32x4.sub(x5, x6);
  v128.store(dst, x0);
  v128.store(dst + step, f32x4.sub(f32x4.add(f32x4.add(d12, f32x4.mul(half, d34)), f32x4.mul(two, d56)), x7));
  v128.store(
    dst + 2 * step,
    f32x4.sub(
      f32x4.add(f32x4.add(s12, f32x4.mul(f32x4.splat(0.25), s34)), f32x4.mul(f32x4.splat(4), s56)),
      f32x4.mul(c21, x0),
    ),
  );
  v128.store(
    dst + 3 * step,
    f32x4.sub(
      f32x4.sub(f32x4.mul(c21, x7), f32x4.mul(c17, d12)),
      f32x4.mul(f32x4.splat(2.5), f32x4.add(d34, d56)),
    ),
  );
  v128.store(
    dst + 4 * step,
    f32x4.sub(
      f32x4.sub(f32x4.mul(c21, x0), f32x4.mul(c17, s12)),
      f32x4.add(f32x4.mul(f32x4.splat(1.25), s34), f32x4.mul(f32x4.splat(5), s56)),
    ),
  );
  v128.store(dst + 5 * step, f32x4.sub(f32x4.add(f32x4.add(d12, f32x4.mul(two, d34)), f32x4.mul(half, d56)), f32x4.mul(c21, x7)));
  v128.store(dst + 6 * step, f32x4.sub(f32x4.add(f32x4.add(s12, s34), s56), x0));
  v128.store(dst + 7 * step, x7);
}

// The passes the 6×6 and 8×8 algorithms share (α = 6: F(4×4, 3×3), F(2×2, 5×5); α = 8:
// F(6×6, 3×3), F(4×4, 5×5)), written once over α: each walks the tiles and channels the same way
// and hands a block's row or column of α vectors to its algorithm's one-dimensional transform
// (bt6 or bt8, b6 or b8, G's and Gᵀ's), through the thread's scratch `tmp` (16·α² bytes), rows
// α·16 bytes apart.

/** Bᵀ·d of α vectors (6 or 8) from src, src + step, …, into dst, dst + dstep, …. */
@inline function btOf(alpha: i32, src: usize, step: usize, dst: usize, dstep: usize): void {
  if (alpha === 8) {
    bt8(
      v128.load(src), v128.load(src + step), v128.load(src + 2 * step), v128.load(src + 3 * step),
      v128.load(src + 4 * step), v128.load(src + 5 * step), v128.load(src + 6 * step),
      v128.load(src + 7 * step), dst, dstep,
    );
  } else {
    bt6(
      v128.load(src), v128.load(src + step), v128.load(src + 2 * step), v128.load(src + 3 * step),
      v128.load(src + 4 * step), v128.load(src + 5 * step), dst, dstep,
    );
  }
}

/** Bᵀ·d of α vectors: column x of a block from row y0 of an image, 0 outside it. */
@inline function btOfPixels(
  alpha: i32, image: usize, H: i32, W: i32, pixel: usize, o: usize, y0: i32, x: i32, dst: usize,
  dstep: usize,
): void {
  const d0 = pixelAt(image, H, W, pixel, o, y0, x), d1 = pixelAt(image, H, W, pixel, o, y0 + 1, x);
  const d2 = pixelAt(image, H, W, pixel, o, y0 + 2, x), d3 = pixelAt(image, H, W, pixel, o, y0 + 3, x);
  const d4 = pixelAt(image, H, W, pixel, o, y0 + 4, x), d5 = pixelAt(image, H, W, pixel, o, y0 + 5, x);
  if (alpha === 8) {
    const d6 = pixelAt(image, H, W, pixel, o, y0 + 6, x), d7 = pixelAt(image, H, W, pixel, o, y0 + 7, x);
    bt8(d0, d1, d2, d3, d4, d5, d6, d7, dst, dstep);
  } else {
    bt6(d0, d1, d2, d3, d4, d5, dst, dstep);
  }
}

/** B·x of α vectors (6 or 8) from src, src + step, …, into dst, dst + dstep, … (dst may be src). */
@inline function bOf(alpha: i32, src: usize, step: usize, dst: usize, dstep: usize): void {
  if (alpha === 8) {
    b8(
      v128.load(src), v128.load(src + step), v128.load(src + 2 * step), v128.load(src + 3 * step),
      v128.load(src + 4 * step), v128.load(src + 5 * step), v128.load(src + 6 * step),
      v128.load(src + 7 * step), dst, dstep,
    );
  } else {
    b6(
      v128.load(src), v128.load(src + step), v128.load(src + 2 * step), v128.load(src + 3 * step),
      v128.load(src + 4 * step), v128.load(src + 5 * step), dst, dstep,
    );
  }
}

/**
 * G·a of a column or row (a0 … a_{r−1}) of four r×r kernels, its α rows into dst, dst + step, …:
 * α = 8, g8; α = 6, g6 (r = 5) or g6of3 (r = 3). a3, a4 unread for r = 3.
 */
@inline function gOf(
  alpha: i32, r: i32, a0: v128, a1: v128, a2: v128, a3: v128, a4: v128, dst: usize, step: usize,
): void {
  if (alpha === 8) g8(r, a0, a1, a2, a3, a4, dst, step);
  else if (r === 3) g6of3(a0, a1, a2, dst, step);
  else g6(a0, a1, a2, a3, a4, dst, step);
}

/**
 * U[ξ] = G g Gᵀ (α × α) for every r×r kernel g of WT (r·r·C × N, row (u·r + v)·C + c) — α = 6:
 * F(2×2, 5×5) (r = 5), F(4×4, 3×3) (r = 3); α = 8: F(4×4, 5×5), F(6×6, 3×3) — into panels for
 * gemmPacked as winogradWeights packs them: α² matrices of C × N, or, `transpose`d, N × C (for the
 * input gradient, the forward pass's adjoint), four columns at a time.
 */
export function winogradWeightsOf(
  alpha: i32, WT: usize, r: i32, C: i32, N: i32, transpose: bool, P: usize, tmp: usize,
): void {
  if (alpha === 8) winogradWeightsOfPass(8, WT, r, C, N, transpose, P, tmp);
  else winogradWeightsOfPass(6, WT, r, C, N, transpose, P, tmp);
}

/** winogradWeightsOf's body, inlined twice so that each α's copy has its branches folded. */
@inline function winogradWeightsOfPass(
  alpha: i32, WT: usize, r: i32, C: i32, N: i32, transpose: bool, P: usize, tmp: usize,
): void {
  const rows = transpose ? N : C, cols = transpose ? C : N, size = planeBytes(rows * cols);
  const line = <usize>alpha << 4, zero = f32x4.splat(0);
  for (let q0 = 0; q0 < rows; q0++) {
    for (let q = 0; q < cols; q += 4) {
      const c = transpose ? q : q0, n = transpose ? q0 : q;
      const at = P + (<usize>((q >> 3) * rows * 8 + q0 * 8 + (q & 7)) << 2);
      // t = G·g (α × r), a column of g at a time, into tmp[i][v] (row i α·16 bytes).
      for (let v = 0; v < r; v++) {
        const a0 = kernelsAt(WT, r, C, N, c, n, transpose, 0, v);
        const a1 = kernelsAt(WT, r, C, N, c, n, transpose, 1, v);
        const a2 = kernelsAt(WT, r, C, N, c, n, transpose, 2, v);
        const a3 = r === 5 ? kernelsAt(WT, r, C, N, c, n, transpose, 3, v) : zero;
        const a4 = r === 5 ? kernelsAt(WT, r, C, N, c, n, transpose, 4, v) : zero;
        gOf(alpha, r, a0, a1, a2, a3, a4, tmp + (<usize>v << 4), line);
      }
      // U = t·Gᵀ (α × α), a row of t at a time, into U's places α·i + j.
      for (let i = 0; i < alpha; i++) {
        const row = tmp + <usize>i * line, dst = at + <usize>(alpha * i) * size;
        const t3 = r === 5 ? v128.load(row + 48) : zero, t4 = r === 5 ? v128.load(row + 64) : zero;
        gOf(alpha, r, v128.load(row), v128.load(row + 16), v128.load(row + 32), t3, t4, dst, size);
      }
    }
  }
}

/**
 * V[ξ] = Bᵀ d B for the α×α block d under every m×m tile of an Ho×Wo output (Ho and Wo multiples
 * of m; α = 6: m = 2 for F(2×2, 5×5), 4 for F(4×4, 3×3); α = 8: m = 4 for F(4×4, 5×5), 6 for
 * F(6×6, 3×3)), of `images` channels-last maps H×W×C (C a multiple of 4) padded by p zeros: tile
 * t = (j·Ho/m + ty)·Wo/m + tx, its block from (m·ty − p, m·tx − p); V at ((ξ·T + t)·C + c).
 */
export function winogradInputOf(
  alpha: i32, X: usize, H: i32, W: i32, C: i32, p: i32, images: i32, Ho: i32, Wo: i32, m: i32,
  V: usize, tmp: usize,
): void {
  if (alpha === 8) winogradInputOfPass(8, X, H, W, C, p, images, Ho, Wo, m, V, tmp);
  else winogradInputOfPass(6, X, H, W, C, p, images, Ho, Wo, m, V, tmp);
}

/** winogradInputOf's body, inlined twice so that each α's copy has its branches folded. */
@inline function winogradInputOfPass(
  alpha: i32, X: usize, H: i32, W: i32, C: i32, p: i32, images: i32, Ho: i32, Wo: i32, m: i32,
  V: usize, tmp: usize,
): void {
  const Th = Ho / m, Tw = Wo / m, T = images * Th * Tw, line = <usize>alpha << 4;
  const plane = planeBytes(T * C), pixel = <usize>C << 2, row = <usize>W * pixel;
  let t = 0;
  for (let j = 0; j < images; j++) {
    const image = X + (<usize>(j * H * W * C) << 2);
    for (let ty = 0; ty < Th; ty++) {
      const y0 = m * ty - p;
      for (let tx = 0; tx < Tw; tx++) {
        const x0 = m * tx - p;
        const inside = y0 >= 0 && x0 >= 0 && y0 + alpha <= H && x0 + alpha <= W;
        const origin = image + (<usize>((y0 * W + x0) * C) << 2); // used only when inside
        const out = V + (<usize>(t * C) << 2);
        for (let c = 0; c < C; c += 4) {
          const o = <usize>c << 2;
          // Bᵀ·d, a column of the block at a time, into tmp[i][b] (row i α·16 bytes).
          for (let b = 0; b < alpha; b++) {
            const dst = tmp + (<usize>b << 4);
            if (inside) btOf(alpha, origin + o + <usize>b * pixel, row, dst, line);
            else btOfPixels(alpha, image, H, W, pixel, o, y0, x0 + b, dst, line);
          }
          // (Bᵀ·d)·B, a row at a time, into V's places α·i + j.
          const at = out + o;
          for (let i = 0; i < alpha; i++) {
            btOf(alpha, tmp + <usize>i * line, 16, at + <usize>(alpha * i) * plane, plane);
          }
        }
        t++;
      }
    }
  }
}

/** Row k of Gᵀ·u for α vectors u0 … u7 (u6, u7 unread for α = 6): gt8's or gt's. */
@inline function gtOf(
  alpha: i32, r: i32, k: i32, u0: v128, u1: v128, u2: v128, u3: v128, u4: v128, u5: v128, u6: v128,
  u7: v128,
): v128 {
  return alpha === 8 ? gt8(r, k, u0, u1, u2, u3, u4, u5, u6, u7) : gt(r, k, u0, u1, u2, u3, u4, u5);
}

/**
 * dWT (r·r·C × N, row (u·r + v)·C + c) = Gᵀ dU G for every channel pair (c, n) of dU's α²
 * matrices C × N (winogradGradientProducts'): the gradient of winogradWeightsOf's U = G g Gᵀ. dU
 * is overwritten.
 */
export function winogradWeightsGradientOf(
  alpha: i32, dU: usize, r: i32, C: i32, N: i32, WT: usize,
): void {
  if (alpha === 8) winogradWeightsGradientOfPass(8, dU, r, C, N, WT);
  else winogradWeightsGradientOfPass(6, dU, r, C, N, WT);
}

/** winogradWeightsGradientOf's body, inlined twice so that each α's copy has its branches folded. */
@inline function winogradWeightsGradientOfPass(
  alpha: i32, dU: usize, r: i32, C: i32, N: i32, WT: usize,
): void {
  const size = planeBytes(C * N), kernel = <usize>(C * N) << 2; // a matrix; WT's (u, v) to the next
  const zero = f32x4.splat(0), column = <usize>alpha * size;
  for (let c = 0; c < C; c++) {
    for (let n = 0; n < N; n += 4) {
      const at = dU + (<usize>(c * N + n) << 2);
      // t = Gᵀ·u (r × α), a column of u at a time, in place (rows 0 … r − 1).
      for (let j = 0; j < alpha; j++) {
        const col = at + <usize>j * size;
        const u0 = v128.load(col), u1 = v128.load(col + column), u2 = v128.load(col + 2 * column);
        const u3 = v128.load(col + 3 * column), u4 = v128.load(col + 4 * column);
        const u5 = v128.load(col + 5 * column);
        const u6 = alpha === 8 ? v128.load(col + 6 * column) : zero;
        const u7 = alpha === 8 ? v128.load(col + 7 * column) : zero;
        for (let k = 0; k < r; k++) {
          v128.store(col + <usize>k * column, gtOf(alpha, r, k, u0, u1, u2, u3, u4, u5, u6, u7));
        }
      }
      // dg = t·G (r × r), a row of t at a time, into WT.
      const out = WT + (<usize>(c * N + n) << 2);
      for (let k = 0; k < r; k++) {
        const row = at + <usize>k * column;
        const t0 = v128.load(row), t1 = v128.load(row + size), t2 = v128.load(row + 2 * size);
        const t3 = v128.load(row + 3 * size), t4 = v128.load(row + 4 * size);
        const t5 = v128.load(row + 5 * size);
        const t6 = alpha === 8 ? v128.load(row + 6 * size) : zero;
        const t7 = alpha === 8 ? v128.load(row + 7 * size) : zero;
        for (let l = 0; l < r; l++) {
          v128.store(
            out + <usize>(k * r + l) * kernel,
            gtOf(alpha, r, l, t0, t1, t2, t3, t4, t5, t6, t7),
          );
        }
      }
    }
  }
}

/**
 * dX = the gradient of winogradInputOf's V = Bᵀ d B (tiles m×m of an Ho×Wo output), from dV (α²
 * matrices T × C, as winogradMultiply writes them): each tile's dd = B dV Bᵀ added into the α×α
 * block of `images` channels-last maps H×W×C (padded by p) it was read from — blocks overlap, so
 * each pixel sums up to ⌈α/m⌉² tiles' values (nine for F(2×2, 5×5), four for the others), in tile
 * order; what falls in the padding is dropped. dX is zeroed first.
 */
export function winogradInputGradientOf(
  alpha: i32, dV: usize, C: i32, H: i32, W: i32, p: i32, images: i32, Ho: i32, Wo: i32, m: i32,
  dX: usize, tmp: usize,
): void {
  if (alpha === 8) winogradInputGradientOfPass(8, dV, C, H, W, p, images, Ho, Wo, m, dX, tmp);
  else winogradInputGradientOfPass(6, dV, C, H, W, p, images, Ho, Wo, m, dX, tmp);
}

/** winogradInputGradientOf's body, inlined twice so that each α's copy has its branches folded. */
@inline function winogradInputGradientOfPass(
  alpha: i32, dV: usize, C: i32, H: i32, W: i32, p: i32, images: i32, Ho: i32, Wo: i32, m: i32,
  dX: usize, tmp: usize,
): void {
  const Th = Ho / m, Tw = Wo / m, T = images * Th * Tw, line = <usize>alpha << 4;
  const plane = planeBytes(T * C), pixel = <usize>C << 2;
  memory.fill(dX, 0, <usize>(images * H * W * C) << 2);
  let t = 0;
  for (let j = 0; j < images; j++) {
    const image = dX + (<usize>(j * H * W * C) << 2);
    for (let ty = 0; ty < Th; ty++) {
      const y0 = m * ty - p;
      for (let tx = 0; tx < Tw; tx++) {
        const x0 = m * tx - p, from = dV + (<usize>(t * C) << 2);
        for (let c = 0; c < C; c += 4) {
          const o = <usize>c << 2, at = from + o;
          // B·dV, a column of the tile at a time, into tmp[k][b] (row k α·16 bytes).
          for (let b = 0; b < alpha; b++) {
            bOf(alpha, at + <usize>b * plane, <usize>alpha * plane, tmp + (<usize>b << 4), line);
          }
          // (B·dV)·Bᵀ, a row at a time, in place in tmp; then each value onto its pixel.
          for (let k = 0; k < alpha; k++) {
            const row = tmp + <usize>k * line;
            bOf(alpha, row, 16, row, 16);
            const y = y0 + k;
            if (y < 0 || y >= H) continue;
            for (let l = 0; l < alpha; l++) {
              const x = x0 + l;
              if (x < 0 || x >= W) continue;
              const to = image + <usize>(y * W + x) * pixel + o;
              v128.store(to, f32x4.add(v128.load(to), v128.load(row + (<usize>l << 4))));
            }
          }
        }
        t++;
      }
    }
  }
}

/**
 * Aᵀ·m of α vectors from src, src + step, … (a column or a row of an α×α tile), its m rows into
 * dst, dst + dstep, …: α = 6, m = 4 (F(4×4, 3×3)), at4; α = 8, m = 4 or 6, at8.
 */
@inline function atOf(alpha: i32, m: i32, src: usize, step: usize, dst: usize, dstep: usize): void {
  const m0 = v128.load(src), m1 = v128.load(src + step), m2 = v128.load(src + 2 * step);
  const m3 = v128.load(src + 3 * step), m4 = v128.load(src + 4 * step);
  const m5 = v128.load(src + 5 * step);
  if (alpha === 8) {
    at8(m, m0, m1, m2, m3, m4, m5, v128.load(src + 6 * step), v128.load(src + 7 * step), dst, dstep);
  } else {
    at4(m0, m1, m2, m3, m4, m5, dst, dstep);
  }
}

/**
 * A·y of m vectors from src, src + step, … (a column or a row of an m×m gradient tile), its α
 * rows into dst, dst + dstep, …: α = 6, m = 4, a6of4; α = 8, a8.
 */
@inline function aOf(alpha: i32, m: i32, src: usize, step: usize, dst: usize, dstep: usize): void {
  const y0 = v128.load(src), y1 = v128.load(src + step), y2 = v128.load(src + 2 * step);
  const y3 = v128.load(src + 3 * step);
  if (alpha === 6) {
    a6of4(y0, y1, y2, y3, dst, dstep);
    return;
  }
  const zero = f32x4.splat(0);
  const y4 = m === 6 ? v128.load(src + 4 * step) : zero;
  const y5 = m === 6 ? v128.load(src + 5 * step) : zero;
  a8(m, y0, y1, y2, y3, y4, y5, dst, dstep);
}

/**
 * Y = Aᵀ m A (+ bias, then ReLU when `relu`) for every α×α tile m of M (winogradMultiply's, α²
 * matrices), into `images` channels-last maps Ho×Wo×N (multiples of m; tile t's m×m outputs from
 * (m·ty, m·tx)); bias 0 for none. α = 6: m = 4, F(4×4, 3×3); α = 8: m = 4 or 6.
 */
export function winogradOutputOf(
  alpha: i32, M: usize, N: i32, Ho: i32, Wo: i32, images: i32, m: i32, bias: usize, relu: bool,
  Y: usize, tmp: usize,
): void {
  if (alpha === 8) winogradOutputOfPass(8, M, N, Ho, Wo, images, m, bias, relu, Y, tmp);
  else winogradOutputOfPass(6, M, N, Ho, Wo, images, m, bias, relu, Y, tmp);
}

/** winogradOutputOf's body, inlined twice so that each α's copy has its branches folded. */
@inline function winogradOutputOfPass(
  alpha: i32, M: usize, N: i32, Ho: i32, Wo: i32, images: i32, m: i32, bias: usize, relu: bool,
  Y: usize, tmp: usize,
): void {
  const Th = Ho / m, Tw = Wo / m, T = images * Th * Tw, line = <usize>alpha << 4;
  const plane = planeBytes(T * N), pixel = <usize>N << 2, row = <usize>Wo * pixel;
  const zero = f32x4.splat(0), y = tmp + <usize>m * line;
  let t = 0;
  for (let j = 0; j < images; j++) {
    for (let ty = 0; ty < Th; ty++) {
      for (let tx = 0; tx < Tw; tx++) {
        const from = M + (<usize>(t * N) << 2);
        const to = Y + (<usize>(((j * Ho + m * ty) * Wo + m * tx) * N) << 2);
        for (let n = 0; n < N; n += 4) {
          const o = <usize>n << 2, at = from + o;
          // s = Aᵀ·m (m × α), a column of m at a time, into tmp[k][b] (row k α·16 bytes).
          for (let b = 0; b < alpha; b++) {
            atOf(alpha, m, at + <usize>b * plane, <usize>alpha * plane, tmp + (<usize>b << 4), line);
          }
          // y = s·A (m × m), a row of s at a time; then bias, ReLU, and onto the output.
          const bv = bias ? v128.load(bias + o) : zero;
          for (let k = 0; k < m; k++) {
            atOf(alpha, m, tmp + <usize>k * line, 16, y, 16);
            const out = to + <usize>k * row + o;
            for (let l = 0; l < m; l++) {
              let v = f32x4.add(bv, v128.load(y + (<usize>l << 4)));
              if (relu) v = f32x4.pmax(zero, v);
              v128.store(out + <usize>l * pixel, v);
            }
          }
        }
        t++;
      }
    }
  }
}

/**
 * dM = A dy Aᵀ for every m×m tile dy of `images` channels-last maps Ho×Wo×N (multiples of m):
 * the gradient of winogradOutputOf's Y = Aᵀ m A for each α×α tile m, into α² matrices T × N.
 */
export function winogradOutputGradientOf(
  alpha: i32, dY: usize, N: i32, Ho: i32, Wo: i32, images: i32, m: i32, dM: usize, tmp: usize,
): void {
  if (alpha === 8) winogradOutputGradientOfPass(8, dY, N, Ho, Wo, images, m, dM, tmp);
  else winogradOutputGradientOfPass(6, dY, N, Ho, Wo, images, m, dM, tmp);
}

/** winogradOutputGradientOf's body, inlined twice so that each α's copy has its branches folded. */
@inline function winogradOutputGradientOfPass(
  alpha: i32, dY: usize, N: i32, Ho: i32, Wo: i32, images: i32, m: i32, dM: usize, tmp: usize,
): void {
  const Th = Ho / m, Tw = Wo / m, T = images * Th * Tw, line = <usize>alpha << 4;
  const plane = planeBytes(T * N), pixel = <usize>N << 2, row = <usize>Wo * pixel;
  let t = 0;
  for (let j = 0; j < images; j++) {
    for (let ty = 0; ty < Th; ty++) {
      for (let tx = 0; tx < Tw; tx++) {
        const from = dY + (<usize>(((j * Ho + m * ty) * Wo + m * tx) * N) << 2);
        const to = dM + (<usize>(t * N) << 2);
        for (let n = 0; n < N; n += 4) {
          const o = <usize>n << 2, d = from + o, at = to + o;
          // s = A·dy (α × m), a column of dy at a time, into tmp[i][b] (row i α·16 bytes).
          for (let b = 0; b < m; b++) {
            aOf(alpha, m, d + <usize>b * pixel, row, tmp + (<usize>b << 4), line);
          }
          // dm = s·Aᵀ (α × α), a row of s at a time, into dM's places α·i + j.
          for (let i = 0; i < alpha; i++) {
            aOf(alpha, m, tmp + <usize>i * line, 16, at + <usize>(alpha * i) * plane, plane);
          }
        }
        t++;
      }
    }
  }
}
