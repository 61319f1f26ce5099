/**
 * How well the network does: predictions, accuracy, loss, confusion matrix, mistakes.
 *
 * @module
 */

import type { Matrix } from "./matrix.ts";

/**
 * `argmaxᵢ Aᵢⱼ` for each column j: the predicted class of each sample, the seed's
 * `get_predictions` (`np.argmax(A, 0)`). Ties go to the lower class, as in numpy.
 */
export function getPredictions(A: Matrix): Uint8Array {
  const predictions = new Uint8Array(A.cols);
  for (let j = 0; j < A.cols; j++) {
    let best = 0;
    for (let i = 1; i < A.rows; i++) {
      if (A.data[i * A.cols + j] > A.data[best * A.cols + j]) best = i;
    }
    predictions[j] = best;
  }
  return predictions;
}

/**
 * `(1/m) Σⱼ [predictionⱼ = Yⱼ]`, the fraction predicted right: the seed's `get_accuracy`.
 *
 * @throws {RangeError} When the two arrays differ in length or are empty.
 */
export function getAccuracy(predictions: ArrayLike<number>, Y: ArrayLike<number>): number {
  sameLength(predictions, Y);
  let right = 0;
  for (let j = 0; j < Y.length; j++) if (predictions[j] === Y[j]) right++;
  return right / Y.length;
}

/**
 * `−(1/m) Σⱼ log A[Yⱼ, j]`, the mean cross-entropy loss of the probabilities A (classes×m)
 * against the labels Y — the quantity whose gradient back propagation computes.
 */
export function crossEntropy(A: Matrix, Y: ArrayLike<number>): number {
  if (A.cols !== Y.length) {
    throw new RangeError(`Cannot score ${A.cols} predictions against ${Y.length} labels`);
  }
  let sum = 0;
  for (let j = 0; j < Y.length; j++) sum -= Math.log(A.data[Y[j] * A.cols + j]);
  return sum / Y.length;
}

/**
 * `C[t][p]` = how many samples of true class t were predicted as p: rows are the truth,
 * columns the prediction, the diagonal the right answers.
 */
export function confusionMatrix(
  predictions: ArrayLike<number>,
  Y: ArrayLike<number>,
  classes = 10,
): number[][] {
  sameLength(predictions, Y);
  const C = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let j = 0; j < Y.length; j++) C[Y[j]][predictions[j]]++;
  return C;
}

/** The indices j where `predictionsⱼ ≠ Yⱼ`, in order. */
export function misclassified(predictions: ArrayLike<number>, Y: ArrayLike<number>): number[] {
  sameLength(predictions, Y);
  const wrong: number[] = [];
  for (let j = 0; j < Y.length; j++) if (predictions[j] !== Y[j]) wrong.push(j);
  return wrong;
}

function sameLength(a: ArrayLike<number>, b: ArrayLike<number>): void {
  if (a.length !== b.length) {
    throw new RangeError(`Cannot compare ${a.length} predictions with ${b.length} labels`);
  }
  if (a.length === 0) throw new RangeError("Cannot score an empty set of predictions");
}

/** A wrong prediction: which sample, what was predicted, with what probability. */
export interface Mistake {
  /** The sample's index in its set. */
  index: number;
  /** Its true class. */
  label: number;
  /** The class predicted. */
  predicted: number;
  /** The probability the network gave the predicted class. */
  confidence: number;
}

/**
 * The mistakes grouped by true class, most confident first, at most `perClass` a class: the
 * errors the network is surest of show what it has learned wrong.
 *
 * @param probabilities Class probabilities, classes×m.
 * @param Y True labels.
 * @returns `groups[c]` lists mistakes on images of class c.
 */
export function mistakesByClass(
  probabilities: Matrix,
  Y: ArrayLike<number>,
  perClass = 8,
): Mistake[][] {
  const predictions = getPredictions(probabilities);
  const m = probabilities.cols;
  const groups: Mistake[][] = Array.from({ length: probabilities.rows }, () => []);
  for (const j of misclassified(predictions, Y)) {
    const predicted = predictions[j];
    groups[Y[j]].push({
      index: j,
      label: Y[j],
      predicted,
      confidence: probabilities.data[predicted * m + j],
    });
  }
  return groups.map((g) =>
    g.sort((a, b) => b.confidence - a.confidence || a.index - b.index).slice(0, perClass)
  );
}
