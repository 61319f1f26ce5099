/**
 * A learner's own experiment, through `lib/mod.ts` alone, as one writes it in a fresh notebook:
 * the data in one call, a small convnet from the short form, a summary, a typo, early stopping
 * with the best weights kept, a checkpoint file, the curves of an epoch run, a prediction.
 */

import assert from "node:assert/strict";
import {
  checkpoint,
  earlyStopping,
  evaluate,
  fit,
  type FitResult,
  loadDigits,
  loadModel,
  parseLayers,
  predict,
  predictImage,
  summary,
} from "../lib/mod.ts";
import { accuracyCurves, batchLossCurve, lossCurves } from "../lib/figures/mod.ts";

const { train, dev, test } = await loadDigits({ trainSize: 3000 });
const quiet = { progress: false } as const;

Deno.test("loadDigits() gives the notebooks' split, the first N training rows if asked", async () => {
  assert.deepEqual([train.count, dev.count, test.count], [3000, 1000, 10000]);
  const all = await loadDigits();
  assert.equal(all.train.count, 41000);
  assert.deepEqual(all.train.labels.subarray(0, 3000), train.labels, "the same rows, cut");
  await assert.rejects(loadDigits({ trainsize: 5 } as never), {
    message: 'Cannot load the digits: unknown option "trainsize" — did you mean "trainSize"?',
  });
});

Deno.test("a typo'd option is refused in one sentence naming the option meant", async () => {
  const cases: [Record<string, unknown>, string][] = [
    [{ epoch: 1 }, 'unknown option "epoch" — did you mean "epochs"?'],
    [{ learningRate: 5 }, 'unknown option "learningRate" — did you mean "lr"?'],
    [{ batch_size: 32 }, 'unknown option "batch_size" — did you mean "batchSize"?'],
    [{ validation_data: dev }, 'unknown option "validation_data" — did you mean "dev"?'],
    [{ epochs: "3" }, 'epochs is "3", expected a whole number ≥ 1'],
    [{ optimizer: "Adam" }, 'optimizer is "Adam", expected "sgd", "momentum" or "adam"'],
    [{ flux: 3 }, 'unknown option "flux"'],
  ];
  for (const [typo, message] of cases) {
    await assert.rejects(fit(train, { layers: "conv3x8", ...quiet, ...typo }), {
      message: `Cannot train: ${message}`,
    });
  }
  assert.throws(() => evaluate(train as never, dev, { backnd: "wasm" } as never), {
    message: 'Cannot evaluate: unknown option "backnd" — did you mean "backend"?',
  });
});

Deno.test("the short form and the list of the same layers train the same bits", async () => {
  const recipe = { epochs: 1, optimizer: "adam", batchSize: 64, seed: 2, ...quiet } as const;
  const text = await fit(train, { ...recipe, layers: "conv3x8,pool2,dense32" });
  const list = await fit(train, { ...recipe, layers: parseLayers("conv3x8,pool2,dense32") });
  assert.deepEqual(text.network, list.network);
  assert.deepEqual(text.batches, list.batches);
});

