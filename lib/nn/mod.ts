/**
 * The network's math as a learner reads it: the seed's equations as plain functions over
 * `{ rows, cols, data }` matrices, one line of code per equation. Slow and clear on purpose —
 * training runs on `lib/engine/`, which the tests prove computes the same thing.
 *
 * - Matrices: {@link matrix}, {@link matMul} (with transpose flags) and the element-wise helpers.
 * - Activations: {@link relu}, {@link reluDerivative}, {@link softmax}.
 * - The network: {@link initParams}, {@link forwardProp}, {@link backProp}, {@link updateParams},
 *   {@link gradientDescent}, and {@link gradientCheck} to test a backward pass.
 * - Networks as lists of layers (`layers/`): each kind of layer one module, the short form
 *   ({@link parseLayers}), {@link initNetwork}, {@link networkForward}, {@link networkBackward},
 *   {@link summary}; and the seed's `Params` as the matrix view of a dense list
 *   ({@link networkFromParams}, {@link toParams}).
 * - Beyond the seed: {@link miniBatchGradientDescent}, the readable loop every engine is proven
 *   equal to; the optimizers ({@link applyOptimizer}: sgd, momentum, Nesterov, Adam, weight
 *   decay), the schedules ({@link learningRate}).
 * - Scores: {@link getPredictions}, {@link getAccuracy}, {@link crossEntropy},
 *   {@link confusionMatrix}, {@link mistakesByClass}.
 * - Model files: {@link saveModel}, {@link loadModel}; a failed run said in a sentence:
 *   {@link trainingProblem}.
 *
 * @module
 */

export * from "./matrix.ts";
export * from "./activations.ts";
export * from "./params.ts";
export * from "./network.ts";
export * from "./metrics.ts";
export * from "./gradient_descent.ts";
export * from "./gradient_check.ts";
export * from "./model_file.ts";
export * from "./optimizers.ts";
export * from "./schedules.ts";
export * from "./minibatch.ts";
export * from "./diagnose.ts";
export * from "./dense_view.ts";
export * from "./layers/mod.ts";
