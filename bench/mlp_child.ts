/**
 * A benchmark child: train a network with `trainMiniBatch` on the raw files `bench/beyond.ts`
 * writes (the same bytes PyTorch and numpy read), score the test set, print one JSON line.
 *
 * Usage: mlp_child.ts DIR SPEC, where SPEC is JSON: { sizes, epochs, batch_size, lr, optimizer,
 * schedule, augment, seed, threads?, backend? }.
 *
 * @module
 */

import { evaluate, trainMiniBatch } from "../lib/mod.ts";
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
const result = await trainMiniBatch(train, {
  sizes: spec.sizes,
  epochs: spec.epochs,
  batchSize: spec.batch_size ?? train.count,
  lr: spec.lr,
  optimizer: spec.optimizer,
  schedule: spec.schedule,
  augment: spec.augment,
  seed: spec.seed,
  threads: spec.threads,
  backend: spec.backend,
});
const steps = spec.epochs * Math.ceil(train.count / (spec.batch_size ?? train.count));
console.log(JSON.stringify({
  seconds: result.seconds.epochs,
  setup_seconds: result.seconds.setup,
  seconds_per_epoch: result.seconds.epochs / spec.epochs,
  ms_per_iteration: (1000 * result.seconds.epochs) / steps,
  train_accuracy: result.history.at(-1)?.trainAccuracy ?? null,
  test_accuracy: evaluate(result.params, test).accuracy,
  peak_rss_mb: peakRssMb(),
  threads: result.threads,
  backend: result.backend,
}));
