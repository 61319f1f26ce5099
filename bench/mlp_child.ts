/**
 * A benchmark child: train a network on the raw files `bench/beyond.ts` writes (the same bytes
 * PyTorch and numpy read), score the test set, print one JSON line. The spec becomes a recipe
 * for `fit`, as `deno task train`'s flags do: the engine is the one `chooseEngine` picks for
 * users, and the JSON names it.
 *
 * Usage: mlp_child.ts DIR SPEC, where SPEC is JSON: { sizes or layers, epochs, batch_size, lr,
 * optimizer, schedule, beta1?, beta2?, augment, seed, threads?, backend?, time_to_accuracy? }
 * (no batch_size and sgd: the seed's full-batch gradient descent; with time_to_accuracy, the
 * seconds are everything from reading the images to the test score, as a speedrun counts).
 *
 * @module
 */

import { type Digits, evaluate, fit, type Recipe } from "../lib/mod.ts";
import { peakRssMb } from "../scripts/rss.ts";

const started = performance.now();
const [dir, specText] = Deno.args;
const spec = JSON.parse(specText);
const read = async (name: string): Promise<Digits> => {
  const pixels = await Deno.readFile(`${dir}/${name}.u8`);
  const labels = await Deno.readFile(`${dir}/${name}.labels`);
  return { count: labels.length, labels, pixels };
};
const train = await read("train"), test = await read("test");
const fullBatch = spec.batch_size === undefined && (spec.optimizer ?? "sgd") === "sgd";
const network: Recipe = spec.layers
  ? { layers: spec.layers }
  : { layers: spec.sizes.slice(1, -1).map((n: number) => `dense${n}`).join(","), input: [784] };
const run = await fit(train, {
  ...network,
  epochs: spec.epochs,
  batchSize: fullBatch ? "all" : spec.batch_size,
  lr: spec.lr,
  optimizer: spec.optimizer,
  schedule: spec.schedule,
  beta1: spec.beta1,
  beta2: spec.beta2,
  augment: spec.augment,
  seed: spec.seed,
  threads: spec.threads,
  backend: spec.backend,
  progress: false,
});
// The full batch: the gradient-descent steps alone, as numpy's loop is timed; mini-batches:
// the epochs (arranging each epoch's images included).
const trained = fullBatch ? run.timing.steps : run.timing.total - run.timing.setup;
const testAccuracy = evaluate(run.network, test).accuracy;
const seconds = spec.time_to_accuracy ? (performance.now() - started) / 1000 : trained;
console.log(JSON.stringify({
  seconds,
  setup_seconds: run.timing.setup,
  seconds_per_epoch: trained / spec.epochs,
  ms_per_iteration: (1000 * trained) / run.batches.length,
  train_accuracy: run.history.at(-1)?.trainAccuracy ?? null,
  test_accuracy: testAccuracy,
  peak_rss_mb: peakRssMb(),
  threads: run.threads,
  engine: run.engine,
  backend: run.backend,
}));
