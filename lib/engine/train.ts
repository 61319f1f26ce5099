/**
 * Training as users run it: the seed's `gradient_descent` — full-batch gradient descent — on the
 * fastest engine for the network (`choose.ts`), with a history for the curves, dev-set
 * checkpoints, a progress callback and a signal to stop it.
 *
 * @module
 */

import type { Digits } from "../data/dataset.ts";
import { createRng } from "../data/random.ts";
import type { HistoryPoint } from "../nn/gradient_descent.ts";
import { initParams, type Params, SEED_SIZES } from "../nn/params.ts";
import { chooseEngine, type EngineName } from "./choose.ts";
import { evaluate } from "./evaluate.ts";
import { createEngine, type Engine, type EngineOptions } from "./fused/engine.ts";
import { createMiniBatchEngine } from "./batch/engine.ts";
import type { Backend } from "./shared/backend.ts";
import { stopCheck, TrainingStopped } from "./shared/stop.ts";

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
  /**
   * The engine: `"auto"` (default) lets `chooseEngine` pick the fastest; `"fused"` or `"batch"`
   * pins one (the tests and benchmarks compare them on the same job).
   */
  engine?: EngineName | "auto";
  /**
   * Stops the training between two iterations when aborted: `train` then throws
   * {@link TrainingStopped}, whose `result` is this function's result for the iterations done.
   */
  signal?: AbortSignal;
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
  /** The engine that ran: the seed's fused kernels or the mini-batch engine. */
  engine: EngineName;
  /** The kernels the engine used. */
  backend: Backend;
  /**
   * Wall-clock seconds: `setup` to start the engine (the sparse copies of the images, the
   * workers), `steps` inside the gradient-descent steps themselves — what the seed's loop
   * costs, and what the benchmark compares with numpy — and `total` for the whole call.
   */
  seconds: { setup: number; steps: number; total: number };
}

/** The mini-batch engine taking full-batch steps: one batch of all the images, in order. */
async function fullBatchOnMiniBatchEngine(
  trainSet: Digits,
  start: Params,
  options: TrainOptions & { backend: Backend },
): Promise<Engine> {
  const m = trainSet.count;
  const engine = await createMiniBatchEngine(trainSet, start, m, options);
  const zeros = new Int8Array(m);
  engine.arrange(Array.from({ length: m }, (_, j) => j), zeros, zeros);
  return {
    threads: engine.threads,
    backend: engine.backend,
    step: (alpha) => Promise.resolve(engine.step(0, m, alpha)),
    score() {
      const { accuracy, loss } = evaluate(engine.params(), trainSet, { backend: engine.backend });
      return Promise.resolve({ accuracy, loss });
    },
    params: engine.params,
    close: engine.close,
  };
}

/**
 * Train by full-batch gradient descent on the fastest engine for the network: the seed's
 * `gradient_descent(X_train, Y_train, iterations, alpha)`.
 *
 * @example
 * ```ts ignore
 * const { params, history } = await train(trainSet, { iterations: 1000, alpha: 0.1, dev });
 * ```
 *
 * @throws {Error} `Training diverged at iteration N: …` when the loss stops being finite.
 * @throws {TrainingStopped} When `signal` is aborted, with the iterations done.
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
  const { engine: name, backend } = chooseEngine({
    sizes: start.sizes,
    plainFullBatch: true,
    originalBiasGradient: options.originalBiasGradient,
    backend: options.backend,
    engine: options.engine,
  });
  const t0 = performance.now();
  // Either engine behind the fused engine's interface: a full-batch step, a score, the weights.
  const engine: Engine = name === "fused"
    ? await createEngine(trainSet, start, { ...options, backend })
    : await fullBatchOnMiniBatchEngine(trainSet, start, { ...options, backend });
  const setup = (performance.now() - t0) / 1000;
  const stopped = stopCheck(options.signal);
  let steps = 0;
  const history: HistoryPoint[] = [];
  const result = (): TrainResult => ({
    params: engine.params(),
    history,
    threads: engine.threads,
    engine: name,
    backend: engine.backend,
    seconds: { setup, steps: steps / 1000, total: (performance.now() - t0) / 1000 },
  });
  try {
    for (let i = 0; i <= iterations; i++) {
      const last = i === iterations;
      let point: HistoryPoint;
      if (!last) {
        if (await stopped()) {
          const what = `training ${start.sizes.join("-")}`;
          throw new TrainingStopped(
            what,
            { done: i, total: iterations, unit: "iteration" },
            result(),
          );
        }
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
    return result();
  } finally {
    engine.close();
  }
}
