/**
 * Predictions: the network's most probable digit for each image, with its ten probabilities —
 * for one image, a set of images without labels (Kaggle's `test.csv`), or a CSV file.
 *
 * @module
 */

import { isLabeledCsv, readLabeledCsv, readUnlabeledCsv } from "../data/csv.ts";
import type { UnlabeledDigits } from "../data/dataset.ts";
import { asNetwork, type Model } from "../nn/dense_view.ts";
import { sizeOf } from "../nn/layers/batch.ts";
import type { Network } from "../nn/layers/network.ts";
import type { Matrix } from "../nn/matrix.ts";
import { evaluate, type EvaluateOptions } from "./evaluate.ts";

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

/**
 * The predicted digit of each image and its probabilities: the network's forward pass over every
 * image (what {@link evaluate} computes, without labels to score against).
 *
 * @example
 * ```ts ignore
 * const { labels, probabilities } = predict(network, await readUnlabeledCsv("data/test.csv"));
 * ```
 *
 * @throws {RangeError} When the images do not have the network's number of inputs.
 */
export function predict(
  model: Model,
  images: UnlabeledDigits,
  options: EvaluateOptions = {},
): Prediction {
  const net = asNetwork(model);
  checkInputs(net, images);
  const labels = new Uint8Array(images.count); // unused: nothing is scored
  const { predictions, probabilities } = evaluate(net, { ...images, labels }, options);
  return { labels: predictions, probabilities };
}

/**
 * The network's answer for one image of 784 grey levels (0–255, row-major 28×28, as in the data
 * sets): its digit and the ten probabilities.
 *
 * @example
 * ```ts ignore
 * const { label, probabilities } = predictImage(network, test.pixels.subarray(0, 784));
 * ```
 *
 * @throws {RangeError} When the image does not have the network's number of inputs.
 */
export function predictImage(
  model: Model,
  pixels: ArrayLike<number>,
): { label: number; probabilities: number[] } {
  const bad = Array.from(pixels).findIndex((v) => !(Number.isInteger(v) && v >= 0 && v <= 255));
  if (bad >= 0) {
    throw new RangeError(
      `Cannot predict an image whose pixel ${bad} is ${
        pixels[bad]
      }: expected grey levels, whole numbers from 0 to 255`,
    );
  }
  const image = { count: 1, pixels: Uint8Array.from(pixels) };
  const { labels, probabilities } = predict(model, image, { backend: "typescript" });
  return { label: labels[0], probabilities: Array.from(probabilities.data) };
}

/**
 * The network's predictions for a Kaggle-form CSV file: unlabeled (`pixel0,…`, Kaggle's
 * `test.csv`) or labeled (`label,pixel0,…`), whose accuracy comes too.
 *
 * @throws {Error} `Cannot read PATH: …` for a missing or malformed file.
 */
export async function predictFile(
  model: Model,
  path: string,
): Promise<Prediction & { accuracy?: number }> {
  const net = asNetwork(model);
  if (!(await isLabeledCsv(path))) return predict(net, await readUnlabeledCsv(path));
  const digits = await readLabeledCsv(path);
  checkInputs(net, digits);
  const scores = evaluate(net, digits);
  return {
    labels: scores.predictions,
    probabilities: scores.probabilities,
    accuracy: scores.accuracy,
  };
}
