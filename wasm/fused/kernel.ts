// AssemblyScript (TypeScript syntax, compiled to WebAssembly with SIMD): the fast engine's
// kernel. It computes what `accumulateGradients` in lib/engine/fused/kernel_typescript.ts computes — forward and
// backward propagation over a range of samples, visiting only nonzero pixels, adding the
// gradient sums and the stats — in float32, four lanes at a time:
//
// - Layer 1 forward, per sample: z[1] = W[1]·x + b[1] as three 4-lane vectors (10 units padded
//   to 12), one multiply-add per vector per nonzero pixel (the sample's nonzeros row-wise).
// - Layer 1 backward, per block of samples and pixel by pixel: dW[1]ᵀ[k] = Σ_j x[j][k]·dz[1][j]
//   over the block's samples with pixel k lit (the same nonzeros column-wise), the sum held in
//   registers — no load and store of dW[1]ᵀ per nonzero.
// - Layer 1's multiply-adds are fused (relaxed SIMD: one rounding where the CPU has FMA, two
//   where it has not; both are float32 arithmetic, and the tests' tolerance covers either).
// - Nonzeros go four at a time: their grey bytes in one load, widened and converted together,
//   lists padded to a multiple of 4 with grey-0 entries, which add exactly 0. Each nonzero's
//   16-bit offset is a load of its own (four such loads beat one 64-bit load and shifts by 4%).
//   WebAssembly under Deno checks the bounds of every load, so fewer loads is faster; one byte
//   per grey level instead of a float halves what each pass streams from memory.
// - The small layers (10×10), four samples at once, one sample per lane: every weight is
//   splatted once and used for all four. For the seed's network their arrays sit at fixed
//   addresses (SEED_*) and their code is unrolled, so that every address is a constant, which
//   V8 does not bounds-check.
// - Gradients are summed in float32 over blocks of 1024 samples and the blocks in float64, so a
//   long sum does not lose the float32 rounding of its many terms (for 10 first-layer units the
//   backward pass adds each block's dW[1]ᵀ sums into the float64 totals itself).
//
// Build: `deno task wasm` (asc -O3 --runtime stub --enable simd --enable relaxed-simd --noAssert
// --memoryBase 262144)
// → lib/engine/fused/kernel_wasm_binary.ts, the binary embedded as base64.
//
// Memory, all set up by the host (lib/engine/fused/kernel_wasm.ts) before `configure`: a config block of i32
// fields (see CFG_*), then the regions it points at.

// ---- configuration (byte offsets of i32 fields in the config block) ----
const CFG_LAYERS = 0; //     L, number of weight layers (≥ 1)
const CFG_SIZES = 4; //      i32[L + 1] layer sizes at this offset … (max 8 layers)
const CFG_PTRS = 40; //      pointers, in this order:
//   0 P32     f32 parameters: W1ᵀ (n0 × s1, rows padded to s1 = n1 rounded up to 4), b1 (s1),
//             then for l ≥ 2: W[l] row-major (n_l × n_{l−1}), b[l] (n_l)
//   1 TOT     f64 gradient totals in the host's packed layout (W1ᵀ n0 × n1, b1, W2, b2, …)
//   2 ROWPTR  i32[count + 1] row (sample) starts in OFF and VAL, each a multiple of 4
//   3 OFF     u16[…] the address of each nonzero pixel's row of W1ᵀ: P32 + pixel · s1 · 4, so
//             P32 is low (1024) and W1ᵀ must end below 64 KiB: see wasmUnfit in lib/engine/fused/kernel_wasm.ts
//   4 LABELS  u8[count]
//   5 WORK    scratch, laid out by `configure`, which returns where it ends
//   6 STATS   f64[2]: correct, loss
//   7 VAL     u8[…] each nonzero pixel's grey level (its value is grey · (1/255) in float32)
//   8 COLPTR  i32[blocks · (n0 + 1)]: the same nonzeros again, block by block and in each
//             block column by column (pixel by pixel): block b's column k runs from
//             COLPTR[b·(n0+1) + k] to COLPTR[b·(n0+1) + k + 1] in COFF and CVAL, a multiple of 4
//   9 COFF    u16[…] byte offset of the nonzero's sample's dz1 row in the block: (j mod B) · s1 · 4
//  10 CVAL    u8[…] its grey level
//  11 (not a pointer) B, samples per block, a multiple of 4 with B · s1 · 4 ≤ 65536

let L: i32 = 0;
let n0: i32 = 0;
let n1: i32 = 0;
let s1: i32 = 0; // n1 rounded up to a multiple of 4
let P32: usize = 0;
let TOT: usize = 0;
let ROWPTR: usize = 0;
let OFF: usize = 0;
let VAL: usize = 0;
let LABELS: usize = 0;
let STATS: usize = 0;
let COLPTR: usize = 0;
let COFF: usize = 0;
let CVAL: usize = 0;
let BLOCK: i32 = 0;

// Per-layer tables live in the low memory the build reserves (asc --memoryBase 262144), at
// fixed addresses after the config block: entry l of table T is the usize at T + 4·l.
const WOFF: usize = 256; //  W of layer l (0-based) in P32
const BOFF: usize = 288; //  b of layer l in P32
const TW: usize = 320; //    W of layer l in TOT (f64)
const TB: usize = 352; //    b of layer l in TOT
const ZL: usize = 384; //    lane-form Z of layer l: one v128 (four samples) per unit
const AL: usize = 416; //    lane-form A
const DZL: usize = 448; //   lane-form dZ
const GW: usize = 480; //    lane-form dW accumulators of layer l ≥ 1: one v128 per weight
const GB: usize = 512; //    lane-form db accumulators of layer l ≥ 1
const WS: usize = 544; //    W and then b of layer l ≥ 1, each value splatted to a v128

