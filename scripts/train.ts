/**
 * `deno task train`: train a network headless and print its progress — the seed's full-batch
 * gradient descent by default, or mini-batches with an optimizer, a schedule and random shifts.
 * Run with `--help` for the flags.
 *
 * Ctrl-C once stops the training after its current step, prints what was trained, writes
 * `--save`'s model file (marked as stopped early) and exits with 130; twice exits at once.
 *
 * @module
 */

import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import {
  checkDistort,
  createRng,
  type Digits,
  type DistortOptions,
  evaluate,
  initNetwork,
  initParams,
  type InitScheme,
  type LayerSpec,
  layersText,
  loadModel,
  loadParams,
  makeData,
  MAX_THREADS,
  type Network,
  type OptimizerName,
  OPTIMIZERS,
  type Params,
  parseLayers,
  readLabeledCsv,
  saveModel,
  type ScheduleName,
  SCHEDULES,
  SEED_SIZES,
  shuffleDigits,
  splitDev,
  train,
  trainingProblem,
  TrainingStopped,
  trainMiniBatch,
  trainNetwork,
} from "../lib/mod.ts";
import { progressBar } from "./progress.ts";
import { peakRssMb } from "./rss.ts";
import { runMain } from "./cli.ts";

const HELP = `Train a network on MNIST: the seed's full-batch gradient descent by default, or
mini-batches with momentum or Adam, a learning-rate schedule and random shifts.

Usage: deno task train [flags]

Data and network
  --data PATH               Kaggle-form CSV (default data/train.csv, created if missing)
  --test PATH               labeled CSV scored at the end (default: data/mnist_test.csv if
                            present, with the default --data only: MNIST's test digits belong
                            to MNIST's training digits, not to another data set)
  --dev-size N              rows held out as the dev set after shuffling (default 1000)
  --seed S                  seed for the shuffle, the weights, the batches (default 0)
  --no-shuffle              keep the file's order
  --hidden 10,10            hidden layer sizes (default 10,10: the seed's 784-10-10-10)
  --layers L                the network as a list: convKxC (K×K convolution to C channels,
                            then ReLU), poolP (P×P max pool), denseN (N units, then ReLU);
                            the output layer of 10 is implied. Only denseN: --hidden's short
                            form. With conv or pool: mini-batches (default 128 images),
                            e.g. --layers conv5x32,pool2,conv5x64,pool2,dense256
  --init-scheme seed|he     initial weights: the seed's scales (784-10-10-10 only, its default)
                            or He, N·√(2/n_in) (the default for other sizes)
  --init FILE               start from a model file instead of random weights
  --save FILE               write the trained parameters to a model file (also when stopped)

The seed's full-batch gradient descent (the default)
  --iterations N            gradient-descent steps over the whole training set, ≥ 1 (default 1000)
  --alpha A, --lr A         learning rate, for both loops (default 0.1; 0.001 with adam)
  --original-bias-gradient  the seed's bias gradient, 1/m·np.sum(dZ) over everything

Mini-batches (any of these flags selects them)
  --epochs N                passes over the training set, ≥ 1 (default 10)
  --batch-size N            images per step (default: all of them, one step per epoch; 128
                            for a network with convolutions)
  --optimizer O             sgd, momentum or adam (default sgd)
  --momentum MU             momentum's μ (default 0.9; with --optimizer momentum)
  --nesterov                Nesterov's momentum (with --optimizer momentum)
  --weight-decay L          L2 weight decay λ on the weights (default 0)
  --schedule S              learning rate per epoch: constant, step (×0.1 every third of the
                            epochs) or cosine (down to 0) (default constant)
  --augment K               shift each image by up to K pixels each way, anew every epoch
  --rotate DEG              rotate each image by up to DEG degrees either way (0–45), and
  --scale FRAC              scale it by up to FRAC either way (0–0.5: 0.1 is 90%–110%), anew
                            every epoch (with --layers that has convolutions)

Engine (picked by one rule: the seed's fused engine for small full batches, the convolution
engine for --layers with conv or pool, the mini-batch engine otherwise; the JSON line says which)
  --threads N               threads, from 1 to ${MAX_THREADS} (default: CPU cores, at most 8; the
                            weights do not depend on it, and more threads than cores only wait)
  --backend B               wasm (WebAssembly SIMD, the default where it runs) or
                            typescript (the pure-TypeScript fallback)
  --json                    end with one JSON line of results
  --help                    this text

A network too large for the memory is refused before training. A run that plainly failed
(still at chance, or a loss that grew) ends with a warning on stderr and in the JSON.
Ctrl-C stops after the current step, saves --save's file marked as stopped early and exits
with 130; a second Ctrl-C exits at once.
`;

