/**
 * Predictions for images without labels, such as Kaggle's `test.csv`.
 *
 * @module
 */

import type { UnlabeledDigits } from "../data/dataset.ts";
import type { Params } from "../nn/params.ts";
import { sizeOf } from "../nn/layers/batch.ts";
import type { Network } from "../nn/layers/network.ts";
import { evaluate, type EvaluateOptions } from "./evaluate.ts";

/**
 * Check that `images` have as many pixels as `model` has inputs.
 *
 * @throws {RangeError} In one sentence, when they do not.
 */
export function checkInputs(model: Params | Network, images: UnlabeledDigits): void {
  const inputs = "layers" in model ? sizeOf(model.input) : model.sizes[0];
  if (images.pixels.length !== images.count * inputs) {
    throw new RangeError(
      `Cannot run a network of ${inputs} inputs on images of ${
        images.pixels.length / images.count
      } pixels`,
    );
  }
}

/**
 * The predicted digit of each image, `argmax A[L]`: the network's forward pass over every image
 * (the `predictions` of {@link evaluate}, without labels to score them against).
 *
 * @throws {RangeError} When the images do not have the network's number of inputs.
 */
export function predict(
  model: Params | Network,
  images: UnlabeledDigits,
  options: EvaluateOptions = {},
): Uint8Array {
  checkInputs(model, images);
  const labels = new Uint8Array(images.count); // unused: nothing is scored
  return evaluate(model, { ...images, labels }, options).predictions;
}
