// AssemblyScript (TypeScript syntax, compiled to WebAssembly with SIMD): the mini-batch engine's
// kernels. Together they compute what `forwardProp` and `backProp` in lib/nn/network.ts compute
// for a chunk of samples — as gradient sums, in float32, four lanes at a time — and the
// optimizer step of lib/nn/optimizers.ts in float64. The host (lib/engine/batch/kernels_wasm.ts) lays
// out one shared memory for every thread and calls these functions; they keep no state.
//
// Matrices are row-major float32, one row per sample, so that a layer is a matrix product:
//
//   Z[l] = A[l−1]·W[l]ᵀ + b[l]         (R × n_in)·(n_in × n_out) + (1 × n_out) → R × n_out
//
// with R the chunk's rows (a multiple of 4) and every width padded to a multiple of 8 (padded
// weights, biases and activations are 0, and stay 0). Weights are stored transposed, WT[l] =
// W[l]ᵀ (n_in × n_out), so that a row of WT holds the n_out weights one input feeds.
//
// Build: `deno task wasm` (asc -O3 --runtime stub --enable simd --enable relaxed-simd --enable
// threads --importMemory --sharedMemory --noAssert …) → lib/engine/batch/kernels_wasm_binary.ts.

const INV255: f32 = <f32>(1.0 / 255.0);

@inline function at(base: usize, index: i32): usize {
  return base + (<usize>index << 2);
}

/** A nonzero's value, grey/255, in four lanes (entry = grey << 16 | pixel). */
@inline function pixelValue(e: u32): v128 {
  return f32x4.splat(<f32>(e >>> 16) * INV255);
}

/** Where columns t… of the nonzero's row start, in a pixel-major matrix of row stride s. */
@inline function pixelRow(base: usize, e: u32, s: i32, t: i32): usize {
  return base + ((<usize>(e & 0xffff) * <usize>s + <usize>t) << 2);
}

/**
 * Layer 1 forward over sparse rows, for samples j0 … j1−1 of the CSR (rowPtr i32, entry u32 =
 * grey << 16 | pixel):  A1[j − j0] = ReLU(b1 + Σ_nonzeros (grey/255)·WT1[pixel])   (s1 wide;
 * without the ReLU when `relu` is false: a network with no hidden layer)
 */
export function sparseForward(
  rowPtr: usize, entry: usize, j0: i32, j1: i32, WT: usize, b: usize, s: i32, A: usize,
  relu: bool,
): void {
  const zero = f32x4.splat(relu ? 0 : -Infinity);
  for (let j = j0; j < j1; j++) {
    const p0 = load<i32>(at(rowPtr, j)), p1 = load<i32>(at(rowPtr, j + 1));
    const out = A + <usize>(j - j0) * <usize>s * 4;
    let t = 0;
    for (; t + 32 <= s; t += 32) {
      const bt = at(b, t);
      let c0 = v128.load(bt), c1 = v128.load(bt, 16), c2 = v128.load(bt, 32);
      let c3 = v128.load(bt, 48), c4 = v128.load(bt, 64), c5 = v128.load(bt, 80);
      let c6 = v128.load(bt, 96), c7 = v128.load(bt, 112);
      for (let p = p0; p < p1; p++) {
        const e = load<u32>(at(entry, p));
        const x = pixelValue(e), w = pixelRow(WT, e, s, t);
        c0 = f32x4.relaxed_madd(x, v128.load(w), c0);
        c1 = f32x4.relaxed_madd(x, v128.load(w, 16), c1);
        c2 = f32x4.relaxed_madd(x, v128.load(w, 32), c2);
        c3 = f32x4.relaxed_madd(x, v128.load(w, 48), c3);
        c4 = f32x4.relaxed_madd(x, v128.load(w, 64), c4);
        c5 = f32x4.relaxed_madd(x, v128.load(w, 80), c5);
        c6 = f32x4.relaxed_madd(x, v128.load(w, 96), c6);
        c7 = f32x4.relaxed_madd(x, v128.load(w, 112), c7);
      }
      const o = at(out, t);
      v128.store(o, f32x4.pmax(zero, c0));
      v128.store(o, f32x4.pmax(zero, c1), 16);
      v128.store(o, f32x4.pmax(zero, c2), 32);
      v128.store(o, f32x4.pmax(zero, c3), 48);
      v128.store(o, f32x4.pmax(zero, c4), 64);
      v128.store(o, f32x4.pmax(zero, c5), 80);
      v128.store(o, f32x4.pmax(zero, c6), 96);
      v128.store(o, f32x4.pmax(zero, c7), 112);
    }
    for (; t < s; t += 8) {
      let c0 = v128.load(at(b, t)), c1 = v128.load(at(b, t), 16);
      for (let p = p0; p < p1; p++) {
        const e = load<u32>(at(entry, p));
        const x = pixelValue(e), w = pixelRow(WT, e, s, t);
        c0 = f32x4.relaxed_madd(x, v128.load(w), c0);
        c1 = f32x4.relaxed_madd(x, v128.load(w, 16), c1);
      }
      v128.store(at(out, t), f32x4.pmax(zero, c0));
      v128.store(at(out, t), f32x4.pmax(zero, c1), 16);
    }
  }
}