const DEFAULT_DATA = fileURLToPath(new URL("../data/train.csv", import.meta.url));
const DEFAULT_TEST = fileURLToPath(new URL("../data/mnist_test.csv", import.meta.url));
const MINI_BATCH_FLAGS = [
  "epochs",
  "batch-size",
  "optimizer",
  "momentum",
  "nesterov",
  "weight-decay",
  "schedule",
  "augment",
  "rotate",
  "scale",
] as const;

/** Parse a whole number ≥ min, or throw a sentence naming the flag. */
function integer(flag: string, text: string, min = 0): number {
  const n = Number(text);
  if (text.trim() === "" || !Number.isSafeInteger(n) || n < min) {
    throw new Error(`--${flag} must be a whole number${min > 0 ? ` ≥ ${min}` : ""}, not "${text}"`);
  }
  return n;
}

/** Parse a number in [min, max) (or ≥ min), or throw a sentence naming the flag. */
function decimal(flag: string, text: string, min: number, max = Infinity): number {
  const n = Number(text);
  if (text.trim() === "" || !(n >= min && n < max)) {
    const range = max === Infinity ? `≥ ${min}` : `from ${min} to below ${max}`;
    throw new Error(`--${flag} must be a number ${range}, not "${text}"`);
  }
  return n;
}

/** Parse a positive number, or throw a sentence naming the flag. */
function positive(flag: string, text: string): number {
  const n = Number(text);
  if (text.trim() === "" || !(n > 0) || !Number.isFinite(n)) {
    throw new Error(`--${flag} must be a positive number, not "${text}"`);
  }
  return n;
}

/** One of `choices`, or throw a sentence naming the flag. */
function choice<T extends string>(flag: string, text: string, choices: readonly T[]): T {
  if (!choices.includes(text as T)) {
    const list = `${choices.slice(0, -1).join(", ")} or ${choices.at(-1)}`;
    throw new Error(`--${flag} must be ${list}, not "${text}"`);
  }
  return text as T;
}

