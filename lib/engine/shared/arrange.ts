/**
 * Laying out an epoch on every thread. Between epochs the engine writes each training image as
 * the epoch's plan takes it — shifted, turned, scaled, bent (`augmentImage`) — into the arranged
 * images its kernels read. An elastic field costs about 0.2 ms an image, 7 s an epoch of 41,000
 * on one thread while the others wait; so the plan goes into shared memory and each thread
 * arranges a share of the positions. Each image is computed alone, by the same function, so the
 * arranged bytes are the same on any number of threads.
 *
 * @module
 */

import type { Digits } from "../../data/dataset.ts";
import { augmentImage, type EpochPlan } from "../../nn/minibatch.ts";

/** An epoch's plan in shared buffers, and the training images it takes them from. */
export interface SharedEpoch {
  /** Training images. */
  m: number;
  /** Bytes an image. */
  size: number;
  /** The training images, m × size grey bytes. */
  source: SharedArrayBuffer;
  /** The order, m uint32. */
  order: SharedArrayBuffer;
  /** The shifts, dx then dy, m int8 each. */
  shifts: SharedArrayBuffer;
  /** The angles then the scales, m float64 each. */
  turns: SharedArrayBuffer;
  /** `[distorted (0, 1), bent (0, 1), α, σ, the fields' seed]`, float64. */
  header: SharedArrayBuffer;
}

/** Shared buffers for the epochs of `train`, its images copied in once. */
export function shareEpoch(train: Digits, size: number): SharedEpoch {
  const m = train.count;
  const source = new SharedArrayBuffer(m * size);
  new Uint8Array(source).set(train.pixels.subarray(0, m * size));
  return {
    m,
    size,
    source,
    order: new SharedArrayBuffer(m * 4),
    shifts: new SharedArrayBuffer(2 * m),
    turns: new SharedArrayBuffer(2 * m * 8),
    header: new SharedArrayBuffer(5 * 8),
  };
}

/** The plan held by `shared`, as typed views of its buffers. */
function viewOf(shared: SharedEpoch) {
  const { m } = shared;
  return {
    order: new Uint32Array(shared.order),
    dx: new Int8Array(shared.shifts, 0, m),
    dy: new Int8Array(shared.shifts, m, m),
    angle: new Float64Array(shared.turns, 0, m),
    scale: new Float64Array(shared.turns, 8 * m, m),
    header: new Float64Array(shared.header),
  };
}

/** Write `plan` into `shared` (the main thread, before the threads arrange it). */
export function writeEpoch(shared: SharedEpoch, plan: EpochPlan): void {
  if (plan.order.length !== shared.m) {
    throw new RangeError(
      `Cannot arrange ${plan.order.length} samples: the engine holds ${shared.m}`,
    );
  }
  const view = viewOf(shared), d = plan.distortions;
  view.order.set(plan.order);
  view.dx.set(plan.dx);
  view.dy.set(plan.dy);
  view.header.fill(0);
  if (!d) return;
  view.angle.set(d.angle);
  view.scale.set(d.scale);
  view.header[0] = 1;
  if (d.elastic) view.header.set([1, d.elastic.alpha, d.elastic.sigma, d.elastic.seed], 1);
}

/** The plan in `shared`, as `writeEpoch` wrote it (its noise seed is not kept: 0). */
export function readEpoch(shared: SharedEpoch): EpochPlan {
  const { order, dx, dy, angle, scale, header } = viewOf(shared);
  const plan: EpochPlan = { order, dx, dy, seed: 0 };
  if (header[0] === 1) {
    plan.distortions = { angle, scale };
    if (header[1] === 1) {
      plan.distortions.elastic = { alpha: header[2], sigma: header[3], seed: header[4] };
    }
  }
  return plan;
}

/** The positions thread `slot` of `threads` arranges: `[from, to)`, contiguous, in slot order. */
export function arrangeShare(m: number, slot: number, threads: number): [number, number] {
  return [Math.floor((m * slot) / threads), Math.floor((m * (slot + 1)) / threads)];
}

/**
 * Thread `slot`'s share of the epoch in `shared`: position i's image, as the plan takes it, into
 * `out` at i × size.
 */
export function arrangeImages(
  shared: SharedEpoch,
  slot: number,
  threads: number,
  out: Uint8Array,
): void {
  const plan = readEpoch(shared), { size } = shared, source = new Uint8Array(shared.source);
  const [from, to] = arrangeShare(shared.m, slot, threads);
  for (let i = from; i < to; i++) {
    const j = plan.order[i];
    augmentImage(
      plan,
      i,
      source.subarray(j * size, (j + 1) * size),
      out.subarray(i * size, (i + 1) * size),
    );
  }
}
