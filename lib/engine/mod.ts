/**
 * The fast engines: training and scoring that compute what `lib/nn/` computes, another way —
 * over the images' nonzero pixels only, in WebAssembly SIMD (or a TypeScript fallback), on every
 * core, with weights that do not depend on the number of threads. Their internals (sparse rows,
 * kernels, workers, doorbells, shared memory) stay behind this API.
 *
 * - {@link train}: the seed's full-batch `gradient_descent`, one sample at a time through fused
 *   kernels tuned for small first layers, with a history, dev checkpoints and progress.
 * - {@link trainMiniBatch}: `miniBatchGradientDescent` — any layer sizes, mini-batches, momentum
 *   or Adam, a schedule, random shifts — as matrix products over chunks of samples.
 * - {@link evaluate}: probabilities, predictions, accuracy and loss of a set of digits;
 *   {@link predict}: the predictions alone, for images without labels.
 * - {@link createEngine}: the seed's engine one step at a time, for those who drive the loop.
 *
 * @module
 */

export { evaluate, train } from "./train.ts";
export { predict } from "./predict.ts";
export type { EvaluateOptions, Evaluation, TrainOptions, TrainResult } from "./train.ts";
export { createEngine, defaultThreads } from "./engine.ts";
export type { Engine, EngineOptions, StepResult } from "./engine.ts";
export type { Backend } from "./accumulator.ts";
export { trainMiniBatch } from "./train_minibatch.ts";
export type { MiniBatchTrainOptions, MiniBatchTrainResult } from "./train_minibatch.ts";
export type { MiniBatchEngineOptions } from "./minibatch_engine.ts";
export { runRecipe, weightCount } from "./recipe.ts";
export type { Recipe, RecipeResult } from "./recipe.ts";
