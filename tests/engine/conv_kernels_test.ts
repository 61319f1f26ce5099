/**
 * The convolution engine's WebAssembly kernels against the readable layers of lib/nn/layers/:
 * the same tensors, stored channels-last (NHWC) for the kernels and channels-first (NCHW) for
 * the readable loops, in float32 against float64.
 */

import assert from "node:assert/strict";
import {
  type Batch,
  batchNormBackward,
  batchNormTrain,
  BN_EPSILON,
  convBackward,
  convForward,
  createRng,
  dropoutMask,
  imagesToBatch,
  maxPoolBackward,
  maxPoolForward,
} from "../all.ts";
import { convKernels } from "../../lib/engine/conv/kernels_wasm.ts";
import { mnistTest } from "../helpers.ts";

/** A shared memory, its kernels, and a bump allocator of 16-byte-aligned float32 regions. */
function workspace(mb = 16) {
  const memory = new WebAssembly.Memory({ initial: mb * 16, maximum: mb * 16, shared: true });
  const k = convKernels(memory);
  let end = 65536; // below: the kernels' own data
  const alloc = (floats: number) => {
    const at = end;
    end += Math.ceil((floats * 4) / 64) * 64;
    return at;
  };
  const f32 = (at: number, n: number) => new Float32Array(memory.buffer, at, n);
  return { memory, k, alloc, f32 };
}

/** NCHW batch → NHWC float32 values. */
function toNhwc(X: Batch): Float32Array {
  const [C, H, W] = X.shape, out = new Float32Array(X.data.length);
  for (let j = 0; j < X.m; j++) {
    for (let c = 0; c < C; c++) {
      for (let p = 0; p < H * W; p++) {
        out[(j * H * W + p) * C + c] = X.data[(j * C + c) * H * W + p];
      }
    }
  }
  return out;
}

/** The NCHW index of NHWC index i of a batch of shape [C, H, W]. */
function nchwIndex(i: number, [C, H, W]: number[]): number {
  const c = i % C, p = Math.floor(i / C) % (H * W), j = Math.floor(i / (C * H * W));
  return (j * C + c) * H * W + p;
}

const random = (rng: ReturnType<typeof createRng>, m: number, shape: number[]): Batch => ({
  m,
  shape,
  data: Float64Array.from({ length: m * shape.reduce((a, b) => a * b) }, () => rng.normal()),
});

/** Kernels F×C×k×k (readable) → WT, (k·k·C padded to K4) × F, row (u·k + v)·C + c. */
function toWT(Kr: Float64Array, F: number, C: number, k: number, K4: number): Float32Array {
  const WT = new Float32Array(K4 * F);
  for (let f = 0; f < F; f++) {
    for (let c = 0; c < C; c++) {
      for (let u = 0; u < k; u++) {
        for (let v = 0; v < k; v++) {
          WT[((u * k + v) * C + c) * F + f] = Kr[((f * C + c) * k + u) * k + v];
        }
      }
    }
  }
  return WT;
}

// float32 against float64: each input rounds with unit u = 2⁻²⁴, and a sum of K products
// carries at most (K + 2)·u of the sum of their magnitudes (γ bound; relaxed FMA only lowers
// it). The tests compute that magnitude with the readable loops on |X| and |W|, so every
// tolerance below is derived per value, not picked.
const U = 2 ** -24;
const abs = (X: Batch): Batch => ({ ...X, data: X.data.map(Math.abs) });

