/**
 * Training as users run it: the seed's `gradient_descent` on the fast engine, with a history
 * for the curves, dev-set checkpoints and a progress callback. And `evaluate`, the forward
 * pass over a whole set of digits.
 *
 * @module
 */

import type { Digits } from "../data/dataset.ts";
import { createEngine, type EngineOptions } from "./engine.ts";
import type { HistoryPoint } from "../nn/gradient_descent.ts";
import { createScratch, forwardSample, layoutOf, pack } from "./kernel.ts";
import { type Matrix, matrix } from "../nn/matrix.ts";
import { initParams, type Params, SEED_SIZES } from "../nn/params.ts";
import { createRng } from "../data/random.ts";
import { toCsr } from "./sparse.ts";
import type { Backend } from "./accumulator.ts";
import { evaluateWasm } from "./evaluate_wasm.ts";
import { batchWasmRuns } from "./batch_wasm.ts";

/** Options of {@link train}; every one has the seed's default. */
export interface TrainOptions extends EngineOptions {
  /** Gradient-descent steps (1000). */
  iterations?: number;
  /** Learning rate α (0.1). */
  alpha?: number;
  /** Starting parameters; default: `initParams(createRng(seed), sizes)`. */
  params?: Params;
  /** Seed for the initial parameters when `params` is not given (0). */
  seed?: number;
  /** Layer sizes when `params` is not given (784-10-10-10). */
  sizes?: readonly number[];
  /** A held-out set scored at checkpoints. */
  dev?: Digits;
  /** Score the dev set every this many iterations (100), and after the last. */
  evalEvery?: number;
  /** Called after each iteration with its history point; may be async (it is awaited). */
  onProgress?: (point: HistoryPoint, total: number) => void | Promise<void>;
}

/** What {@link train} returns. */
export interface TrainResult {
  /** The trained parameters. */
  params: Params;
  /**
   * One point per iteration, taken before that iteration's update as the seed prints it, plus
   * a last point (`iteration = iterations`) for the trained parameters.
   */
  history: HistoryPoint[];
  /** Threads the engine used. */
  threads: number;
  /** The kernel the engine used. */
  backend: "wasm" | "typescript";
  /**
   * Wall-clock seconds: `setup` to start the engine (the sparse copies of the images, the
   * workers), `steps` inside the gradient-descent steps themselves — what the seed's loop
   * costs, and what the benchmark compares with numpy — and `total` for the whole call.
   */
  seconds: { setup: number; steps: number; total: number };
}

/** Scores of a set of digits under some parameters. */
export interface Evaluation {
  /** Class probabilities, classes×m (the last `A`). */
  probabilities: Matrix;
  /** The predicted class of each image. */
  predictions: Uint8Array;
  /** Fraction predicted right. */
  accuracy: number;
  /** Mean cross-entropy loss. */
  loss: number;
}

/** Options of {@link evaluate}. */
export interface EvaluateOptions {
  /**
   * `"typescript"`: `forwardProp` fused per sample in float64; `"wasm"`: the mini-batch engine's
   * float32 kernels, several times faster for wide networks; `"auto"` (default): wasm where
   * WebAssembly relaxed SIMD runs.
   */
  backend?: Backend | "auto";
}

/**
 * Run the network forward on every image of `digits`, over the nonzero pixels only: what
 * `forwardProp` computes (the tests prove it: to 1e-14 in float64, to float32 precision in
 * WebAssembly).
 */
export function evaluate(
  params: Params,
  digits: Digits,
  options: EvaluateOptions = {},
): Evaluation {
  const wanted = options.backend ?? "auto";
  if (wanted === "wasm" || (wanted === "auto" && batchWasmRuns())) {
    return evaluateWasm(params, digits);
  }
  const layout = layoutOf(params.sizes);
  const P = pack(params, layout, new Float64Array(layout.length));
  const csr = toCsr(digits);
  const s = createScratch(layout.sizes);
  const classes = layout.sizes.at(-1)!, m = digits.count;
  const probabilities = matrix(classes, m);
  const predictions = new Uint8Array(m);
  let right = 0, loss = 0;
  for (let j = 0; j < m; j++) {
    predictions[j] = forwardSample(P, layout, csr, j, s);
    const a = s.a[s.a.length - 1], y = digits.labels[j];
    for (let i = 0; i < classes; i++) probabilities.data[i * m + j] = a[i];
    if (predictions[j] === y) right++;
    loss += s.logNorm - s.z[s.z.length - 1][y]; // −log a[y], as the training kernel computes it
  }
  return { probabilities, predictions, accuracy: right / m, loss: loss / m };
}

/**
 * Train by full-batch gradient descent on the fast engine: the seed's
 * `gradient_descent(X_train, Y_train, iterations, alpha)`.
 *
 * @example
 * ```ts ignore
 * const { params, history } = await train(trainSet, { iterations: 1000, alpha: 0.1, dev });
 * ```
 *
 * @throws {Error} `Training diverged at iteration N: …` when the loss stops being finite.
 */
export async function train(trainSet: Digits, options: TrainOptions = {}): Promise<TrainResult> {
  const { iterations = 1000, alpha = 0.1, dev, evalEvery = 100, onProgress } = options;
  if (!Number.isInteger(iterations) || iterations < 0) {
    throw new RangeError(`Cannot train for ${iterations} iterations: expected a whole number`);
  }
  if (!(alpha > 0) || !Number.isFinite(alpha)) {
    throw new RangeError(`Cannot train with alpha ${alpha}: expected a positive number`);
  }
  const start = options.params ??
    initParams(createRng(options.seed ?? 0), options.sizes ?? SEED_SIZES);
  const t0 = performance.now();
  const engine = await createEngine(trainSet, start, options);
  const setup = (performance.now() - t0) / 1000;
  let steps = 0;
  const history: HistoryPoint[] = [];
  try {
    for (let i = 0; i <= iterations; i++) {
      const last = i === iterations;
      let point: HistoryPoint;
      if (!last) {
        const checkpoint = dev && i % evalEvery === 0;
        const devScores = checkpoint ? evaluate(engine.params(), dev) : undefined;
        const before = performance.now();
        const { accuracy, loss } = await engine.step(alpha);
        steps += performance.now() - before;
        if (!Number.isFinite(loss)) {
          throw new Error(
            `Training diverged at iteration ${i}: the loss became ${loss}; try a smaller alpha than ${alpha}`,
          );
        }
        point = { iteration: i, trainAccuracy: accuracy, loss };
        if (devScores) {
          Object.assign(point, { devAccuracy: devScores.accuracy, devLoss: devScores.loss });
        }
      } else {
        // The trained parameters scored by the engine, as every earlier point was.
        const scores = await engine.score();
        point = { iteration: i, trainAccuracy: scores.accuracy, loss: scores.loss };
        if (dev) {
          const d = evaluate(engine.params(), dev);
          Object.assign(point, { devAccuracy: d.accuracy, devLoss: d.loss });
        }
      }
      history.push(point);
      await onProgress?.(point, iterations);
    }
    return {
      params: engine.params(),
      history,
      threads: engine.threads,
      backend: engine.backend,
      seconds: { setup, steps: steps / 1000, total: (performance.now() - t0) / 1000 },
    };
  } finally {
    engine.close();
  }
}
