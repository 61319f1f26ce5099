/**
 * The fast engine: training and scoring that compute what `lib/nn/` computes, another way —
 * one sample at a time over its nonzero pixels, in WebAssembly SIMD (or a TypeScript fallback),
 * on every core. Its internals (sparse rows, kernels, workers, doorbells) stay behind this API.
 *
 * - {@link train}: the seed's `gradient_descent`, with a history, dev checkpoints and progress.
 * - {@link evaluate}: probabilities, predictions, accuracy and loss of a set of digits.
 * - {@link trainMiniBatch}: mini-batches, momentum or Adam, a schedule, random shifts, any layer
 *   sizes — `miniBatchGradientDescent` fast, with the same weights whatever the thread count.
 * - {@link createEngine}: one step at a time, for those who drive the loop themselves.
 *
 * @module
 */

export { evaluate, train } from "./train.ts";
export type { EvaluateOptions, Evaluation, TrainOptions, TrainResult } from "./train.ts";
export { createEngine, defaultThreads } from "./engine.ts";
export type { Engine, EngineOptions, StepResult } from "./engine.ts";
export type { Backend } from "./accumulator.ts";
export { trainMiniBatch } from "./train_minibatch.ts";
export type { MiniBatchTrainOptions, MiniBatchTrainResult } from "./train_minibatch.ts";
export type { MiniBatchEngineOptions } from "./minibatch_engine.ts";
