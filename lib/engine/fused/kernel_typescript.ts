/**
 * The fused training kernel: forward and backward propagation for one sample at a time, over
 * flat arrays, visiting only the nonzero pixels. It computes exactly what `forwardProp` and
 * `backProp` in `network.ts` compute — summed over the samples of a range instead of written
 * as whole matrices — and `tests/engine/engine_test.ts` proves the two equal.
 *
 * Why per sample: the textbook version builds 10×m matrices for every Z, A and dZ and reads X
 * (784×m) twice per iteration; here a sample's activations live in a few 10-element arrays and
 * each nonzero pixel is read once forward and once backward.
 *
 * Packed layout (`layoutOf`): all weights and biases in one `Float64Array`. The first layer's
 * weights are stored transposed, `W1ᵀ` (784×10), so the 10 weights a pixel feeds sit side by
 * side; every other `W` is row-major as in `Params`.
 *
 * @module
 */

import { matrix } from "../../nn/matrix.ts";
import type { Params } from "../../nn/params.ts";
import { type Csr, SCALED } from "../shared/sparse.ts";

/** Where each layer's weights and biases sit in a packed array. */
export interface Layout {
  /** Layer sizes, input first. */
  sizes: number[];
  /** Offset of `W[l]` (`W[0]` stored transposed). */
  w: number[];
  /** Offset of `b[l]`. */
  b: number[];
  /** Total length. */
  length: number;
}

/** The packed layout for layer sizes `sizes`. */
export function layoutOf(sizes: readonly number[]): Layout {
  const w: number[] = [], b: number[] = [];
  let offset = 0;
  for (let l = 0; l + 1 < sizes.length; l++) {
    w.push(offset);
    offset += sizes[l] * sizes[l + 1];
    b.push(offset);
    offset += sizes[l + 1];
  }
  return { sizes: [...sizes], w, b, length: offset };
}

/** Copy `params` into the packed array `out` (transposing `W[0]`). */
export function pack(params: Params, layout: Layout, out: Float64Array): Float64Array {
  const [n0, n1] = layout.sizes;
  const W1 = params.W[0].data;
  for (let h = 0; h < n1; h++) {
    for (let k = 0; k < n0; k++) out[layout.w[0] + k * n1 + h] = W1[h * n0 + k];
  }
  for (let l = 0; l < params.W.length; l++) {
    if (l > 0) out.set(params.W[l].data, layout.w[l]);
    out.set(params.b[l].data, layout.b[l]);
  }
  return out;
}

/** The parameters held in a packed array (a copy). */
export function unpack(packed: Float64Array, layout: Layout): Params {
  const { sizes } = layout;
  const W = [], b = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const M = matrix(sizes[l + 1], sizes[l]);
    if (l === 0) {
      for (let h = 0; h < sizes[1]; h++) {
        for (let k = 0; k < sizes[0]; k++) {
          M.data[h * sizes[0] + k] = packed[layout.w[0] + k * sizes[1] + h];
        }
      }
    } else {
      M.data.set(packed.subarray(layout.w[l], layout.w[l] + M.data.length));
    }
    W.push(M);
    b.push(matrix(sizes[l + 1], 1, packed.slice(layout.b[l], layout.b[l] + sizes[l + 1])));
  }
  return { sizes: [...sizes], W, b };
}

/** Per-sample work arrays: `z[l]`, `a[l]`, `dz[l]` for each layer. */
export interface Scratch {
  /** `z[l]`, the pre-activations of layer l for one sample. */
  z: Float64Array[];
  /** `a[l]`, its activations. */
  a: Float64Array[];
  /** `dz[l]`, the gradient of the loss with respect to `z[l]`. */
  dz: Float64Array[];
  /** `log Σᵢ exp(z[L]ᵢ)` of the last forward pass. */
  logNorm: number;
}

/** Work arrays for layer sizes `sizes`. */
export function createScratch(sizes: readonly number[]): Scratch {
  const make = () => sizes.slice(1).map((n) => new Float64Array(n));
  return { z: make(), a: make(), dz: make(), logNorm: 0 };
}

