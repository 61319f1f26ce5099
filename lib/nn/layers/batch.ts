/**
 * A batch of samples as the layers see it: m tensors of one shape, one after another in one
 * `Float64Array` — an image is C×H×W (channels, rows, columns), a vector is [n]. Sample j's
 * element (c, y, x) sits at `j·C·H·W + (c·H + y)·W + x`: the layout PyTorch calls NCHW.
 *
 * @module
 */

/** m samples of shape `shape`, sample-major, row-major within a sample. */
export interface Batch {
  /** Samples. */
  m: number;
  /** Each sample's shape: `[C, H, W]` for images, `[n]` for vectors. */
  shape: number[];
  /** `m · size(shape)` values. */
  data: Float64Array;
}

/** Elements of one sample of shape `shape`: the product of its sizes. */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** A batch of zeros. */
export function zeros(m: number, shape: readonly number[]): Batch {
  return { m, shape: [...shape], data: new Float64Array(m * sizeOf(shape)) };
}

/**
 * Images (grey levels 0–255, 784 per image) as a batch of 1×28×28 inputs scaled to [0, 1], the
 * seed's `X / 255`.
 */
export function imagesToBatch(
  digits: { count: number; pixels: Uint8Array },
  shape: readonly number[] = [1, 28, 28],
): Batch {
  const out = zeros(digits.count, shape);
  if (digits.pixels.length !== out.data.length) {
    throw new RangeError(
      `Cannot read ${digits.count} images of ${digits.pixels.length / digits.count} pixels as ${
        shape.join("×")
      }`,
    );
  }
  for (let k = 0; k < out.data.length; k++) out.data[k] = digits.pixels[k] / 255;
  return out;
}
