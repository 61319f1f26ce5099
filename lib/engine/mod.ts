/**
 * The fast engines: training and scoring that compute what `lib/nn/` computes, another way —
 * over the images' nonzero pixels only, in WebAssembly SIMD (or a TypeScript fallback), on every
 * core, with weights that do not depend on the number of threads. `fit` (`lib/train/`) drives
 * them; their internals stay behind this API. The folders say what is where:
 *
 * - `engine.ts`: what an engine is — one interface for all of them — and `choose.ts`, the one
 *   rule that picks an engine and its kernels, for a training and for scoring.
 * - `fused/`: the seed's engine — full-batch gradient descent, one sample at a time through
 *   fused forward-and-backward kernels tuned for small first layers (`kernel_typescript.ts`,
 *   `kernel_wasm.ts` and its binary, built from `wasm/fused/`).
 * - `batch/`: the mini-batch engine — chains of dense layers of any sizes, any batch, every
 *   optimizer, as matrix products over chunks of samples (`kernels_typescript.ts`,
 *   `kernels_wasm.ts` and its binary, built from `wasm/batch/`).
 * - `conv/`: the convolution engine, for layer lists — WebAssembly SIMD kernels (built from
 *   `wasm/conv/`; `backend_wasm.ts` holds its kernel table, what it does for each kind of layer)
 *   on every core, the readable layers as its TypeScript backend (`readable.ts`).
 * - `shared/`: what they share — the matrix-product and update kernels' calls, threads and
 *   doorbells, the two-phase step, memory layout and checks, sparse rows, worker start-up.
 *
 * The API:
 *
 * - {@link evaluate}: probabilities, predictions, accuracy and loss of a set of digits;
 *   {@link predict}, {@link predictImage}, {@link predictFile}: the predictions and their
 *   probabilities for images without labels, one image, or a CSV file;
 *   {@link evaluateParallel} and {@link predictParallel}: the same on every core;
 *   {@link evaluateAverage}: the mean of several networks' probabilities (an ensemble), over the
 *   images as given and shifted (test-time augmentation).
 * - {@link chooseEngine} and {@link chooseScorer}: which engine and kernels a job runs on.
 *
 * @module
 */

export { evaluate, EVALUATE_OPTIONS } from "./evaluate.ts";
export type { EvaluateOptions, Evaluation } from "./evaluate.ts";
export { checkInputs, predict, predictFile, predictImage } from "./predict.ts";
export type { Prediction } from "./predict.ts";
export { evaluateAverage, shiftAll, TTA_SHIFTS } from "./ensemble.ts";
export { evaluateParallel, predictParallel, startScorer } from "./parallel.ts";
export type { Scorer } from "./parallel.ts";
export { defaultThreads, MAX_THREADS } from "./shared/backend.ts";
export type { Backend, StepResult } from "./shared/backend.ts";
export { chooseEngine, chooseScorer, FUSED_LATER_MAX, fusedIsFastest } from "./choose.ts";
export type { EngineChoice, EngineJob, ScorerChoice } from "./choose.ts";
export type { Engine, EngineName, EngineSettings, StartEngine } from "./engine.ts";
export { wasmRuns } from "./shared/kernels.ts";