// Valid, "same" (3×3 padded by 1), strided, and a strided 5×5 padded by 2 (the way a strided
// convolution replaces a pool): each with the patches cut by the padding on some side.
const GEOMETRIES = [
  { k: 3, s: 1, p: 0 },
  { k: 3, s: 1, p: 1 },
  { k: 3, s: 2, p: 0 },
  { k: 5, s: 2, p: 2 },
];
for (const { k, s, p } of GEOMETRIES) {
  Deno.test(`im2col + gemmPanels + gemmTN + col2im equal convForward() and convBackward(): ${k}×${k}, stride ${s}, padding ${p}`, () => {
    const rng = createRng(11);
    const [m, C, H, W, F] = [3, 8, 9, 7, 8];
    const Ho = Math.floor((H + 2 * p - k) / s) + 1, Wo = Math.floor((W + 2 * p - k) / s) + 1;
    const K = k * k * C, K4 = Math.ceil(K / 4) * 4, R = m * Ho * Wo;
    const X = random(rng, m, [C, H, W]);
    const Kr = Float64Array.from({ length: F * C * k * k }, () => rng.normal());
    const b = Float64Array.from({ length: F }, () => rng.normal());
    const { k: kernels, alloc, f32 } = workspace();
    const at = { X: alloc(m * H * W * C), cols: alloc(R * K4), WT: alloc(K4 * F), b: alloc(F) };
    const more = { Z: alloc(R * F), dZ: alloc(R * F), dWT: alloc(K4 * F), dcols: alloc(R * K4) };
    const panels = alloc(K4 * F);
    const dX = alloc(m * H * W * C);
    f32(at.X, m * H * W * C).set(toNhwc(X));
    f32(at.WT, K4 * F).set(toWT(Kr, F, C, k, K4));
    f32(at.b, F).set(b);
    kernels.im2col({ X: at.X, H, W, C, k, s, p, images: m, cols: at.cols, ldc: K4 });
    kernels.gemmPanels({
      M: R,
      N: F,
      K: K4,
      A: at.cols,
      lda: K4,
      B: at.WT,
      ldb: F,
      C: more.Z,
      ldc: F,
      bias: at.b,
      relu: false,
      transposed: false,
      panels,
    });

    const Y = convForward(X, Kr, b, k, s, p);
    const bound = convForward(abs(X), Kr.map(Math.abs), b.map(Math.abs), k, s, p);
    const Z = f32(more.Z, R * F);
    for (let i = 0; i < R * F; i++) {
      const r = nchwIndex(i, [F, Ho, Wo]);
      assert.ok(Math.abs(Z[i] - Y.data[r]) <= (K + 2) * U * bound.data[r], `Z[${i}]`);
    }

    // Backward, from a random dZ: dWT = colsᵀ·dZ, dX = col2im(dZ·WTᵀ).
    const dY = random(rng, m, [F, Ho, Wo]);
    f32(more.dZ, R * F).set(toNhwc(dY));
    kernels.gemmTN({
      M: K4,
      N: F,
      K: R,
      A: at.cols,
      lda: K4,
      B: more.dZ,
      ldb: F,
      C: more.dWT,
      ldc: F,
    });
    kernels.gemmPanels({
      M: R,
      N: K4,
      K: F,
      A: more.dZ,
      lda: F,
      B: at.WT,
      ldb: F,
      C: more.dcols,
      ldc: K4,
      bias: 0,
      relu: false,
      transposed: true,
      panels,
    });
    kernels.col2im({ dcols: more.dcols, ldc: K4, H, W, C, k, s, p, images: m, dX });
    const back = convBackward(X, Kr, k, dY, s, p);
    const backBound = convBackward(abs(X), Kr.map(Math.abs), k, abs(dY), s, p);
    const dWT = f32(more.dWT, K4 * F), expectedWT = toWT(back.dW, F, C, k, K4);
    const boundWT = toWT(backBound.dW, F, C, k, K4);
    for (let i = 0; i < K * F; i++) {
      assert.ok(Math.abs(dWT[i] - expectedWT[i]) <= (R + 2) * U * boundWT[i], `dWT[${i}]`);
    }
    for (let i = K * F; i < K4 * F; i++) assert.equal(dWT[i], 0, "padding rows stay 0");
    const dXk = f32(dX, m * H * W * C);
    for (let i = 0; i < dXk.length; i++) {
      const r = nchwIndex(i, [C, H, W]);
      // Each element gathers up to k·k patches of F products: (F + k·k + 2)·u of their magnitude.
      const tol = (F + k * k + 2) * U * backBound.dX.data[r];
      assert.ok(Math.abs(dXk[i] - back.dX.data[r]) <= tol, `dX[${i}]`);
    }
  });
}

