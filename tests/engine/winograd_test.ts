/**
 * The Winograd F(2×2, 3×3) kernels of the convolution engine against the readable layer: the
 * forward pass (bias, ReLU), the input gradient and the weight gradient, in float32 against
 * float64, each value within a tolerance derived from the rounding of the transforms and the
 * products.
 */

import assert from "node:assert/strict";
import { type Batch, convBackward, convForward, createRng } from "../all.ts";
import { convKernels } from "../../lib/engine/conv/kernels_wasm.ts";

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

// |Bᵀ|, |G| and |Aᵀ|: the transforms' magnitudes, for the bound.
const BT = [[1, 0, 1, 0], [0, 1, 1, 0], [0, 1, 1, 0], [0, 1, 0, 1]];
const G = [[1, 0, 0], [0.5, 0.5, 0.5], [0.5, 0.5, 0.5], [0, 0, 1]];
const AT = [[1, 1, 1, 0], [0, 1, 1, 1]];

/**
 * What every rounding of the Winograd computation is relative to: |Aᵀ| [Σ_c (|G| |g| |Gᵀ|) ⊙
 * (|Bᵀ| |d| |B|)] |A| + |b|, of |X| (m × C × H × W, padded by p) and |kernel(o, c, u, v)|, for
 * the O × Ho × Wo outputs. Each of the computed value's roundings — X and the kernels to
 * float32 (2), the kernel transform (2 sums of 3 terms: 4), the input transform (2 sums of 2: 2),
 * the product (1), the sum over C channels (C), the output transform (2 sums of 3: 4) and the
 * bias (1) — is at most u of a partial sum this bounds: the error is within (C + 14)·u of it.
 */
function magnitude(
  X: Float64Array,
  m: number,
  [C, H, W]: number[],
  p: number,
  kernel: (o: number, c: number, u: number, v: number) => number,
  O: number,
  bias: Float64Array,
): Float64Array {
  const Ho = H + 2 * p - 2, Wo = W + 2 * p - 2, out = new Float64Array(m * O * Ho * Wo);
  const at = (j: number, c: number, y: number, x: number) =>
    y < 0 || y >= H || x < 0 || x >= W ? 0 : Math.abs(X[((j * C + c) * H + y) * W + x]);
  for (let j = 0; j < m; j++) {
    for (let ty = 0; ty < Ho / 2; ty++) {
      for (let tx = 0; tx < Wo / 2; tx++) {
        for (let o = 0; o < O; o++) {
          const acc = Array.from({ length: 4 }, () => [0, 0, 0, 0]);
          for (let c = 0; c < C; c++) {
            for (let a = 0; a < 4; a++) {
              for (let b = 0; b < 4; b++) {
                let v = 0, w = 0;
                for (let r = 0; r < 4; r++) {
                  for (let s = 0; s < 4; s++) {
                    v += BT[a][r] * at(j, c, 2 * ty + r - p, 2 * tx + s - p) * BT[b][s];
                  }
                }
                for (let u = 0; u < 3; u++) {
                  for (let t = 0; t < 3; t++) w += G[a][u] * Math.abs(kernel(o, c, u, t)) * G[b][t];
                }
                acc[a][b] += v * w;
              }
            }
          }
          for (let y = 0; y < 2; y++) {
            for (let x = 0; x < 2; x++) {
              let sum = Math.abs(bias[o]);
              for (let a = 0; a < 4; a++) {
                for (let b = 0; b < 4; b++) sum += AT[y][a] * acc[a][b] * AT[x][b];
              }
              out[((j * O + o) * Ho + 2 * ty + y) * Wo + 2 * tx + x] = sum;
            }
          }
        }
      }
    }
  }
  return out;
}

/**
 * What every rounding of the Winograd weight gradient is relative to: Σ_tiles |Gᵀ| [(|Bᵀ| |d| |B|)
 * ⊙ (|A| |dy| |Aᵀ|)] |G| for each kernel weight (f, c, u, v), of |X| (m × C × H × W, padded by p)
 * and |dY| (m × F × Ho × Wo). Each rounding — X and dY to float32 (2), the input transform (2
 * sums of 2: 2), the gradient's transform (2), the product (1), the sum over T tiles (T), the
 * kernel's transform back (2 sums of 3: 4) — is at most u of a partial sum this bounds: the error
 * is within (T + 11)·u of it.
 */
