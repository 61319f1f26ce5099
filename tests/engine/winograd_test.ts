/**
 * The Winograd F(2×2, 3×3), F(4×4, 3×3), F(6×6, 3×3), F(2×2, 5×5) and F(4×4, 5×5) kernels of the
 * convolution engine against the readable layer: the forward pass (bias, ReLU), the input gradient and the weight gradient, in
 * float32 against float64, each value within a tolerance derived from the rounding of the
 * transforms and the products.
 */

import assert from "node:assert/strict";
import { type Batch, convBackward, convForward, createRng } from "../all.ts";
import { convKernels, type Winograd } from "../../lib/engine/conv/kernels_wasm.ts";

const U = 2 ** -24;

/** A shared memory, its kernels, and a bump allocator of float32 regions. */
function workspace() {
  const memory = new WebAssembly.Memory({ initial: 256, maximum: 256, shared: true });
  const k = convKernels(memory);
  let end = 65536;
  const alloc = (floats: number) => {
    const at = end;
    end += Math.ceil((floats * 4) / 64) * 64;
    return at;
  };
  return { k, alloc, f32: (at: number, n: number) => new Float32Array(memory.buffer, at, n) };
}

/** NCHW → NHWC, float32. */
function toNhwc(data: ArrayLike<number>, m: number, [C, H, W]: number[]): Float32Array {
  const out = new Float32Array(m * C * H * W);
  for (let j = 0; j < m; j++) {
    for (let c = 0; c < C; c++) {
      for (let q = 0; q < H * W; q++) out[(j * H * W + q) * C + c] = data[(j * C + c) * H * W + q];
    }
  }
  return out;
}

/** The NCHW index of NHWC index i of a batch of shape [C, H, W]. */
function nchwIndex(i: number, [C, H, W]: number[]): number {
  const c = i % C, q = Math.floor(i / C) % (H * W), j = Math.floor(i / (C * H * W));
  return (j * C + c) * H * W + q;
}

/** A Winograd algorithm F(m×m, r×r): its transforms (Bᵀ α×α, G α×r, Aᵀ m×α; α = m + r − 1). */
interface Transforms {
  m: 2 | 4 | 6;
  r: 3 | 5;
  BT: number[][];
  G: number[][];
  AT: number[][];
}

const F3: Transforms = {
  m: 2,
  r: 3,
  BT: [[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]],
  G: [[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]],
  AT: [[1, 1, 1, 0], [0, 1, -1, -1]],
};

const BT6 = [
  [4, 0, -5, 0, 1, 0],
  [0, 4, 4, -1, -1, 0],
  [0, -4, 4, 1, -1, 0],
  [0, -2, -1, 2, 1, 0],
  [0, 2, -1, -2, 1, 0],
  [0, 4, 0, -5, 0, 1],
];

const F43: Transforms = {
  m: 4,
  r: 3,
  BT: BT6,
  G: [
    [1 / 4, 0, 0],
    [1 / 6, 1 / 6, 1 / 6],
    [1 / 6, -1 / 6, 1 / 6],
    [1 / 24, 1 / 12, 1 / 6],
    [1 / 24, -1 / 12, 1 / 6],
    [0, 0, 1],
  ],
  AT: [[1, 1, 1, 1, 1, 0], [0, 1, -1, 2, -2, 0], [0, 1, 1, 4, 4, 0], [0, 1, -1, 8, -8, 1]],
};

const F5: Transforms = {
  m: 2,
  r: 5,
  BT: BT6,
  G: [
    [1 / 4, 0, 0, 0, 0],
    [1 / 6, 1 / 6, 1 / 6, 1 / 6, 1 / 6],
    [1 / 6, -1 / 6, 1 / 6, -1 / 6, 1 / 6],
    [1 / 24, 1 / 12, 1 / 6, 1 / 3, 2 / 3],
    [1 / 24, -1 / 12, 1 / 6, -1 / 3, 2 / 3],
    [0, 0, 0, 0, 1],
  ],
  AT: [[1, 1, 1, 1, 1, 0], [0, 1, -1, 2, -2, 1]],
};