async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    strict: true,
    allowNegative: true,
    options: {
      data: { type: "string" },
      test: { type: "string" },
      iterations: { type: "string" },
      alpha: { type: "string" },
      lr: { type: "string" },
      "dev-size": { type: "string", default: "1000" },
      seed: { type: "string", default: "0" },
      hidden: { type: "string" },
      layers: { type: "string" },
      shuffle: { type: "boolean", default: true },
      "original-bias-gradient": { type: "boolean", default: false },
      "init-scheme": { type: "string" },
      init: { type: "string" },
      save: { type: "string" },
      epochs: { type: "string" },
      "batch-size": { type: "string" },
      optimizer: { type: "string" },
      momentum: { type: "string" },
      nesterov: { type: "boolean" },
      "weight-decay": { type: "string" },
      schedule: { type: "string" },
      augment: { type: "string" },
      rotate: { type: "string" },
      scale: { type: "string" },
      threads: { type: "string" },
      backend: { type: "string", default: "auto" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }

  // The network: --hidden, or --layers (its dense-only form is --hidden's short form).
  if (values.layers !== undefined && values.hidden !== undefined) {
    throw new Error(
      "--layers and --hidden both give the network; give one (--hidden 256,128 is --layers dense256,dense128)",
    );
  }
  let layers: LayerSpec[] | undefined;
  if (values.layers !== undefined) {
    try {
      layers = parseLayers(values.layers);
    } catch (error) {
      throw new Error(`--layers: ${(error as Error).message}`);
    }
  }
  const convolutional = layers?.some((l) => l.kind === "conv" || l.kind === "maxPool") ?? false;
  const hiddenText = values.hidden ??
    (layers && !convolutional
      ? layers.flatMap((l) => (l.kind === "dense" ? [l.units] : [])).slice(0, -1).join(",")
      : undefined);

  // Which loop, and flags that do not go together: one sentence each.
  const miniBatchFlag = MINI_BATCH_FLAGS.find((flag) => values[flag] !== undefined);
  const miniBatch = miniBatchFlag !== undefined || convolutional;
  if (convolutional) {
    for (const flag of ["iterations", "original-bias-gradient"] as const) {
      if (values[flag] !== undefined && values[flag] !== false) {
        throw new Error(
          `--${flag} is for the full-batch loop; a network with convolutions trains by mini-batches (--epochs)`,
        );
      }
    }
    if (values["init-scheme"] === "seed") {
      throw new Error("--init-scheme seed is for 784-10-10-10 only; convolutions start from He's");
    }
  }
  if (miniBatch && values.iterations !== undefined) {
    throw new Error(
      `--iterations counts full-batch steps and does not go with --${miniBatchFlag}: mini-batch training counts --epochs`,
    );
  }
  if (miniBatch && values["original-bias-gradient"]) {
    throw new Error(
      `--original-bias-gradient reproduces the seed's full-batch loop; it does not go with --${miniBatchFlag}`,
    );
  }
  const optimizer = choice<OptimizerName>("optimizer", values.optimizer ?? "sgd", OPTIMIZERS);
  if ((values.momentum !== undefined || values.nesterov) && optimizer !== "momentum") {
    throw new Error(
      `--${values.momentum !== undefined ? "momentum" : "nesterov"} needs --optimizer momentum`,
    );
  }
  if (values.alpha !== undefined && values.lr !== undefined && values.alpha !== values.lr) {
    throw new Error(
      `--alpha and --lr are the same learning rate; give one (got ${values.alpha} and ${values.lr})`,
    );
  }
  const rateText = values.lr ?? values.alpha;
  const lr = rateText === undefined
    ? (optimizer === "adam" ? 0.001 : 0.1)
    : positive(values.lr !== undefined ? "lr" : "alpha", rateText);
  const iterations = integer("iterations", values.iterations ?? "1000", 1);
  const epochs = integer("epochs", values.epochs ?? "10", 1);
  const devSize = integer("dev-size", values["dev-size"]!);
  const seed = integer("seed", values.seed!);
  const threads = values.threads === undefined ? undefined : integer("threads", values.threads, 1);
  if (threads !== undefined && threads > MAX_THREADS) {
    throw new Error(
      `--threads must be a whole number from 1 to ${MAX_THREADS}, not "${threads}": a step is cut into at most ${MAX_THREADS} parts`,
    );
  }
  const hidden = hiddenText === undefined || hiddenText === ""
    ? (hiddenText === "" ? [] : undefined)
    : hiddenText.split(",").map((h) => integer("hidden", h.trim(), 1));
  const backend = choice("backend", values.backend!, ["wasm", "typescript", "auto"] as const);
  const scheme = values["init-scheme"] === undefined
    ? undefined
    : choice<InitScheme>("init-scheme", values["init-scheme"], ["seed", "he"]);
  const schedule = choice<ScheduleName>("schedule", values.schedule ?? "constant", SCHEDULES);
  const momentum = decimal("momentum", values.momentum ?? "0.9", 0, 1);
  const weightDecay = decimal("weight-decay", values["weight-decay"] ?? "0", 0);
  const augment = integer("augment", values.augment ?? "0");
  if (augment > 27) {
    throw new Error(`--augment must be a whole number from 0 to 27, not "${augment}"`);
  }
  const distort = values.rotate === undefined && values.scale === undefined ? undefined : {
    degrees: decimal("rotate", values.rotate ?? "0", 0),
    scale: decimal("scale", values.scale ?? "0", 0),
  };
  if (distort) checkDistort(distort);
  if (distort && !convolutional) {
    throw new Error(
      "--rotate and --scale distort images for the convolution engine: give --layers with conv (the dense engines shift sparse rows only)",
    );
  }

  // Data: shuffle, split, then draw the weights from the same generator, as the seed does.
  const path = values.data ?? DEFAULT_DATA;
  if (values.data === undefined) await makeData(fileURLToPath(new URL("../data", import.meta.url)));
  const t0 = performance.now();
  const all = await readLabeledCsv(path);
  const loadSeconds = (performance.now() - t0) / 1000;
  // MNIST's test digits score a network trained on MNIST's training digits only.
  const testPath = values.test ??
    (values.data === undefined && existsSync(DEFAULT_TEST) ? DEFAULT_TEST : undefined);
  const test = testPath === undefined ? undefined : await readLabeledCsv(testPath);
  const rng = createRng(seed);
  const { dev, train: trainSet } = splitDev(
    values.shuffle ? shuffleDigits(all, rng) : all,
    devSize,
  );
  const batchSize = values["batch-size"] === undefined
    ? (convolutional ? Math.min(128, trainSet.count) : trainSet.count)
    : integer("batch-size", values["batch-size"], 1);
  if (batchSize > trainSet.count) {
    throw new Error(
      `--batch-size ${batchSize} is more than the ${trainSet.count} training images`,
    );
  }
  // The network to train: a layer list with convolutions, or the dense engines' parameters.
  let params: Params | undefined, network: Network | undefined;
  if (convolutional) {
    network = values.init ? await loadNetwork(values.init, layers!) : initNetwork(layers!, rng);
  } else if (values.init) {
    params = await loadParams(values.init);
    if (hidden && params.sizes.slice(1, -1).join(",") !== hidden.join(",")) {
      throw new Error(
        `--hidden ${hidden} does not match ${values.init}, whose layers are ${
          params.sizes.join("-")
        }`,
      );
    }
  } else {
    params = initParams(rng, hidden ? [784, ...hidden, 10] : SEED_SIZES, scheme);
  }

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
  const common = {
    params,
    network,
    threads,
    backend,
    dev: devSize > 0 ? dev : undefined,
    signal: controller.signal,
  };
  training = true;
  const run = miniBatch
    ? await runMiniBatch(trainSet, {
      ...common,
      epochs,
      batchSize,
      lr,
      optimizer,
      momentum,
      nesterov: values.nesterov ?? false,
      weightDecay,
      schedule,
      augment,
      distort,
      seed,
    })
    : await runFullBatch(trainSet, {
      ...common,
      iterations,
      alpha: lr,
      originalBiasGradient: values["original-bias-gradient"],
    });
  const testScores = test ? evaluate(run.model, test) : undefined;
  const { stopped } = run;
  console.log(
    (stopped
      ? `Stopped ${run.name} after ${stopped.unit} ${stopped.done} of ${stopped.total} ` +
        `(Ctrl-C), ${run.seconds.toFixed(1)} s `
      : `Trained ${run.name} for ${run.what} in ${run.seconds.toFixed(1)} s `) +
      `(${run.engine} engine, ${run.backend}, ${run.threads} thread${
        run.threads > 1 ? "s" : ""
      }): ` +
      `train accuracy ${run.trainAccuracy.toFixed(4)}` +
      (run.devAccuracy !== undefined ? `, dev accuracy ${run.devAccuracy.toFixed(4)}` : "") +
      (testScores ? `, test accuracy ${testScores.accuracy.toFixed(4)}` : ""),
  );
  const problem = stopped ? undefined : trainingProblem(run.history, { steps: run.steps, lr });
  if (problem) console.error(`warning: ${problem}`);
  if (values.save) {
    await saveModel(values.save, run.model, {
      unit: run.unit,
      done: stopped?.done ?? run.total,
      total: run.total,
      stoppedEarly: stopped !== undefined,
    });
    console.log(
      `Saved the parameters to ${values.save}` +
        (stopped ? `, marked as stopped early after ${stopped.unit} ${stopped.done}` : ""),
    );
  }
  if (values.json) {
    console.log(JSON.stringify({
      ...run.json,
      train_accuracy: run.trainAccuracy,
      dev_accuracy: run.devAccuracy ?? null,
      test_accuracy: testScores?.accuracy ?? null,
      loss: run.loss,
      train_seconds: run.seconds,
      load_seconds: loadSeconds,
      sizes: "sizes" in run.model ? run.model.sizes : null,
      layers: "layers" in run.model ? layersText(run.model.layers) : null,
      seed,
      threads: run.threads,
      engine: run.engine,
      backend: run.backend,
      stopped_early: stopped !== undefined,
      done: stopped?.done ?? run.total,
      warning: problem ?? null,
      train_size: trainSet.count,
      dev_size: devSize,
      peak_rss_mb: peakRssMb(),
    }));
  }
  if (stopped || interrupts > 0) Deno.exit(130);
}