// Low memory, then: 0 the config block, 256 the tables above, 1024 the float32 parameters
// (P32, placed by the host), 65536 the seed network's arrays below, 196608 the block's dz1 rows
// (DZB), 262144 the build's own data, and from 1 MiB the host's regions.
//
// The seed's network, 784-10-10-10, gets its small layers' lane-form arrays at these fixed
// addresses (see forward10): the same layout as the work area's, per layer l = 0, 1, 2.
const SEED_Z: usize = 65536; //  Z[l]: 10 v128 (160 bytes) per layer
const SEED_A: usize = 66016; //  A[l]
const SEED_D: usize = 66496; //  dZ[l]
const SEED_GW: usize = 66976; // dW of layers 1, 2: 100 v128 (1600 bytes) each
const SEED_GB: usize = 70176; // db of layers 1, 2: 10 v128 each
const SEED_WS: usize = 70496; // W then b of layers 1, 2, splatted: 110 v128 (1760 bytes) each
let SEED = false;

@inline function tab(table: usize, l: i32): usize {
  return load<usize>(table + (<usize>l << 2));
}
@inline function setTab(table: usize, l: i32, value: usize): void {
  store<usize>(table + (<usize>l << 2), value);
}
@inline function size(l: i32): i32 {
  return load<i32>(<usize>(CFG_SIZES + 4 * l));
}

let G1: usize = 0; // f32 dW1ᵀ block accumulator, n0 × s1
let GB1: usize = 0; // lane-form db1, n1 v128
let ROWS: usize = 0; // row-form z1 / dz1 of four samples: 4 × s1 f32 each
// The block's dz1 rows, B × s1 f32 (padding lanes: 0 from memory.grow, never written; at most
// 64 KiB, as B · s1 · 4 ≤ 65536), at a fixed address: the loads in firstLayerBackward take it as
// their constant offset, which costs no instruction, where a variable base costs an add.
const DZB: usize = 196608;

function cfg(offset: i32): i32 {
  return load<i32>(<usize>offset);
}

/** Read the config block at address 0 and lay out the work area; returns the bytes it needs. */
export function configure(): usize {
  L = cfg(CFG_LAYERS);
  n0 = size(0);
  n1 = size(1);
  s1 = (n1 + 3) & ~3;
  P32 = <usize>cfg(CFG_PTRS);
  TOT = <usize>cfg(CFG_PTRS + 4);
  ROWPTR = <usize>cfg(CFG_PTRS + 8);
  OFF = <usize>cfg(CFG_PTRS + 12);
  VAL = <usize>cfg(CFG_PTRS + 28);
  LABELS = <usize>cfg(CFG_PTRS + 16);
  let work = <usize>cfg(CFG_PTRS + 20);
  STATS = <usize>cfg(CFG_PTRS + 24);
  COLPTR = <usize>cfg(CFG_PTRS + 32);
  COFF = <usize>cfg(CFG_PTRS + 36);
  CVAL = <usize>cfg(CFG_PTRS + 40);
  BLOCK = cfg(CFG_PTRS + 44);

  // Parameter offsets in P32 (padded first layer) and in TOT (the host's packed layout).
  let p: usize = P32, t: usize = TOT;
  for (let l = 0; l < L; l++) {
    const nIn = size(l), nOut = size(l + 1);
    setTab(WOFF, l, p);
    setTab(TW, l, t);
    p += <usize>(l == 0 ? nIn * s1 : nIn * nOut) << 2;
    t += <usize>(nIn * nOut) << 3;
    setTab(BOFF, l, p);
    setTab(TB, l, t);
    p += <usize>(l == 0 ? s1 : nOut) << 2;
    t += <usize>nOut << 3;
  }
  // Work area, 16-byte aligned.
  work = (work + 15) & ~15;
  G1 = work;
  work += <usize>(n0 * s1) << 2;
  GB1 = work;
  work += <usize>n1 << 4;
  ROWS = work;
  work += <usize>(4 * s1) << 2;
  SEED = L == 3 && n1 == 10 && size(2) == 10 && size(3) == 10;
  if (SEED) {
    for (let l = 0; l < 3; l++) {
      setTab(ZL, l, SEED_Z + 160 * l);
      setTab(AL, l, SEED_A + 160 * l);
      setTab(DZL, l, SEED_D + 160 * l);
      if (l > 0) {
        setTab(GW, l, SEED_GW + 1600 * (l - 1));
        setTab(GB, l, SEED_GB + 160 * (l - 1));
        setTab(WS, l, SEED_WS + 1760 * (l - 1));
      }
    }
    return work;
  }
  for (let l = 0; l < L; l++) {
    const n = <usize>size(l + 1);
    setTab(ZL, l, work);
    work += n << 4;
    setTab(AL, l, work);
    work += n << 4;
    setTab(DZL, l, work);
    work += n << 4;
    if (l > 0) {
      setTab(GW, l, work);
      work += (n * <usize>size(l)) << 4;
      setTab(GB, l, work);
      work += n << 4;
      setTab(WS, l, work);
      work += (n * <usize>size(l) + n) << 4;
    }
  }
  return work;
}