Deno.test("gemmPanels and the blocked gemmTN give gemmNN's very bits, past a block and a 6-row tile", () => {
  // Each kernel sums every element from its start (the bias, or 0) over k = 0 … K−1 in order, as
  // gemmNN does: given the same operands laid out for gemmNN, the same bits. M = 100 ends on a
  // 4-row remainder of the 6-row tiles; K = 300 spans three of gemmTN's blocks of 128.
  const rng = createRng(5);
  const [M, N, K] = [100, 24, 300];
  const { k: x, alloc, f32 } = workspace();
  const fill = (at: number, n: number) => f32(at, n).set(Array.from({ length: n }, rng.normal));
  const A = alloc(M * K), B = alloc(K * N), bias = alloc(N), zeros = alloc(N);
  const AT = alloc(K * M), BT = alloc(N * K), panels = alloc(K * Math.max(M, N));
  fill(A, M * K), fill(B, K * N), fill(bias, N);
  const a = f32(A, M * K), b = f32(B, K * N), at = f32(AT, K * M), bt = f32(BT, N * K);
  for (let i = 0; i < M; i++) for (let k = 0; k < K; k++) at[k * M + i] = a[i * K + k];
  for (let k = 0; k < K; k++) for (let n = 0; n < N; n++) bt[n * K + k] = b[k * N + n];
  const out = () => [alloc(M * N), alloc(M * N)];
  const same = (p: number, q: number, what: string) =>
    assert.deepEqual(f32(p, M * N), f32(q, M * N), what);

  for (const relu of [false, true]) {
    const [C1, C2] = out();
    const ops = { M, N, K, A, lda: K, B, ldb: N, ldc: N, bias, relu };
    x.gemmNN({ ...ops, C: C1 });
    x.gemmPanels({ ...ops, C: C2, transposed: false, panels });
    same(C1, C2, `A·B + bias${relu ? ", ReLU" : ""}`);
  }
  const [C1, C2] = out();
  x.gemmNN({ M, N, K, A, lda: K, B, ldb: N, C: C1, ldc: N, bias: zeros, relu: false });
  x.gemmPanels({
    M,
    N,
    K,
    A,
    lda: K,
    B: BT,
    ldb: K,
    C: C2,
    ldc: N,
    bias: 0,
    relu: false,
    transposed: true,
    panels,
  });
  same(C1, C2, "A·Bᵀ with B given transposed");
  const [C3] = out();
  x.gemmTN({ M, N, K, A: AT, lda: M, B, ldb: N, C: C3, ldc: N });
  same(C1, C3, "Aᵀ·B with A given transposed");
});