/** What either loop reports. */
interface Run {
  /** The trained network: dense parameters or a layer list. */
  model: Params | Network;
  /** Its name: `784-10-10-10`, or `conv5x32,pool2,dense256,dense10`. */
  name: string;
  what: string;
  seconds: number;
  engine: string;
  backend: string;
  threads: number;
  trainAccuracy: number;
  devAccuracy?: number;
  loss: number;
  /** The history, oldest first, for `trainingProblem`. */
  history: { trainAccuracy: number; loss: number }[];
  /** Updates taken. */
  steps: number;
  /** What a step of the loop is, and how many were asked for. */
  unit: "iteration" | "epoch";
  total: number;
  /** Where Ctrl-C stopped the training, if it did. */
  stopped?: { unit: "iteration" | "epoch"; done: number; total: number };
  json: Record<string, unknown>;
}

/**
 * The result of `training`, or — when Ctrl-C stopped it — the result of the steps it took,
 * with where it stopped.
 */
async function untilStopped<R>(
  training: Promise<R>,
): Promise<{ result: R; stopped?: { unit: "iteration" | "epoch"; done: number; total: number } }> {
  try {
    return { result: await training };
  } catch (error) {
    if (!(error instanceof TrainingStopped)) throw error;
    const { unit, done, total } = error;
    return { result: error.result as R, stopped: { unit, done, total } };
  }
}