/** Zero the float32 block accumulators. */
function clearBlock(): void {
  memory.fill(G1, 0, (<usize>(n0 * s1) << 2) + (<usize>n1 << 4)); // G1 and GB1, side by side
  for (let l = 1; l < L; l++) {
    const n = <usize>size(l + 1);
    memory.fill(tab(GW, l), 0, (n * <usize>size(l)) << 4);
    memory.fill(tab(GB, l), 0, n << 4);
  }
}

@inline function laneSum(v: v128): f64 {
  return <f64>f32x4.extract_lane(v, 0) + <f64>f32x4.extract_lane(v, 1) +
    <f64>f32x4.extract_lane(v, 2) + <f64>f32x4.extract_lane(v, 3);
}

/** Add the float32 block into the float64 totals (in the host's layout), then clear it. */
function flushBlock(): void {
  // dW1ᵀ: padded rows of s1 → packed rows of n1 (for 10 units the backward pass adds its
  // column sums into the totals itself, and G1 stays 0)
  for (let k = 0; k < (n1 == 10 ? 0 : n0); k++) {
    const src = G1 + (<usize>(k * s1) << 2), dst = tab(TW, 0) + (<usize>(k * n1) << 3);
    for (let h = 0; h < n1; h++) {
      const q = dst + (<usize>h << 3);
      store<f64>(q, load<f64>(q) + <f64>load<f32>(src + (<usize>h << 2)));
    }
  }
  for (let h = 0; h < n1; h++) {
    const q = tab(TB, 0) + (<usize>h << 3);
    store<f64>(q, load<f64>(q) + laneSum(v128.load(GB1 + (<usize>h << 4))));
  }
  for (let l = 1; l < L; l++) {
    const nOut = size(l + 1), nIn = size(l);
    for (let i = 0; i < nOut * nIn; i++) {
      const q = tab(TW, l) + (<usize>i << 3);
      store<f64>(q, load<f64>(q) + laneSum(v128.load(tab(GW, l) + (<usize>i << 4))));
    }
    for (let i = 0; i < nOut; i++) {
      const q = tab(TB, l) + (<usize>i << 3);
      store<f64>(q, load<f64>(q) + laneSum(v128.load(tab(GB, l) + (<usize>i << 4))));
    }
  }
  clearBlock();
}

/**
 * exp(x) for four lanes: exp(x) = 2^t with t = x / ln 2 = n + f, n = round(t), f ∈ [−½, ½];
 * 2^f by a degree-6 polynomial (fitted for relative error, ≈ 1e-7 in float32), 2ⁿ built in
 * the exponent bits. x / ln 2 rounds to float32 first, which for the softmax's x ≤ 0 costs a
 * relative error of |x|·1e-7 — where exp(x) is below 1e-6 when that reaches 1e-6.
 */
@inline function exp4(x: v128): v128 {
  x = f32x4.pmin(f32x4.pmax(x, f32x4.splat(-87.33654)), f32x4.splat(88.37626));
  const t = f32x4.mul(x, f32x4.splat(1.44269504088896341));
  const n = f32x4.nearest(t);
  const f = f32x4.sub(t, n);
  let y = f32x4.splat(1.5394337242469192e-4);
  y = f32x4.relaxed_madd(y, f, f32x4.splat(1.3388516381382942e-3));
  y = f32x4.relaxed_madd(y, f, f32x4.splat(9.618211537599564e-3));
  y = f32x4.relaxed_madd(y, f, f32x4.splat(5.550358444452286e-2));
  y = f32x4.relaxed_madd(y, f, f32x4.splat(2.4022650718688965e-1));
  y = f32x4.relaxed_madd(y, f, f32x4.splat(6.931471824645996e-1));
  y = f32x4.relaxed_madd(y, f, f32x4.splat(1));
  const pow2n = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  return f32x4.mul(y, pow2n);
}

/**
 * The values of four nonzero pixels from their grey levels at `v`: grey · (1/255) in float32,
 * within one unit in the last place of grey / 255 (a division here cost 10% of the kernel).
 */
@inline function values4(v: usize): v128 {
  // (reads 8 bytes, uses 4: the bytes past a region's end belong to the next one, in memory)
  const grey = i32x4.extend_low_i16x8_u(v128.load8x8_u(v));
  return f32x4.mul(f32x4.convert_i32x4_s(grey), f32x4.splat(<f32>(1.0 / 255)));
}

