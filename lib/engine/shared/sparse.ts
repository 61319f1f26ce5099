/**
 * Images as compressed sparse rows. About 81% of MNIST's pixels are 0, and a 0 adds nothing to
 * `W·x` nor to `dW = dz·xᵀ`, so the engine visits only the nonzero pixels of each image.
 *
 * @module
 */

import type { Digits } from "../../data/dataset.ts";

/**
 * Compressed sparse rows: for `p` from `rowPtr[j]` to `rowPtr[j + 1] − 1`, the nonzero pixels of
 * image j are `entry[p] & 0xffff` (pixel position) with grey level `entry[p] >>> 16` (1–255).
 * Its value in X is `SCALED[entry[p] >>> 16]`.
 *
 * Four bytes a pixel, read in one load: the engine is limited by how fast it streams these
 * (6 million a pass), and eight-byte float values were 15% slower.
 */
export interface Csr {
  /** Number of images. */
  count: number;
  /** Where each image's nonzero pixels start in `entry`; `count + 1` values. */
  rowPtr: Int32Array;
  /** `(grey << 16) | pixel` for each nonzero pixel, image after image. */
  entry: Uint32Array;
}

/** `SCALED[v] = v / 255`: grey level to input value, the same division as `pixelsToX`. */
export const SCALED: Float64Array = Float64Array.from({ length: 256 }, (_, v) => v / 255);

/**
 * The images of `digits` as {@link Csr}.
 *
 * @param digits Images, 784 bytes each.
 * @param shared Put the arrays in `SharedArrayBuffer`s, so workers can read them without a copy.
 */
export function toCsr(digits: Pick<Digits, "count" | "pixels">, shared = false): Csr {
  const { count, pixels } = digits;
  const n = pixels.length / count;
  let nnz = 0;
  for (let k = 0; k < pixels.length; k++) if (pixels[k] !== 0) nnz++;
  const Buffer = shared ? SharedArrayBuffer : ArrayBuffer;
  const rowPtr = new Int32Array(new Buffer((count + 1) * 4));
  const entry = new Uint32Array(new Buffer(nnz * 4));
  let p = 0;
  for (let j = 0; j < count; j++) {
    rowPtr[j] = p;
    for (let k = 0; k < n; k++) {
      const v = pixels[j * n + k];
      if (v !== 0) entry[p++] = (v << 16) | k;
    }
  }
  rowPtr[count] = p;
  return { count, rowPtr, entry };
}

/**
 * Write the images of `src` in the order `order`, each shifted by its `dx[i]`, `dy[i]` (pixels
 * that leave the 28×28 frame dropped), into `out`, and their labels into `outLabels`: one
 * epoch's training set for the mini-batch engine. The same images as `takeShifted` in
 * `lib/data/augment.ts`, as sparse rows; `out` must have room for `src`'s nonzeros.
 */
export function arrangeCsr(
  src: Csr,
  labels: Uint8Array,
  order: ArrayLike<number>,
  dx: ArrayLike<number>,
  dy: ArrayLike<number>,
  out: Csr,
  outLabels: Uint8Array,
): void {
  const { rowPtr, entry } = src;
  let q = 0;
  for (let i = 0; i < order.length; i++) {
    const j = order[i], sx = dx[i], sy = dy[i];
    out.rowPtr[i] = q;
    outLabels[i] = labels[j];
    if (sx === 0 && sy === 0) {
      for (let p = rowPtr[j]; p < rowPtr[j + 1]; p++) out.entry[q++] = entry[p];
      continue;
    }
    for (let p = rowPtr[j]; p < rowPtr[j + 1]; p++) {
      const k = entry[p] & 0xffff;
      const r = ((k / 28) | 0) + sy, c = (k % 28) + sx;
      if (r >= 0 && r < 28 && c >= 0 && c < 28) {
        out.entry[q++] = (entry[p] & 0xffff0000) | (r * 28 + c); // same grey, new position
      }
    }
  }
  out.rowPtr[order.length] = q;
}
