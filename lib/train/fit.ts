/**
 * `fit`: the one way to train a network — the seed's full-batch gradient descent, mini-batches
 * with Adam and a schedule, a convolutional network with distorted digits — as Keras' `fit`
 * does it: a recipe (`recipe.ts`) and the data in, the trained network and its history out. The
 * notebooks, `deno task train` and the bench all call it. It checks every option, picks the
 * engine (`lib/engine/choose.ts`), runs the epoch loop (`loop.ts`) with the callbacks, scores
 * the dev and test sets, and says in one sentence when a run plainly failed.
 *
 * @module
 */

import type { Digits } from "../data/dataset.ts";
import {
  arrayOf,
  boolean,
  checkOptions,
  func,
  images,
  integer,
  object,
  oneOf,
  type Schema,
  signal,
  string,
} from "../options.ts";
import type { Network } from "../nn/layers/network.ts";
import { classCount, parameterCount } from "../nn/layers/network.ts";
import type { EpochPoint } from "../nn/minibatch.ts";
import { trainingProblem } from "../nn/diagnose.ts";
import { chooseEngine, chooseScorer } from "../engine/choose.ts";
import type { EngineName } from "../engine/engine.ts";
import { evaluate, type Evaluation } from "../engine/evaluate.ts";
import { evaluateParallel } from "../engine/parallel.ts";
import { type Backend, MAX_THREADS } from "../engine/shared/backend.ts";
import { progressLine } from "../notebook/progress.ts";
import { inJupyter } from "../notebook/display.ts";
import type { BatchPoint, Callback } from "./callbacks.ts";
import { type LoopRun, runEpochs } from "./loop.ts";
import { type Recipe, RECIPE_OPTIONS, resolveRecipe, type TrainingSettings } from "./recipe.ts";
import { type StopPoint, TrainingStopped } from "./stop.ts";

/** Options of {@link fit}: a recipe, and the run's data, callbacks and engine. */
export interface FitOptions extends Recipe {
  /** A held-out set scored after each epoch: the history's `devAccuracy` and `devLoss`. */
  dev?: Digits;
  /** Epochs between two dev scores (1; the last epoch is always scored). */
  devEvery?: number;
  /** A test set scored once, at the end (not after Stop: scoring a convnet takes seconds). */
  test?: Digits;
  /** Code run at the start, after each batch and epoch, and at the end (`callbacks.ts`). */
  callbacks?: Callback[];
  /** After each epoch, with its point: the shorthand of a callback's `onEpoch`. */
  onEpoch?: Callback["onEpoch"];
  /** After each batch, with its point: the shorthand of a callback's `onBatch`. */
  onBatch?: Callback["onBatch"];
  /** A live progress line — epoch, batch, loss, ETA — in a notebook (true there, else false). */
  progress?: boolean;
  /** The run's name in the progress line and messages (default: the network's). */
  name?: string;
  /** Stops the training between two batches when aborted: see {@link TrainingStopped}. */
  signal?: AbortSignal;
  /** Threads, the main thread included (default: the cores, at most 8). */
  threads?: number;
  /** The kernels: `"auto"` (default: WebAssembly where it runs and takes the network). */
  backend?: Backend | "auto";
  /** The engine: `"auto"` (default: the rule of `choose.ts`), or one of them. */
  engine?: EngineName | "auto";
}