/** The seed's loop: full-batch gradient descent, its lines every 100 iterations. */
async function runFullBatch(
  trainSet: Digits,
  options: Parameters<typeof train>[1] & { iterations: number; alpha: number },
): Promise<Run> {
  const { iterations } = options;
  const bar = progressBar(iterations);
  const { result, stopped } = await untilStopped(train(trainSet, {
    ...options,
    onProgress(point) {
      if (point.iteration % 100 === 0 && point.iteration < iterations) {
        bar?.clear();
        console.log(
          `Iteration: ${String(point.iteration).padStart(5)}   Accuracy: ${
            point.trainAccuracy.toFixed(4)
          }   Loss: ${point.loss.toFixed(4)}` +
            (point.devAccuracy !== undefined
              ? `   Dev accuracy: ${point.devAccuracy.toFixed(4)}`
              : ""),
        );
      }
      bar?.update(
        point.iteration,
        `${point.iteration}/${iterations}  accuracy ${point.trainAccuracy.toFixed(4)}`,
      );
    },
  }));
  bar?.clear();
  const done = stopped?.done ?? iterations;
  // A finished run's last point scores the trained weights; a stopped one's, the weights before
  // its last step: score those it stopped with.
  const final = stopped ? scoreNow(result.params, trainSet, options.dev) : result.history.at(-1)!;
  return {
    model: result.params,
    name: result.params.sizes.join("-"),
    what: `${iterations} iterations`,
    seconds: result.seconds.total,
    engine: result.engine,
    backend: result.backend,
    threads: result.threads,
    trainAccuracy: final.trainAccuracy,
    devAccuracy: final.devAccuracy,
    loss: final.loss,
    history: result.history,
    steps: done,
    unit: "iteration",
    total: iterations,
    stopped,
    json: {
      iterations,
      alpha: options.alpha,
      batch_size: trainSet.count,
      optimizer: "sgd",
      setup_seconds: result.seconds.setup,
      // the gradient-descent steps alone, as the seed's loop is timed in bench/numpy_train.py
      ms_per_iteration: done > 0 ? (1000 * result.seconds.steps) / done : null,
      original_bias_gradient: options.originalBiasGradient ?? false,
    },
  };
}