const FIRST_LAYERS = [
  { k: 5, s: 1, p: 0 },
  { k: 5, s: 2, p: 2 },
  { k: 3, s: 1, p: 1 },
  { k: 3, s: 1, p: 0 },
];
for (const { k, s, p } of FIRST_LAYERS) {
  Deno.test(`im2colU8 reads grey images as the first layer's patches, grey/255, padding left 0: ${k}×${k}, stride ${s}, padding ${p}`, async () => {
    const digits = await mnistTest(2);
    const Ho = Math.floor((28 + 2 * p - k) / s) + 1, K4 = Math.ceil((k * k) / 4) * 4;
    const { memory, k: kernels, alloc, f32 } = workspace();
    const X = alloc(2 * 784 / 4), cols = alloc(2 * Ho * Ho * K4);
    new Uint8Array(memory.buffer, X, 2 * 784).set(digits.pixels);
    kernels.im2colU8({ X, H: 28, W: 28, k, s, p, images: 2, cols, ldc: K4 });
    const images = imagesToBatch(digits); // 1×28×28, grey/255 in float64
    const c = f32(cols, 2 * Ho * Ho * K4);
    // grey · fround(1/255) in float32: within one rounding (relative 2u) of grey/255.
    for (let j = 0; j < 2; j++) {
      for (let y = 0; y < Ho; y++) {
        for (let x = 0; x < Ho; x++) {
          for (let q = 0; q < K4; q++) {
            const got = c[((j * Ho + y) * Ho + x) * K4 + q];
            if (q >= k * k) {
              assert.equal(got, 0, "padding columns stay 0");
              continue;
            }
            const [u, v] = [Math.floor(q / k), q % k];
            const iy = s * y + u - p, ix = s * x + v - p;
            const inside = iy >= 0 && iy < 28 && ix >= 0 && ix < 28;
            const want = inside ? images.data[j * 784 + iy * 28 + ix] : 0;
            assert.ok(
              Math.abs(got - want) <= 2 * U * want,
              `image ${j} (${y}, ${x}) + (${u}, ${v})`,
            );
            // Exactly grey · fround(1/255) rounded to float32, four at a time or one by one.
            const grey = inside ? digits.pixels[j * 784 + iy * 28 + ix] : 0;
            assert.equal(got, Math.fround(grey * Math.fround(1 / 255)));
          }
        }
      }
    }
  });
}

Deno.test("maxPool and maxPoolBackward equal the readable layer, ties to the first in reading order", () => {
  const rng = createRng(5);
  const [m, C, H, W, p] = [2, 8, 6, 7, 2];
  const X = random(rng, m, [C, H, W]);
  // Ties: a whole window of equal values, and two equal maxima in another.
  X.data.fill(0.5, 0, 2);
  X.data.fill(0.5, W, W + 2);
  X.data[(1 * C + 3) * H * W + 2 * W + 2] = X.data[(1 * C + 3) * H * W + 3 * W + 3] = 9;
  const { k: kernels, alloc, f32, memory } = workspace();
  const [Ho, Wo] = [Math.floor(H / p), Math.floor(W / p)];
  const n = m * Ho * Wo * C;
  const at = { X: alloc(m * H * W * C), Y: alloc(n), argmax: alloc(n), dY: alloc(n) };
  const dX = alloc(m * H * W * C);
  f32(at.X, m * H * W * C).set(toNhwc(X));
  kernels.maxPool({ X: at.X, H, W, C, p, images: m, Y: at.Y, argmax: at.argmax });
  const readable = maxPoolForward(X, p);
  const Y = f32(at.Y, n), argmax = new Int32Array(memory.buffer, at.argmax, n);
  for (let i = 0; i < n; i++) {
    const r = nchwIndex(i, [C, Ho, Wo]);
    assert.equal(Y[i], Math.fround(readable.Y.data[r]));
    assert.equal(nchwIndex(argmax[i], [C, H, W]), readable.argmax[r], `argmax of output ${i}`);
  }
  const dY = random(rng, m, [C, Ho, Wo]);
  f32(at.dY, n).set(toNhwc(dY));
  kernels.maxPoolBackward({ dY: at.dY, argmax: at.argmax, count: n, dX, countIn: m * H * W * C });
  const back = maxPoolBackward(X, readable.argmax, dY);
  const dXk = f32(dX, m * H * W * C);
  for (let i = 0; i < dXk.length; i++) {
    assert.equal(dXk[i], Math.fround(back.data[nchwIndex(i, [C, H, W])]), `dX[${i}]`);
  }
});