/** z1 = W1·x (no bias) for sample j into the row at `row`: 4-lane multiply-adds per pixel. */
function firstLayerForward(j: i32, row: usize): void {
  const start = <usize>load<i32>(ROWPTR + (<usize>j << 2)), end = <usize>load<i32>(ROWPTR + (<usize>(j + 1) << 2));
  let o = OFF + (start << 1), v = VAL + start;
  const oEnd = OFF + (end << 1);
  if (s1 == 12) {
    // Two sets of sums (a: nonzeros 0 and 2 of each four, b: 1 and 3), added at the end: a
    // fused multiply-add waits 4 cycles for its sum, so one set would leave the core idle.
    let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0);
    let b0 = f32x4.splat(0), b1 = f32x4.splat(0), b2 = f32x4.splat(0);
    for (; o < oEnd; o += 8, v += 4) {
      const xs = values4(v); // the values of the next four nonzeros
      let w = <usize>load<u16>(o); // row k of W1ᵀ: the 10 (12) weights pixel k feeds
      let x = v128.shuffle<f32>(xs, xs, 0, 0, 0, 0); // x[k] in all four lanes
      a0 = f32x4.relaxed_madd(v128.load(w), x, a0);
      a1 = f32x4.relaxed_madd(v128.load(w, 16), x, a1);
      a2 = f32x4.relaxed_madd(v128.load(w, 32), x, a2);
      w = <usize>load<u16>(o, 2);
      x = v128.shuffle<f32>(xs, xs, 1, 1, 1, 1);
      b0 = f32x4.relaxed_madd(v128.load(w), x, b0);
      b1 = f32x4.relaxed_madd(v128.load(w, 16), x, b1);
      b2 = f32x4.relaxed_madd(v128.load(w, 32), x, b2);
      w = <usize>load<u16>(o, 4);
      x = v128.shuffle<f32>(xs, xs, 2, 2, 2, 2);
      a0 = f32x4.relaxed_madd(v128.load(w), x, a0);
      a1 = f32x4.relaxed_madd(v128.load(w, 16), x, a1);
      a2 = f32x4.relaxed_madd(v128.load(w, 32), x, a2);
      w = <usize>load<u16>(o, 6);
      x = v128.shuffle<f32>(xs, xs, 3, 3, 3, 3);
      b0 = f32x4.relaxed_madd(v128.load(w), x, b0);
      b1 = f32x4.relaxed_madd(v128.load(w, 16), x, b1);
      b2 = f32x4.relaxed_madd(v128.load(w, 32), x, b2);
    }
    a0 = f32x4.add(a0, b0);
    a1 = f32x4.add(a1, b1);
    a2 = f32x4.add(a2, b2);
    v128.store(row, a0);
    v128.store(row, a1, 16);
    v128.store(row, a2, 32);
  } else {
    const rowBytes = <usize>s1 << 2;
    memory.fill(row, 0, rowBytes);
    for (; o < oEnd; o += 2, v++) {
      const w = <usize>load<u16>(o);
      const x = f32x4.splat(<f32>load<u8>(v) * <f32>(1.0 / 255));
      for (let q: usize = 0; q < rowBytes; q += 16) {
        v128.store(row + q, f32x4.add(v128.load(row + q), f32x4.mul(v128.load(w + q), x)));
      }
    }
  }
}

/**
 * dW1ᵀ[k] += Σ x[j][k]·dz1[j] over the samples j of block b, column by column: the sum for
 * pixel k is kept in registers while its nonzeros are visited, then added to G1 once.
 */
function firstLayerBackward(b: i32): void {
  let cp = COLPTR + (<usize>(b * (n0 + 1)) << 2);
  let g = G1;
  const rowBytes = <usize>s1 << 2;
  for (let k = 0; k < n0; k++, cp += 4, g += rowBytes) {
    let o = COFF + (<usize>load<i32>(cp) << 1), v = CVAL + <usize>load<i32>(cp);
    const oEnd = COFF + (<usize>load<i32>(cp, 4) << 1);
    if (o == oEnd) continue;
    if (s1 == 12) {
      let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0);
      let b0 = f32x4.splat(0), b1 = f32x4.splat(0), b2 = f32x4.splat(0);
      for (; o < oEnd; o += 8, v += 4) {
        const xs = values4(v);
        let d = <usize>load<u16>(o); // dz1 of the sample this nonzero belongs to
        let x = v128.shuffle<f32>(xs, xs, 0, 0, 0, 0);
        a0 = f32x4.relaxed_madd(v128.load(d, DZB), x, a0);
        a1 = f32x4.relaxed_madd(v128.load(d, DZB + 16), x, a1);
        a2 = f32x4.relaxed_madd(v128.load(d, DZB + 32), x, a2);
        d = <usize>load<u16>(o, 2);
        x = v128.shuffle<f32>(xs, xs, 1, 1, 1, 1);
        b0 = f32x4.relaxed_madd(v128.load(d, DZB), x, b0);
        b1 = f32x4.relaxed_madd(v128.load(d, DZB + 16), x, b1);
        b2 = f32x4.relaxed_madd(v128.load(d, DZB + 32), x, b2);
        d = <usize>load<u16>(o, 4);
        x = v128.shuffle<f32>(xs, xs, 2, 2, 2, 2);
        a0 = f32x4.relaxed_madd(v128.load(d, DZB), x, a0);
        a1 = f32x4.relaxed_madd(v128.load(d, DZB + 16), x, a1);
        a2 = f32x4.relaxed_madd(v128.load(d, DZB + 32), x, a2);
        d = <usize>load<u16>(o, 6);
        x = v128.shuffle<f32>(xs, xs, 3, 3, 3, 3);
        b0 = f32x4.relaxed_madd(v128.load(d, DZB), x, b0);
        b1 = f32x4.relaxed_madd(v128.load(d, DZB + 16), x, b1);
        b2 = f32x4.relaxed_madd(v128.load(d, DZB + 32), x, b2);
      }
      a0 = f32x4.add(a0, b0);
      a1 = f32x4.add(a1, b1);
      a2 = f32x4.add(a2, b2);
      if (n1 == 10) {
        // the block's sums for pixel k straight into the float64 totals, two units at a time
        const t = tab(TW, 0) + <usize>(k * 80);
        v128.store(t, f64x2.add(v128.load(t), f64x2.promote_low_f32x4(a0)));
        v128.store(t, f64x2.add(v128.load(t, 16), f64x2.promote_low_f32x4(v128.shuffle<f32>(a0, a0, 2, 3, 0, 1))), 16);
        v128.store(t, f64x2.add(v128.load(t, 32), f64x2.promote_low_f32x4(a1)), 32);
        v128.store(t, f64x2.add(v128.load(t, 48), f64x2.promote_low_f32x4(v128.shuffle<f32>(a1, a1, 2, 3, 0, 1))), 48);
        v128.store(t, f64x2.add(v128.load(t, 64), f64x2.promote_low_f32x4(a2)), 64);
        continue;
      }
      v128.store(g, f32x4.add(v128.load(g), a0));
      v128.store(g, f32x4.add(v128.load(g, 16), a1), 16);
      v128.store(g, f32x4.add(v128.load(g, 32), a2), 32);
    } else {
      for (; o < oEnd; o += 2, v++) {
        const d = DZB + <usize>load<u16>(o);
        const x = f32x4.splat(<f32>load<u8>(v) * <f32>(1.0 / 255));
        for (let q: usize = 0; q < rowBytes; q += 16) {
          v128.store(g + q, f32x4.add(v128.load(g + q), f32x4.mul(v128.load(d + q), x)));
        }
      }
    }
  }
}