/**
 * Layer 1's weight gradient over sparse rows, added into G (n0 × s), for large batches (see
 * lib/engine/batch/kernels_wasm.ts):
 *   dWT1[pixel] += (grey/255)·dZ1[j − j0]   for every nonzero of samples j0 … j1−1, in order
 */
export function sparseGradient(
  rowPtr: usize, entry: usize, j0: i32, j1: i32, dZ: usize, s: i32, G: usize,
): void {
  for (let j = j0; j < j1; j++) {
    const p0 = load<i32>(at(rowPtr, j)), p1 = load<i32>(at(rowPtr, j + 1));
    const d = dZ + <usize>(j - j0) * <usize>s * 4;
    let t = 0;
    for (; t + 32 <= s; t += 32) {
      const dt = at(d, t);
      const d0 = v128.load(dt), d1 = v128.load(dt, 16), d2 = v128.load(dt, 32);
      const d3 = v128.load(dt, 48), d4 = v128.load(dt, 64), d5 = v128.load(dt, 80);
      const d6 = v128.load(dt, 96), d7 = v128.load(dt, 112);
      for (let p = p0; p < p1; p++) {
        const e = load<u32>(at(entry, p));
        const x = pixelValue(e), g = pixelRow(G, e, s, t);
        v128.store(g, f32x4.relaxed_madd(x, d0, v128.load(g)));
        v128.store(g, f32x4.relaxed_madd(x, d1, v128.load(g, 16)), 16);
        v128.store(g, f32x4.relaxed_madd(x, d2, v128.load(g, 32)), 32);
        v128.store(g, f32x4.relaxed_madd(x, d3, v128.load(g, 48)), 48);
        v128.store(g, f32x4.relaxed_madd(x, d4, v128.load(g, 64)), 64);
        v128.store(g, f32x4.relaxed_madd(x, d5, v128.load(g, 80)), 80);
        v128.store(g, f32x4.relaxed_madd(x, d6, v128.load(g, 96)), 96);
        v128.store(g, f32x4.relaxed_madd(x, d7, v128.load(g, 112)), 112);
      }
    }
    for (; t < s; t += 8) {
      const d0 = v128.load(at(d, t)), d1 = v128.load(at(d, t), 16);
      for (let p = p0; p < p1; p++) {
        const e = load<u32>(at(entry, p));
        const x = pixelValue(e), g = pixelRow(G, e, s, t);
        v128.store(g, f32x4.relaxed_madd(x, d0, v128.load(g)));
        v128.store(g, f32x4.relaxed_madd(x, d1, v128.load(g, 16)), 16);
      }
    }
  }
}

/**
 * C = bias + A·B, then ReLU when `relu`: C (M × N) from A (M × K, row stride lda) and B (K × N,
 * row stride ldb). M a multiple of 4, N of 8. Tiles of 4 rows × 8 columns in 8 registers: each
 * step broadcasts four values of A against two vectors of a row of B.
 */
export function gemmNN(
  M: i32, N: i32, K: i32, A: usize, lda: i32, B: usize, ldb: i32, C: usize, ldc: i32,
  bias: usize, relu: bool,
): void {
  const zero = f32x4.splat(0);
  const rowA = <usize>lda << 2, rowB = <usize>ldb << 2, rowC = <usize>ldc << 2;
  for (let i = 0; i < M; i += 4) {
    const a0 = A + <usize>i * rowA;
    for (let n = 0; n < N; n += 8) {
      const v0 = v128.load(at(bias, n)), v1 = v128.load(at(bias, n), 16);
      let c00 = v0, c01 = v1, c10 = v0, c11 = v1, c20 = v0, c21 = v1, c30 = v0, c31 = v1;
      let a = a0, bp = at(B, n);
      for (let k = 0; k < K; k++) {
        const b0 = v128.load(bp), b1 = v128.load(bp, 16);
        const x0 = f32x4.splat(load<f32>(a)), x1 = f32x4.splat(load<f32>(a + rowA));
        const x2 = f32x4.splat(load<f32>(a + 2 * rowA)), x3 = f32x4.splat(load<f32>(a + 3 * rowA));
        c00 = f32x4.relaxed_madd(x0, b0, c00);
        c01 = f32x4.relaxed_madd(x0, b1, c01);
        c10 = f32x4.relaxed_madd(x1, b0, c10);
        c11 = f32x4.relaxed_madd(x1, b1, c11);
        c20 = f32x4.relaxed_madd(x2, b0, c20);
        c21 = f32x4.relaxed_madd(x2, b1, c21);
        c30 = f32x4.relaxed_madd(x3, b0, c30);
        c31 = f32x4.relaxed_madd(x3, b1, c31);
        a += 4;
        bp += rowB;
      }
      if (relu) {
        c00 = f32x4.pmax(zero, c00);
        c01 = f32x4.pmax(zero, c01);
        c10 = f32x4.pmax(zero, c10);
        c11 = f32x4.pmax(zero, c11);
        c20 = f32x4.pmax(zero, c20);
        c21 = f32x4.pmax(zero, c21);
        c30 = f32x4.pmax(zero, c30);
        c31 = f32x4.pmax(zero, c31);
      }
      const c = at(C + <usize>i * rowC, n);
      v128.store(c, c00);
      v128.store(c, c01, 16);
      v128.store(c + rowC, c10);
      v128.store(c + rowC, c11, 16);
      v128.store(c + 2 * rowC, c20);
      v128.store(c + 2 * rowC, c21, 16);
      v128.store(c + 3 * rowC, c30);
      v128.store(c + 3 * rowC, c31, 16);
    }
  }
}