/**
 * Forward pass of sample j: fills `s.z` and `s.a`, returns the predicted class.
 *
 * ```text
 * z[1] = W[1]·x + b[1]    x has only the nonzero pixels of column j of X: (10×784)·(784) → 10
 * a[l] = ReLU(z[l]);  z[l+1] = W[l+1]·a[l] + b[l+1]              (10×10)·(10) → 10
 * a[L] = softmax(z[L])    with the maximum subtracted, as in `softmax`
 * ```
 */
export function forwardSample(
  P: Float64Array,
  layout: Layout,
  csr: Csr,
  j: number,
  s: Scratch,
): number {
  const { sizes, w, b } = layout;
  const L = sizes.length - 1;
  const n1 = sizes[1];
  const z0 = s.z[0];
  if (n1 === 10) firstLayer10(P, w[0], csr, j, z0); // writes all ten sums
  else {
    z0.fill(0);
    const { rowPtr, entry } = csr;
    for (let p = rowPtr[j], end = rowPtr[j + 1]; p < end; p++) {
      const e = entry[p], base = w[0] + (e & 0xffff) * n1, x = SCALED[e >>> 16]; // row k of W1ᵀ
      for (let h = 0; h < n1; h++) z0[h] += P[base + h] * x;
    }
  }
  for (let h = 0; h < n1; h++) z0[h] += P[b[0] + h];
  for (let l = 0; l < L; l++) {
    const z = s.z[l], a = s.a[l], n = sizes[l + 1];
    if (l > 0 && sizes[l] === 10) layer10(P, w[l], b[l], s.a[l - 1], z, n);
    else if (l > 0) {
      const prev = s.a[l - 1], nIn = sizes[l], wl = w[l];
      for (let i = 0; i < n; i++) {
        let sum = 0;
        for (let h = 0; h < nIn; h++) sum += P[wl + i * nIn + h] * prev[h];
        z[i] = sum + P[b[l] + i];
      }
    }
    if (l < L - 1) {
      for (let i = 0; i < n; i++) a[i] = z[i] > 0 ? z[i] : 0;
    } else {
      let max = -Infinity;
      for (let i = 0; i < n; i++) if (z[i] > max) max = z[i];
      let sum = 0;
      for (let i = 0; i < n; i++) sum += a[i] = Math.exp(z[i] - max);
      for (let i = 0; i < n; i++) a[i] /= sum;
      s.logNorm = max + Math.log(sum); // log Σ exp(z), so that −log a[y] = logNorm − z[y]
    }
  }
  const out = s.a[L - 1];
  let best = 0;
  for (let i = 1; i < out.length; i++) if (out[i] > out[best]) best = i;
  return best;
}

/**
 * Forward and backward passes over samples `from … to−1`, adding their gradient sums (not yet
 * divided by m) into the packed array `G`, and their right answers and loss into `stats`
 * (`stats[0] += correct`, `stats[1] += Σ −log a[L][y]`).
 *
 * ```text
 * dz[L] = a[L] − onehot(y)                                  10
 * dW[l] += dz[l]·a[l−1]ᵀ;  db[l] += dz[l]                   (10)·(10)ᵀ → 10×10
 * dz[l−1] = W[l]ᵀ·dz[l] ⊙ ReLU′(z[l−1])                     (10×10)ᵀ·(10) → 10
 * dW[1]ᵀ[k] += x[k]·dz[1] for each nonzero pixel k;  db[1] += dz[1]
 * ```
 */
