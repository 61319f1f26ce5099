/**
 * A benchmark child: train a network on the raw files `bench/beyond.ts` writes (the same bytes
 * PyTorch and numpy read), score the test set, print one JSON line. Plain full-batch gradient
 * descent (no `batch_size`, sgd) goes through `train`, a `layers` text (convolutions) through
 * `trainNetwork`, everything else through `trainMiniBatch`: the engine is the one
 * `chooseEngine` picks for users, and the JSON names it.
 *
 * Usage: mlp_child.ts DIR SPEC, where SPEC is JSON: { sizes or layers, epochs, batch_size, lr,
 * optimizer, schedule, augment, seed, threads?, backend? }.
 *
 * @module
 */

import {
  evaluate,
  parseLayers,
  train as trainFullBatch,
  trainMiniBatch,
  trainNetwork,
} from "../lib/mod.ts";
import type { Digits } from "../lib/mod.ts";
import { peakRssMb } from "../scripts/rss.ts";

const [dir, specText] = Deno.args;
const spec = JSON.parse(specText);
const read = async (name: string): Promise<Digits> => {
  const pixels = await Deno.readFile(`${dir}/${name}.u8`);
  const labels = await Deno.readFile(`${dir}/${name}.labels`);
  return { count: labels.length, labels, pixels };
};
const train = await read("train"), test = await read("test");
const fullBatch = spec.batch_size === undefined && (spec.optimizer ?? "sgd") === "sgd";
const common = { sizes: spec.sizes, seed: spec.seed, threads: spec.threads, backend: spec.backend };
const miniBatch = {
  epochs: spec.epochs,
  batchSize: spec.batch_size,
  lr: spec.lr,
  optimizer: spec.optimizer,
  schedule: spec.schedule,
  augment: spec.augment,
};
const run = spec.layers
  ? await trainNetwork(train, { ...common, ...miniBatch, layers: parseLayers(spec.layers) })
    .then(({ network, ...r }) => ({
      ...r,
      params: network,
      seconds: r.seconds.epochs,
      setup: r.seconds.setup,
    }))
  : fullBatch
  ? await trainFullBatch(train, { ...common, iterations: spec.epochs, alpha: spec.lr })
    .then((r) => ({ ...r, seconds: r.seconds.steps, setup: r.seconds.setup }))
  : await trainMiniBatch(train, { ...common, ...miniBatch })
    .then((r) => ({ ...r, seconds: r.seconds.epochs, setup: r.seconds.setup }));
const steps = spec.epochs * Math.ceil(train.count / (spec.batch_size ?? train.count));
console.log(JSON.stringify({
  seconds: run.seconds,
  setup_seconds: run.setup,
  seconds_per_epoch: run.seconds / spec.epochs,
  ms_per_iteration: (1000 * run.seconds) / steps,
  train_accuracy: run.history.at(-1)?.trainAccuracy ?? null,
  test_accuracy: evaluate(run.params, test).accuracy,
  peak_rss_mb: peakRssMb(),
  threads: run.threads,
  engine: run.engine,
  backend: run.backend,
}));
