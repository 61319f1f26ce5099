/**
 * Predictions for images without labels, such as Kaggle's `test.csv`.
 *
 * @module
 */

import type { UnlabeledDigits } from "../data/dataset.ts";
import type { Params } from "../nn/params.ts";
import { evaluate, type EvaluateOptions } from "./evaluate.ts";

/**
 * The predicted digit of each image, `argmax A[L]`: the network's forward pass over every image
 * (the `predictions` of {@link evaluate}, without labels to score them against).
 *
 * @throws {RangeError} When the images do not have the network's number of inputs.
 */
export function predict(
  params: Params,
  images: UnlabeledDigits,
  options: EvaluateOptions = {},
): Uint8Array {
  if (images.pixels.length !== images.count * params.sizes[0]) {
    throw new RangeError(
      `Cannot run a network of ${params.sizes[0]} inputs on images of ${
        images.pixels.length / images.count
      } pixels`,
    );
  }
  const labels = new Uint8Array(images.count); // unused: nothing is scored
  return evaluate(params, { ...images, labels }, options).predictions;
}
