/**
 * `deno task train`'s flags, read into a plan: the recipe they describe (`lib/train/recipe.ts`)
 * and where the data, the starting network and the model file are. Flags that cannot work, or
 * do not go together, are one sentence each, before anything is loaded.
 *
 * @module
 */

import { layersText, MNIST_INPUT, parseLayers, type Recipe } from "../lib/mod.ts";
import { checkDistort, type DistortOptions } from "../lib/data/distort.ts";
import { denseSizes } from "../lib/nn/dense_view.ts";
import { type OptimizerName, OPTIMIZERS } from "../lib/nn/optimizers.ts";
import { type ScheduleName, SCHEDULES } from "../lib/nn/schedules.ts";
import { LAYER_KINDS } from "../lib/nn/layers/registry.ts";
import { MAX_THREADS } from "../lib/engine/shared/backend.ts";
import type { InitScheme } from "../lib/nn/params.ts";
import { choice, decimal, integer, parseFlags, positive } from "./cli.ts";

/** The layer words of the short form, for the help. */
const LAYER_HELP = LAYER_KINDS.filter((k) => !k.implied)
  .map((k) => `${" ".repeat(28)}${k.word.padEnd(9)}${k.about}`).join("\n");

/** `--help`. */
export const HELP = `Train a network on MNIST: the seed's full-batch gradient descent by default, or
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
  --layers L                the network as a list of words, the output layer of 10 implied:
${LAYER_HELP}
                            Only denseN: --hidden's short form. With conv or pool: mini-batches,
                            e.g. --layers conv5x32,pool2,conv5x64,pool2,dense256
  --init-scheme seed|he     initial weights: the seed's scales (784-10-10-10 only, its default)
                            or He, N·√(2/n_in) (the default for other networks)
  --init FILE               start from a model file instead of random weights
  --save FILE               write the trained network to a model file (also when stopped);
                            its folder is checked before training

The seed's full-batch gradient descent (the default)
  --iterations N            gradient-descent steps over the whole training set, ≥ 1 (default 1000)
  --alpha A, --lr A         learning rate, for both loops (default 0.1; 0.001 with adam)
  --original-bias-gradient  the seed's bias gradient, 1/m·np.sum(dZ) over everything

Mini-batches (any of these flags selects them)
  --epochs N                passes over the training set, ≥ 1 (default 10)
  --batch-size N|all        images per step (default 128; all: one full-batch step per epoch)
  --optimizer O             sgd, momentum or adam (default sgd)
  --momentum MU             momentum's μ (default 0.9; with --optimizer momentum)
  --nesterov                Nesterov's momentum (with --optimizer momentum)
  --weight-decay L          L2 weight decay λ on the weights (default 0)
  --schedule S              learning rate per epoch: constant, step (×0.1 every third of the
                            epochs) or cosine (down to 0); or per batch, onecycle (up from
                            lr/25 to lr in 30% of the batches, then down to 0) (default constant)
  --augment K               shift each image by up to K pixels each way, anew every epoch
  --rotate DEG              rotate each image by up to DEG degrees either way (0–45), and
  --scale FRAC              scale it by up to FRAC either way (0–0.5: 0.1 is 90%–110%), anew
                            every epoch (with --layers that has convolutions)
  --elastic ALPHA           bend each image by an elastic field scaled by ALPHA pixels (0–100;
                            Simard's 34), anew every epoch (with --layers that has convolutions)
  --elastic-sigma S         the field's smoothness, a Gaussian of S pixels (1–10, default 4)

Engine (picked by one rule: the seed's fused engine for small full batches, the convolution
engine for --layers with conv, pool, bn or dropout, the mini-batch engine otherwise; the JSON line
says which)
  --threads N               threads, from 1 to ${MAX_THREADS} (default: CPU cores, at most 8; the
                            weights do not depend on it, and more threads than cores only wait)
  --backend B               wasm (WebAssembly SIMD, the default where it runs) or
                            typescript (the pure-TypeScript fallback)
  --json                    end with one JSON line of results
  --help                    this text

A network too large for the memory is refused before training. A run that plainly failed
(still at chance, a loss that grew, or one that blew up) ends with a warning on stderr and in
the JSON. Ctrl-C stops after the current step, saves --save's file marked as stopped early and
exits with 130; a second Ctrl-C exits at once.
`;

const FLAGS = {
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
  elastic: { type: "string" },
  "elastic-sigma": { type: "string" },
  threads: { type: "string" },
  backend: { type: "string", default: "auto" },
  json: { type: "boolean", default: false },
  help: { type: "boolean", default: false },
} as const;

/** The flags that select mini-batches. */
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
  "elastic",
  "elastic-sigma",
] as const;

/** `read(text)`, or `undefined` for a flag not given (the recipe's default then applies). */
const given = <T>(text: string | undefined, read: (text: string) => T) =>
  text === undefined ? undefined : read(text);

/** What the flags ask for. */
export interface TrainPlan {
  /** `--help`. */
  help: boolean;
  /** The recipe, but for the starting network of `--init` and a batch size of `"all"`. */
  recipe: Recipe & { layers: string; input: number[] };
  /** Whether it is the seed's loop, counted in iterations (`--iterations`). */
  fullBatch: boolean;
  /** The flag that gives the network, as typed (`--hidden 48,24`): checked against `--init`. */
  networkFlag?: string;
  /** Data, dev rows, shuffle, and where a test set is. */
  data?: string;
  test?: string;
  devSize: number;
  shuffle: boolean;
  /** Where to start from, and where to save. */
  init?: string;
  save?: string;
  /** Engine flags. */
  threads?: number;
  backend: "wasm" | "typescript" | "auto";
  /** `--json`. */
  json: boolean;
}