Deno.test("summary() lists every layer, its output shape and its parameters, by hand", () => {
  const s = summary(parseLayersNetwork("conv3x8,pool2,conv4x16,pool2,dense32"));
  assert.deepEqual(s.layers.map((r) => [r.layer, r.output.join("×"), r.parameters]), [
    ["conv3x8", "8×26×26", 3 * 3 * 1 * 8 + 8], // 80
    ["relu", "8×26×26", 0],
    ["pool2", "8×13×13", 0],
    ["conv4x16", "16×10×10", 4 * 4 * 8 * 16 + 16], // 2,064
    ["relu", "16×10×10", 0],
    ["pool2", "16×5×5", 0],
    ["flatten", "400", 0],
    ["dense32", "32", 400 * 32 + 32], // 12,832
    ["relu", "32", 0],
    ["dense10", "10", 32 * 10 + 10], // 330
  ]);
  assert.equal(s.parameters, 80 + 2064 + 12832 + 330);
  assert.match(s.text, /^ *# +layer +output shape +parameters$/m);
  assert.match(s.text, /15,306 parameters$/);
  // A pool that does not divide its maps is refused, saying what it would drop.
  assert.throws(() => parseLayers("conv3x8,pool2,conv3x16,pool2"), {
    message:
      /pool2 \(layer 6\) gets 11×11 maps, which 2 does not divide: it would drop the last 1 rows and 1 columns; pools that divide them: pool11$/,
  });
});

/** A network of the short form with zero weights: what summary() reads is its shape. */
function parseLayersNetwork(text: string) {
  const layers = parseLayers(text, 10, [1, 28, 28]);
  return { input: [1, 28, 28], layers, params: layers.map(() => null) };
}

Deno.test("early stopping keeps the best dev weights; a checkpoint holds them too", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/best.json`;
  // A network that overfits 3,000 digits within a few epochs at this rate.
  const run: FitResult = await fit(train, {
    layers: "dense128",
    optimizer: "adam",
    lr: 0.01,
    epochs: 40,
    dev,
    callbacks: [earlyStopping({ patience: 2 }), checkpoint(path, { when: "best" })],
    ...quiet,
  });
  const losses = run.history.map((p) => p.devLoss!);
  const best = losses.indexOf(Math.min(...losses));
  assert.ok(run.stopped, "it stopped early");
  assert.match(
    run.stopped.why,
    /^early stopping: devLoss has not improved for 2 epochs since epoch/,
  );
  assert.equal(run.history.length, best + 1 + 3, "the best epoch, then patience + 1 worse ones");
  assert.ok(run.history.length < 40);
  // The network returned is the best epoch's: its dev scores are that epoch's, exactly.
  const scores = evaluate(run.network, dev);
  assert.equal(scores.loss, losses[best]);
  assert.equal(run.devAccuracy, run.history[best].devAccuracy);
  assert.notEqual(evaluate(run.network, dev).loss, losses.at(-1), "not the last epoch's");
  // The checkpoint was written at that epoch, with the same weights.
  const saved = await loadModel(path);
  assert.deepEqual(saved.network, run.network);
  assert.deepEqual(saved.training, {
    unit: "epoch",
    done: best + 1,
    total: 40,
    stoppedEarly: false,
  });
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a checkpoint's folder is checked before the first epoch", async () => {
  let epochs = 0;
  await assert.rejects(
    fit(train, {
      layers: "dense16",
      epochs: 3,
      callbacks: [checkpoint("/nonexistent/dir/m.json")],
      onEpoch: () => void epochs++,
      ...quiet,
    }),
    {
      message:
        "Cannot save a model to /nonexistent/dir/m.json: the folder /nonexistent/dir does not exist",
    },
  );
  assert.equal(epochs, 0, "no epoch ran");
});

Deno.test("an epoch run's curves: one point per epoch; every batch's loss for a finer one", async () => {
  const run = await fit(train, {
    layers: "conv3x8,pool2,dense32",
    epochs: 3,
    optimizer: "adam",
    dev,
    ...quiet,
  });
  assert.deepEqual(run.history.map((p) => p.epoch), [1, 2, 3]);
  for (const p of run.history) {
    for (const key of ["loss", "trainAccuracy", "devAccuracy", "devLoss", "lr", "seconds"]) {
      assert.ok(Number.isFinite(p[key as keyof typeof p]), `${key} of epoch ${p.epoch}`);
    }
  }
  const curves = accuracyCurves(run.history);
  assert.equal(curves.split("<circle").length - 1, 3, "a dev dot per epoch");
  assert.match(curves, />Epoch/);
  assert.match(lossCurves(run.history), /Cross-entropy loss/);
  assert.equal(run.batches.length, 3 * Math.ceil(3000 / 128));
  assert.match(batchLossCurve(run.batches), /Loss of each batch/);
  // Its predictions, with their probabilities, for a batch and for one image.
  const batch = predict(run.network, { count: 5, pixels: test.pixels.subarray(0, 5 * 784) });
  const one = predictImage(run.network, test.pixels.subarray(0, 784));
  assert.equal(one.label, batch.labels[0]);
  assert.equal(one.probabilities.length, 10);
  assert.ok(Math.abs(one.probabilities.reduce((a, b) => a + b) - 1) < 1e-9);
  assert.ok(
    Math.abs(one.probabilities[one.label] - batch.probabilities.data[one.label * 5]) < 1e-4,
  );
});
