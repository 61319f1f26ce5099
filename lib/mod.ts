/**
 * A from-scratch neural network for MNIST, as typed functions over typed arrays: the code behind
 * the notebook `notebooks/mnist.ipynb`, which re-creates the numpy notebook "MNIST NN with two
 * hidden layers (No TensorFlow)" equation by equation.
 *
 * - Data: {@link readLabeledCsv} (Kaggle `train.csv`), {@link readMnist} (IDX files),
 *   {@link shuffleDigits}, {@link splitDev}, {@link createRng}.
 *
 * @module
 */

export * from "./random.ts";
export * from "./dataset.ts";
export * from "./csv.ts";
export * from "./idx.ts";