/**
 * Forward and backward over samples [from, to) of the range (from a multiple of BLOCK), adding
 * the gradient sums into TOT (float64, host layout) and [correct, loss] into STATS. TOT and
 * STATS are not cleared here.
 */
export function accumulate(from: i32, to: i32): void {
  clearBlock();
  // Splat the small layers' weights and biases once: each is then used for four samples at a time.
  for (let l = 1; l < L; l++) {
    const count = size(l + 1) * size(l) + size(l + 1); // W[l] then b[l], contiguous in P32
    const src = tab(WOFF, l), dst = tab(WS, l);
    for (let i = 0; i < count; i++) {
      v128.store(dst + (<usize>i << 4), v128.load32_splat(src + (<usize>i << 2)));
    }
  }
  let correct: f64 = 0, loss: f64 = 0;
  for (let j0 = from; j0 < to; j0 += 4) {
    const lanes = min(4, to - j0);
    // ---- layer 1 forward, per sample, then into lane form with the bias: Z1[h] = (z1 of the 4 samples at h)
    for (let s = 0; s < 4; s++) {
      const row = ROWS + (<usize>(s * s1) << 2);
      if (s < lanes) firstLayerForward(j0 + s, row);
      else memory.fill(row, 0, <usize>s1 << 2);
    }
    for (let h = 0; h < n1; h++) {
      const hb = <usize>h << 2;
      let v = f32x4.splat(0);
      v = f32x4.replace_lane(v, 0, load<f32>(ROWS + hb));
      v = f32x4.replace_lane(v, 1, load<f32>(ROWS + (<usize>s1 << 2) + hb));
      v = f32x4.replace_lane(v, 2, load<f32>(ROWS + (<usize>(2 * s1) << 2) + hb));
      v = f32x4.replace_lane(v, 3, load<f32>(ROWS + (<usize>(3 * s1) << 2) + hb));
      v = f32x4.add(v, f32x4.splat(load<f32>(tab(BOFF, 0) + hb)));
      v128.store(tab(ZL, 0) + (<usize>h << 4), v);
      v128.store(tab(AL, 0) + (<usize>h << 4), f32x4.pmax(v, f32x4.splat(0))); // A1 = ReLU(Z1)
    }
    // ---- layers 2…L forward, four samples per vector: Z[l] = W[l]·A[l−1] + b[l]
    for (let l = 1; l < L; l++) {
      const nOut = size(l + 1), nIn = size(l);
      const W = tab(WS, l), A = tab(AL, l - 1), Z = tab(ZL, l), Aout = tab(AL, l);
      const B = W + (<usize>(nOut * nIn) << 4);
      if (SEED) {
        if (l == 1) forward10(SEED_WS, SEED_A, SEED_Z + 160, SEED_A + 160, true);
        else forward10(SEED_WS + 1760, SEED_A + 160, SEED_Z + 320, SEED_A + 320, false);
        continue;
      }
      if (nIn == 10 && nOut == 10) {
        forward10(W, A, Z, Aout, l < L - 1);
        continue;
      }
      for (let i = 0; i < nOut; i++) {
        let acc = f32x4.splat(0);
        const row = W + (<usize>(i * nIn) << 4);
        for (let h = 0; h < nIn; h++) {
          acc = f32x4.add(acc, f32x4.mul(v128.load(row + (<usize>h << 4)), v128.load(A + (<usize>h << 4))));
        }
        acc = f32x4.add(acc, v128.load(B + (<usize>i << 4)));
        v128.store(Z + (<usize>i << 4), acc);
        if (l < L - 1) v128.store(Aout + (<usize>i << 4), f32x4.pmax(acc, f32x4.splat(0)));
      }
    }
    // ---- softmax per lane: A[L] = exp(Z − max) / Σ exp(Z − max)
    const nC = size(L), ZC = tab(ZL, L - 1), AC = tab(AL, L - 1), DC = tab(DZL, L - 1);
    let max = v128.load(ZC);
    for (let i = 1; i < nC; i++) max = f32x4.pmax(max, v128.load(ZC + (<usize>i << 4)));
    let sum = f32x4.splat(0);
    for (let i = 0; i < nC; i++) {
      const e = exp4(f32x4.sub(v128.load(ZC + (<usize>i << 4)), max));
      v128.store(AC + (<usize>i << 4), e);
      sum = f32x4.add(sum, e);
    }
    const inv = f32x4.div(f32x4.splat(1), sum);
    // labels of the four samples; lanes past `to` get label −1 and a zero mask
    let y = i32x4.splat(-1);
    y = i32x4.replace_lane(y, 0, <i32>load<u8>(LABELS + <usize>j0));
    if (lanes > 1) y = i32x4.replace_lane(y, 1, <i32>load<u8>(LABELS + <usize>(j0 + 1)));
    if (lanes > 2) y = i32x4.replace_lane(y, 2, <i32>load<u8>(LABELS + <usize>(j0 + 2)));
    if (lanes > 3) y = i32x4.replace_lane(y, 3, <i32>load<u8>(LABELS + <usize>(j0 + 3)));
    const live = i32x4.ne(y, i32x4.splat(-1));
    // dZ[L] = A[L] − Y, zero in dead lanes; on the way, argmax (first maximum) and z[y] per lane
    let best = v128.load(ZC), bestIndex = i32x4.splat(0), zy = f32x4.splat(0);
    for (let i = 0; i < nC; i++) {
      const z = v128.load(ZC + (<usize>i << 4));
      const better = f32x4.gt(z, best);
      best = v128.bitselect(z, best, better);
      bestIndex = v128.bitselect(i32x4.splat(i), bestIndex, better);
      const isLabel = i32x4.eq(y, i32x4.splat(i));
      zy = v128.or(zy, v128.and(z, isLabel));
      const a = f32x4.mul(v128.load(AC + (<usize>i << 4)), inv);
      v128.store(DC + (<usize>i << 4), v128.and(f32x4.sub(a, v128.and(isLabel, f32x4.splat(1))), live));
    }
    correct += <f64>popcnt(i8x16.bitmask(v128.and(i32x4.eq(bestIndex, y), live))) / 4;
    // −log a[y] = log Σ exp(z − max) − (z[y] − max), per live lane
    const shifted = f32x4.sub(zy, max);
    loss += <f64>Mathf.log(f32x4.extract_lane(sum, 0)) - <f64>f32x4.extract_lane(shifted, 0);
    if (lanes > 1) loss += <f64>Mathf.log(f32x4.extract_lane(sum, 1)) - <f64>f32x4.extract_lane(shifted, 1);
    if (lanes > 2) loss += <f64>Mathf.log(f32x4.extract_lane(sum, 2)) - <f64>f32x4.extract_lane(shifted, 2);
    if (lanes > 3) loss += <f64>Mathf.log(f32x4.extract_lane(sum, 3)) - <f64>f32x4.extract_lane(shifted, 3);
    // ---- backward through layers L…2: dW[l] += dZ[l]·A[l−1]ᵀ, db[l] += dZ[l],
    //      dZ[l−1] = W[l]ᵀ·dZ[l] ⊙ ReLU′(Z[l−1])
    for (let l = L - 1; l >= 1; l--) {
      const nOut = size(l + 1), nIn = size(l);
      const W = tab(WS, l), D = tab(DZL, l), A = tab(AL, l - 1), Zp = tab(ZL, l - 1), Dp = tab(DZL, l - 1);
      const gw = tab(GW, l), gb = tab(GB, l);
      if (SEED) {
        if (l == 2) {
          backward10(SEED_WS + 1760, SEED_D + 320, SEED_A + 160, SEED_Z + 160, SEED_D + 160, SEED_GW + 1600, SEED_GB + 160);
        } else backward10(SEED_WS, SEED_D + 160, SEED_A, SEED_Z, SEED_D, SEED_GW, SEED_GB);
        continue;
      }
      if (nIn == 10 && nOut == 10) {
        backward10(W, D, A, Zp, Dp, gw, gb);
        continue;
      }
      for (let i = 0; i < nOut; i++) {
        const d = v128.load(D + (<usize>i << 4));
        v128.store(gb + (<usize>i << 4), f32x4.add(v128.load(gb + (<usize>i << 4)), d));
        const g = gw + (<usize>(i * nIn) << 4);
        for (let h = 0; h < nIn; h++) {
          const q = g + (<usize>h << 4);
          v128.store(q, f32x4.add(v128.load(q), f32x4.mul(d, v128.load(A + (<usize>h << 4)))));
        }
      }
      for (let h = 0; h < nIn; h++) {
        let acc = f32x4.splat(0);
        for (let i = 0; i < nOut; i++) {
          const w = v128.load(W + (<usize>(i * nIn + h) << 4));
          acc = f32x4.add(acc, f32x4.mul(w, v128.load(D + (<usize>i << 4))));
        }
        const positive = f32x4.gt(v128.load(Zp + (<usize>h << 4)), f32x4.splat(0));
        v128.store(Dp + (<usize>h << 4), v128.and(acc, positive));
      }
    }
    // ---- layer 1: db1 += dZ1 (lanes); the four dz1 rows into the block's rows, for the
    //      block's dW1ᵀ pass once its last group is done
    const D1 = tab(DZL, 0);
    const rows = DZB + (<usize>((j0 % BLOCK) * s1) << 2);
    for (let h = 0; h < n1; h++) {
      const q = GB1 + (<usize>h << 4);
      const d = v128.load(D1 + (<usize>h << 4));
      v128.store(q, f32x4.add(v128.load(q), d));
      const hb = <usize>h << 2;
      store<f32>(rows + hb, f32x4.extract_lane(d, 0));
      store<f32>(rows + (<usize>s1 << 2) + hb, f32x4.extract_lane(d, 1));
      store<f32>(rows + (<usize>(2 * s1) << 2) + hb, f32x4.extract_lane(d, 2));
      store<f32>(rows + (<usize>(3 * s1) << 2) + hb, f32x4.extract_lane(d, 3));
    }
    if (j0 + 4 >= to || (j0 + 4) % BLOCK == 0) {
      firstLayerBackward(j0 / BLOCK);
      flushBlock();
    }
  }
  store<f64>(STATS, load<f64>(STATS) + correct);
  store<f64>(STATS, load<f64>(STATS, 8) + loss, 8);
}

