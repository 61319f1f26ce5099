/**
 * Predictions: the network's most probable digit for each image, with its ten probabilities —
 * for one image, a set of images without labels (Kaggle's `test.csv`), or a CSV file.
 *
 * @module
 */

import { isLabeledCsv, readLabeledCsv, readUnlabeledCsv } from "../data/csv.ts";
import type { UnlabeledDigits } from "../data/dataset.ts";
import { asNetwork, type Model } from "../nn/dense_view.ts";
import { classCount } from "../nn/layers/network.ts";
import { evaluateAverage } from "./ensemble.ts";
import { evaluate, type EvaluateOptions } from "./evaluate.ts";
import { checkInputs, type Prediction } from "./prediction.ts";

export { checkInputs, type Prediction };

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
 * `test.csv`) or labeled (`label,pixel0,…`), whose accuracy comes too. Given several networks
 * and `shifts` (test-time augmentation, `TTA_SHIFTS`), the mean of their probabilities over
 * every network and shift, on every core (`evaluateAverage`): an ensemble's predictions.
 *
 * @example
 * ```ts ignore
 * const { labels, accuracy } = await predictFile([net1, net2, net3], "data/mnist_test.csv", TTA_SHIFTS);
 * ```
 *
 * @throws {Error} `Cannot read PATH: …` for a missing or malformed file; a RangeError when the
 *   networks do not take the images or do not have the same classes.
 */
export async function predictFile(
  model: Model | readonly Model[],
  path: string,
  shifts: readonly (readonly [number, number])[] = [[0, 0]],
): Promise<Prediction & { accuracy?: number }> {
  const nets = (Array.isArray(model) ? model : [model]).map((m: Model) => asNetwork(m));
  if (nets.length === 0) throw new RangeError("Cannot predict with no network");
  const classes = nets.map(classCount);
  if (classes.some((c) => c !== classes[0])) {
    throw new RangeError(
      `Cannot average networks of ${[...new Set(classes)].join(" and ")} classes`,
    );
  }
  const labeled = await isLabeledCsv(path);
  const digits = labeled ? await readLabeledCsv(path) : await readUnlabeledCsv(path);
  for (const net of nets) checkInputs(net, digits);
  // Unlabeled images are scored against labels of 0, their accuracy dropped. One network at
  // [0, 0] is evaluate()'s answer, bit for bit, on every core.
  const scored = { labels: new Uint8Array(digits.count), ...digits };
  const scores = await evaluateAverage(nets, scored, shifts);
  return {
    labels: scores.predictions,
    probabilities: scores.probabilities,
    ...(labeled ? { accuracy: scores.accuracy } : {}),
  };
}
