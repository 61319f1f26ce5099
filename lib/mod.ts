/**
 * A from-scratch neural network for MNIST, as typed functions over typed arrays: what a learner
 * uses, in one import. The main entry points:
 *
 * - {@link loadDigits}: the training, dev and test sets in one call.
 * - {@link fit}: train a network from a recipe — its layers in a short form
 *   (`"conv5x32,pool2,dense256"`) and every choice of its training — with a dev set, callbacks
 *   ({@link earlyStopping}, {@link checkpoint}) and a live progress line in a notebook; it returns
 *   the network, a point per epoch and per batch, and the scores.
 * - {@link summary}: each layer of a network, its output's shape, its parameters.
 * - {@link evaluate}, {@link predict}, {@link predictImage}: scores, and predictions with their
 *   probabilities, for a set, a batch or one image; {@link evaluateAverage} for an ensemble.
 * - {@link saveModel}, {@link loadModel}: model files.
 *
 * And the seed's math, readable, as the first notebook writes it: {@link initParams},
 * {@link forwardProp}, {@link backProp}, {@link updateParams}, {@link gradientDescent},
 * {@link gradientCheck}; the layers of a network ({@link parseLayers}, {@link networkForward},
 * {@link networkBackward}) and the loop every engine is proven equal to
 * ({@link miniBatchGradientDescent}).
 *
 * @example
 * ```ts ignore
 * import { fit, loadDigits, summary } from "./mod.ts";
 * const { train, dev, test } = await loadDigits({ trainSize: 5000 });
 * const run = await fit(train, { layers: "conv5x8,pool2,dense32", epochs: 2, optimizer: "adam", dev, test });
 * console.log(summary(run.network).text);
 * console.log(run.testAccuracy, run.history.map((p) => p.devAccuracy));
 * ```
 *
 * The modules behind it hold the rest — `data/`, `nn/` (and `nn/layers/`), `train/`, `engine/`
 * — each with a `mod.ts` of its own; the figures (`figures/mod.ts`, Observable Plot) and the
 * Jupyter helpers (`notebook/mod.ts`) are modules of their own, so that the command-line tools
 * never load Plot.
 *
 * @module
 */

// The data.
export { loadDigits } from "./data/load.ts";
export type { LoadOptions } from "./data/load.ts";
export type { Digits, UnlabeledDigits } from "./data/dataset.ts";
export { shuffleDigits, splitDev, takeDigits } from "./data/dataset.ts";
export { readLabeledCsv, readUnlabeledCsv, writeLabeledCsv } from "./data/csv.ts";
export { readMnist } from "./data/idx.ts";
export { makeData } from "./data/mnist_files.ts";
export { writeSubmission } from "./data/submission.ts";
export { counterUniform, createRng } from "./data/random.ts";
export type { Rng } from "./data/random.ts";
export { drawShifts, shiftImage, takeShifted } from "./data/augment.ts";
export { drawDistortions, takeDistorted, warpImage } from "./data/distort.ts";
export type { DistortOptions } from "./data/distort.ts";

// The seed's math, readable.
export {
  addColumn,
  fromRows,
  hadamard,
  matMul,
  matrix,
  scale,
  shape,
  subtract,
  sumRows,
} from "./nn/matrix.ts";
export type { Matrix } from "./nn/matrix.ts";
export { relu, reluDerivative, softmax, softmaxUnstable } from "./nn/activations.ts";
export { initParams, maxParamDifference, SEED_SIZES } from "./nn/params.ts";
export type { InitScheme, Params } from "./nn/params.ts";
export { backProp, forwardProp, oneHot, pixelsToX, updateParams } from "./nn/network.ts";
export { gradientDescent } from "./nn/gradient_descent.ts";
export { gradientCheck } from "./nn/gradient_check.ts";
export {
  confusionMatrix,
  crossEntropy,
  getAccuracy,
  getPredictions,
  mistakesByClass,
} from "./nn/metrics.ts";
export { applyOptimizer, createOptimizerState, parameterLengths } from "./nn/optimizers.ts";
export type { OptimizerName } from "./nn/optimizers.ts";
export { batchRate, learningRate } from "./nn/schedules.ts";
export type { ScheduleName } from "./nn/schedules.ts";
export { trainingProblem } from "./nn/diagnose.ts";

// Networks as lists of layers.
export type { Network } from "./nn/layers/network.ts";
export {
  classCount,
  cloneNetwork,
  initNetwork,
  networkBackward,
  networkForward,
  parameterCount,
} from "./nn/layers/network.ts";
export type { LayerSpec } from "./nn/layers/registry.ts";
export { LAYER_KINDS } from "./nn/layers/registry.ts";
export { layersText, parseLayers } from "./nn/layers/text.ts";
export { layerShapes, MNIST_INPUT } from "./nn/layers/shapes.ts";
export { summary } from "./nn/layers/summary.ts";
export type { NetworkSummary } from "./nn/layers/summary.ts";
export { imagesToBatch } from "./nn/layers/batch.ts";
export { convBackward, convForward } from "./nn/layers/conv.ts";
export { maxPoolBackward, maxPoolForward } from "./nn/layers/max_pool.ts";
export {
  batchNormBackward,
  batchNormEvaluate,
  batchNormTrain,
  BN_EPSILON,
  BN_MOMENTUM,
} from "./nn/layers/batch_norm.ts";
export { dropoutMask } from "./nn/layers/dropout.ts";
export { EVALUATION } from "./nn/layers/layer.ts";
export type { LayerMode } from "./nn/layers/layer.ts";
export { denseBackward, denseForward } from "./nn/layers/dense.ts";
export { reluBackward, reluForward } from "./nn/layers/relu.ts";
export { miniBatchGradientDescent } from "./nn/layers/train.ts";
export type { EpochPoint } from "./nn/minibatch.ts";
export { networkFromParams, networkName, toParams } from "./nn/dense_view.ts";
export type { Model } from "./nn/dense_view.ts";
export { loadModel, saveModel } from "./nn/model_file.ts";

// Training.
export { fit } from "./train/fit.ts";
export type { FitOptions, FitResult } from "./train/fit.ts";
export type { Recipe } from "./train/recipe.ts";
export { checkpoint, earlyStopping } from "./train/callbacks.ts";
export type { BatchPoint, Callback, Trainer } from "./train/callbacks.ts";
export { lastStop, TrainingStopped } from "./train/stop.ts";
export { averageRuns } from "./train/ensemble.ts";
export type { EnsembleRun } from "./train/ensemble.ts";

// Scores and predictions.
export { evaluate } from "./engine/evaluate.ts";
export type { Evaluation } from "./engine/evaluate.ts";
export { predict, predictFile, predictImage } from "./engine/predict.ts";
export type { Prediction } from "./engine/predict.ts";
export { evaluateParallel, predictParallel } from "./engine/parallel.ts";
export { evaluateAverage, TTA_SHIFTS } from "./engine/ensemble.ts";
