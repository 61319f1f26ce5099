/**
 * Data augmentation by small rotations and scalings, as Simard, Steinkraus and Platt (2003) used
 * to take a convolutional network past 99.4% on MNIST: each training image turned by a random
 * angle θ and scaled by a random factor s about the frame's centre (13.5, 13.5), then moved by
 * its whole-pixel shift (dx, dy). Each output pixel reads the input where the inverse transform
 * takes it, between four pixels, by bilinear interpolation (0 outside the frame):
 *
 * ```text
 * u = c − 13.5 − dx,   v = r − 13.5 − dy                       (output pixel r, c)
 * x = 13.5 + ( cos θ · u + sin θ · v) / s                       (where it reads)
 * y = 13.5 + (−sin θ · u + cos θ · v) / s
 * out[r][c] = round( (1−fy)·((1−fx)·in[y0][x0] + fx·in[y0][x0+1])
 *                  +    fy ·((1−fx)·in[y0+1][x0] + fx·in[y0+1][x0+1]) )
 *             with x0 = ⌊x⌋, fx = x − x0, y0 = ⌊y⌋, fy = y − y0
 * ```
 *
 * With θ = 0 and s = 1 every read falls on a pixel: the image is `shiftImage`'s exactly.
 *
 * **Elastic distortions** (Simard et al.'s other augmentation, the one that took them to 99.6%)
 * bend a digit as a hand would: each output pixel reads further off by a displacement field
 * (Δx, Δy) — two fields of uniform noise in [−1, 1], smoothed by a Gaussian of standard
 * deviation σ (zero beyond the frame, cut at 3σ), scaled by α:
 *
 * ```text
 * Δx = α · (G_σ ∗ U_x),   Δy = α · (G_σ ∗ U_y),    U_x[r][c], U_y[r][c] uniform in [−1, 1]
 * x ← x + Δx[r][c],       y ← y + Δy[r][c]        (then the same bilinear read)
 * ```
 *
 * A small σ leaves the field rough — every pixel moving its own way, noise; a large one makes it
 * nearly a translation; σ = 4 with α = 34 are Simard's 28×28 values. The noise of an image is
 * {@link counterUniforms} of the epoch's seed and its place in the epoch: nothing per pixel is
 * stored, and any thread computes the same field.
 *
 * @module
 */

import type { Digits } from "./dataset.ts";
import { type Shifts, SIDE, takeTransformed } from "./augment.ts";
import { checkOptions, object } from "../options.ts";
import { counterUniforms, type Rng } from "./random.ts";

/** How a field bends an image: its scale α, in pixels, and its smoothness σ, in pixels. */
export interface ElasticOptions {
  /** α: the field's scale (0–100; Simard's 34). */
  alpha: number;
  /** σ: the Gaussian's standard deviation (1–10; Simard's 4). */
  sigma: number;
}

/**
 * How much to rotate and scale: angles uniform in ±`degrees`, factors in 1 ± `scale`; and, when
 * `elastic` is given, how to bend.
 */
export interface DistortOptions {
  /** The largest rotation either way, in degrees (0–45). */
  degrees: number;
  /** The largest change of size either way, as a fraction (0–0.5): 0.1 is 90% to 110%. */
  scale: number;
  /** Elastic distortions on top (absent: none). */
  elastic?: ElasticOptions;
}

/** The rotations and scalings of one epoch's images, one of each per position of its order. */
export interface Distortions {
  /** Angles, in radians. */
  angle: Float64Array;
  /** Scale factors. */
  scale: Float64Array;
  /** The elastic fields' α and σ, and the epoch's seed of their noise (absent: none). */
  elastic?: ElasticOptions & { seed: number };
}

/**
 * Check rotation and scaling options.
 *
 * @throws {RangeError} One sentence naming the option and what it takes.
 */
export function checkDistort(options: DistortOptions): void {
  // Unknown names first (a typo would otherwise pass as no distortion); the ranges below.
  const any = () => undefined;
  checkOptions("distort images", options, { degrees: any, scale: any, elastic: object });
  const { degrees, scale, elastic } = options;
  if (elastic !== undefined) {
    checkOptions("bend images", elastic, { alpha: any, sigma: any });
    if (!(elastic.alpha >= 0 && elastic.alpha <= 100)) {
      throw new RangeError(
        `Cannot bend images by an elastic field of α = ${elastic.alpha}: expected 0 to 100 pixels`,
      );
    }
    if (!(elastic.sigma >= 1 && elastic.sigma <= 10)) {
      throw new RangeError(
        `Cannot smooth an elastic field by σ = ${elastic.sigma}: expected 1 to 10 pixels`,
      );
    }
  }
  if (!(degrees >= 0 && degrees <= 45)) {
    throw new RangeError(`Cannot rotate images by up to ${degrees}°: expected 0 to 45 degrees`);
  }
  if (!(scale >= 0 && scale <= 0.5)) {
    throw new RangeError(
      `Cannot scale images by up to ${scale}: expected a fraction from 0 to 0.5`,
    );
  }
}

/**
 * Draw `count` rotations and scalings with `rng`: the angle then the factor for each image in
 * turn.
 *
 * @throws {RangeError} For options out of range.
 */