const BT8 = [
  [1, 0, -21 / 4, 0, 21 / 4, 0, -1, 0],
  [0, 1, 1, -17 / 4, -17 / 4, 1, 1, 0],
  [0, -1, 1, 17 / 4, -17 / 4, -1, 1, 0],
  [0, 1 / 2, 1 / 4, -5 / 2, -5 / 4, 2, 1, 0],
  [0, -1 / 2, 1 / 4, 5 / 2, -5 / 4, -2, 1, 0],
  [0, 2, 4, -5 / 2, -5, 1 / 2, 1, 0],
  [0, -2, 4, 5 / 2, -5, -1 / 2, 1, 0],
  [0, -1, 0, 21 / 4, 0, -21 / 4, 0, 1],
];

/**
 * The 8×8 algorithms' G (8 × r) and Aᵀ (m × 8), from their points p = 0, ±1, ±2, ±1/2 and ∞:
 * G's row k is s_k·(1, p_k, p_k², …) (s = 1, −2/9, −2/9, 1/90, 1/90, 32/45, 32/45; the last
 * row (0, …, 0, 1)), Aᵀ's row i is (p_k^i) (and 1 at ∞ in the last row) — written out from the
 * points, not copied from the kernels.
 */
function transforms8(m: 4 | 6, r: 3 | 5): Transforms {
  const points = [0, 1, -1, 2, -2, 1 / 2, -1 / 2],
    s = [1, -2 / 9, -2 / 9, 1 / 90, 1 / 90, 32 / 45, 32 / 45];
  const G = points.map((p, k) => Array.from({ length: r }, (_, j) => s[k] * p ** j));
  G.push(Array.from({ length: r }, (_, j) => (j === r - 1 ? 1 : 0)));
  const AT = Array.from(
    { length: m },
    (_, i) => [...points.map((p) => p ** i), i === m - 1 ? 1 : 0],
  );
  return { m, r, BT: BT8, G, AT };
}

const F45 = transforms8(4, 5), F63 = transforms8(6, 3);

const abs = (M: number[][]) => M.map((row) => row.map(Math.abs));
const transpose = (M: number[][]) => M[0].map((_, j) => M.map((row) => row[j]));

/**
 * The roundings of one pass of a one-dimensional transform, at most, in any of its rows: a sum
 * of n terms rounds n − 1 times, and a coefficient not a power of two twice more (its product,
 * and the constant's own float32 rounding).
 */
function passRoundings(M: number[][]): number {
  const power = (v: number) => Number.isInteger(Math.log2(Math.abs(v)));
  return Math.max(...M.map((row) => {
    const terms = row.filter((v) => v !== 0);
    return terms.length - 1 + (terms.every(power) ? 0 : 2);
  }));
}

/** |Bᵀ| |d| |B| of the α×α block `d(y, x)` (absolute values), place ξ = i·α + k. */
function blockMagnitude(t: Transforms, d: (y: number, x: number) => number): Float64Array {
  const a = t.m + t.r - 1, BT = abs(t.BT), out = new Float64Array(a * a);
  for (let i = 0; i < a; i++) {
    for (let k = 0; k < a; k++) {
      for (let y = 0; y < a; y++) {
        for (let x = 0; x < a; x++) out[i * a + k] += BT[i][y] * d(y, x) * BT[k][x];
      }
    }
  }
  return out;
}

/** |A| |dy| |Aᵀ| of the 2×2 gradient tile `dy(y, z)` (absolute values), place ξ = i·α + k. */
function gradientMagnitude(t: Transforms, dy: (y: number, z: number) => number): Float64Array {
  const a = t.m + t.r - 1, AT = abs(t.AT), out = new Float64Array(a * a);
  for (let i = 0; i < a; i++) {
    for (let k = 0; k < a; k++) {
      for (let y = 0; y < t.m; y++) {
        for (let z = 0; z < t.m; z++) out[i * a + k] += AT[y][i] * dy(y, z) * AT[z][k];
      }
    }
  }
  return out;
}

/** |G| |g| |Gᵀ| of the r×r kernel `g(u, v)` (absolute values), place ξ = i·α + k. */
function kernelMagnitude(t: Transforms, g: (u: number, v: number) => number): Float64Array {
  const { r } = t, a = t.m + r - 1, G = abs(t.G), out = new Float64Array(a * a);
  for (let i = 0; i < a; i++) {
    for (let k = 0; k < a; k++) {
      for (let u = 0; u < r; u++) {
        for (let v = 0; v < r; v++) out[i * a + k] += G[i][u] * g(u, v) * G[k][v];
      }
    }
  }
  return out;
}

