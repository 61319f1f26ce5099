/**
 * A recipe: a network and how to train it, in one plain object — what the notebooks change one
 * field at a time, what `deno task train` builds from its flags, what the bench runs. Every
 * field has a default; {@link resolveRecipe} fills them in, checks them, and makes the starting
 * network.
 *
 * ```ts ignore
 * const recipe = { layers: "conv5x32,pool2,conv5x64,pool2,dense256", optimizer: "adam",
 *   lr: 0.001, batchSize: 128, epochs: 15, schedule: "cosine", augment: 2 };
 * ```
 *
 * @module
 */

import { drawsNoise } from "../nn/layers/registry.ts";
import { type Digits, PIXELS } from "../data/dataset.ts";
import { checkDistort, type DistortOptions } from "../data/distort.ts";
import { createRng, type Rng } from "../data/random.ts";
import {
  arrayOf,
  boolean,
  type Check,
  either,
  integer,
  number,
  object,
  oneOf,
  type Schema,
  string,
} from "../options.ts";
import { asNetwork, denseSizes, initWith, type Model, networkName } from "../nn/dense_view.ts";
import { sizeOf } from "../nn/layers/batch.ts";
import { networkFromJson } from "../nn/layers/json.ts";
import type { Network } from "../nn/layers/network.ts";
import type { LayerSpec } from "../nn/layers/registry.ts";
import { MNIST_INPUT } from "../nn/layers/shapes.ts";
import { toLayers } from "../nn/layers/text.ts";
import {
  optimizerDefaults,
  type OptimizerName,
  type OptimizerOptions,
  OPTIMIZERS,
} from "../nn/optimizers.ts";
import { type InitScheme, isSeedSizes } from "../nn/params.ts";
import { type ScheduleName, type ScheduleOptions, SCHEDULES } from "../nn/schedules.ts";

/** A network and its training. Every field is optional; the comment gives its default. */
export interface Recipe extends OptimizerOptions, ScheduleOptions {
  /**
   * The network's layers, in the short form (`"conv5x32,pool2,dense256"`: the output layer of
   * 10 follows) or as a list of layer descriptions; fresh weights from `seed`.
   */
  layers?: string | LayerSpec[];
  /** Or a network to start from (its weights are not changed): a layer list or the seed's `Params`. */
  network?: Model;
  /** The input's shape, for `layers` (MNIST's `[1, 28, 28]`). */
  input?: number[];
  /**
   * How fresh weights start: `"he"` (`N·√(2 / fan_in)`, biases 0) or `"seed"`, the seed's own
   * scales (784-10-10-10 only). Default: the seed's for the seed's network, He's otherwise.
   */
  initScheme?: InitScheme;
  /** Passes over the training set (10). For a full batch an epoch is one step: an iteration. */
  epochs?: number;
  /** Images per step (128, or all of them if fewer); `"all"`: full-batch gradient descent. */
  batchSize?: number | "all";
  /** The base learning rate η₀, the seed's α (0.001 for Adam, else 0.1). */
  lr?: number;
  /** Shift each image by up to this many pixels each way, anew every epoch (0). */
  augment?: number;
  /** Rotate and scale each image at random too, anew every epoch (none). */
  distort?: DistortOptions;
  /** Seed of the fresh weights and of every epoch's order, shifts and distortions (0). */
  seed?: number;
  /** The seed's scalar bias gradient `1/m · np.sum(dZ)` (false; full batches only). */
  originalBiasGradient?: boolean;
}

/** A recipe with every default filled in and checked, for a training set of `m` images. */
export interface TrainingSettings extends Required<OptimizerOptions> {
  /** The network in words: `784-10-10-10`, `conv5x32,pool2,dense256`. */
  name: string;
  /** Passes over the training set. */
  epochs: number;
  /** Images per step (`m` for a full batch). */
  batchSize: number;
  /** Steps (batches) per epoch. */
  batches: number;
  /** η₀. */
  lr: number;
  /** The schedule. */
  schedule: ScheduleName;
  /** The step schedule's period (undefined: a third of the epochs). */
  stepSize?: number;
  /** The step schedule's factor γ. */
  gamma: number;
  /** Shifts, in pixels. */
  augment: number;
  /** Rotations and scalings, if any. */
  distort?: DistortOptions;
  /** The seed. */
  seed: number;
  /** How fresh weights started (`"given"`: the recipe gave a network). */
  initScheme: InitScheme | "given";
  /** The seed's scalar bias gradient. */
  originalBiasGradient: boolean;
  /** Whether a layer draws noise in training (a dropout): each epoch then draws its seed. */
  noisy: boolean;
}

const isModel: Check = (v) => {
  const o = v as Record<string, unknown>;
  const ok = typeof o === "object" && o !== null &&
    ((Array.isArray(o.layers) && Array.isArray(o.params) && Array.isArray(o.input)) ||
      (Array.isArray(o.sizes) && Array.isArray(o.W) && Array.isArray(o.b)));
  return ok ? undefined : "a network ({ input, layers, params }, or the seed's { sizes, W, b })";
};