/** Mini-batches: a line per epoch, a bar over every batch. */
async function runMiniBatch(
  trainSet: Digits,
  options: Parameters<typeof trainMiniBatch>[1] & {
    epochs: number;
    batchSize: number;
    network?: Network;
    distort?: DistortOptions;
  },
): Promise<Run> {
  const { epochs, batchSize } = options;
  const batches = Math.ceil(trainSet.count / batchSize);
  const bar = progressBar(epochs * batches);
  let batchesDone = 0;
  // A layer list with convolutions trains on the convolution engine, a dense one on the batch one.
  type Fitted = Omit<Awaited<ReturnType<typeof trainMiniBatch>>, "params"> & {
    model: Params | Network;
    stopped?: Run["stopped"];
  };
  const fit = (o: typeof options): Promise<Fitted> =>
    o.network
      ? untilStopped(trainNetwork(trainSet, o)).then(({ result: { network, ...r }, stopped }) => ({
        ...r,
        model: network,
        stopped,
      }))
      : untilStopped(trainMiniBatch(trainSet, o)).then(({ result: { params, ...r }, stopped }) => ({
        ...r,
        model: params,
        stopped,
      }));
  const result = await fit({
    ...options,
    onBatch({ epoch, batch }) {
      batchesDone = epoch * batches + batch;
      bar?.update(
        epoch * batches + batch,
        `epoch ${epoch + 1}/${epochs}, batch ${batch}/${batches}`,
      );
    },
    onEpoch(point) {
      bar?.clear();
      console.log(
        `Epoch: ${String(point.epoch).padStart(3)}   lr: ${point.lr.toPrecision(3)}   ` +
          `Accuracy: ${point.trainAccuracy.toFixed(4)}   Loss: ${point.loss.toFixed(4)}` +
          (point.devAccuracy !== undefined
            ? `   Dev accuracy: ${point.devAccuracy.toFixed(4)}`
            : "") +
          `   ${point.seconds!.toFixed(1)} s`,
      );
    },
  });
  const { stopped } = result;
  bar?.clear();
  // An epoch's point averages its batches before their steps; a stopped run is scored anew.
  const final = stopped ? scoreNow(result.model, trainSet, options.dev) : result.history.at(-1)!;
  return {
    model: result.model,
    name: "layers" in result.model ? layersText(result.model.layers) : result.model.sizes.join("-"),
    what: `${epochs} epochs of ${batches} batches`,
    seconds: result.seconds.total,
    engine: result.engine,
    backend: result.backend,
    threads: result.threads,
    trainAccuracy: final.trainAccuracy,
    devAccuracy: final.devAccuracy,
    loss: final.loss,
    history: result.history,
    steps: batchesDone,
    unit: "epoch",
    total: epochs,
    stopped,
    json: {
      epochs,
      batch_size: batchSize,
      optimizer: options.optimizer,
      lr: options.lr,
      schedule: options.schedule,
      augment: options.augment,
      distort: options.distort ?? null,
      weight_decay: options.weightDecay,
      setup_seconds: result.seconds.setup,
      seconds_per_epoch: result.history.length > 0
        ? result.seconds.epochs / (stopped ? batchesDone / batches : epochs)
        : null,
    },
  };
}

/** Train accuracy and loss, and dev accuracy, of the parameters as they are now. */
function scoreNow(params: Params | Network, trainSet: Digits, dev: Digits | undefined) {
  const scores = evaluate(params, trainSet);
  return {
    trainAccuracy: scores.accuracy,
    loss: scores.loss,
    devAccuracy: dev ? evaluate(params, dev).accuracy : undefined,
  };
}

/** The layer-list network of a model file, checked against the layers `--layers` gives. */
async function loadNetwork(path: string, layers: LayerSpec[]): Promise<Network> {
  const { model } = await loadModel(path);
  const want = layersText(layers);
  const has = "layers" in model ? layersText(model.layers) : model.sizes.join("-");
  if (!("layers" in model) || has !== want) {
    throw new Error(`--layers ${want} does not match ${path}, whose network is ${has}`);
  }
  return model;
}

if (import.meta.main) await runMain(main);