/**
 * C = Aᵀ·B: C (M × N) from A (K × M, row stride lda) and B (K × N, row stride ldb) — a layer's
 * weight gradient dWT = A[l−1]ᵀ·dZ[l], summed over the K samples in order. M a multiple of 4,
 * N of 8. Each step loads four values of A's row as one vector and broadcasts its lanes. The
 * sum runs in blocks of TN_BLOCK samples, each block's tiles kept in registers and C carried
 * from block to block, so that a block's rows of A and B stay in cache while every tile of C
 * visits them: the same additions in the same order as one pass, so the same bits.
 */
export function gemmTN(
  M: i32, N: i32, K: i32, A: usize, lda: i32, B: usize, ldb: i32, C: usize, ldc: i32,
): void {
  gemmTNInto(M, N, K, A, lda, B, ldb, C, ldc, false);
}

/** gemmTN, or C += Aᵀ·B when `accumulate` (the sum then starts from C's values). */
@inline export function gemmTNInto(
  M: i32, N: i32, K: i32, A: usize, lda: i32, B: usize, ldb: i32, C: usize, ldc: i32,
  accumulate: bool,
): void {
  const rowA = <usize>lda << 2, rowB = <usize>ldb << 2, rowC = <usize>ldc << 2;
  for (let k0 = 0; k0 < K; k0 += TN_BLOCK) {
    const k1 = min(K, k0 + TN_BLOCK);
    for (let m = 0; m < M; m += 4) {
      for (let n = 0; n < N; n += 8) {
        const c = at(C + <usize>m * rowC, n);
        let c00 = f32x4.splat(0), c01 = c00, c10 = c00, c11 = c00;
        let c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        if (k0 > 0 || accumulate) {
          c00 = v128.load(c);
          c01 = v128.load(c, 16);
          c10 = v128.load(c + rowC);
          c11 = v128.load(c + rowC, 16);
          c20 = v128.load(c + 2 * rowC);
          c21 = v128.load(c + 2 * rowC, 16);
          c30 = v128.load(c + 3 * rowC);
          c31 = v128.load(c + 3 * rowC, 16);
        }
        let a = at(A + <usize>k0 * rowA, m), bp = at(B + <usize>k0 * rowB, n);
        for (let k = k0; k < k1; k++) {
          const b0 = v128.load(bp), b1 = v128.load(bp, 16);
          const av = v128.load(a);
          const x0 = v128.shuffle<f32>(av, av, 0, 0, 0, 0), x1 = v128.shuffle<f32>(av, av, 1, 1, 1, 1);
          const x2 = v128.shuffle<f32>(av, av, 2, 2, 2, 2), x3 = v128.shuffle<f32>(av, av, 3, 3, 3, 3);
          c00 = f32x4.relaxed_madd(x0, b0, c00);
          c01 = f32x4.relaxed_madd(x0, b1, c01);
          c10 = f32x4.relaxed_madd(x1, b0, c10);
          c11 = f32x4.relaxed_madd(x1, b1, c11);
          c20 = f32x4.relaxed_madd(x2, b0, c20);
          c21 = f32x4.relaxed_madd(x2, b1, c21);
          c30 = f32x4.relaxed_madd(x3, b0, c30);
          c31 = f32x4.relaxed_madd(x3, b1, c31);
          a += rowA;
          bp += rowB;
        }
        v128.store(c, c00);
        v128.store(c, c01, 16);
        v128.store(c + rowC, c10);
        v128.store(c + rowC, c11, 16);
        v128.store(c + 2 * rowC, c20);
        v128.store(c + 2 * rowC, c21, 16);
        v128.store(c + 3 * rowC, c30);
        v128.store(c + 3 * rowC, c31, 16);
      }
    }
  }
}

/** Samples per block of gemmTN's sum (measured: 64 to 256 all help, 128 in the middle). */
const TN_BLOCK: i32 = 128;

/**
 * Pack B (K × N, row stride ldb) into panels of 8 columns, P[n/8][k][8] = B[k][n], for
 * gemmPacked: each panel is the K × 8 slice of B a tile of C reads, contiguous. N a multiple of 8.
 */
export function packPanels(K: i32, N: i32, B: usize, ldb: i32, P: usize): void {
  const rowB = <usize>ldb << 2;
  let p = P;
  for (let n = 0; n < N; n += 8) {
    let b = at(B, n);
    for (let k = 0; k < K; k++) {
      v128.store(p, v128.load(b));
      v128.store(p, v128.load(b, 16), 16);
      p += 32;
      b += rowB;
    }
  }
}

/**
 * Pack Bᵀ into panels for gemmPacked, B being N × K (row stride ldb): P[n/8][k][8] = B[n][k], so
 * that gemmPacked computes A·Bᵀ — a layer's patch gradient dcols = dZ·WTᵀ. N a multiple of 8.
 */
export function packPanelsT(K: i32, N: i32, B: usize, ldb: i32, P: usize): void {
  for (let n = 0; n < N; n += 8) {
    for (let j = 0; j < 8; j++) {
      let src = B + (<usize>((n + j) * ldb) << 2);
      let dst = P + ((<usize>n * <usize>K + <usize>j) << 2);
      for (let k = 0; k < K; k++) {
        store<f32>(dst, load<f32>(src));
        src += 4;
        dst += 32;
      }
    }
  }
}

