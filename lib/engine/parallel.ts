/**
 * Scoring on every core: `evaluate` on shares of the images, one thread each. Each image's
 * probabilities are computed by the same code as on one thread, so the answers are the same
 * bits; only the wall-clock time changes (half of it on two cores for a convolutional network,
 * where a forward pass is millions of multiply-adds).
 *
 * @module
 */

import type { Digits, UnlabeledDigits } from "../data/dataset.ts";
import { asNetwork, type Model } from "../nn/dense_view.ts";
import { sizeOf } from "../nn/layers/batch.ts";
import { matrix } from "../nn/matrix.ts";
import type { Evaluation } from "./evaluate.ts";
import { checkInputs, type Prediction } from "./prediction.ts";
import { threadCount } from "./shared/backend.ts";

/** Threads that score, started once for several sets ({@link startScorer}). */
export interface Scorer {
  /** Threads in use. */
  readonly threads: number;
  /**
   * `evaluate(model, digits)`, its images shared among the threads.
   *
   * @throws {RangeError} When the images do not have the network's number of inputs.
   */
  evaluate(model: Model, digits: Digits): Promise<Evaluation>;
  /** Stop the threads. */
  close(): void;
}

/**
 * Start `threads` scoring threads (default: the cores, at most 8).
 *
 * @example
 * ```ts ignore
 * const scorer = startScorer();
 * try {
 *   const onTest = await scorer.evaluate(network, test);
 * } finally {
 *   scorer.close();
 * }
 * ```
 */
export function startScorer(threads?: number): Scorer {
  const n = threadCount(threads);
  const workers = Array.from(
    { length: n },
    () => new Worker(new URL("./score_worker.ts", import.meta.url), { type: "module" }),
  );
  const ask = (worker: Worker, model: Model, digits: Digits) =>
    new Promise<Evaluation>((resolve, reject) => {
      worker.onmessage = (event: MessageEvent) => {
        if (event.data.error) reject(new Error(`Cannot score: ${event.data.error}`));
        else resolve(event.data.scores);
      };
      worker.onerror = (event: ErrorEvent) => {
        event.preventDefault();
        reject(new Error(`Cannot score: ${event.message}`));
      };
      worker.postMessage({ model, digits });
    });
  return {
    threads: n,
    async evaluate(model, digits) {
      const net = asNetwork(model);
      checkInputs(net, digits);
      const inputs = sizeOf(net.input);
      const m = digits.count, size = Math.ceil(m / n);
      const shares = workers.flatMap((worker, t) => {
        const from = Math.min(m, t * size), to = Math.min(m, from + size);
        if (to === from) return [];
        return [ask(worker, net, {
          count: to - from,
          labels: digits.labels.subarray(from, to),
          pixels: digits.pixels.subarray(from * inputs, to * inputs),
        })];
      });
      return joinShares(await Promise.all(shares), m);
    },
    close() {
      for (const worker of workers) worker.terminate();
    },
  };
}

/** The evaluations of consecutive shares of a set, as one evaluation of the whole set. */
function joinShares(shares: Evaluation[], m: number): Evaluation {
  const classes = shares.find((s) => s.probabilities.rows > 0)?.probabilities.rows ?? 0;
  const probabilities = matrix(classes, m), predictions = new Uint8Array(m);
  let at = 0, right = 0, loss = 0;
  for (const share of shares) {
    const count = share.predictions.length;
    for (let c = 0; c < classes; c++) {
      const row = share.probabilities.data.subarray(c * count, (c + 1) * count);
      probabilities.data.set(row, c * m + at);
    }
    predictions.set(share.predictions, at);
    right += share.accuracy * count;
    loss += share.loss * count;
    at += count;
  }
  return { probabilities, predictions, accuracy: right / m, loss: loss / m };
}

/**
 * `evaluate(model, digits)` on every core.
 *
 * @param threads Threads (default: the cores, at most 8).
 */
export async function evaluateParallel(
  model: Model,
  digits: Digits,
  threads?: number,
): Promise<Evaluation> {
  const scorer = startScorer(threads);
  try {
    return await scorer.evaluate(model, digits);
  } finally {
    scorer.close();
  }
}

/**
 * `predict(model, images)` on every core: the predicted digit of each image, and its
 * probabilities.
 *
 * @throws {RangeError} When the images do not have the network's number of inputs.
 */
export async function predictParallel(
  model: Model,
  images: UnlabeledDigits,
  threads?: number,
): Promise<Prediction> {
  const net = asNetwork(model);
  checkInputs(net, images);
  const labels = new Uint8Array(images.count); // unused: nothing is scored
  const scores = await evaluateParallel(net, { ...images, labels }, threads);
  return { labels: scores.predictions, probabilities: scores.probabilities };
}
