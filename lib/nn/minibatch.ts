/**
 * Mini-batch training, readable: each epoch visits the training images in a fresh seeded order,
 * `batchSize` at a time, optionally shifted (data augmentation), and takes one optimizer step per
 * batch with the epoch's learning rate:
 *
 * ```text
 * for e = 0 … E−1:
 *   order ← a random permutation of 0 … m−1 (with one batch of all: 0 … m−1 as they are)
 *   shifts ← k-pixel shifts, one per image
 *   η ← schedule(η₀, e, E)
 *   for each batch B of `batchSize` images of order (the last may be smaller):
 *     X, Y ← the images of B, shifted;  dW, db ← backProp(forwardProp(X), Y)   (means over B)
 *     W, b ← optimizer(W, b, dW, db, η)
 * ```
 *
 * With `batchSize = m`, `sgd` and no shifts this is the seed's full-batch gradient descent (the
 * order of the images changes nothing but rounding). The engine (`lib/engine/`) runs the same
 * loop fast; the tests prove the two equal.
 *
 * @module
 */

import { drawShifts, shiftImage, type Shifts, takeTransformed } from "../data/augment.ts";
import {
  type Distortions,
  type DistortOptions,
  drawDistortions,
  warpImage,
} from "../data/distort.ts";
import { type Digits, permutation } from "../data/dataset.ts";
import type { Rng } from "../data/random.ts";
import { crossEntropy, getAccuracy, getPredictions } from "./metrics.ts";
import { backProp, forwardProp, pixelsToX } from "./network.ts";
import {
  applyOptimizer,
  createOptimizerState,
  type OptimizerOptions,
  parameterLengths,
} from "./optimizers.ts";
import { cloneParams, type Params } from "./params.ts";
import { learningRate, type ScheduleOptions } from "./schedules.ts";

/** Options of {@link miniBatchGradientDescent}. */
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
}

/**
 * The images' order and shifts for one epoch, drawn from `rng`: a permutation of `0 … m−1`,
 * then the shifts of the images in that order (none drawn when `augment` is 0), then, when
 * `distort` is given, their rotations and scalings. When one batch holds every image
 * (`batchSize ≥ m`) the order changes nothing but rounding, so it is not drawn: the images stay
 * in their order, as in the seed's full-batch loop.
 */
export function planEpoch(
  m: number,
  augment: number,
  rng: Rng,
  batchSize = 1,
  distort?: DistortOptions,
): EpochPlan {
  const order = batchSize >= m ? Uint32Array.from({ length: m }, (_, j) => j) : permutation(m, rng);
  const plan: EpochPlan = { order, ...drawShifts(m, augment, rng) };
  if (distort) plan.distortions = drawDistortions(m, distort, rng);
  return plan;
}

/**
 * Write the image `src` as position `i` of an epoch's plan takes it — shifted, and rotated and
 * scaled when the plan distorts — into `out`. The one place that decides, for the readable
 * loops and the engines alike.
 */
export function augmentImage(plan: EpochPlan, i: number, src: Uint8Array, out: Uint8Array): void {
  const d = plan.distortions;
  if (d) warpImage(src, plan.dx[i], plan.dy[i], d.angle[i], d.scale[i], out);
  else shiftImage(src, plan.dx[i], plan.dy[i], out);
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

/**
 * Mini-batch training with the readable functions of `lib/nn/` (slow: for tests and small
 * sets; `train` in `lib/engine/` runs the same loop fast).
 *
 * @param digits The training images.
 * @param params Where to start (not changed).
 * @param rng Draws every epoch's order, shifts and distortions.
 * @returns The trained parameters and one point per epoch.
 */
export function miniBatchGradientDescent(
  digits: Digits,
  params: Params,
  rng: Rng,
  options: MiniBatchOptions,
): { params: Params; history: EpochPoint[] } {
  const m = digits.count;
  checkMiniBatch(options, m);
  const { epochs, batchSize, augment = 0, distort } = options;
  const trained = cloneParams(params);
  const state = createOptimizerState(parameterLengths(trained), options);
  const history: EpochPoint[] = [];
  for (let e = 0; e < epochs; e++) {
    const plan = planEpoch(m, augment, rng, batchSize, distort);
    const lr = learningRate(options.lr, e, epochs, options);
    let correct = 0, loss = 0;
    for (let start = 0; start < m; start += batchSize) {
      const end = Math.min(m, start + batchSize);
      const batch = takeEpochBatch(digits, plan, start, end);
      const X = pixelsToX(batch), Y = batch.labels;
      const cache = forwardProp(trained, X);
      const A = cache.A[cache.A.length - 1];
      correct += getAccuracy(getPredictions(A), Y) * batch.count;
      loss += crossEntropy(A, Y) * batch.count;
      applyOptimizer(trained, backProp(trained, cache, X, Y), lr, state, options);
    }
    history.push({ epoch: e + 1, lr, trainAccuracy: correct / m, loss: loss / m });
  }
  return { params: trained, history };
}
