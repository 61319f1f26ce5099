/**
 * A from-scratch neural network for MNIST, as typed functions over typed arrays: the code behind
 * the notebook `notebooks/mnist.ipynb`, which re-creates the numpy notebook "MNIST NN with two
 * hidden layers (No TensorFlow)" equation by equation.
 *
 * - Data: {@link readLabeledCsv} (Kaggle `train.csv`), {@link readMnist} (IDX files),
 *   {@link shuffleDigits}, {@link splitDev}, {@link createRng}.
 * - The seed's math, readable: {@link matMul} and friends, {@link relu}, {@link softmax},
 *   {@link initParams}, {@link forwardProp}, {@link backProp}, {@link updateParams},
 *   {@link gradientDescent}.
 * - The same math, fast: {@link train} and {@link evaluate} on the engine of `kernel.ts` and
 *   `engine.ts`, proven equal to the readable version by the tests.
 * - Scores and files: {@link getAccuracy}, {@link confusionMatrix}, {@link misclassified},
 *   {@link saveParams}, {@link loadParams}.
 *
 * @module
 */

export * from "./random.ts";
export * from "./dataset.ts";
export * from "./csv.ts";
export * from "./idx.ts";
export * from "./matrix.ts";
export * from "./activations.ts";
export * from "./params.ts";
export * from "./network.ts";
export * from "./metrics.ts";
export * from "./gradient_descent.ts";
export * from "./gradient_check.ts";
export * from "./sparse.ts";
export * from "./kernel.ts";
export * from "./accumulator.ts";
export * from "./wasm.ts";
export * from "./engine.ts";
export * from "./train.ts";
export * from "./model_file.ts";