Deno.test("dropout's kernel draws the readable layer's very mask (5 of 8 channels real), and multiply takes it back", () => {
  const rng = createRng(6);
  const [R, Cr, C, H, W, rate] = [4, 5, 8, 3, 4, 0.4];
  const X = random(rng, R, [Cr, H, W]);
  const { k: kernels, alloc, f32 } = workspace();
  const n = R * H * W * C;
  const at = { X: alloc(n), Y: alloc(n), mask: alloc(n), D: alloc(n), dX: alloc(n) };
  // NHWC with 8 channels, the last 3 of them padding (0).
  const padded = new Float32Array(n), nhwc = toNhwc(X);
  for (let q = 0; q < R * H * W; q++) {
    for (let c = 0; c < Cr; c++) padded[q * C + c] = nhwc[q * Cr + c];
  }
  f32(at.X, n).set(padded);
  const mode = { training: true, seed: 123456789, first: 40, layer: 3 };
  kernels.dropout({
    X: at.X,
    Y: at.Y,
    mask: at.mask,
    R,
    H,
    W,
    C,
    Cr,
    seed: mode.seed,
    layer: mode.layer,
    first: mode.first,
    threshold: Math.ceil(rate * 2 ** 24),
    scale: 1 / (1 - rate),
  });
  const readable = dropoutMask(R, Cr * H * W, rate, mode);
  const mask = f32(at.mask, n), Y = f32(at.Y, n);
  let dropped = 0;
  for (let q = 0; q < R * H * W; q++) {
    for (let c = 0; c < C; c++) {
      const i = q * C + c;
      if (c >= Cr) {
        assert.equal(mask[i], 0, "padding channels stay 0");
        continue;
      }
      const r = nchwIndex(q * Cr + c, [Cr, H, W]);
      assert.equal(mask[i], Math.fround(readable[r]), `mask at ${i}`);
      assert.equal(Y[i], Math.fround(padded[i] * Math.fround(readable[r])), `Y at ${i}`);
      if (readable[r] === 0) dropped++;
    }
  }
  assert.ok(dropped > 0 && dropped < R * H * W * Cr, "some dropped, some kept");
  const D = Float32Array.from({ length: n }, () => rng.normal());
  f32(at.D, n).set(D);
  kernels.multiply({ D: at.D, M: at.mask, out: at.dX, count: n });
  f32(at.dX, n).forEach((g, i) => assert.equal(g, Math.fround(D[i] * mask[i])));
});

Deno.test("dropout's kernel at threshold 0 (scoring) keeps every real channel as it is and zeroes the padding", () => {
  const [R, Cr, C, H, W] = [3, 5, 8, 2, 3], n = R * H * W * C;
  const { k: kernels, alloc, f32 } = workspace();
  const at = { X: alloc(n), Y: alloc(n), mask: alloc(n) };
  const X = Float32Array.from({ length: n }, (_, i) => (i % C < Cr ? (i % 7) - 3 : 0));
  f32(at.X, n).set(X);
  f32(at.Y, n).fill(NaN);
  const shape = { R, H, W, C, Cr, seed: 5, layer: 2, first: 0 };
  kernels.dropout({ X: at.X, Y: at.Y, mask: at.mask, ...shape, threshold: 0, scale: 1 });
  const mask = f32(at.mask, n), Y = f32(at.Y, n);
  for (let i = 0; i < n; i++) {
    assert.equal(mask[i], i % C < Cr ? 1 : 0, `mask at ${i}`);
    assert.ok(Object.is(Y[i], X[i] * mask[i]), `Y at ${i}`);
  }
});