export function accumulateGradients(
  P: Float64Array,
  G: Float64Array,
  layout: Layout,
  csr: Csr,
  labels: Uint8Array,
  from: number,
  to: number,
  s: Scratch,
  stats: Float64Array,
): void {
  const { sizes, w, b } = layout;
  const L = sizes.length - 1;
  const n1 = sizes[1];
  const { rowPtr, entry } = csr;
  let correct = 0, loss = 0;
  for (let j = from; j < to; j++) {
    const predicted = forwardSample(P, layout, csr, j, s);
    const y = labels[j];
    if (predicted === y) correct++;
    loss += s.logNorm - s.z[L - 1][y]; // −log a[L][y], finite even when a[L][y] underflows

    const aL = s.a[L - 1], dzL = s.dz[L - 1];
    for (let i = 0; i < aL.length; i++) dzL[i] = aL[i] - (i === y ? 1 : 0); // dz[L] = a[L] − y
    for (let l = L - 1; l >= 1; l--) {
      const dz = s.dz[l], prev = s.a[l - 1], zPrev = s.z[l - 1], dzPrev = s.dz[l - 1];
      const n = sizes[l + 1], nIn = sizes[l], wl = w[l];
      if (nIn === 10 && n === 10) {
        layerGradient10(P, G, wl, b[l], dz, prev, zPrev, dzPrev);
        continue;
      }
      for (let i = 0; i < n; i++) {
        const d = dz[i];
        G[b[l] + i] += d; // db[l] += dz[l]
        const row = wl + i * nIn;
        for (let h = 0; h < nIn; h++) G[row + h] += d * prev[h]; // dW[l] += dz[l]·a[l−1]ᵀ
      }
      for (let h = 0; h < nIn; h++) {
        if (zPrev[h] > 0) {
          let sum = 0;
          for (let i = 0; i < n; i++) sum += P[wl + i * nIn + h] * dz[i]; // (W[l]ᵀ·dz[l])[h]
          dzPrev[h] = sum;
        } else {
          dzPrev[h] = 0; // ReLU′(z) = 0
        }
      }
    }
    const dz0 = s.dz[0];
    for (let h = 0; h < n1; h++) G[b[0] + h] += dz0[h];
    if (n1 === 10) firstLayerGradient10(G, w[0], csr, j, dz0);
    else {
      for (let p = rowPtr[j], end = rowPtr[j + 1]; p < end; p++) {
        const e = entry[p], base = w[0] + (e & 0xffff) * n1, x = SCALED[e >>> 16];
        for (let h = 0; h < n1; h++) G[base + h] += dz0[h] * x; // dW[1]ᵀ[k] += x[k]·dz[1]
      }
    }
  }
  stats[0] += correct;
  stats[1] += loss;
}

/**
 * `z = W1·x` for a first layer of 10 units (the seed's), in two passes over the pixels of five
 * units each, the five sums held in locals (ten, with their products, do not fit in the CPU's
 * registers: that was 8% slower): the same additions in the same order as the general loop,
 * 2–3× faster. (`(q + 1) | 0` is just `q + 1`, which is far below 2³¹; the `| 0` lets V8 drop
 * an overflow check per access, 10% of the whole kernel.)
 */
function firstLayer10(P: Float64Array, w0: number, csr: Csr, j: number, z: Float64Array): void {
  const { rowPtr, entry } = csr;
  const from = rowPtr[j], end = rowPtr[j + 1];
  for (let half = 0; half < 10; half += 5) {
    let z0 = 0, z1 = 0, z2 = 0, z3 = 0, z4 = 0;
    const w = (w0 + half) | 0;
    for (let p = from; p < end; p++) {
      const e = entry[p], q = (w + (e & 0xffff) * 10) | 0, x = SCALED[e >>> 16];
      z0 += P[q] * x;
      z1 += P[(q + 1) | 0] * x;
      z2 += P[(q + 2) | 0] * x;
      z3 += P[(q + 3) | 0] * x;
      z4 += P[(q + 4) | 0] * x;
    }
    z[half] = z0, z[half + 1] = z1, z[half + 2] = z2, z[half + 3] = z3, z[half + 4] = z4;
  }
}