/** ReLU of four lanes when `relu`. */
@inline function reluIf(v: v128, relu: bool): v128 {
  return relu ? f32x4.pmax(f32x4.splat(0), v) : v;
}

/**
 * One tile of gemmPacked: 6 rows of A (from a, row stride rowA) × one panel's 8 columns, from
 * bp to end, into C at c (row stride rowC), starting from [v0 v1]. Twelve accumulators: each
 * step loads the panel's 8 values once and broadcasts six values of A against them.
 */
@inline function tile6x8(
  a: usize, rowA: usize, bp: usize, end: usize, c: usize, rowC: usize, v0: v128, v1: v128,
  relu: bool,
): void {
  let c00 = v0, c01 = v1, c10 = v0, c11 = v1, c20 = v0, c21 = v1;
  let c30 = v0, c31 = v1, c40 = v0, c41 = v1, c50 = v0, c51 = v1;
  while (bp < end) {
    const b0 = v128.load(bp), b1 = v128.load(bp, 16);
    let x = v128.load32_splat(a);
    c00 = f32x4.relaxed_madd(x, b0, c00);
    c01 = f32x4.relaxed_madd(x, b1, c01);
    x = v128.load32_splat(a + rowA);
    c10 = f32x4.relaxed_madd(x, b0, c10);
    c11 = f32x4.relaxed_madd(x, b1, c11);
    x = v128.load32_splat(a + 2 * rowA);
    c20 = f32x4.relaxed_madd(x, b0, c20);
    c21 = f32x4.relaxed_madd(x, b1, c21);
    x = v128.load32_splat(a + 3 * rowA);
    c30 = f32x4.relaxed_madd(x, b0, c30);
    c31 = f32x4.relaxed_madd(x, b1, c31);
    x = v128.load32_splat(a + 4 * rowA);
    c40 = f32x4.relaxed_madd(x, b0, c40);
    c41 = f32x4.relaxed_madd(x, b1, c41);
    x = v128.load32_splat(a + 5 * rowA);
    c50 = f32x4.relaxed_madd(x, b0, c50);
    c51 = f32x4.relaxed_madd(x, b1, c51);
    a += 4;
    bp += 32;
  }
  v128.store(c, reluIf(c00, relu));
  v128.store(c, reluIf(c01, relu), 16);
  v128.store(c + rowC, reluIf(c10, relu));
  v128.store(c + rowC, reluIf(c11, relu), 16);
  v128.store(c + 2 * rowC, reluIf(c20, relu));
  v128.store(c + 2 * rowC, reluIf(c21, relu), 16);
  v128.store(c + 3 * rowC, reluIf(c30, relu));
  v128.store(c + 3 * rowC, reluIf(c31, relu), 16);
  v128.store(c + 4 * rowC, reluIf(c40, relu));
  v128.store(c + 4 * rowC, reluIf(c41, relu), 16);
  v128.store(c + 5 * rowC, reluIf(c50, relu));
  v128.store(c + 5 * rowC, reluIf(c51, relu), 16);
}

/** tile6x8's tail: 2 rows × 8 columns. */
@inline function tile2x8(
  a: usize, rowA: usize, bp: usize, end: usize, c: usize, rowC: usize, v0: v128, v1: v128,
  relu: bool,
): void {
  let c00 = v0, c01 = v1, c10 = v0, c11 = v1;
  while (bp < end) {
    const b0 = v128.load(bp), b1 = v128.load(bp, 16);
    let x = v128.load32_splat(a);
    c00 = f32x4.relaxed_madd(x, b0, c00);
    c01 = f32x4.relaxed_madd(x, b1, c01);
    x = v128.load32_splat(a + rowA);
    c10 = f32x4.relaxed_madd(x, b0, c10);
    c11 = f32x4.relaxed_madd(x, b1, c11);
    a += 4;
    bp += 32;
  }
  v128.store(c, reluIf(c00, relu));
  v128.store(c, reluIf(c01, relu), 16);
  v128.store(c + rowC, reluIf(c10, relu));
  v128.store(c + rowC, reluIf(c11, relu), 16);
}

/**
 * C = bias + A·B, then ReLU when `relu`, with B packed in panels (packPanels; or Bᵀ, packPanelsT):
 * C (M × N) from A (M × K, row stride lda). M a multiple of 2, N of 8; bias 0 for none. The
 * products of the long sums (a convolution's k·k·C patches): tiles of 6 rows × 8 columns, each
 * panel read from contiguous memory. Each element is summed k = 0 … K−1 in order from its bias,
 * as gemmNN sums it: the same bits.
 */