/**
 * What every rounding of the Winograd computation is relative to: |Aᵀ| [Σ_c (|G| |g| |Gᵀ|) ⊙
 * (|Bᵀ| |d| |B|)] |A| + |b|, of |X| (m × C × H × W, padded by p) and |kernel(o, c, u, v)|, for
 * the O × Ho × Wo outputs. Each of the computed value's roundings — X and the kernels to
 * float32 (2), the kernel transform (two passes), the input transform (two), the product (1), the
 * sum over C channels (C), the output transform (two) and the bias (1) — is at most u of a
 * partial sum this bounds: the error is within {@link forwardRoundings} u of it.
 */
function magnitude(
  t: Transforms,
  X: Float64Array,
  m: number,
  [C, H, W]: number[],
  p: number,
  kernel: (o: number, c: number, u: number, v: number) => number,
  O: number,
  bias: Float64Array,
): Float64Array {
  const { m: s, r } = t, a = s + r - 1, aa = a * a, AT = abs(t.AT);
  const Ho = H + 2 * p - (r - 1), Wo = W + 2 * p - (r - 1), out = new Float64Array(m * O * Ho * Wo);
  const at = (j: number, c: number, y: number, x: number) =>
    y < 0 || y >= H || x < 0 || x >= W ? 0 : Math.abs(X[((j * C + c) * H + y) * W + x]);
  const w = Array.from(
    { length: O * C },
    (_, oc) => kernelMagnitude(t, (u, v) => Math.abs(kernel(Math.floor(oc / C), oc % C, u, v))),
  );
  for (let j = 0; j < m; j++) {
    for (let ty = 0; ty < Ho / s; ty++) {
      for (let tx = 0; tx < Wo / s; tx++) {
        const v = Array.from(
          { length: C },
          (_, c) => blockMagnitude(t, (y, x) => at(j, c, s * ty + y - p, s * tx + x - p)),
        );
        for (let o = 0; o < O; o++) {
          const acc = new Float64Array(aa);
          for (let c = 0; c < C; c++) {
            for (let q = 0; q < aa; q++) acc[q] += v[c][q] * w[o * C + c][q];
          }
          for (let y = 0; y < s; y++) {
            for (let x = 0; x < s; x++) {
              let sum = Math.abs(bias[o]);
              for (let i = 0; i < a; i++) {
                for (let k = 0; k < a; k++) sum += AT[y][i] * acc[i * a + k] * AT[x][k];
              }
              out[((j * O + o) * Ho + s * ty + y) * Wo + s * tx + x] = sum;
            }
          }
        }
      }
    }
  }
  return out;
}

/** The forward pass's roundings over C channels, at most (see {@link magnitude}). */
function forwardRoundings(t: Transforms, C: number): number {
  return 2 + 2 * passRoundings(t.G) + 2 * passRoundings(t.BT) + 1 + C +
    2 * passRoundings(t.AT) + 1;
}

/**
 * What every rounding of the Winograd weight gradient is relative to: Σ_tiles |Gᵀ| [(|Bᵀ| |d| |B|)
 * ⊙ (|A| |dy| |Aᵀ|)] |G| for each kernel weight (f, c, u, v), of |X| (m × C × H × W, padded by p)
 * and |dY| (m × F × Ho × Wo). Each rounding — X and dY to float32 (2), the input transform (two
 * passes), the gradient's transform (two), the product (1), the sum over T tiles (T), the
 * kernel's transform back (two) — is at most u of a partial sum this bounds: the error is within
 * {@link weightRoundings} u of it.
 */
