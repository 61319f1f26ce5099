/**
 * A from-scratch neural network for MNIST, as typed functions over typed arrays: the code behind
 * the notebook `notebooks/mnist.ipynb`, which re-creates the numpy notebook "MNIST NN with two
 * hidden layers (No TensorFlow)" equation by equation. Everything a user of the library needs:
 *
 * - `data/`: the digits — {@link readLabeledCsv} (Kaggle `train.csv`), {@link readMnist} (IDX
 *   files), {@link makeData}, {@link shuffleDigits}, {@link splitDev}, {@link createRng}.
 * - `nn/`: the seed's math, readable — {@link matMul} and friends, {@link relu},
 *   {@link softmax}, {@link initParams}, {@link forwardProp}, {@link backProp},
 *   {@link updateParams}, {@link gradientDescent}, {@link gradientCheck}; beyond the seed,
 *   {@link miniBatchGradientDescent} with {@link applyOptimizer} (sgd, momentum, Adam),
 *   {@link learningRate} (schedules) and random shifts ({@link shiftImage}); scores
 *   ({@link getAccuracy}, {@link confusionMatrix}) and model files ({@link saveParams},
 *   {@link loadParams}).
 * - `engine/`: the same math, fast — {@link train}, {@link trainMiniBatch} and
 *   {@link evaluate}, proven equal to the readable version by the tests.
 *
 * The figures (`lib/figures/mod.ts`, Observable Plot) and the Jupyter display helpers
 * (`lib/notebook/mod.ts`) are modules of their own, so that the command-line tools never load
 * Plot or touch `Deno.jupyter`.
 *
 * @module
 */

export * from "./data/mod.ts";
export * from "./nn/mod.ts";
export * from "./engine/mod.ts";