export function gemmPacked(
  M: i32, N: i32, K: i32, A: usize, lda: i32, P: usize, C: usize, ldc: i32, bias: usize,
  relu: bool,
): void {
  const rowA = <usize>lda << 2, rowC = <usize>ldc << 2, panel = <usize>K << 5;
  const zero = f32x4.splat(0);
  // Rows outer, panels inner: a tile's rows of A stay in L1 while every panel (K·N floats, in
  // L2) passes them; panels outer would stream all of A, a chunk's patches, once per panel.
  let i = 0;
  for (; i + 6 <= M; i += 6) {
    const a = A + <usize>i * rowA, c = C + <usize>i * rowC;
    for (let n = 0; n < N; n += 8) {
      const v0 = bias ? v128.load(at(bias, n)) : zero;
      const v1 = bias ? v128.load(at(bias, n), 16) : zero;
      const bp = P + <usize>(n >> 3) * panel;
      tile6x8(a, rowA, bp, bp + panel, at(c, n), rowC, v0, v1, relu);
    }
  }
  for (; i < M; i += 2) {
    const a = A + <usize>i * rowA, c = C + <usize>i * rowC;
    for (let n = 0; n < N; n += 8) {
      const v0 = bias ? v128.load(at(bias, n)) : zero;
      const v1 = bias ? v128.load(at(bias, n), 16) : zero;
      const bp = P + <usize>(n >> 3) * panel;
      tile2x8(a, rowA, bp, bp + panel, at(c, n), rowC, v0, v1, relu);
    }
  }
}

/** [Σ lanes of a, Σ of b, Σ of c, Σ of d] */
@inline function sums4(a: v128, b: v128, c: v128, d: v128): v128 {
  const ab = f32x4.add(v128.shuffle<f32>(a, b, 0, 1, 4, 5), v128.shuffle<f32>(a, b, 2, 3, 6, 7));
  const cd = f32x4.add(v128.shuffle<f32>(c, d, 0, 1, 4, 5), v128.shuffle<f32>(c, d, 2, 3, 6, 7));
  return f32x4.add(v128.shuffle<f32>(ab, cd, 0, 2, 4, 6), v128.shuffle<f32>(ab, cd, 1, 3, 5, 7));
}

/**
 * C = (A·Bᵀ) ⊙ [mask > 0]: C (M × N) from A (M × K) and B (N × K) — the gradient flowing back,
 * dZ[l−1] = (dZ[l]·W[l]) ⊙ ReLU′(Z[l−1]), with B = WT[l] and the mask A[l−1] (row stride ldc;
 * ReLU′(z) = 1 exactly where ReLU(z) > 0); with `mask` 0, C = A·Bᵀ unmasked (a convolution's
 * patch gradient). M a multiple of 2, N and K of 4. Tiles of 2 rows × 4 columns, summed along K
 * four lanes at a time, the lanes added at the end. Only the first `stored` rows of C are
 * written (the rest may belong to another chunk).
 */
export function gemmNTMasked(
  M: i32, N: i32, K: i32, A: usize, lda: i32, B: usize, ldb: i32, C: usize, ldc: i32,
  mask: usize, stored: i32,
): void {
  const zero = f32x4.splat(0);
  const rowA = <usize>lda << 2, rowB = <usize>ldb << 2, rowC = <usize>ldc << 2;
  for (let m = 0; m < M; m += 2) {
    const a0 = A + <usize>m * rowA, a1 = a0 + rowA;
    for (let n = 0; n < N; n += 4) {
      const b0 = B + <usize>n * rowB, b1 = b0 + rowB, b2 = b1 + rowB, b3 = b2 + rowB;
      let c00 = zero, c01 = zero, c02 = zero, c03 = zero;
      let c10 = zero, c11 = zero, c12 = zero, c13 = zero;
      for (let k = 0; k < K; k += 4) {
        const o = <usize>k << 2;
        const x0 = v128.load(a0 + o), x1 = v128.load(a1 + o);
        const w0 = v128.load(b0 + o), w1 = v128.load(b1 + o);
        const w2 = v128.load(b2 + o), w3 = v128.load(b3 + o);
        c00 = f32x4.relaxed_madd(x0, w0, c00);
        c01 = f32x4.relaxed_madd(x0, w1, c01);
        c02 = f32x4.relaxed_madd(x0, w2, c02);
        c03 = f32x4.relaxed_madd(x0, w3, c03);
        c10 = f32x4.relaxed_madd(x1, w0, c10);
        c11 = f32x4.relaxed_madd(x1, w1, c11);
        c12 = f32x4.relaxed_madd(x1, w2, c12);
        c13 = f32x4.relaxed_madd(x1, w3, c13);
      }
      const c = at(C + <usize>m * rowC, n), g = at(mask + <usize>m * rowC, n);
      let r0 = sums4(c00, c01, c02, c03), r1 = sums4(c10, c11, c12, c13);
      if (mask) {
        r0 = v128.and(r0, f32x4.gt(v128.load(g), zero));
        r1 = v128.and(r1, f32x4.gt(v128.load(g + rowC), zero));
      }
      if (m < stored) v128.store(c, r0);
      if (m + 1 < stored) v128.store(c + rowC, r1);
    }
  }
}

/**
 * out = Σ_rows D: the bias gradient db = Σ_samples dZ, for D (R × N), N a multiple of 4. Each
 * column's sum adds the rows in order from 0; sixteen columns at a time, four sums in flight,
 * so that the adds do not wait on each other (one sum in flight waits an add's latency a row).
 */
