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
 * @module
 */

import type { Digits } from "./dataset.ts";
import { type Shifts, SIDE, takeTransformed } from "./augment.ts";
import type { Rng } from "./random.ts";

/** How much to rotate and scale: angles uniform in ±`degrees`, factors in 1 ± `scale`. */
export interface DistortOptions {
  /** The largest rotation either way, in degrees (0–45). */
  degrees: number;
  /** The largest change of size either way, as a fraction (0–0.5): 0.1 is 90% to 110%. */
  scale: number;
}

/** The rotations and scalings of one epoch's images, one of each per position of its order. */
export interface Distortions {
  /** Angles, in radians. */
  angle: Float64Array;
  /** Scale factors. */
  scale: Float64Array;
}

/**
 * Check rotation and scaling options.
 *
 * @throws {RangeError} One sentence naming the option and what it takes.
 */
export function checkDistort(options: DistortOptions): void {
  const { degrees, scale } = options;
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
  return { angle, scale };
}

/**
 * Write the image `src` (784 grey levels) turned by `angle` radians and scaled by `scale` about
 * its centre, then moved `dx` pixels right and `dy` down, into `out`.
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
): Uint8Array {
  const centre = (SIDE - 1) / 2;
  const cos = Math.cos(angle) / scale, sin = Math.sin(angle) / scale;
  const at = (y: number, x: number) =>
    y >= 0 && y < SIDE && x >= 0 && x < SIDE ? src[y * SIDE + x] : 0;
  for (let r = 0; r < SIDE; r++) {
    for (let c = 0; c < SIDE; c++) {
      const u = c - centre - dx, v = r - centre - dy;
      const x = centre + cos * u + sin * v, y = centre - sin * u + cos * v;
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