function weightMagnitude(
  X: Float64Array,
  dY: Float64Array,
  m: number,
  [C, H, W]: number[],
  F: number,
  p: number,
): Float64Array {
  const Ho = H + 2 * p - 2, Wo = W + 2 * p - 2, out = new Float64Array(F * C * 9);
  const x = (j: number, c: number, y: number, xx: number) =>
    y < 0 || y >= H || xx < 0 || xx >= W ? 0 : Math.abs(X[((j * C + c) * H + y) * W + xx]);
  const acc = new Float64Array(F * C * 16);
  for (let j = 0; j < m; j++) {
    for (let ty = 0; ty < Ho / 2; ty++) {
      for (let tx = 0; tx < Wo / 2; tx++) {
        const v = new Float64Array(C * 16), d = new Float64Array(F * 16);
        for (let c = 0; c < C; c++) {
          for (let a = 0; a < 4; a++) {
            for (let b = 0; b < 4; b++) {
              for (let r = 0; r < 4; r++) {
                for (let s = 0; s < 4; s++) {
                  v[c * 16 + a * 4 + b] += BT[a][r] * x(j, c, 2 * ty + r - p, 2 * tx + s - p) *
                    BT[b][s];
                }
              }
            }
          }
        }
        for (let f = 0; f < F; f++) {
          for (let a = 0; a < 4; a++) {
            for (let b = 0; b < 4; b++) {
              for (let y = 0; y < 2; y++) {
                for (let z = 0; z < 2; z++) {
                  const g = Math.abs(dY[((j * F + f) * Ho + 2 * ty + y) * Wo + 2 * tx + z]);
                  d[f * 16 + a * 4 + b] += AT[y][a] * g * AT[z][b];
                }
              }
            }
          }
        }
        for (let f = 0; f < F; f++) {
          for (let c = 0; c < C; c++) {
            for (let q = 0; q < 16; q++) acc[(f * C + c) * 16 + q] += v[c * 16 + q] * d[f * 16 + q];
          }
        }
      }
    }
  }
  for (let fc = 0; fc < F * C; fc++) {
    for (let u = 0; u < 3; u++) {
      for (let t = 0; t < 3; t++) {
        let sum = 0;
        for (let a = 0; a < 4; a++) {
          for (let b = 0; b < 4; b++) sum += G[a][u] * acc[fc * 16 + a * 4 + b] * G[b][t];
        }
        out[(fc * 3 + u) * 3 + t] = sum;
      }
    }
  }
  return out;
}