export function columnSums(R: i32, N: i32, D: usize, ld: i32, out: usize): void {
  const row = <usize>ld << 2;
  let n = 0;
  for (; n + 16 <= N; n += 16) {
    let s0 = f32x4.splat(0), s1 = s0, s2 = s0, s3 = s0;
    let d = at(D, n);
    for (let r = 0; r < R; r++) {
      s0 = f32x4.add(s0, v128.load(d));
      s1 = f32x4.add(s1, v128.load(d, 16));
      s2 = f32x4.add(s2, v128.load(d, 32));
      s3 = f32x4.add(s3, v128.load(d, 48));
      d += row;
    }
    const o = at(out, n);
    v128.store(o, s0);
    v128.store(o, s1, 16);
    v128.store(o, s2, 32);
    v128.store(o, s3, 48);
  }
  for (; n < N; n += 4) {
    let s = f32x4.splat(0);
    let d = at(D, n);
    for (let r = 0; r < R; r++) {
      s = f32x4.add(s, v128.load(d));
      d += row;
    }
    v128.store(at(out, n), s);
  }
}

/**
 * Softmax, loss and dZ of the last layer, rows 0 … rows−1 of Z (row stride s, `classes` used):
 *
 *   a = exp(z − max z) / Σ exp(z − max z);   dZ = a − onehot(y)   (0 in padded rows, columns)
 *   stats[0] += right answers (argmax, first on ties);  stats[1] += −log a[y]
 *
 * in float64. With `probabilities` nonzero, a is also written there (rows × classes, float32)
 * and dZ is not.
 */
export function softmaxLoss(
  Z: usize, rows: i32, R: i32, s: i32, classes: i32, labels: usize, dZ: usize, stats: usize,
  probabilities: usize,
): void {
  let correct = 0, loss: f64 = 0;
  for (let r = 0; r < rows; r++) {
    const z = Z + <usize>r * <usize>s * 4;
    let max = load<f32>(z), best = 0;
    for (let i = 1; i < classes; i++) {
      const v = load<f32>(at(z, i));
      if (v > max) {
        max = v;
        best = i;
      }
    }
    let sum: f64 = 0;
    for (let i = 0; i < classes; i++) sum += Math.exp(<f64>load<f32>(at(z, i)) - <f64>max);
    const y = <i32>load<u8>(labels + <usize>r);
    if (best == y) correct++;
    loss += Math.log(sum) - (<f64>load<f32>(at(z, y)) - <f64>max);
    if (probabilities) {
      const p = probabilities + <usize>r * <usize>classes * 4;
      for (let i = 0; i < classes; i++) {
        store<f32>(at(p, i), <f32>(Math.exp(<f64>load<f32>(at(z, i)) - <f64>max) / sum));
      }
      continue;
    }
    const d = dZ + <usize>r * <usize>s * 4;
    for (let i = 0; i < classes; i++) {
      const a = Math.exp(<f64>load<f32>(at(z, i)) - <f64>max) / sum;
      store<f32>(at(d, i), <f32>(a - (i == y ? 1.0 : 0.0)));
    }
    for (let i = classes; i < s; i++) store<f32>(at(d, i), 0);
  }
  if (!probabilities) memory.fill(dZ + <usize>rows * <usize>s * 4, 0, <usize>(R - rows) * <usize>s * 4);
  store<f64>(stats, load<f64>(stats) + <f64>correct);
  store<f64>(stats, load<f64>(stats, 8) + loss, 8);
}

/** Zero `bytes` bytes from `ptr`. */
export function zero(ptr: usize, bytes: usize): void {
  memory.fill(ptr, 0, bytes);
}

/** Two float32 values at p as float64 lanes. */
@inline function load2(p: usize): v128 {
  return f64x2.promote_low_f32x4(v128.load64_zero(p));
}

/**
 * The optimizer step for entries from … to−1 of a parameter array (see lib/nn/optimizers.ts),
 * two float64 lanes at a time (from and to even):
 *
 *   g = (Σ_c G_c[k]) · invB + λ·θ         the chunks' float32 sums added in chunk order
 *   sgd (kind 0): θ −= η·g
 *   momentum (kind 1): v = μ·v + g, θ −= η·(nesterov ? g + μ·v : v)
 *   adam (kind 2): m = β₁m + (1−β₁)g, v = β₂v + (1−β₂)g², θ −= η·(m/c1)/(√(v/c2) + ε)
 *
 * θ and the moments are float64 (P, M1, M2); θ is also written as float32 to P32.
 */
export function update(
  from: i32, to: i32, P: usize, P32: usize, G: usize, gStride: usize, chunks: i32, M1: usize,
  M2: usize,
): void {
  for (let k = from; k < to; k += 64) {
    const end = min(k + 64, to);
    // The chunks' float32 sums of 64 parameters, in chunk order, into float64 at sumsAt.
    for (let i = k; i < end; i += 2) {
      const o4 = <usize>i << 2;
      let sum = load2(G + o4);
      for (let c = 1; c < chunks; c++) sum = f64x2.add(sum, load2(G + <usize>c * gStride + o4));
      v128.store(sumsAt + (<usize>(i - k) << 3), sum);
    }
    stepRange(P, P32, M1, M2, k, end, sumsAt);
  }
}

// The optimizer's constants for the current step (set by setStep), and where `update`
// keeps its float64 sums: each instance (each thread) has its own globals; `sumsAt` is set by
// the host to this thread's scratch.
let sInvB: f64 = 0, sDecay: f64 = 0, sLr: f64 = 0, sMu: f64 = 0, sB1: f64 = 0, sB2: f64 = 0;
let sRC1: f64 = 0, sRC2: f64 = 0, sEps: f64 = 0;
let sKind = 0, sNesterov = false;
let sumsAt: usize = 0;