// ---- the 10×10 layers, unrolled -------------------------------------------------------
// Everything below is @inline with the unit index a literal, so when the addresses passed in
// are constants too (the seed's network: SEED_* above) every address is a constant, and V8
// checks no bounds for a constant address inside the module's initial memory. For other
// networks the same code runs on the work area's addresses, checked.

/**
 * Z = W·A + b for a 10×10 layer, four samples per lane, the ten input vectors held in locals
 * (registers) instead of reloaded for every output unit; A_out = ReLU(Z) if `relu`.
 */
@inline function forward10(W: usize, A: usize, Z: usize, Aout: usize, relu: bool): void {
  const a0 = v128.load(A), a1 = v128.load(A, 16), a2 = v128.load(A, 32), a3 = v128.load(A, 48);
  const a4 = v128.load(A, 64), a5 = v128.load(A, 80), a6 = v128.load(A, 96), a7 = v128.load(A, 112);
  const a8 = v128.load(A, 128), a9 = v128.load(A, 144);
  forwardUnit(W, Z, Aout, relu, 0, a0, a1, a2, a3, a4, a5, a6, a7, a8, a9);
  forwardUnit(W, Z, Aout, relu, 1, a0, a1, a2, a3, a4, a5, a6, a7, a8, a9);
  forwardUnit(W, Z, Aout, relu, 2, a0, a1, a2, a3, a4, a5, a6, a7, a8, a9);
  forwardUnit(W, Z, Aout, relu, 3, a0, a1, a2, a3, a4, a5, a6, a7, a8, a9);
  forwardUnit(W, Z, Aout, relu, 4, a0, a1, a2, a3, a4, a5, a6, a7, a8, a9);
  forwardUnit(W, Z, Aout, relu, 5, a0, a1, a2, a3, a4, a5, a6, a7, a8, a9);
  forwardUnit(W, Z, Aout, relu, 6, a0, a1, a2, a3, a4, a5, a6, a7, a8, a9);
  forwardUnit(W, Z, Aout, relu, 7, a0, a1, a2, a3, a4, a5, a6, a7, a8, a9);
  forwardUnit(W, Z, Aout, relu, 8, a0, a1, a2, a3, a4, a5, a6, a7, a8, a9);
  forwardUnit(W, Z, Aout, relu, 9, a0, a1, a2, a3, a4, a5, a6, a7, a8, a9);
}