function weightMagnitude(
  t: Transforms,
  X: Float64Array,
  dY: Float64Array,
  m: number,
  [C, H, W]: number[],
  F: number,
  p: number,
): Float64Array {
  const { m: s, r } = t, a = s + r - 1, aa = a * a, G = abs(t.G);
  const Ho = H + 2 * p - (r - 1), Wo = W + 2 * p - (r - 1), out = new Float64Array(F * C * r * r);
  const x = (j: number, c: number, y: number, xx: number) =>
    y < 0 || y >= H || xx < 0 || xx >= W ? 0 : Math.abs(X[((j * C + c) * H + y) * W + xx]);
  const acc = new Float64Array(F * C * aa);
  for (let j = 0; j < m; j++) {
    for (let ty = 0; ty < Ho / s; ty++) {
      for (let tx = 0; tx < Wo / s; tx++) {
        const v = Array.from(
          { length: C },
          (_, c) => blockMagnitude(t, (y, z) => x(j, c, s * ty + y - p, s * tx + z - p)),
        );
        const d = Array.from({ length: F }, (_, f) =>
          gradientMagnitude(
            t,
            (y, z) => Math.abs(dY[((j * F + f) * Ho + s * ty + y) * Wo + s * tx + z]),
          ));
        for (let f = 0; f < F; f++) {
          for (let c = 0; c < C; c++) {
            for (let q = 0; q < aa; q++) acc[(f * C + c) * aa + q] += v[c][q] * d[f][q];
          }
        }
      }
    }
  }
  for (let fc = 0; fc < F * C; fc++) {
    for (let u = 0; u < r; u++) {
      for (let q = 0; q < r; q++) {
        let sum = 0;
        for (let i = 0; i < a; i++) {
          for (let k = 0; k < a; k++) sum += G[i][u] * acc[fc * aa + i * a + k] * G[k][q];
        }
        out[(fc * r + u) * r + q] = sum;
      }
    }
  }
  return out;
}

/** The weight gradient's roundings over T tiles, at most (see {@link weightMagnitude}). */
function weightRoundings(t: Transforms, T: number): number {
  return 2 + 2 * passRoundings(t.BT) + 2 * passRoundings(transpose(t.AT)) + 1 + T +
    2 * passRoundings(transpose(t.G));
}

/**
 * What every rounding of the input gradient as the forward pass's adjoint is relative to: for
 * each input (j, c, y, x), Σ over the tiles whose α×α block holds it of |B| [Σ_f (|G| |g| |Gᵀ|)
 * ⊙ (|A| |dy| |Aᵀ|)] |Bᵀ| at its place in the block. Each rounding — dY and the kernels to
 * float32 (2), the kernel transform (two passes), the gradient's (two), the product (1), the sum
 * over F (F), the block's transform back (two), the sum over the tiles that hold the input (at
 * most ⌈α/m⌉²: 9 or 4) — is at most u of a partial sum this bounds (see {@link adjointRoundings}).
 */
function adjointMagnitude(
  t: Transforms,
  dY: Float64Array,
  m: number,
  [C, H, W]: number[],
  F: number,
  p: number,
  kernel: (f: number, c: number, u: number, v: number) => number,
): Float64Array {
  const { m: s, r } = t, a = s + r - 1, aa = a * a, BT = abs(t.BT);
  const Ho = H + 2 * p - (r - 1), Wo = W + 2 * p - (r - 1), out = new Float64Array(m * C * H * W);
  const Ua = Array.from(
    { length: F * C },
    (_, fc) => kernelMagnitude(t, (u, v) => Math.abs(kernel(Math.floor(fc / C), fc % C, u, v))),
  );
  for (let j = 0; j < m; j++) {
    for (let ty = 0; ty < Ho / s; ty++) {
      for (let tx = 0; tx < Wo / s; tx++) {
        const dM = Array.from({ length: F }, (_, f) =>
          gradientMagnitude(
            t,
            (y, z) => Math.abs(dY[((j * F + f) * Ho + s * ty + y) * Wo + s * tx + z]),
          ));
        for (let c = 0; c < C; c++) {
          const dV = new Float64Array(aa);
          for (let f = 0; f < F; f++) {
            for (let q = 0; q < aa; q++) dV[q] += Ua[f * C + c][q] * dM[f][q];
          }
          for (let y = 0; y < a; y++) {
            const iy = s * ty - p + y;
            if (iy < 0 || iy >= H) continue;
            for (let x = 0; x < a; x++) {
              const ix = s * tx - p + x;
              if (ix < 0 || ix >= W) continue;
              let sum = 0;
              for (let i = 0; i < a; i++) {
                for (let k = 0; k < a; k++) sum += BT[i][y] * dV[i * a + k] * BT[k][x];
              }
              out[((j * C + c) * H + iy) * W + ix] += sum;
            }
          }
        }
      }
    }
  }
  return out;
}

