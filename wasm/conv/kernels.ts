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
  let dst = cols;
  for (let j = 0; j < images; j++) {
    const image = X + <usize>(j * H * W);
    for (let y = 0; y < Ho; y++) {
      for (let x = 0; x < Wo; x++) {
        let o = dst;
        for (let u = 0; u < k; u++) {
          const iy = s * y + u - p;
          for (let v = 0; v < k; v++) {
            const ix = s * x + v - p;
            const inside = iy >= 0 && iy < H && ix >= 0 && ix < W;
            store<f32>(o, inside ? <f32>load<u8>(image + <usize>(iy * W + ix)) * INV255 : 0);
            o += 4;
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

/**
 * Inverted dropout of `R` channels-last maps H×W×C (Cr real channels) from X into Y, and its
 * mask (0 or `scale`, float32) into mask: value (y, x, c) of row j is kept when
 *
 *   fmix32(i + fmix32(first + j + fmix32(layer + fmix32(seed)))) >>> 8  ≥  threshold,
 *   i = (c·H + y)·W + x  (its place in the readable layer's sample)
 *
 * — counterUniform(seed, layer, first + j, i) ≥ p of lib/data/random.ts with threshold
 * ⌈p·2²⁴⌉: the readable layer's mask, bit for bit, whichever thread runs the chunk.
 */
export function dropout(
  X: usize, Y: usize, mask: usize, R: i32, H: i32, W: i32, C: i32, Cr: i32,
  seed: u32, layer: u32, first: u32, threshold: u32, scale: f32,
): void {
  const layerKey = fmix32(layer + fmix32(seed)), HW = H * W;
  let o: usize = 0;
  for (let j = 0; j < R; j++) {
    const sampleKey = fmix32(first + <u32>j + layerKey);
    for (let q = 0; q < HW; q++) {
      for (let c = 0; c < C; c++) {
        let m: f32 = 0;
        if (c < Cr && fmix32(<u32>(c * HW + q) + sampleKey) >>> 8 >= threshold) m = scale;
        store<f32>(mask + o, m);
        store<f32>(Y + o, load<f32>(X + o) * m);
        o += 4;
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
// sums are float64, in position order, so that a chunk's are the same on every thread.

/** Lanes 0, 1 (or, `high`, lanes 2, 3) of v, as float64. */
@inline function promote(v: v128, high: bool): v128 {
  return f64x2.promote_low_f32x4(high ? v128.shuffle<f32>(v, v, 2, 3, 0, 1) : v);
}

/**
 * out[c] += Σ x and out[C + c] += Σ x² (float64, 2·C values) over `count` positions of X: a
 * chunk's share of a batch normalisation's mean μ and variance σ² = Σx²/N − μ².
 */
export function channelSums(X: usize, count: i32, C: i32, out: usize): void {
  const squares = out + (<usize>C << 3);
  for (let q = 0; q < count; q++) {
    const row = X + (<usize>(q * C) << 2);
    for (let c = 0; c < C; c += 4) {
      const v = v128.load(row + (<usize>c << 2));
      const lo = promote(v, false), hi = promote(v, true), o = <usize>c << 3;
      v128.store(out + o, f64x2.add(v128.load(out + o), lo));
      v128.store(out + o + 16, f64x2.add(v128.load(out + o + 16), hi));
      v128.store(squares + o, f64x2.add(v128.load(squares + o), f64x2.mul(lo, lo)));
      v128.store(squares + o + 16, f64x2.add(v128.load(squares + o + 16), f64x2.mul(hi, hi)));
    }
  }
}

/**
 * out[c] += Σ dy and out[C + c] += Σ dy·x (float64, 2·C values) over `count` positions of D and
 * X: a chunk's share of dβ = Σ dy and of dγ = Σ dy·x̂ = (Σ dy·x − μ·Σ dy)/√(σ² + ε).
 */
export function gradientSums(D: usize, X: usize, count: i32, C: i32, out: usize): void {
  const products = out + (<usize>C << 3);
  for (let q = 0; q < count; q++) {
    const at = <usize>(q * C) << 2;
    for (let c = 0; c < C; c += 4) {
      const d = v128.load(D + at + (<usize>c << 2)), x = v128.load(X + at + (<usize>c << 2));
      const dlo = promote(d, false), dhi = promote(d, true), o = <usize>c << 3;
      const xlo = promote(x, false), xhi = promote(x, true);
      v128.store(out + o, f64x2.add(v128.load(out + o), dlo));
      v128.store(out + o + 16, f64x2.add(v128.load(out + o + 16), dhi));
      v128.store(products + o, f64x2.add(v128.load(products + o), f64x2.mul(dlo, xlo)));
      v128.store(products + o + 16, f64x2.add(v128.load(products + o + 16), f64x2.mul(dhi, xhi)));
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