/** `dW1ᵀ[k] += x[k]·dz` over the nonzero pixels, for a first layer of 10 units. */
function firstLayerGradient10(
  G: Float64Array,
  w0: number,
  csr: Csr,
  j: number,
  dz: Float64Array,
): void {
  const { rowPtr, entry } = csr;
  const d0 = dz[0], d1 = dz[1], d2 = dz[2], d3 = dz[3], d4 = dz[4];
  const d5 = dz[5], d6 = dz[6], d7 = dz[7], d8 = dz[8], d9 = dz[9];
  for (let p = rowPtr[j], end = rowPtr[j + 1]; p < end; p++) {
    const e = entry[p], q = (w0 + (e & 0xffff) * 10) | 0, x = SCALED[e >>> 16];
    G[q] += d0 * x;
    G[(q + 1) | 0] += d1 * x;
    G[(q + 2) | 0] += d2 * x;
    G[(q + 3) | 0] += d3 * x;
    G[(q + 4) | 0] += d4 * x;
    G[(q + 5) | 0] += d5 * x;
    G[(q + 6) | 0] += d6 * x;
    G[(q + 7) | 0] += d7 * x;
    G[(q + 8) | 0] += d8 * x;
    G[(q + 9) | 0] += d9 * x;
  }
}

/** `z = W·a + b` for a layer of 10 inputs: the inputs in locals, the same sums in the same order. */
function layer10(
  P: Float64Array,
  wl: number,
  bl: number,
  a: Float64Array,
  z: Float64Array,
  n: number,
): void {
  const a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3], a4 = a[4];
  const a5 = a[5], a6 = a[6], a7 = a[7], a8 = a[8], a9 = a[9];
  for (let i = 0; i < n; i++) {
    const r = (wl + i * 10) | 0;
    let sum = 0;
    sum += P[r] * a0;
    sum += P[(r + 1) | 0] * a1;
    sum += P[(r + 2) | 0] * a2;
    sum += P[(r + 3) | 0] * a3;
    sum += P[(r + 4) | 0] * a4;
    sum += P[(r + 5) | 0] * a5;
    sum += P[(r + 6) | 0] * a6;
    sum += P[(r + 7) | 0] * a7;
    sum += P[(r + 8) | 0] * a8;
    sum += P[(r + 9) | 0] * a9;
    z[i] = sum + P[bl + i];
  }
}

/**
 * The backward step of a 10×10 layer with `dz` and `a` in locals, the same sums in the same
 * order as the general loop: `dW += dz·aᵀ`, `db += dz`, `dzPrev = Wᵀ·dz ⊙ ReLU′(zPrev)`.
 */
function layerGradient10(
  P: Float64Array,
  G: Float64Array,
  wl: number,
  bl: number,
  dz: Float64Array,
  a: Float64Array,
  zPrev: Float64Array,
  dzPrev: Float64Array,
): void {
  const a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3], a4 = a[4];
  const a5 = a[5], a6 = a[6], a7 = a[7], a8 = a[8], a9 = a[9];
  for (let i = 0; i < 10; i++) {
    const d = dz[i], r = (wl + i * 10) | 0;
    G[bl + i] += d;
    G[r] += d * a0;
    G[(r + 1) | 0] += d * a1;
    G[(r + 2) | 0] += d * a2;
    G[(r + 3) | 0] += d * a3;
    G[(r + 4) | 0] += d * a4;
    G[(r + 5) | 0] += d * a5;
    G[(r + 6) | 0] += d * a6;
    G[(r + 7) | 0] += d * a7;
    G[(r + 8) | 0] += d * a8;
    G[(r + 9) | 0] += d * a9;
  }
  const d0 = dz[0], d1 = dz[1], d2 = dz[2], d3 = dz[3], d4 = dz[4];
  const d5 = dz[5], d6 = dz[6], d7 = dz[7], d8 = dz[8], d9 = dz[9];
  for (let h = 0; h < 10; h++) {
    if (zPrev[h] > 0) {
      const c = (wl + h) | 0; // column h of W
      let sum = 0;
      sum += P[c] * d0;
      sum += P[(c + 10) | 0] * d1;
      sum += P[(c + 20) | 0] * d2;
      sum += P[(c + 30) | 0] * d3;
      sum += P[(c + 40) | 0] * d4;
      sum += P[(c + 50) | 0] * d5;
      sum += P[(c + 60) | 0] * d6;
      sum += P[(c + 70) | 0] * d7;
      sum += P[(c + 80) | 0] * d8;
      sum += P[(c + 90) | 0] * d9;
      dzPrev[h] = sum;
    } else {
      dzPrev[h] = 0; // ReLU′(z) = 0
    }
  }
}
