/**
 * Digits in memory, and the seed notebook's shuffle and dev/train split.
 *
 * @module
 */

import type { Rng } from "./random.ts";

/** Labeled digits: `pixels` holds `count` images of 784 bytes each, sample after sample. */
export interface Digits {
  /** Number of images. */
  count: number;
  /** The digit (0–9) of each image. */
  labels: Uint8Array;
  /** Grey levels 0–255, row-major 28×28 per image, `count × 784` bytes. */
  pixels: Uint8Array;
}

/** Unlabeled digits, as in Kaggle's `test.csv`. */
export interface UnlabeledDigits {
  /** Number of images. */
  count: number;
  /** Grey levels 0–255, row-major 28×28 per image, `count × 784` bytes. */
  pixels: Uint8Array;
}

/** Pixels per image (28 × 28). */
export const PIXELS = 784;

/**
 * A uniformly random permutation of `0 … count−1` (Fisher–Yates), like `np.random.shuffle`.
 *
 * @param count Length of the permutation.
 * @param rng The seeded generator to draw from.
 * @returns The permutation.
 */
export function permutation(count: number, rng: Rng): Uint32Array {
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  for (let i = count - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}

/**
 * The digits at the given indices, in that order (a copy).
 *
 * @param digits Source digits.
 * @param indices Which images to take.
 * @returns New digits holding only those images.
 */
export function takeDigits(digits: Digits, indices: ArrayLike<number>): Digits {
  const n = indices.length;
  const labels = new Uint8Array(n);
  const pixels = new Uint8Array(n * PIXELS);
  for (let i = 0; i < n; i++) {
    const j = indices[i];
    if (!(j >= 0 && j < digits.count)) {
      throw new RangeError(`Cannot take image ${j}: there are ${digits.count} images`);
    }
    labels[i] = digits.labels[j];
    pixels.set(digits.pixels.subarray(j * PIXELS, (j + 1) * PIXELS), i * PIXELS);
  }
  return { count: n, labels, pixels };
}

/**
 * The digits in a random order: the seed's `np.random.shuffle(data)`.
 *
 * @param digits Source digits (not modified).
 * @param rng The seeded generator to draw from.
 * @returns A shuffled copy.
 */
export function shuffleDigits(digits: Digits, rng: Rng): Digits {
  return takeDigits(digits, permutation(digits.count, rng));
}

/**
 * Split like the seed: the first `devSize` images are the dev set, the rest the training set.
 *
 * @param digits Digits, usually shuffled first.
 * @param devSize How many images to hold out (the seed: 1000).
 * @returns `{ dev, train }`, views that share memory with `digits`.
 * @throws {RangeError} When `devSize` is not an integer from 0 to `count − 1`.
 */
export function splitDev(digits: Digits, devSize: number): { dev: Digits; train: Digits } {
  if (!Number.isInteger(devSize) || devSize < 0 || devSize >= digits.count) {
    throw new RangeError(
      `Cannot hold out ${devSize} dev images from ${digits.count}: ` +
        `expected an integer from 0 to ${digits.count - 1}`,
    );
  }
  const slice = (from: number, to: number): Digits => ({
    count: to - from,
    labels: digits.labels.subarray(from, to),
    pixels: digits.pixels.subarray(from * PIXELS, to * PIXELS),
  });
  return { dev: slice(0, devSize), train: slice(devSize, digits.count) };
}