for (const p of [0, 1]) {
  Deno.test(`Winograd F(2×2, 3×3) equals convForward() and convBackward()'s gradients: padding ${p}`, () => {
    // Two images of 10 × 8, 8 channels to 16 (two panels); an even number of tiles both ways.
    const rng = createRng(21);
    const [m, C, H, W, F] = [2, 8, 10, 8, 16];
    const Ho = H + 2 * p - 2, Wo = W + 2 * p - 2;
    const normal = (n: number) => Float64Array.from({ length: n }, () => rng.normal());
    const X: Batch = { m, shape: [C, H, W], data: normal(m * C * H * W) };
    const Kr = normal(F * C * 9), b = normal(F);
    const kernel = (f: number, c: number, u: number, v: number) =>
      Kr[((f * C + c) * 3 + u) * 3 + v];
    const { k, alloc, f32 } = workspace();
    const T = m * Math.max(H * W, Ho * Wo) / 4;
    const at = {
      X: alloc(m * H * W * C),
      WT: alloc(9 * C * F),
      b: alloc(F),
      P: alloc(16 * C * F),
      V: alloc(16 * T * Math.max(C, F)),
      M: alloc(16 * T * Math.max(C, F)),
      Y: alloc(m * Ho * Wo * F),
      dY: alloc(m * Ho * Wo * F),
      dX: alloc(m * H * W * C),
    };
    f32(at.X, m * H * W * C).set(toNhwc(X.data, m, [C, H, W]));
    const WT = f32(at.WT, 9 * C * F);
    for (let f = 0; f < F; f++) {
      for (let c = 0; c < C; c++) {
        for (let q = 0; q < 9; q++) WT[(q * C + c) * F + f] = Kr[(f * C + c) * 9 + q];
      }
    }
    f32(at.b, F).set(b);

    for (const relu of [false, true]) {
      k.winogradWeights({ WT: at.WT, C, N: F, flip: false, P: at.P });
      k.winogradInput({ X: at.X, H, W, C, p, images: m, Ho, Wo, V: at.V });
      k.winogradMultiply({ T: m * Ho * Wo / 4, K: C, N: F, V: at.V, P: at.P, M: at.M });
      k.winogradOutput({ M: at.M, N: F, Ho, Wo, images: m, bias: at.b, relu, Y: at.Y });
      const want = convForward(X, Kr, b, 3, 1, p);
      const bound = magnitude(X.data, m, [C, H, W], p, kernel, F, b);
      const Y = f32(at.Y, m * Ho * Wo * F);
      for (let i = 0; i < Y.length; i++) {
        const r = nchwIndex(i, [F, Ho, Wo]);
        const y = relu ? Math.max(0, want.data[r]) : want.data[r];
        assert.ok(Math.abs(Y[i] - y) <= (C + 14) * U * bound[r], `Y[${i}]: ${Y[i]} for ${y}`);
      }
    }

    // The input gradient: dZ padded by 2 − p, convolved with the kernels turned by 180°, F → C.
    const dY: Batch = { m, shape: [F, Ho, Wo], data: normal(m * F * Ho * Wo) };
    f32(at.dY, dY.data.length).set(toNhwc(dY.data, m, [F, Ho, Wo]));
    k.winogradWeights({ WT: at.WT, C, N: F, flip: true, P: at.P });
    k.winogradInput({ X: at.dY, H: Ho, W: Wo, C: F, p: 2 - p, images: m, Ho: H, Wo: W, V: at.V });
    k.winogradMultiply({ T: m * H * W / 4, K: F, N: C, V: at.V, P: at.P, M: at.M });
    k.winogradOutput({ M: at.M, N: C, Ho: H, Wo: W, images: m, bias: 0, relu: false, Y: at.dX });
    const back = convBackward(X, Kr, 3, dY, 1, p);
    const turned = (c: number, f: number, u: number, v: number) => kernel(f, c, 2 - u, 2 - v);
    const bound = magnitude(dY.data, m, [F, Ho, Wo], 2 - p, turned, C, new Float64Array(C));
    const dX = f32(at.dX, m * H * W * C);
    for (let i = 0; i < dX.length; i++) {
      const r = nchwIndex(i, [C, H, W]);
      const tol = (F + 14) * U * bound[r];
      assert.ok(
        Math.abs(dX[i] - back.dX.data[r]) <= tol,
        `dX[${i}]: ${dX[i]} for ${back.dX.data[r]}`,
      );
    }

    // The weight gradient, in two blocks of one image each, the second added to the first.
    const T1 = Ho * Wo / 4, plane = Ho * Wo * F, inPlane = H * W * C;
    for (let j = 0; j < m; j++) {
      k.winogradInput({ X: at.X + j * inPlane * 4, H, W, C, p, images: 1, Ho, Wo, V: at.V });
      k.winogradOutputGradient({ dY: at.dY + j * plane * 4, N: F, Ho, Wo, images: 1, dM: at.M });
      k.winogradGradientProducts({
        T: T1,
        K: C,
        N: F,
        V: at.V,
        dM: at.M,
        dU: at.P,
        accumulate: j > 0,
      });
    }
    k.winogradWeightsGradient({ dU: at.P, C, N: F, WT: at.WT });
    const dW = f32(at.WT, 9 * C * F);
    const wBound = weightMagnitude(X.data, dY.data, m, [C, H, W], F, p);
    for (let f = 0; f < F; f++) {
      for (let c = 0; c < C; c++) {
        for (let q = 0; q < 9; q++) {
          const r = (f * C + c) * 9 + q, got = dW[(q * C + c) * F + f];
          const tol = (m * T1 + 11) * U * wBound[r];
          assert.ok(Math.abs(got - back.dW[r]) <= tol, `dW[${r}]: ${got} for ${back.dW[r]}`);
        }
      }
    }
  });
}