/** The options a recipe takes, checked at run time. */
export const RECIPE_OPTIONS: Schema = {
  layers: either(string, arrayOf(object, "a list of layers")),
  network: isModel,
  input: arrayOf(integer(1), "a shape (a list of positive whole numbers)"),
  initScheme: oneOf("he", "seed"),
  epochs: integer(1),
  batchSize: either(integer(1), oneOf("all")),
  lr: number({ above: 0 }),
  optimizer: oneOf(...OPTIMIZERS),
  momentum: number({ min: 0, below: 1 }),
  nesterov: boolean,
  beta1: number({ min: 0, below: 1 }),
  beta2: number({ min: 0, below: 1 }),
  epsilon: number({ above: 0 }),
  weightDecay: number({ min: 0 }),
  schedule: oneOf(...SCHEDULES),
  stepSize: integer(1),
  gamma: number({ above: 0, max: 1 }),
  augment: integer(0, 27),
  distort: object,
  seed: integer(0),
  originalBiasGradient: boolean,
};

/** The defaults of a recipe, as {@link resolveRecipe} fills them in. */
export const RECIPE_DEFAULTS = {
  epochs: 10,
  batchSize: 128,
  optimizer: "sgd" as OptimizerName,
  schedule: "constant" as ScheduleName,
  gamma: 0.1,
  augment: 0,
  seed: 0,
};

/**
 * A recipe's settings and starting network for a training set of `m` images: every default
 * filled in, every value checked, fresh weights drawn from `seed` (or the given network copied),
 * and the generator that then draws every epoch's order, shifts and distortions.
 *
 * @throws {RangeError} One sentence naming the option and what it takes.
 */
export function resolveRecipe(
  recipe: Recipe,
  trainSet: Digits,
): { settings: TrainingSettings; network: Network; rng: Rng } {
  const m = trainSet.count;
  const fail = (why: string): never => {
    throw new RangeError(`Cannot train: ${why}`);
  };
  if ((recipe.layers === undefined) === (recipe.network === undefined)) {
    fail(
      recipe.layers === undefined
        ? 'give the network\'s layers (layers: "conv5x32,pool2,dense256") or a network to start from'
        : "give its layers or a network to start from, not both",
    );
  }
  const seed = recipe.seed ?? RECIPE_DEFAULTS.seed;
  const rng = createRng(seed);
  let network: Network, initScheme: TrainingSettings["initScheme"] = "given";
  if (recipe.network !== undefined) {
    const given = asNetwork(recipe.network);
    const failJson = (why: string): never => fail(`the network ${why}`);
    network = networkFromJson(given as unknown as Record<string, unknown>, failJson);
  } else {
    const input = recipe.input ?? [...MNIST_INPUT];
    const layers = toLayers(recipe.layers!, input);
    const sizes = denseSizes({ input, layers });
    initScheme = recipe.initScheme ?? (sizes && isSeedSizes(sizes) ? "seed" : "he");
    network = initWith(layers, rng, initScheme, input);
  }
  const inputs = sizeOf(network.input);
  if (trainSet.pixels.length !== m * inputs) {
    fail(`the network takes ${inputs} inputs, and the images have ${trainSet.pixels.length / m}`);
  }
  const batchSize = recipe.batchSize === "all"
    ? m
    : recipe.batchSize ?? Math.min(RECIPE_DEFAULTS.batchSize, m);
  if (batchSize > m) {
    fail(`batchSize is ${batchSize}, more than the ${m} training images ("all" takes them all)`);
  }
  const augment = recipe.augment ?? RECIPE_DEFAULTS.augment;
  if ((augment > 0 || recipe.distort) && inputs !== PIXELS) {
    fail("shifts, rotations and scalings move 28×28 images, and the network takes other inputs");
  }
  if (recipe.distort) checkDistort(recipe.distort);
  const optimizer = optimizerDefaults(recipe);
  const epochs = recipe.epochs ?? RECIPE_DEFAULTS.epochs;
  const settings: TrainingSettings = {
    ...optimizer,
    name: networkName(network),
    epochs,
    batchSize,
    batches: Math.ceil(m / batchSize),
    lr: recipe.lr ?? (optimizer.optimizer === "adam" ? 0.001 : 0.1),
    schedule: recipe.schedule ?? RECIPE_DEFAULTS.schedule,
    stepSize: recipe.stepSize,
    gamma: recipe.gamma ?? RECIPE_DEFAULTS.gamma,
    augment,
    distort: recipe.distort,
    seed,
    initScheme,
    originalBiasGradient: recipe.originalBiasGradient ?? false,
    noisy: drawsNoise(network.layers),
  };
  return { settings, network, rng };
}

/**
 * A recipe's training in words, for a table: `batch 128, adam, lr 0.003, cosine, ±1 px, He`.
 */
export function describeRecipe(settings: TrainingSettings, m: number): string {
  const init = { he: "He", seed: "seed init", given: "" }[settings.initScheme];
  return [
    settings.batchSize >= m ? "full batch" : `batch ${settings.batchSize}`,
    settings.optimizer,
    `lr ${settings.lr}`,
    settings.schedule,
    settings.augment ? `±${settings.augment} px` : "",
    settings.distort
      ? `±${settings.distort.degrees}°, ±${+(100 * settings.distort.scale).toFixed(1)}%`
      : "",
    settings.distort?.elastic
      ? `elastic α ${settings.distort.elastic.alpha} σ ${settings.distort.elastic.sigma}`
      : "",
    settings.weightDecay ? `λ ${settings.weightDecay}` : "",
    init,
  ].filter(Boolean).join(", ");
}