/** Output unit i: Z[i] = Σ_h W[i][h]·A[h] + b[i] (W then b, splatted: b[i] at W + 1600 + 16i). */
@inline function forwardUnit(
  W: usize, Z: usize, Aout: usize, relu: bool, i: usize,
  a0: v128, a1: v128, a2: v128, a3: v128, a4: v128,
  a5: v128, a6: v128, a7: v128, a8: v128, a9: v128,
): void {
  const w = W + i * 160; // row i of W: 10 splatted weights
  let acc = f32x4.mul(v128.load(w), a0);
  acc = f32x4.add(acc, f32x4.mul(v128.load(w, 16), a1));
  acc = f32x4.add(acc, f32x4.mul(v128.load(w, 32), a2));
  acc = f32x4.add(acc, f32x4.mul(v128.load(w, 48), a3));
  acc = f32x4.add(acc, f32x4.mul(v128.load(w, 64), a4));
  acc = f32x4.add(acc, f32x4.mul(v128.load(w, 80), a5));
  acc = f32x4.add(acc, f32x4.mul(v128.load(w, 96), a6));
  acc = f32x4.add(acc, f32x4.mul(v128.load(w, 112), a7));
  acc = f32x4.add(acc, f32x4.mul(v128.load(w, 128), a8));
  acc = f32x4.add(acc, f32x4.mul(v128.load(w, 144), a9));
  acc = f32x4.add(acc, v128.load(W + 1600 + (i << 4)));
  v128.store(Z + (i << 4), acc);
  if (relu) v128.store(Aout + (i << 4), f32x4.pmax(acc, f32x4.splat(0)));
}

/**
 * The backward step of a 10×10 layer, four samples per lane, with A and dZ in locals:
 * dW += dZ·Aᵀ, db += dZ, dZ_prev = Wᵀ·dZ ⊙ ReLU′(Z_prev).
 */