Deno.test("batch normalisation's kernels: chunk sums, normalize and its backward equal the readable layer (5 of 8 channels real)", () => {
  const rng = createRng(9);
  const [R, Cr, C, H, W] = [6, 5, 8, 3, 4], P = H * W, N = R * P;
  // A ReLU's output: half of it 0.
  const X = random(rng, R, [Cr, H, W]);
  X.data.forEach((v, i) => X.data[i] = Math.max(0, v));
  const dY = random(rng, R, [Cr, H, W]);
  const p = {
    gamma: Float64Array.from({ length: Cr }, () => 1 + 0.3 * rng.normal()),
    beta: Float64Array.from({ length: Cr }, () => 0.3 * rng.normal()),
    runningMean: new Float64Array(Cr),
    runningVar: new Float64Array(Cr).fill(1),
  };
  const forward = batchNormTrain(X, p);
  const back = batchNormBackward(X, p, dY, forward);
  const { k: kernels, memory, alloc, f32 } = workspace();
  const n = R * P * C;
  const at = { X: alloc(n), Y: alloc(n), D: alloc(n), dX: alloc(n), coef: alloc(5 * C) };
  const sums = [alloc(4 * C), alloc(4 * C)]; // two chunks: rows 0–3 and 4–5, 2·C float64 each
  const padded = (B: Batch) => {
    const out = new Float32Array(n), nhwc = toNhwc(B);
    for (let q = 0; q < R * P; q++) for (let c = 0; c < Cr; c++) out[q * C + c] = nhwc[q * Cr + c];
    return out;
  };
  f32(at.X, n).set(padded(X));
  f32(at.D, n).set(padded(dY));
  const chunks = [[0, 4], [4, 6]];
  chunks.forEach(([from, to], c) => {
    kernels.channelSums({ X: at.X + from * P * C * 4, count: (to - from) * P, C, out: sums[c] });
  });
  const f64 = (a: number) => new Float64Array(memory.buffer, a, 2 * C);
  const mean = new Float64Array(C), invStd = new Float64Array(C);
  for (let c = 0; c < Cr; c++) {
    const sum = f64(sums[0])[c] + f64(sums[1])[c];
    const squares = f64(sums[0])[C + c] + f64(sums[1])[C + c];
    mean[c] = sum / N;
    invStd[c] = 1 / Math.sqrt(squares / N - mean[c] ** 2 + BN_EPSILON);
    // float64 sums of float32 values: the readable layer's statistics to float32's precision.
    assert.ok(Math.abs(invStd[c] - forward.invStd[c]) <= 1e-6 * forward.invStd[c], `1/σ of ${c}`);
  }
  const coef = f32(at.coef, 5 * C);
  for (let c = 0; c < Cr; c++) {
    coef.set([mean[c]], c);
    coef.set([p.gamma[c] * invStd[c]], C + c);
    coef.set([p.beta[c]], 2 * C + c);
  }
  kernels.normalize({ X: at.X, Y: at.Y, count: R * P, C, coef: at.coef });
  const Y = f32(at.Y, n);
  for (let i = 0; i < n; i++) {
    const c = i % C;
    if (c >= Cr) {
      assert.equal(Y[i], 0, "padding channels stay 0");
      continue;
    }
    const readable = forward.Y.data[readableIndex(i)];
    assert.ok(Math.abs(Y[i] - readable) <= 1e-5 * (1 + Math.abs(readable)), `Y[${i}]`);
  }
  // Backward: each chunk's [Σdy, Σdy·x], then dX by the three-term formula.
  chunks.forEach(([from, to], c) => {
    const o = from * P * C * 4;
    new Float64Array(memory.buffer, sums[c], 2 * C).fill(0);
    kernels.gradientSums({ D: at.D + o, X: at.X + o, count: (to - from) * P, C, out: sums[c] });
  });
  for (let c = 0; c < Cr; c++) {
    const dbeta = f64(sums[0])[c] + f64(sums[1])[c];
    const dyx = f64(sums[0])[C + c] + f64(sums[1])[C + c];
    const dgamma = (dyx - mean[c] * dbeta) * invStd[c];
    assert.ok(Math.abs(dbeta - back.dbeta[c]) <= 1e-5 * (1 + Math.abs(back.dbeta[c])), `dβ ${c}`);
    assert.ok(
      Math.abs(dgamma - back.dgamma[c]) <= 1e-5 * (1 + Math.abs(back.dgamma[c])),
      `dγ ${c}`,
    );
    [mean[c], invStd[c], p.gamma[c] * invStd[c], dbeta / N, dgamma / N].forEach((v, t) =>
      coef[t * C + c] = v
    );
  }
  // Each output is a few float32 operations on values of order 1 (x̂ ≤ 4, s, dy ~ 1): a few
  // roundings of 6e-8 of them, well inside 1e-5 of 1 + its size.
  for (const masked of [false, true]) {
    kernels.normalizeBackward({
      D: at.D,
      X: at.X,
      dX: at.dX,
      count: R * P,
      C,
      coef: at.coef,
      masked,
    });
    const dX = f32(at.dX, n), x = f32(at.X, n);
    for (let i = 0; i < n; i++) {
      if (i % C >= Cr) continue;
      // The readable bn's dX, and with `masked`, the ReLU′ of the ReLU before it.
      const readable = masked && !(x[i] > 0) ? 0 : back.dX.data[readableIndex(i)];
      assert.ok(Math.abs(dX[i] - readable) <= 1e-5 * (1 + Math.abs(readable)), `dX[${i}]`);
    }
  }

  /** The NCHW index in the real-channel batch of NHWC index i of the padded one. */
  function readableIndex(i: number): number {
    const c = i % C, q = Math.floor(i / C) % P, j = Math.floor(i / (C * P));
    return (j * Cr + c) * P + q;
  }
});