/** The adjoint input gradient's roundings over F channels, at most (see {@link adjointMagnitude}). */
function adjointRoundings(t: Transforms, F: number): number {
  return 2 + 2 * passRoundings(t.G) + 2 * passRoundings(transpose(t.AT)) + 1 + F +
    2 * passRoundings(transpose(t.BT)) + Math.ceil(t.BT.length / t.m) ** 2 - 1;
}

// Two images of H × W, 8 channels to 16 (two panels); outputs of whole tiles both ways (and, for
// F(2×2, 3×3)'s full convolution, inputs), tiles in and outside the padding.
const cases = [
  [F3, 0, 10, 8],
  [F3, 1, 10, 8],
  [F43, 0, 10, 6],
  [F43, 1, 8, 12],
  [F5, 0, 10, 8],
  [F5, 2, 10, 8],
  [F45, 0, 12, 8],
  [F45, 2, 8, 12],
  [F63, 0, 8, 14],
  [F63, 1, 12, 6],
] as const;
for (const [t, p, H, W] of cases) {
  const { m: s, r } = t, f = { m: s, r } as Winograd, rr = r * r, a = s + r - 1, planes = a * a;
  Deno.test(`Winograd F(${s}×${s}, ${r}×${r}) equals convForward() and convBackward()'s gradients: padding ${p}`, () => {
    const rng = createRng(21);
    const [m, C, F] = [2, 8, 16];
    const Ho = H + 2 * p - (r - 1), Wo = W + 2 * p - (r - 1);
    const normal = (n: number) => Float64Array.from({ length: n }, () => rng.normal());
    const X: Batch = { m, shape: [C, H, W], data: normal(m * C * H * W) };
    const Kr = normal(F * C * rr), b = normal(F);
    const kernel = (f: number, c: number, u: number, v: number) =>
      Kr[((f * C + c) * r + u) * r + v];
    const { k, alloc, f32 } = workspace();
    const T = m * Math.max(H * W / 4, Ho * Wo / (s * s));
    const at = {
      X: alloc(m * H * W * C),
      WT: alloc(rr * C * F),
      b: alloc(F),
      // Each matrix padded to an odd number of 64-byte lines: at most 32 floats more.
      P: alloc(planes * (C * F + 32)),
      V: alloc(planes * (T * Math.max(C, F) + 32)),
      M: alloc(planes * (T * Math.max(C, F) + 32)),
      Y: alloc(m * Ho * Wo * F),
      dY: alloc(m * Ho * Wo * F),
      dX: alloc(m * H * W * C),
      tmp: alloc(256),
    };
    const tmp = at.tmp;
    f32(at.X, m * H * W * C).set(toNhwc(X.data, m, [C, H, W]));
    const WT = f32(at.WT, rr * C * F);
    for (let f = 0; f < F; f++) {
      for (let c = 0; c < C; c++) {
        for (let q = 0; q < rr; q++) WT[(q * C + c) * F + f] = Kr[(f * C + c) * rr + q];
      }
    }
    f32(at.b, F).set(b);

    for (const relu of [false, true]) {
      k.winogradWeights({ ...f, WT: at.WT, C, N: F, flip: false, P: at.P, tmp });
      k.winogradInput({ ...f, X: at.X, H, W, C, p, images: m, Ho, Wo, V: at.V, tmp });
      k.winogradMultiply({ ...f, T: m * Ho * Wo / (s * s), K: C, N: F, V: at.V, P: at.P, M: at.M });
      k.winogradOutput({ ...f, M: at.M, N: F, Ho, Wo, images: m, bias: at.b, relu, Y: at.Y, tmp });
      const want = convForward(X, Kr, b, r, 1, p);
      const bound = magnitude(t, X.data, m, [C, H, W], p, kernel, F, b);
      const Y = f32(at.Y, m * Ho * Wo * F), n = forwardRoundings(t, C);
      for (let i = 0; i < Y.length; i++) {
        const o = nchwIndex(i, [F, Ho, Wo]);
        const y = relu ? Math.max(0, want.data[o]) : want.data[o];
        assert.ok(Math.abs(Y[i] - y) <= n * U * bound[o], `Y[${i}]: ${Y[i]} for ${y}`);
      }
    }

    // The input gradient. F(2×2, 3×3): dZ padded by r − 1 − p, convolved with the kernels turned
    // by 180°, F → C. The 6×6 algorithms: the forward pass's adjoint, dV = (A dZ Aᵀ)·Uᵀ, then
    // each tile's B dV Bᵀ added into the block it read.
    const dY: Batch = { m, shape: [F, Ho, Wo], data: normal(m * F * Ho * Wo) };
    f32(at.dY, dY.data.length).set(toNhwc(dY.data, m, [F, Ho, Wo]));
    const back = convBackward(X, Kr, r, dY, 1, p);
    let bound: Float64Array, n: number;
    if (a === 4) {
      const q = r - 1 - p;
      k.winogradWeights({ ...f, WT: at.WT, C, N: F, flip: true, P: at.P, tmp });
      const V = at.V;
      k.winogradInput({
        ...f,
        X: at.dY,
        H: Ho,
        W: Wo,
        C: F,
        p: q,
        images: m,
        Ho: H,
        Wo: W,
        V,
        tmp,
      });
      k.winogradMultiply({ ...f, T: m * H * W / 4, K: F, N: C, V: at.V, P: at.P, M: at.M });
      const [dXo, M] = [at.dX, at.M];
      const out = { Ho: H, Wo: W, images: m, bias: 0, relu: false, Y: dXo, tmp };
      k.winogradOutput({ ...f, M, N: C, ...out });
      const turned = (c: number, f: number, u: number, v: number) =>
        kernel(f, c, r - 1 - u, r - 1 - v);
      bound = magnitude(t, dY.data, m, [F, Ho, Wo], q, turned, C, new Float64Array(C));
      n = forwardRoundings(t, F);
    } else {
      k.winogradWeights({ ...f, WT: at.WT, C, N: F, flip: false, transposed: true, P: at.P, tmp });
      k.winogradOutputGradient({ ...f, dY: at.dY, N: F, Ho, Wo, images: m, dM: at.M, tmp });
      k.winogradMultiply({ ...f, T: m * Ho * Wo / (s * s), K: F, N: C, V: at.M, P: at.P, M: at.V });
      k.winogradInputGradient({ ...f, H, W, C, p, images: m, Ho, Wo, dV: at.V, dX: at.dX, tmp });
      bound = adjointMagnitude(t, dY.data, m, [C, H, W], F, p, kernel);
      n = adjointRoundings(t, F);
    }
    const dX = f32(at.dX, m * H * W * C);
    for (let i = 0; i < dX.length; i++) {
      const o = nchwIndex(i, [C, H, W]);
      assert.ok(
        Math.abs(dX[i] - back.dX.data[o]) <= n * U * bound[o],
        `dX[${i}]: ${dX[i]} for ${back.dX.data[o]}`,
      );
    }

    // The weight gradient, in two blocks of one image each, the second added to the first.
    const T1 = Ho * Wo / (s * s), plane = Ho * Wo * F, inPlane = H * W * C;
    for (let j = 0; j < m; j++) {
      k.winogradInput({
        ...f,
        X: at.X + j * inPlane * 4,
        H,
        W,
        C,
        p,
        images: 1,
        Ho,
        Wo,
        V: at.V,
        tmp,
      });
      const dYj = at.dY + j * plane * 4;
      k.winogradOutputGradient({ ...f, dY: dYj, N: F, Ho, Wo, images: 1, dM: at.M, tmp });
      k.winogradGradientProducts({
        ...f,
        T: T1,
        K: C,
        N: F,
        V: at.V,
        dM: at.M,
        dU: at.P,
        accumulate: j > 0,
      });
    }
    k.winogradWeightsGradient({ ...f, dU: at.P, C, N: F, WT: at.WT });
    const dW = f32(at.WT, rr * C * F);
    const wBound = weightMagnitude(t, X.data, dY.data, m, [C, H, W], F, p);
    const nw = weightRoundings(t, m * T1);
    for (let f = 0; f < F; f++) {
      for (let c = 0; c < C; c++) {
        for (let q = 0; q < rr; q++) {
          const o = (f * C + c) * rr + q, got = dW[(q * C + c) * F + f];
          assert.ok(
            Math.abs(got - back.dW[o]) <= nw * U * wBound[o],
            `dW[${o}]: ${got} for ${back.dW[o]}`,
          );
        }
      }
    }
  });
}