/**
 * The plan of `args`.
 *
 * @throws {Error} One sentence for a flag that cannot work or flags that do not go together.
 */
export function readPlan(args: string[]): TrainPlan {
  const { values } = parseFlags(args, FLAGS, true);
  // The network: --hidden, or --layers (its dense-only form is --hidden's short form).
  if (values.layers !== undefined && values.hidden !== undefined) {
    throw new Error(
      "--layers and --hidden both give the network; give one (--hidden 256,128 is --layers dense256,dense128)",
    );
  }
  const hidden = values.hidden === undefined
    ? undefined
    : values.hidden === ""
    ? []
    : values.hidden.split(",").map((h) => integer("hidden", h.trim(), 1));
  let layers = hidden?.map((h) => `dense${h}`).join(",") ?? values.layers ?? "dense10,dense10";
  let convolutional = false;
  try {
    const list = parseLayers(layers);
    convolutional = denseSizes({ input: [...MNIST_INPUT], layers: list }) === undefined;
    layers = layersText(list); // the dense words alone, for a dense network on 784-vectors
  } catch (error) {
    throw new Error(`--layers: ${(error as Error).message}`);
  }
  const input = convolutional ? [...MNIST_INPUT] : [784];

  // Which loop, and flags that do not go together: one sentence each.
  const miniBatchFlag = MINI_BATCH_FLAGS.find((flag) => values[flag] !== undefined);
  if (convolutional) {
    for (const flag of ["iterations", "original-bias-gradient"] as const) {
      if (values[flag] !== undefined && values[flag] !== false) {
        throw new Error(
          `--${flag} is for the full-batch loop; a network with convolutions trains by mini-batches (--epochs)`,
        );
      }
    }
  }
  const fullBatch = miniBatchFlag === undefined && !convolutional;
  if (!fullBatch && values.iterations !== undefined) {
    throw new Error(
      `--iterations counts full-batch steps and does not go with --${miniBatchFlag}: mini-batch training counts --epochs`,
    );
  }
  if (!fullBatch && values["original-bias-gradient"]) {
    throw new Error(
      `--original-bias-gradient reproduces the seed's full-batch loop; it does not go with --${miniBatchFlag}`,
    );
  }
  const optimizer = given(
    values.optimizer,
    (t) => choice<OptimizerName>("optimizer", t, OPTIMIZERS),
  );
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
  // Every flag not given is left to the recipe's default (lib/train/recipe.ts); the seed's
  // loop alone has one of its own: its 1,000 iterations.
  const rateText = values.lr ?? values.alpha;
  const lr = rateText === undefined
    ? undefined
    : positive(values.lr !== undefined ? "lr" : "alpha", rateText);
  const epochs = fullBatch
    ? integer("iterations", values.iterations ?? "1000", 1)
    : values.epochs === undefined
    ? undefined
    : integer("epochs", values.epochs, 1);

  const threads = values.threads === undefined ? undefined : integer("threads", values.threads, 1);
  if (threads !== undefined && threads > MAX_THREADS) {
    throw new Error(
      `--threads must be a whole number from 1 to ${MAX_THREADS}, not "${threads}": a step is cut into at most ${MAX_THREADS} parts`,
    );
  }
  const batchText = values["batch-size"];
  const batchSize: number | "all" | undefined = fullBatch || batchText === "all"
    ? "all"
    : batchText === undefined
    ? undefined
    : integer("batch-size", batchText, 1);
  if (values["elastic-sigma"] !== undefined && values.elastic === undefined) {
    throw new Error("--elastic-sigma smooths the field of --elastic: give --elastic ALPHA too");
  }
  const distorted = [values.rotate, values.scale, values.elastic].some((v) => v !== undefined);
  const distort: DistortOptions | undefined = !distorted ? undefined : {
    degrees: decimal("rotate", values.rotate ?? "0", 0),
    scale: decimal("scale", values.scale ?? "0", 0),
  };
  if (distort && values.elastic !== undefined) {
    distort.elastic = {
      alpha: decimal("elastic", values.elastic, 0, 100),
      sigma: decimal("elastic-sigma", values["elastic-sigma"] ?? "4", 1, 10),
    };
  }
  if (distort) checkDistort(distort);
  if (distort && !convolutional) {
    throw new Error(
      "--rotate, --scale and --elastic distort images for the convolution engine: give --layers with conv (the dense engines shift sparse rows only)",
    );
  }
  const recipe = {
    layers,
    input,
    epochs,
    batchSize,
    lr,
    optimizer,
    momentum: given(values.momentum, (t) => decimal("momentum", t, 0, 1)),
    nesterov: values.nesterov,
    weightDecay: given(values["weight-decay"], (t) => decimal("weight-decay", t, 0)),
    schedule: given(values.schedule, (t) => choice<ScheduleName>("schedule", t, SCHEDULES)),
    augment: given(values.augment, (t) => integer("augment", t, 0, 27)),
    distort,
    seed: integer("seed", values.seed!),
    initScheme: values["init-scheme"] === undefined
      ? undefined
      : choice<InitScheme>("init-scheme", values["init-scheme"], ["seed", "he"]),
    originalBiasGradient: values["original-bias-gradient"],
  };
  return {
    help: values.help ?? false,
    recipe,
    fullBatch,
    networkFlag: values.layers !== undefined
      ? `--layers ${values.layers}`
      : values.hidden !== undefined
      ? `--hidden ${values.hidden}`
      : undefined,
    data: values.data,
    test: values.test,
    devSize: integer("dev-size", values["dev-size"]!),
    shuffle: values.shuffle ?? true,
    init: values.init,
    save: values.save,
    threads,
    backend: choice("backend", values.backend!, ["wasm", "typescript", "auto"] as const),
    json: values.json ?? false,
  };
}