/** What {@link fit} returns. */
export interface FitResult {
  /** The recipe, as given. */
  recipe: Recipe;
  /** The recipe with every default filled in. */
  settings: TrainingSettings;
  /** The run's name. */
  name: string;
  /** The trained network (or, when a callback chose one, the one it kept). */
  network: Network;
  /**
   * One point per epoch: train accuracy and loss over the epoch's batches (each before its
   * step, as Keras and PyTorch log them), dev accuracy and loss after it, learning rate, seconds.
   */
  history: EpochPoint[];
  /** One point per batch: its loss and accuracy before its step, and its learning rate. */
  batches: BatchPoint[];
  /** Wall-clock seconds of the training, engine start included. */
  seconds: number;
  /** Seconds: `setup` (the engine's start), `steps` (inside the optimizer steps), `total`. */
  timing: { setup: number; steps: number; total: number };
  /** Dev accuracy of the network returned (its last dev score), when a dev set is given. */
  devAccuracy?: number;
  /**
   * Its dev loss, the mean of −log P(true digit) over the dev set: it still separates networks
   * whose dev accuracies tie, as they often do near 99.8% of 1,000 rows.
   */
  devLoss?: number;
  /** Test accuracy of the network returned, when a test set is given (not after a Stop). */
  testAccuracy?: number;
  /** And its test scores: probabilities, predictions, accuracy and loss. */
  scores?: Evaluation;
  /** The network's parameters (weights and biases). */
  parameters: number;
  /** The engine that ran. */
  engine: EngineName;
  /** Its kernels. */
  backend: Backend;
  /** Its threads, the main one included. */
  threads: number;
  /** Where and why the training stopped before its last epoch, when it did. */
  stopped?: StopPoint & { why: string };
  /** Why the run plainly failed, in one sentence, when it did (`trainingProblem`). */
  problem?: string;
}

/** The set each run's test scores are of. */
const scoredSet = new WeakMap<Evaluation, Digits>();

/** A run's test scores when they are of `digits` itself (not of another set), else undefined. */
export function scoresOf(run: FitResult, digits: Digits): Evaluation | undefined {
  return run.scores && scoredSet.get(run.scores) === digits ? run.scores : undefined;
}

/** The options {@link fit} takes, checked at run time. */
export const FIT_OPTIONS: Schema = {
  ...RECIPE_OPTIONS,
  dev: images(true),
  devEvery: integer(1),
  test: images(true),
  callbacks: arrayOf(object, "a list of callbacks"),
  onEpoch: func,
  onBatch: func,
  progress: boolean,
  name: string,
  signal,
  threads: integer(1, MAX_THREADS),
  backend: oneOf("wasm", "typescript", "auto"),
  engine: oneOf("fused", "batch", "conv", "auto"),
};

/**
 * Train a network: `options` is a recipe (`layers`, `epochs`, `batchSize`, `optimizer`, `lr`,
 * `schedule`, `augment`…) and the run's data and callbacks. The weights depend on the recipe
 * alone, never on the number of threads.
 *
 * @example
 * ```ts ignore
 * const { train, dev, test } = await loadDigits();
 * const run = await fit(train, {
 *   layers: "conv5x32,pool2,conv5x64,pool2,dense256", optimizer: "adam", lr: 0.001,
 *   batchSize: 128, epochs: 15, schedule: "cosine", augment: 2, dev, test,
 * });
 * console.log(run.testAccuracy, run.history.at(-1));
 * ```
 *
 * @throws {RangeError} For an unknown option or a value of the wrong form, in one sentence
 *   naming it (and, for a typo, the option meant).
 * @throws {Error} `Training diverged in epoch E: …` when the loss stops being finite.
 * @throws {TrainingStopped} When `signal` is aborted: its `result` is this function's result
 *   for the epochs and batches done.
 */