export function drawDistortions(count: number, options: DistortOptions, rng: Rng): Distortions {
  checkDistort(options);
  const angle = new Float64Array(count), scale = new Float64Array(count);
  const maxAngle = options.degrees * Math.PI / 180;
  for (let i = 0; i < count; i++) {
    angle[i] = (2 * rng.uniform() - 1) * maxAngle;
    scale[i] = 1 + (2 * rng.uniform() - 1) * options.scale;
  }
  if (!options.elastic) return { angle, scale };
  const { alpha, sigma } = options.elastic;
  return { angle, scale, elastic: { alpha, sigma, seed: rng.int(4294967296) } };
}

/** The taps of each σ asked for: one field per image and epoch would recompute them. */
const tapsOfSigma = new Map<number, Float64Array>();

/** A Gaussian of σ sampled at −⌈3σ⌉ … ⌈3σ⌉, summing to 1 (computed once per σ). */
function gaussianTaps(sigma: number): Float64Array {
  const known = tapsOfSigma.get(sigma);
  if (known) return known;
  const radius = Math.ceil(3 * sigma);
  const taps = Float64Array.from(
    { length: 2 * radius + 1 },
    (_, t) => Math.exp(-((t - radius) ** 2) / (2 * sigma * sigma)),
  );
  const sum = taps.reduce((a, b) => a + b, 0);
  const normalised = taps.map((t) => t / sum);
  tapsOfSigma.set(sigma, normalised);
  return normalised;
}

/** `field` smoothed by `taps` along rows then columns, 0 beyond the frame (in place). */
function smooth(field: Float64Array, taps: Float64Array): void {
  const radius = (taps.length - 1) / 2, row = new Float64Array(SIDE);
  for (const along of [1, SIDE]) {
    const across = along === 1 ? SIDE : 1;
    for (let line = 0; line < SIDE; line++) {
      for (let i = 0; i < SIDE; i++) {
        const end = Math.min(taps.length, SIDE + radius - i);
        let sum = 0;
        for (let t = Math.max(0, radius - i); t < end; t++) {
          sum += taps[t] * field[line * across + (i + t - radius) * along];
        }
        row[i] = sum;
      }
      for (let i = 0; i < SIDE; i++) field[line * across + i * along] = row[i];
    }
  }
}

/**
 * The elastic displacement field of position `i` of an epoch: Δx and Δy for each of the 784
 * pixels, in pixels (see the module's doc).
 */
export function elasticField(
  elastic: ElasticOptions & { seed: number },
  i: number,
): { dx: Float64Array; dy: Float64Array } {
  const taps = gaussianTaps(elastic.sigma), { alpha, seed } = elastic;
  const [dx, dy] = [0, 1].map((axis) => {
    // U[k] = 2·counterUniform(seed, i, k, axis) − 1, for the 784 pixels k.
    const field = counterUniforms(seed, i, axis, new Float64Array(SIDE * SIDE));
    for (let k = 0; k < field.length; k++) field[k] = 2 * field[k] - 1;
    smooth(field, taps);
    for (let k = 0; k < field.length; k++) field[k] = alpha * field[k];
    return field;
  });
  return { dx, dy };
}

/**
 * Write the image `src` (784 grey levels) turned by `angle` radians and scaled by `scale` about
 * its centre, then moved `dx` pixels right and `dy` down — and bent by an elastic `field` when one
 * is given — into `out`.
 *
 * @example
 * ```ts
 * import { warpImage } from "./distort.ts";
 * const src = new Uint8Array(784);
 * src[14 * 28 + 20] = 255; // right of the centre
 * const out = warpImage(src, 0, 0, Math.PI / 2, 1, new Uint8Array(784));
 * console.log(out.indexOf(255)); // 20 * 28 + 13: a quarter turn puts it below the centre
 * ```
 *
 * @returns `out`.
 */
export function warpImage(
  src: Uint8Array,
  dx: number,
  dy: number,
  angle: number,
  scale: number,
  out: Uint8Array,
  field?: { dx: Float64Array; dy: Float64Array },
): Uint8Array {
  const centre = (SIDE - 1) / 2;
  const cos = Math.cos(angle) / scale, sin = Math.sin(angle) / scale;
  const at = (y: number, x: number) =>
    y >= 0 && y < SIDE && x >= 0 && x < SIDE ? src[y * SIDE + x] : 0;
  for (let r = 0; r < SIDE; r++) {
    for (let c = 0; c < SIDE; c++) {
      const u = c - centre - dx, v = r - centre - dy;
      let x = centre + cos * u + sin * v, y = centre - sin * u + cos * v;
      if (field) x += field.dx[r * SIDE + c], y += field.dy[r * SIDE + c];
      const x0 = Math.floor(x), y0 = Math.floor(y), fx = x - x0, fy = y - y0;
      const top = (1 - fx) * at(y0, x0) + fx * at(y0, x0 + 1);
      const bottom = (1 - fx) * at(y0 + 1, x0) + fx * at(y0 + 1, x0 + 1);
      out[r * SIDE + c] = Math.round((1 - fy) * top + fy * bottom);
    }
  }
  return out;
}

/**
 * The images of `digits` at `indices`, each shifted by its shift and, when `distortions` are
 * given, rotated and scaled too (entry `i` of each for `indices[i]`): the input of one augmented
 * mini-batch.
 */
export function takeDistorted(
  digits: Digits,
  indices: ArrayLike<number>,
  shifts: Shifts,
  distortions: Distortions,
): Digits {
  const { angle, scale } = distortions;
  return takeTransformed(
    digits,
    indices,
    (src, i, out) => warpImage(src, shifts.dx[i], shifts.dy[i], angle[i], scale[i], out),
  );
}