/** Where this thread's 512 bytes of float64 sums live (called once by the host). */
export function setScratch(at: usize): void {
  sumsAt = at;
}

/** Set the optimizer's constants for the step, for `update` and `sparseUpdate`. */
export function setStep(
  invB: f64, decay: f64, lr: f64, kind: i32, mu: f64, nesterov: bool, beta1: f64, beta2: f64,
  eps: f64, c1: f64, c2: f64,
): void {
  sInvB = invB;
  sDecay = decay;
  sLr = lr;
  sMu = mu;
  sB1 = beta1;
  sB2 = beta2;
  sRC1 = 1 / c1; // m̂ = m·(1/c1): a product where a quotient costs 4× more
  sRC2 = 1 / c2;
  sEps = eps;
  sKind = kind;
  sNesterov = nesterov;
}

/**
 * The optimizer on parameters from … to−1 (even) whose gradient sums over the batch are the
 * float64 pairs at `sums` (one per two parameters, from `from`): g = sum·invB + λ·θ, then the
 * update of `update`'s doc. One loop per optimizer, its constants in locals.
 */
@inline function stepRange(
  P: usize, P32: usize, M1: usize, M2: usize, from: i32, to: i32, sums: usize,
): void {
  const invB = f64x2.splat(sInvB), decay = f64x2.splat(sDecay), lr = f64x2.splat(sLr);
  if (sKind == 0) {
    for (let k = from; k < to; k += 2) {
      const o4 = <usize>k << 2, o8 = <usize>k << 3;
      const theta = v128.load(P + o8);
      const g = f64x2.add(f64x2.mul(v128.load(sums + (<usize>(k - from) << 3)), invB), f64x2.mul(decay, theta));
      store2(P, P32, o4, o8, f64x2.sub(theta, f64x2.mul(lr, g)));
    }
  } else if (sKind == 1) {
    const mu = f64x2.splat(sMu), nesterov = sNesterov;
    for (let k = from; k < to; k += 2) {
      const o4 = <usize>k << 2, o8 = <usize>k << 3;
      const theta = v128.load(P + o8);
      const g = f64x2.add(f64x2.mul(v128.load(sums + (<usize>(k - from) << 3)), invB), f64x2.mul(decay, theta));
      const v = f64x2.add(f64x2.mul(mu, v128.load(M1 + o8)), g);
      v128.store(M1 + o8, v);
      store2(P, P32, o4, o8, f64x2.sub(theta, f64x2.mul(lr, nesterov ? f64x2.add(g, f64x2.mul(mu, v)) : v)));
    }
  } else {
    const b1 = f64x2.splat(sB1), b2 = f64x2.splat(sB2);
    const nb1 = f64x2.splat(1 - sB1), nb2 = f64x2.splat(1 - sB2);
    const rc1 = f64x2.splat(sRC1), rc2 = f64x2.splat(sRC2), eps = f64x2.splat(sEps);
    for (let k = from; k < to; k += 2) {
      const o4 = <usize>k << 2, o8 = <usize>k << 3;
      const theta = v128.load(P + o8);
      const g = f64x2.add(f64x2.mul(v128.load(sums + (<usize>(k - from) << 3)), invB), f64x2.mul(decay, theta));
      const m = f64x2.add(f64x2.mul(b1, v128.load(M1 + o8)), f64x2.mul(nb1, g));
      const v = f64x2.add(f64x2.mul(b2, v128.load(M2 + o8)), f64x2.mul(f64x2.mul(nb2, g), g));
      v128.store(M1 + o8, m);
      v128.store(M2 + o8, v);
      const step = f64x2.div(f64x2.mul(lr, f64x2.mul(m, rc1)), f64x2.add(f64x2.sqrt(f64x2.mul(v, rc2)), eps));
      store2(P, P32, o4, o8, f64x2.sub(theta, step));
    }
  }
}

/** Store θ (two float64 lanes) to P and, rounded, to P32. */
@inline function store2(P: usize, P32: usize, o4: usize, o8: usize, theta: v128): void {
  v128.store(P + o8, theta);
  v128.store64_lane(P32 + o4, f32x4.demote_f64x2_zero(theta), 0);
}

/**
 * List, pixel by pixel, the samples j0 … j1−1 of the CSR that light it: pixel k's entries run
 * from colPtr[k] to colPtr[k + 1] in colEnt, each `(j − rowBase) << 8 | grey`, in sample order
 * (a counting sort over n0 pixels).
 */
export function columnize(
  rowPtr: usize, entry: usize, j0: i32, j1: i32, n0: i32, rowBase: i32, colPtr: usize,
  colEnt: usize,
): void {
  memory.fill(colPtr, 0, <usize>(n0 + 1) << 2);
  const p0 = load<i32>(at(rowPtr, j0)), p1 = load<i32>(at(rowPtr, j1));
  for (let p = p0; p < p1; p++) {
    const k = <i32>(load<u32>(at(entry, p)) & 0xffff);
    store<i32>(at(colPtr, k + 1), load<i32>(at(colPtr, k + 1)) + 1);
  }
  for (let k = 0; k < n0; k++) {
    store<i32>(at(colPtr, k + 1), load<i32>(at(colPtr, k + 1)) + load<i32>(at(colPtr, k)));
  }
  // colPtr[k] counts up as pixel k's entries are placed; shifted back below.
  for (let j = j0; j < j1; j++) {
    const q0 = load<i32>(at(rowPtr, j)), q1 = load<i32>(at(rowPtr, j + 1));
    for (let p = q0; p < q1; p++) {
      const e = load<u32>(at(entry, p));
      const k = <i32>(e & 0xffff);
      const slot = load<i32>(at(colPtr, k));
      store<u32>(at(colEnt, slot), (<u32>(j - rowBase) << 8) | (e >>> 16));
      store<i32>(at(colPtr, k), slot + 1);
    }
  }
  for (let k = n0; k > 0; k--) store<i32>(at(colPtr, k), load<i32>(at(colPtr, k - 1)));
  store<i32>(colPtr, 0);
}