@inline function backward10(W: usize, D: usize, A: usize, Zp: usize, Dp: usize, gw: usize, gb: usize): void {
  const a0 = v128.load(A), a1 = v128.load(A, 16), a2 = v128.load(A, 32), a3 = v128.load(A, 48);
  const a4 = v128.load(A, 64), a5 = v128.load(A, 80), a6 = v128.load(A, 96), a7 = v128.load(A, 112);
  const a8 = v128.load(A, 128), a9 = v128.load(A, 144);
  gradientUnit(D, gw, gb, 0, a0, a1, a2, a3, a4, a5, a6, a7, a8, a9);
  gradientUnit(D, gw, gb, 1, a0, a1, a2, a3, a4, a5, a6, a7, a8, a9);
  gradientUnit(D, gw, gb, 2, a0, a1, a2, a3, a4, a5, a6, a7, a8, a9);
  gradientUnit(D, gw, gb, 3, a0, a1, a2, a3, a4, a5, a6, a7, a8, a9);
  gradientUnit(D, gw, gb, 4, a0, a1, a2, a3, a4, a5, a6, a7, a8, a9);
  gradientUnit(D, gw, gb, 5, a0, a1, a2, a3, a4, a5, a6, a7, a8, a9);
  gradientUnit(D, gw, gb, 6, a0, a1, a2, a3, a4, a5, a6, a7, a8, a9);
  gradientUnit(D, gw, gb, 7, a0, a1, a2, a3, a4, a5, a6, a7, a8, a9);
  gradientUnit(D, gw, gb, 8, a0, a1, a2, a3, a4, a5, a6, a7, a8, a9);
  gradientUnit(D, gw, gb, 9, a0, a1, a2, a3, a4, a5, a6, a7, a8, a9);
  const d0 = v128.load(D), d1 = v128.load(D, 16), d2 = v128.load(D, 32), d3 = v128.load(D, 48);
  const d4 = v128.load(D, 64), d5 = v128.load(D, 80), d6 = v128.load(D, 96), d7 = v128.load(D, 112);
  const d8 = v128.load(D, 128), d9 = v128.load(D, 144);
  backwardUnit(W, Zp, Dp, 0, d0, d1, d2, d3, d4, d5, d6, d7, d8, d9);
  backwardUnit(W, Zp, Dp, 1, d0, d1, d2, d3, d4, d5, d6, d7, d8, d9);
  backwardUnit(W, Zp, Dp, 2, d0, d1, d2, d3, d4, d5, d6, d7, d8, d9);
  backwardUnit(W, Zp, Dp, 3, d0, d1, d2, d3, d4, d5, d6, d7, d8, d9);
  backwardUnit(W, Zp, Dp, 4, d0, d1, d2, d3, d4, d5, d6, d7, d8, d9);
  backwardUnit(W, Zp, Dp, 5, d0, d1, d2, d3, d4, d5, d6, d7, d8, d9);
  backwardUnit(W, Zp, Dp, 6, d0, d1, d2, d3, d4, d5, d6, d7, d8, d9);
  backwardUnit(W, Zp, Dp, 7, d0, d1, d2, d3, d4, d5, d6, d7, d8, d9);
  backwardUnit(W, Zp, Dp, 8, d0, d1, d2, d3, d4, d5, d6, d7, d8, d9);
  backwardUnit(W, Zp, Dp, 9, d0, d1, d2, d3, d4, d5, d6, d7, d8, d9);
}

/** Row i of the gradient sums: dW[i][h] += dZ[i]·A[h] for h = 0…9, db[i] += dZ[i]. */
@inline function gradientUnit(
  D: usize, gw: usize, gb: usize, i: usize,
  a0: v128, a1: v128, a2: v128, a3: v128, a4: v128,
  a5: v128, a6: v128, a7: v128, a8: v128, a9: v128,
): void {
  const d = v128.load(D + (i << 4));
  v128.store(gb + (i << 4), f32x4.add(v128.load(gb + (i << 4)), d));
  const g = gw + i * 160;
  v128.store(g, f32x4.relaxed_madd(d, a0, v128.load(g)));
  v128.store(g, f32x4.relaxed_madd(d, a1, v128.load(g, 16)), 16);
  v128.store(g, f32x4.relaxed_madd(d, a2, v128.load(g, 32)), 32);
  v128.store(g, f32x4.relaxed_madd(d, a3, v128.load(g, 48)), 48);
  v128.store(g, f32x4.relaxed_madd(d, a4, v128.load(g, 64)), 64);
  v128.store(g, f32x4.relaxed_madd(d, a5, v128.load(g, 80)), 80);
  v128.store(g, f32x4.relaxed_madd(d, a6, v128.load(g, 96)), 96);
  v128.store(g, f32x4.relaxed_madd(d, a7, v128.load(g, 112)), 112);
  v128.store(g, f32x4.relaxed_madd(d, a8, v128.load(g, 128)), 128);
  v128.store(g, f32x4.relaxed_madd(d, a9, v128.load(g, 144)), 144);
}

/** Unit h of the previous layer: dZ_prev[h] = Σ_i W[i][h]·dZ[i] where Z_prev[h] > 0, else 0. */
@inline function backwardUnit(
  W: usize, Zp: usize, Dp: usize, h: usize,
  d0: v128, d1: v128, d2: v128, d3: v128, d4: v128,
  d5: v128, d6: v128, d7: v128, d8: v128, d9: v128,
): void {
  const w = W + (h << 4); // column h of W: stride 10 weights = 160 bytes
  let acc = f32x4.mul(v128.load(w), d0);
  acc = f32x4.add(acc, f32x4.mul(v128.load(w, 160), d1));
  acc = f32x4.add(acc, f32x4.mul(v128.load(w, 320), d2));
  acc = f32x4.add(acc, f32x4.mul(v128.load(w, 480), d3));
  acc = f32x4.add(acc, f32x4.mul(v128.load(w, 640), d4));
  acc = f32x4.add(acc, f32x4.mul(v128.load(w, 800), d5));
  acc = f32x4.add(acc, f32x4.mul(v128.load(w, 960), d6));
  acc = f32x4.add(acc, f32x4.mul(v128.load(w, 1120), d7));
  acc = f32x4.add(acc, f32x4.mul(v128.load(w, 1280), d8));
  acc = f32x4.add(acc, f32x4.mul(v128.load(w, 1440), d9));
  const positive = f32x4.gt(v128.load(Zp + (h << 4)), f32x4.splat(0));
  v128.store(Dp + (h << 4), v128.and(acc, positive));
}
