/**
 * `deno task train`: train a network headless and print its progress — the seed's full-batch
 * gradient descent by default, or mini-batches with an optimizer, a schedule and random shifts.
 * Flags → a recipe (`train_flags.ts`) → `fit` → a report (`train_report.ts`). Run with `--help`
 * for the flags.
 *
 * Ctrl-C once stops the training after its current step, prints what was trained, writes
 * `--save`'s model file (marked as stopped early) and exits with 130; twice exits at once.
 *
 * @module
 */

import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  checkpoint,
  createRng,
  type Digits,
  fit,
  type FitResult,
  loadModel,
  makeData,
  networkName,
  parseLayers,
  readLabeledCsv,
  type Recipe,
  shuffleDigits,
  splitDev,
  TrainingStopped,
} from "../lib/mod.ts";
import { checkWritable } from "../lib/nn/model_file.ts";
import { runMain } from "./cli.ts";
import { HELP, readPlan, type TrainPlan } from "./train_flags.ts";
import { progressCallback, report } from "./train_report.ts";

const DEFAULT_DATA = fileURLToPath(new URL("../data/train.csv", import.meta.url));
const DEFAULT_TEST = fileURLToPath(new URL("../data/mnist_test.csv", import.meta.url));

async function main(args: string[]): Promise<void> {
  const plan = readPlan(args);
  if (plan.help) return console.log(HELP);
  if (plan.save) await checkWritable(plan.save); // before anything slow: nothing trained is lost
  const t0 = performance.now();
  const { trainSet, dev, test } = await loadSets(plan);
  const loadSeconds = (performance.now() - t0) / 1000;
  const recipe = await startingPoint(plan);
  // Ctrl-C: the first stops the training after its current step, a second exits at once (as
  // does one before the training starts: nothing is trained yet).
  const controller = new AbortController();
  let interrupts = 0, training = false;
  Deno.addSignalListener("SIGINT", () => {
    if (++interrupts > 1 || !training) Deno.exit(130);
    const erase = Deno.stderr.isTerminal() ? "\r\x1b[2K" : "";
    console.error(`${erase}Stopping after the current step (Ctrl-C again to quit at once)…`);
    controller.abort();
  });
  training = true;
  const run = await fit(trainSet, {
    ...recipe,
    dev,
    devEvery: plan.fullBatch ? plan.recipe.epochs : 1, // the seed's lines score the dev set themselves
    callbacks: [progressCallback(dev), ...(plan.save ? [checkpoint(plan.save)] : [])],
    signal: controller.signal,
    threads: plan.threads,
    backend: plan.backend,
    progress: false,
  }).catch((error) => {
    if (error instanceof TrainingStopped) return error.result as FitResult;
    throw error;
  });
  report(run, {
    trainSet,
    dev,
    test,
    devSize: plan.devSize,
    loadSeconds,
    save: plan.save,
    json: plan.json,
  });
  if (run.stopped || interrupts > 0) Deno.exit(130);
}

/**
 * The training, dev and test sets: the data shuffled (as the seed does, with the seed's
 * generator) and split; MNIST's test digits score a network trained on MNIST's training digits
 * only, so they are the default test set of the default data alone.
 */
async function loadSets(
  plan: TrainPlan,
): Promise<{ trainSet: Digits; dev?: Digits; test?: Digits }> {
  if (plan.data === undefined) await makeData(fileURLToPath(new URL("../data", import.meta.url)));
  const all = await readLabeledCsv(plan.data ?? DEFAULT_DATA);
  const testPath = plan.test ??
    (plan.data === undefined && existsSync(DEFAULT_TEST) ? DEFAULT_TEST : undefined);
  const test = testPath === undefined ? undefined : await readLabeledCsv(testPath);
  const shuffled = plan.shuffle ? shuffleDigits(all, createRng(plan.recipe.seed ?? 0)) : all;
  const { dev, train } = splitDev(shuffled, plan.devSize);
  if (typeof plan.recipe.batchSize === "number" && plan.recipe.batchSize > train.count) {
    throw new Error(
      `--batch-size ${plan.recipe.batchSize} is more than the ${train.count} training images`,
    );
  }
  return { trainSet: train, dev: plan.devSize > 0 ? dev : undefined, test };
}

/**
 * The recipe to train: the plan's, or — with `--init` — the network of that model file, checked
 * against the network the flags give.
 */
async function startingPoint(plan: TrainPlan): Promise<Recipe> {
  if (!plan.init) return plan.recipe;
  const { network } = await loadModel(plan.init);
  const has = networkName(network);
  const { layers, input, ...rest } = plan.recipe;
  if (plan.networkFlag && networkName({ input, layers: parseLayers(layers, 10, input) }) !== has) {
    throw new Error(`${plan.networkFlag} does not match ${plan.init}, whose network is ${has}`);
  }
  return { ...rest, network };
}

if (import.meta.main) await runMain(main);