/** Float32 sums are flushed into float64 after this many entries, so long sums keep digits. */
const FLUSH = 1024;

/** tmp64[0 … width) += the float32 sums at tmp32 (width units). */
@inline function flush(tmp32: usize, tmp64: usize, width: i32): void {
  for (let u = 0; u < width; u += 2) {
    const o = <usize>u << 3;
    v128.store(tmp64 + o, f64x2.add(v128.load(tmp64 + o), load2(tmp32 + (<usize>u << 2))));
  }
}

/**
 * Layer 1's weight gradient and its optimizer step, row by row of WT1 for pixels k0 … k1−1:
 *
 *   dWT1[k] = Σ_chunks Σ_entries (grey/255)·dZ1[row]      then the optimizer on the row
 *
 * from each chunk's column lists (`columnize`: chunk c's pointers at colPtr + c·(n0+1)·4, its
 * entries at the address table[c]) and the batch's dZ1 rows (stride s), summed in registers
 * 32 units at a time in sample order, the float32 sums flushed into float64 every FLUSH entries
 * (a rule of the data, not of the threads). P, P32, M1, M2 point at WT1 in their arrays; `tmp`
 * at 384 bytes of this thread's own.
 */
export function sparseUpdate(
  k0: i32, k1: i32, n0: i32, chunks: i32, colPtr: usize, table: usize, dZ: usize, s: i32,
  P: usize, P32: usize, M1: usize, M2: usize, tmp: usize,
): void {
  const tmp64 = tmp + 128;
  for (let k = k0; k < k1; k++) {
    for (let t = 0; t < s;) {
      const wide = t + 32 <= s; // 32 units at a time, then the rest 8 at a time
      const width = wide ? 32 : 8;
      let c0 = f32x4.splat(0), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
      let pending = 0, flushed = false;
      for (let c = 0; c < chunks; c++) {
        const cp = colPtr + ((<usize>c * <usize>(n0 + 1)) << 2);
        const ents = <usize>load<u32>(table + (<usize>c << 2));
        const e0 = load<i32>(at(cp, k)), e1 = load<i32>(at(cp, k + 1));
        for (let e = e0; e < e1; e++) {
          const ent = load<u32>(at(ents, e));
          const x = f32x4.splat(<f32>(ent & 255) * INV255);
          const d = dZ + ((<usize>(ent >>> 8) * <usize>s + <usize>t) << 2);
          c0 = f32x4.relaxed_madd(x, v128.load(d), c0);
          c1 = f32x4.relaxed_madd(x, v128.load(d, 16), c1);
          if (wide) {
            c2 = f32x4.relaxed_madd(x, v128.load(d, 32), c2);
            c3 = f32x4.relaxed_madd(x, v128.load(d, 48), c3);
            c4 = f32x4.relaxed_madd(x, v128.load(d, 64), c4);
            c5 = f32x4.relaxed_madd(x, v128.load(d, 80), c5);
            c6 = f32x4.relaxed_madd(x, v128.load(d, 96), c6);
            c7 = f32x4.relaxed_madd(x, v128.load(d, 112), c7);
          }
        }
        pending += e1 - e0;
        if (pending >= FLUSH && c < chunks - 1) {
          v128.store(tmp, c0);
          v128.store(tmp, c1, 16);
          v128.store(tmp, c2, 32);
          v128.store(tmp, c3, 48);
          v128.store(tmp, c4, 64);
          v128.store(tmp, c5, 80);
          v128.store(tmp, c6, 96);
          v128.store(tmp, c7, 112);
          if (!flushed) memory.fill(tmp64, 0, 256);
          flush(tmp, tmp64, width);
          flushed = true;
          c0 = f32x4.splat(0);
          c1 = c0;
          c2 = c0;
          c3 = c0;
          c4 = c0;
          c5 = c0;
          c6 = c0;
          c7 = c0;
          pending = 0;
        }
      }
      // The last float32 sums, added to what was flushed before (if anything was).
      v128.store(tmp, c0);
      v128.store(tmp, c1, 16);
      v128.store(tmp, c2, 32);
      v128.store(tmp, c3, 48);
      v128.store(tmp, c4, 64);
      v128.store(tmp, c5, 80);
      v128.store(tmp, c6, 96);
      v128.store(tmp, c7, 112);
      for (let u = 0; u < width; u += 2) {
        const o = tmp64 + (<usize>u << 3), sum = load2(tmp + (<usize>u << 2));
        v128.store(o, flushed ? f64x2.add(v128.load(o), sum) : sum);
      }
      stepRange(P, P32, M1, M2, k * s + t, k * s + t + width, tmp64);
      t += width;
    }
  }
}