export async function fit(trainSet: Digits, options: FitOptions): Promise<FitResult> {
  checkOptions("train", options, FIT_OPTIONS);
  const problem = images(true)(trainSet);
  if (problem) throw new RangeError(`Cannot train: the training set must be ${problem}`);
  const t0 = performance.now();
  const m = trainSet.count;
  const { settings, network: start, rng } = resolveRecipe(options, trainSet);
  const name = options.name ?? settings.name;
  const choice = chooseEngine({
    network: start,
    m,
    batchSize: settings.batchSize,
    optimizer: settings.optimizer,
    weightDecay: settings.weightDecay,
    augment: settings.augment,
    distort: settings.distort,
    originalBiasGradient: settings.originalBiasGradient,
    backend: options.backend,
    engine: options.engine,
  });
  const callbacks = [
    ...(options.onEpoch || options.onBatch
      ? [{ onEpoch: options.onEpoch, onBatch: options.onBatch }]
      : []),
    ...(options.callbacks ?? []),
    ...((options.progress ?? inJupyter()) ? [progressLine(name)] : []),
  ];
  // The dev and test sets go to the engine too: one that can score them on its own threads does
  // (the convolution engine), without a copy of the network or a thread to start.
  const heldOut = [options.dev, options.test].filter((set): set is Digits => set !== undefined);
  const engine = await choice.start(trainSet, start, {
    batchSize: settings.batchSize,
    optimizer: settings,
    originalBiasGradient: settings.originalBiasGradient,
    threads: options.threads,
    backend: choice.backend,
    heldOut,
  });
  /** `evaluate(engine.network(), set)`, on the engine when it scores (set: `heldOut`'s). */
  const score = (set: Digits) =>
    engine.score ? engine.score(heldOut.indexOf(set)) : evaluate(engine.network(), set);
  const setup = (performance.now() - t0) / 1000;
  const classes = classCount(start);
  const failure = (run: LoopRun) =>
    trainingProblem(run.history, {
      steps: run.batches.length,
      lr: settings.lr,
      classes,
      batchLosses: run.batches.map((b) => b.loss),
    });
  let run: LoopRun, trained: number, onTest: Evaluation | undefined;
  try {
    run = await runEpochs(engine, m, rng, settings, {
      dev: options.dev,
      devEvery: options.devEvery ?? 1,
      score,
      callbacks,
      signal: options.signal,
    }, failure);
    trained = performance.now();
    // The engine's network, on the engine's threads; a network a callback kept, below.
    if (options.test && engine.score && !run.kept && !run.stopped?.bySignal) {
      onTest = score(options.test);
    }
  } finally {
    engine.close();
  }
  const network = run.kept?.network ?? engine.network();
  const seconds = (trained - t0) / 1000;
  const stopped = run.stopped;
  const devPoint = run.kept?.point ?? run.history.at(-1);
  let devAccuracy = devPoint?.devAccuracy, devLoss = devPoint?.devLoss;
  if (options.dev && devAccuracy === undefined) {
    // Stopped before a dev score: scored here (a thread of its own would take a second to start).
    ({ accuracy: devAccuracy, loss: devLoss } = evaluate(network, options.dev));
  }
  // Not scored by the engine: a convolutional network's test set on every core (its forward pass
  // is long). Stop gives the notebook back at once: scoring 10,000 digits can take seconds.
  onTest ??= !options.test || stopped?.bySignal
    ? undefined
    : chooseScorer(network).kind === "layers"
    ? await evaluateParallel(network, options.test, options.threads)
    : evaluate(network, options.test);
  if (onTest) scoredSet.set(onTest, options.test!);
  const recipe = Object.fromEntries(
    Object.entries(options).filter(([key]) => key in RECIPE_OPTIONS),
  ) as Recipe;
  const result: FitResult = {
    recipe,
    settings,
    name,
    network,
    history: run.history,
    batches: run.batches,
    seconds,
    timing: { setup, steps: run.stepSeconds, total: seconds },
    devAccuracy,
    devLoss,
    testAccuracy: onTest?.accuracy,
    scores: onTest,
    parameters: parameterCount(network),
    engine: choice.name,
    backend: engine.backend,
    threads: engine.threads,
    stopped: stopped && {
      done: stopped.done,
      total: stopped.total,
      batch: stopped.batch,
      batches: stopped.batches,
      why: stopped.why,
    },
    problem: stopped?.bySignal ? undefined : failure(run),
  };
  if (stopped?.bySignal) throw new TrainingStopped(`training ${settings.name}`, stopped, result);
  return result;
}
