/**
 * Mini-batches: how each epoch is laid out — the images' order, their shifts and distortions,
 * drawn from the seeded generator — and what an epoch's point of the history holds. The loop
 * itself is `miniBatchGradientDescent` (`layers/train.ts`); the engines run the same plans.
 *
 * @module
 */

import { drawShifts, shiftImage, type Shifts, takeTransformed } from "../data/augment.ts";
import {
  type Distortions,
  type DistortOptions,
  drawDistortions,
  elasticField,
  warpImage,
} from "../data/distort.ts";
import { type Digits, permutation } from "../data/dataset.ts";
import type { Rng } from "../data/random.ts";
import type { OptimizerOptions } from "./optimizers.ts";
import type { ScheduleOptions } from "./schedules.ts";

/** Options of the readable loop, `miniBatchGradientDescent`. */
export interface MiniBatchOptions extends OptimizerOptions, ScheduleOptions {
  /** Passes over the training set. */
  epochs: number;
  /** Images per step (the last batch of an epoch may be smaller). */
  batchSize: number;
  /** The base learning rate η₀. */
  lr: number;
  /** Shift each image by up to this many pixels each way (0: no augmentation). */
  augment?: number;
  /** Rotate and scale each image too, anew every epoch (layer-list networks). */
  distort?: DistortOptions;
}

/** One epoch's numbers, for the curves. */
export interface EpochPoint {
  /** Epochs done (1 after the first). */
  epoch: number;
  /** The learning rate the epoch used. */
  lr: number;
  /** Accuracy over the epoch's batches, each scored before its step (as PyTorch logs it). */
  trainAccuracy: number;
  /** Mean cross-entropy loss over the epoch's batches, each before its step. */
  loss: number;
  /** Accuracy on the dev set after the epoch, where one is given. */
  devAccuracy?: number;
  /** Mean loss on the dev set after the epoch, where one is given. */
  devLoss?: number;
  /** Wall-clock seconds since training started, where measured. */
  seconds?: number;
}

/** One epoch's layout: the images' order, their shifts and, when asked, their distortions. */
export interface EpochPlan extends Shifts {
  /** The images in the epoch's order. */
  order: Uint32Array;
  /** Each position's rotation and scaling, when the training distorts images. */
  distortions?: Distortions;
  /**
   * The epoch's noise seed, a 32-bit integer, when the network draws noise in training (a
   * dropout's masks: `LayerMode.seed` in `layers/layer.ts`); 0 when it does not.
   */
  seed: number;
}

/**
 * The images' order and shifts for one epoch, drawn from `rng`: a permutation of `0 … m−1`,
 * then the shifts of the images in that order (none drawn when `augment` is 0), then, when
 * `distort` is given, their rotations and scalings, then, with `noise`, a seed for dropout's
 * masks. When one batch holds every image
 * (`batchSize ≥ m`) the order changes nothing but rounding, so it is not drawn: the images stay
 * in their order, as in the seed's full-batch loop.
 */
export function planEpoch(
  m: number,
  augment: number,
  rng: Rng,
  batchSize = 1,
  distort?: DistortOptions,
  noise = false,
): EpochPlan {
  const order = batchSize >= m ? Uint32Array.from({ length: m }, (_, j) => j) : permutation(m, rng);
  const plan: EpochPlan = { order, ...drawShifts(m, augment, rng), seed: 0 };
  if (distort) plan.distortions = drawDistortions(m, distort, rng);
  if (noise) plan.seed = rng.int(4294967296);
  return plan;
}

/**
 * Write the image `src` as position `i` of an epoch's plan takes it — shifted, and rotated and
 * scaled when the plan distorts — into `out`. The one place that decides, for the readable
 * loops and the engines alike.
 */
export function augmentImage(plan: EpochPlan, i: number, src: Uint8Array, out: Uint8Array): void {
  const d = plan.distortions;
  if (d) {
    const field = d.elastic && elasticField(d.elastic, i);
    warpImage(src, plan.dx[i], plan.dy[i], d.angle[i], d.scale[i], out, field);
  } else shiftImage(src, plan.dx[i], plan.dy[i], out);
}

/** Positions `from … to−1` of an epoch's plan: those images, shifted and distorted as planned. */
export function takeEpochBatch(digits: Digits, plan: EpochPlan, from: number, to: number): Digits {
  return takeTransformed(
    digits,
    plan.order.subarray(from, to),
    (src, i, out) => augmentImage(plan, from + i, src, out),
  );
}

/**
 * Check mini-batch options against a training set of `m` images.
 *
 * @throws {RangeError} One sentence naming the option and what it takes.
 */
export function checkMiniBatch(options: MiniBatchOptions, m: number): void {
  const { epochs, batchSize, lr } = options;
  if (!Number.isInteger(epochs) || epochs < 0) {
    throw new RangeError(`Cannot train for ${epochs} epochs: expected a whole number ≥ 0`);
  }
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > m) {
    throw new RangeError(
      `Cannot use batches of ${batchSize} images: expected a whole number from 1 to ${m}, the training set's size`,
    );
  }
  if (!(lr > 0) || !Number.isFinite(lr)) {
    throw new RangeError(`Cannot train with learning rate ${lr}: expected a positive number`);
  }
}