Deno.test("batch normalisation's passes and columnSums give the bits of one loop over positions, for 4 to 36 channels and maps longer than a block", () => {
  // The kernels run block by block of positions, channel group by group, their sums in
  // registers; each sum must still add its positions one after the other from the value it
  // had, each output be the same float32 operations: equal to these loops to the last bit.
  const rng = createRng(17), fround = Math.fround;
  for (const C of [4, 8, 12, 36]) {
    const count = 1300; // more than a block (8 KB of a map: 512 positions of 4 channels)
    const { k: kernels, memory, alloc, f32 } = workspace();
    const n = count * C;
    const at = { X: alloc(n), D: alloc(n), Y: alloc(n), dX: alloc(n), coef: alloc(5 * C) };
    const sums = alloc(4 * C); // 2·C float64
    const x = f32(at.X, n), d = f32(at.D, n), coef = f32(at.coef, 5 * C);
    for (let i = 0; i < n; i++) {
      x[i] = i % 3 === 0 ? 0 : rng.normal(); // a ReLU's zeros, and negative values for the mask
      d[i] = rng.normal();
    }
    for (let i = 0; i < 5 * C; i++) coef[i] = 0.5 + rng.uniform();
    const start = Float64Array.from({ length: 2 * C }, () => rng.normal()); // sums accumulate
    const out = new Float64Array(memory.buffer, sums, 2 * C);

    out.set(start);
    kernels.channelSums({ X: at.X, count, C, out: sums });
    const want = Float64Array.from(start);
    for (let q = 0; q < count; q++) {
      for (let c = 0; c < C; c++) {
        const v = x[q * C + c];
        want[c] += v;
        want[C + c] += v * v;
      }
    }
    assert.deepEqual(out, want, `channelSums, ${C} channels`);

    out.set(start);
    kernels.gradientSums({ D: at.D, X: at.X, count, C, out: sums });
    want.set(start);
    for (let q = 0; q < count; q++) {
      for (let c = 0; c < C; c++) {
        want[c] += d[q * C + c];
        want[C + c] += d[q * C + c] * x[q * C + c];
      }
    }
    assert.deepEqual(out, want, `gradientSums, ${C} channels`);

    kernels.normalize({ X: at.X, Y: at.Y, count, C, coef: at.coef });
    const Y = f32(at.Y, n);
    for (let i = 0; i < n; i++) {
      const c = i % C;
      const y = fround(fround(fround(x[i] - coef[c]) * coef[C + c]) + coef[2 * C + c]);
      assert.ok(Object.is(Y[i], y), `normalize at ${i}, ${C} channels`);
    }

    for (const masked of [false, true]) {
      kernels.normalizeBackward({ D: at.D, X: at.X, dX: at.dX, count, C, coef: at.coef, masked });
      const dX = f32(at.dX, n);
      for (let i = 0; i < n; i++) {
        const c = i % C, [mu, invStd, s, m1, m2] = [0, 1, 2, 3, 4].map((t) => coef[t * C + c]);
        const xhat = fround(fround(x[i] - mu) * invStd);
        const g = fround(s * fround(fround(d[i] - m1) - fround(xhat * m2)));
        const want = masked && !(x[i] > 0) ? 0 : g;
        assert.ok(Object.is(dX[i], want), `normalizeBackward at ${i}, ${C} channels`);
      }
    }

    // columnSums over rows of D with a stride (ld = C + 4): the first C columns' sums.
    const rows = Math.floor(n / (C + 4));
    kernels.columnSums({ rows, N: C, D: at.D, ld: C + 4, out: at.Y });
    const colSums = f32(at.Y, C);
    for (let c = 0; c < C; c++) {
      let s = 0;
      for (let r = 0; r < rows; r++) s = fround(s + d[r * (C + 4) + c]);
      assert.ok(Object.is(colSums[c], s), `columnSums of column ${c}, ${C} columns`);
    }
  }
});

