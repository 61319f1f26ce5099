/**
 * The fast engines: training and scoring that compute what `lib/nn/` computes, another way —
 * over the images' nonzero pixels only, in WebAssembly SIMD (or a TypeScript fallback), on every
 * core, with weights that do not depend on the number of threads. Their internals stay behind
 * this API. The folders say what is where:
 *
 * - `fused/`: the seed's engine — full-batch gradient descent, one sample at a time through fused
 *   forward-and-backward kernels tuned for small first layers (`kernel_typescript.ts`,
 *   `kernel_wasm.ts` and its binary, built from `wasm/fused/`).
 * - `batch/`: the mini-batch engine — any layer sizes and batches, every optimizer, as matrix
 *   products over chunks of samples (`kernels_typescript.ts`, `kernels_wasm.ts` and its binary,
 *   built from `wasm/batch/`).
 * - `shared/`: what both use — threads and doorbells, sparse rows, worker start-up, stopping.
 * - `conv/`: the convolution engine, for layer lists — WebAssembly SIMD kernels (built from
 *   `wasm/conv/`) on every core, the readable layers as its TypeScript fallback.
 * - Here: the API, and `choose.ts`, the one rule that picks an engine for a training.
 *
 * The API:
 *
 * - {@link train}: the seed's full-batch `gradient_descent`, with a history, dev checkpoints and
 *   progress, on the fastest engine for the network.
 * - {@link trainMiniBatch}: `miniBatchGradientDescent` — any layer sizes, mini-batches, momentum
 *   or Adam, a schedule, random shifts.
 * - {@link trainNetwork}: a network given as a list of layers — convolutions, pooling, dense —
 *   by mini-batches, with the same options.
 * - {@link runRecipe}: a whole recipe (network and training) through one of them.
 * - {@link evaluate}: probabilities, predictions, accuracy and loss of a set of digits;
 *   {@link predict}: the predictions alone, for images without labels; {@link evaluateParallel}
 *   and {@link predictParallel}: the same on every core;
 *   {@link evaluateAverage}: the mean of several networks' probabilities (an ensemble), over the
 *   images as given and shifted (test-time augmentation).
 * - {@link chooseEngine}: which engine a training runs on.
 * - Every training takes an `AbortSignal`; a stopped one throws {@link TrainingStopped}, which
 *   holds what it trained ({@link lastStop} keeps the last one).
 * - {@link createEngine}: the seed's engine one step at a time, for those who drive the loop.
 *
 * @module
 */

export { train } from "./train.ts";
export type { TrainOptions, TrainResult } from "./train.ts";
export { evaluate } from "./evaluate.ts";
export type { EvaluateOptions, Evaluation } from "./evaluate.ts";
export { predict } from "./predict.ts";
export { evaluateAverage, shiftAll, TTA_SHIFTS } from "./ensemble.ts";
export { evaluateParallel, predictParallel, startScorer } from "./parallel.ts";
export type { Scorer } from "./parallel.ts";
export { createEngine } from "./fused/engine.ts";
export type { Engine, EngineOptions } from "./fused/engine.ts";
export { defaultThreads, MAX_THREADS } from "./shared/backend.ts";
export type { Backend, StepResult } from "./shared/backend.ts";
export { trainMiniBatch } from "./train_minibatch.ts";
export type { MiniBatchTrainOptions, MiniBatchTrainResult } from "./train_minibatch.ts";
export type { MiniBatchEngineOptions } from "./batch/engine.ts";
export { trainNetwork } from "./train_network.ts";
export type { NetworkTrainOptions, NetworkTrainResult } from "./train_network.ts";
export type { ConvEngine, ConvEngineOptions } from "./conv/engine.ts";
export { parameterCount, recipeNetwork, runRecipe, weightCount } from "./recipe.ts";
export type { Recipe, RecipeResult, RecipeSets } from "./recipe.ts";
export { chooseEngine, fusedIsFastest } from "./choose.ts";
export type { EngineChoice, EngineName, EnginePlan } from "./choose.ts";
export { lastStop, TrainingStopped } from "./shared/stop.ts";
