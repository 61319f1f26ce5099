/**
 * What a network predicts for a set of images, and the check that the images fit the network:
 * shared by the one-thread predictions (`predict.ts`) and the ones on every core
 * (`parallel.ts`, `ensemble.ts`).
 *
 * @module
 */

import type { UnlabeledDigits } from "../data/dataset.ts";
import { sizeOf } from "../nn/layers/batch.ts";
import type { Network } from "../nn/layers/network.ts";
import type { Matrix } from "../nn/matrix.ts";

/** What a network predicts for a set of images. */
export interface Prediction {
  /** The most probable digit of each image (`argmax`, the first on ties). */
  labels: Uint8Array;
  /** Each image's class probabilities, classes × images (column j is image j's). */
  probabilities: Matrix;
}

/**
 * Check that `images` have as many pixels as `model` has inputs.
 *
 * @throws {RangeError} In one sentence, when they do not.
 */
export function checkInputs(net: Network, images: UnlabeledDigits): void {
  const inputs = sizeOf(net.input);
  if (images.pixels.length !== images.count * inputs) {
    throw new RangeError(
      `Cannot run a network of ${inputs} inputs on images of ${
        images.pixels.length / images.count
      } pixels`,
    );
  }
}
