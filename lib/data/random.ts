/**
 * A small seeded random generator, so that every random step of the project (initial weights,
 * shuffles, picks for figures) is reproducible from one integer seed.
 *
 * The generator is xoshiro128** (Blackman & Vigna), seeded through splitmix32; uniform numbers
 * take 53 bits from two outputs, normal numbers come from the Box–Muller transform.
 *
 * @module
 */

/** A seeded source of random numbers. Pass one to every function that needs randomness. */
export interface Rng {
  /** A uniform number in [0, 1) with 53 random bits. */
  uniform(): number;
  /** A standard normal number N(0, 1). */
  normal(): number;
  /** A uniform integer in [0, n). */
  int(n: number): number;
}

/**
 * Create a generator from an integer seed; the same seed always gives the same sequence.
 *
 * @example
 * ```ts
 * import { createRng } from "./random.ts";
 * const a = createRng(42), b = createRng(42);
 * if (a.normal() !== b.normal()) throw new Error("not deterministic");
 * ```
 *
 * @param seed Any safe integer (negative values and values above 2³² are folded in).
 * @returns A fresh generator.
 * @throws {RangeError} When the seed is not a safe integer.
 */
export function createRng(seed: number): Rng {
  if (!Number.isSafeInteger(seed)) {
    throw new RangeError(`Cannot seed the generator with ${seed}: expected an integer`);
  }
  // splitmix32 spreads the seed's bits over the four words of state.
  let x = (seed >>> 0) ^ Math.floor(seed / 4294967296);
  const splitmix = (): number => {
    x = (x + 0x9e3779b9) | 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let s0 = splitmix(), s1 = splitmix(), s2 = splitmix(), s3 = splitmix();

  // xoshiro128**: one 32-bit output per call.
  const next = (): number => {
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result;
  };

  const uniform = (): number => ((next() >>> 5) * 67108864 + (next() >>> 6)) / 9007199254740992;

  let spare = NaN;
  const normal = (): number => {
    if (!Number.isNaN(spare)) {
      const z = spare;
      spare = NaN;
      return z;
    }
    // Box–Muller: two uniforms → two independent normals; 1 − u keeps log away from 0.
    const r = Math.sqrt(-2 * Math.log(1 - uniform()));
    const theta = 2 * Math.PI * uniform();
    spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  };

  const int = (n: number): number => Math.floor(uniform() * n);

  return { uniform, normal, int };
}

function rotl(v: number, k: number): number {
  return (v << k) | (v >>> (32 - k));
}

/** murmur3's finaliser: every bit of `h` moves every bit of the result. */
function fmix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * A uniform number in [0, 1) that is a function of four integers: a counter-based generator
 * (as Philox is in PyTorch's CUDA dropout). Where a sequential generator gives the n-th number
 * only after the n − 1 before it, this gives the number of (seed, a, b, c) at once — so that
 * dropout's mask of a sample is the same whichever thread, chunk or batch computes it.
 *
 * ```text
 * u = fmix32(c + fmix32(b + fmix32(a + fmix32(seed)))) / 2³²   (24 bits kept: u·2²⁴ is whole)
 * ```
 *
 * @param seed A 32-bit seed (an epoch's). @param a @param b @param c Unsigned 32-bit counters.
 */
export function counterUniform(seed: number, a: number, b: number, c: number): number {
  const h = fmix32((c + fmix32((b + fmix32((a + fmix32(seed >>> 0)) >>> 0)) >>> 0)) >>> 0);
  return (h >>> 8) / 16777216;
}

/**
 * {@link counterUniform}`(seed, a, b, c)` for b = 0 … `out.length` − 1, into `out`: the same
 * numbers, with the hashes of (seed, a) computed once for all of them.
 */
export function counterUniforms(
  seed: number,
  a: number,
  c: number,
  out: Float64Array,
): Float64Array {
  const ha = fmix32((a + fmix32(seed >>> 0)) >>> 0);
  for (let b = 0; b < out.length; b++) {
    out[b] = (fmix32((c + fmix32((b + ha) >>> 0)) >>> 0) >>> 8) / 16777216;
  }
  return out;
}