Deno.test("spaceToDepth lays each 2×2 block of pixels out as one pixel of 4C channels, and depthToSpace reads each pixel back from its place", () => {
  // Two images of 6 × 8, 8 channels; maps space to depth that leave out pixels (p = 0, 5 × 4)
  // and that reach past the image into the padding (p = 1, 2).
  const { k, alloc, f32 } = workspace();
  const rng = createRng(4), [m, H, W, C] = [2, 6, 8, 8];
  for (const [p, Hs, Ws] of [[0, 2, 3], [1, 4, 5], [2, 5, 6]]) {
    const n = m * H * W * C, ns = m * Hs * Ws * 4 * C;
    const at = { X: alloc(n), Y: alloc(ns), back: alloc(n) };
    const X = f32(at.X, n), Y = f32(at.Y, ns);
    X.set(Float32Array.from({ length: n }, () => rng.normal()));
    k.spaceToDepth({ X: at.X, H, W, C, p, images: m, Hs, Ws, Y: at.Y });
    const pixel = (j: number, y: number, x: number, c: number) =>
      y < 0 || y >= H || x < 0 || x >= W ? 0 : X[((j * H + y) * W + x) * C + c];
    for (let i = 0; i < ns; i++) {
      const c = i % C, q = Math.floor(i / C) % 4, at2 = Math.floor(i / (4 * C));
      const xs = at2 % Ws, ys = Math.floor(at2 / Ws) % Hs, j = Math.floor(at2 / (Hs * Ws));
      const want = pixel(j, 2 * ys + (q >> 1) - p, 2 * xs + (q & 1) - p, c);
      assert.equal(Y[i], want, `Y[${i}], p = ${p}`);
    }
    // Back from fresh values: each pixel its place's value, 0 where the map does not reach.
    Y.set(Float32Array.from({ length: ns }, () => rng.normal()));
    k.depthToSpace({ Y: at.Y, Hs, Ws, C, p, images: m, H, W, X: at.back });
    const back = f32(at.back, n);
    for (let i = 0; i < n; i++) {
      const c = i % C, x = Math.floor(i / C) % W, y = Math.floor(i / (C * W)) % H;
      const j = Math.floor(i / (C * W * H)), ys = (y + p) >> 1, xs = (x + p) >> 1;
      const q = ((y + p) & 1) * 2 + ((x + p) & 1);
      const want = ys < Hs && xs < Ws ? Y[(((j * Hs + ys) * Ws + xs) * 4 + q) * C + c] : 0;
      assert.equal(back[i], want, `X[${i}], p = ${p}`);
    }
  }
});
