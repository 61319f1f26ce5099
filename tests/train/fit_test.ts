import assert from "node:assert/strict";
import {
  createRng,
  describeRecipe,
  type EpochPoint,
  evaluate,
  fit,
  type FitOptions,
  type FitResult,
  initParams,
  parseLayers,
  TrainingStopped,
} from "../all.ts";
import { mnistTest } from "../helpers.ts";

const trainSet = await mnistTest(1500);
const dev = await mnistTest(300, 5000);
const test = await mnistTest(300, 6000);
const timeless = (points: EpochPoint[]) => points.map(({ seconds: _, ...p }) => p);

const seedRecipe: FitOptions = {
  layers: "dense10,dense10",
  initScheme: "seed",
  batchSize: "all",
  epochs: 12,
  optimizer: "sgd",
  lr: 0.1,
  schedule: "constant",
  augment: 0,
  seed: 3,
  progress: false,
};

Deno.test("fit() trains the seed's recipe on the fused engine, from the seed's own draws", async () => {
  const run = await fit(trainSet, { ...seedRecipe, dev, test });
  // The seed's scheme draws what initParams draws: the same start, so the same weights.
  const { layers: _, initScheme: __, ...rest } = seedRecipe;
  const given = await fit(trainSet, { ...rest, network: initParams(createRng(3)) });
  assert.deepEqual(run.network.params.filter(Boolean), given.network.params.filter(Boolean));
  assert.equal(run.engine, "fused");
  assert.equal(run.name, "784-10-10-10");
  assert.deepEqual(run.history.map((p) => p.epoch), Array.from({ length: 12 }, (_, i) => i + 1));
  assert.ok(run.history.every((p, i) => i === 0 || p.seconds! >= run.history[i - 1].seconds!));
  assert.ok(run.history.at(-1)!.devAccuracy !== undefined, "the last point is scored on dev");
  assert.equal(run.devAccuracy, run.history.at(-1)!.devAccuracy);
  assert.equal(
    run.devLoss,
    evaluate(run.network, dev).loss,
    "the dev loss of the network returned",
  );
  // 784·10 + 10, 10·10 + 10, 10·10 + 10.
  assert.equal(run.parameters, 7850 + 110 + 110);
  assert.ok(run.testAccuracy! > 0 && run.devAccuracy! > 0);
  assert.equal(
    describeRecipe(run.settings, trainSet.count),
    "full batch, sgd, lr 0.1, constant, seed init",
  );
});

Deno.test("fit() trains the same bits from the short form and from the layer list", async () => {
  const recipe: FitOptions = {
    batchSize: 50,
    epochs: 2,
    optimizer: "adam",
    lr: 0.003,
    schedule: "cosine",
    augment: 1,
    distort: { degrees: 10, scale: 0.1 },
    seed: 4,
    progress: false,
  };
  const small = { ...trainSet, count: 400, pixels: trainSet.pixels.subarray(0, 400 * 784) };
  const text = await fit(small, { ...recipe, layers: "conv3x4,pool2,dense16", dev, test });
  const list = await fit(small, { ...recipe, layers: parseLayers("conv3x4,pool2,dense16"), dev });
  assert.deepEqual(text.network, list.network);
  assert.deepEqual(timeless(text.history), timeless(list.history));
  assert.equal(text.history.length, 2);
  // 3·3·1·4 + 4, then 13·13·4 → 16 and 16 → 10, each with its biases.
  assert.equal(text.parameters, 40 + (676 * 16 + 16) + (16 * 10 + 10));
  assert.equal(text.name, "conv3x4,pool2,dense16");
  assert.equal(
    describeRecipe(text.settings, small.count),
    "batch 50, adam, lr 0.003, cosine, ±1 px, ±10°, ±10%, He",
  );
});

Deno.test("fit() refuses a recipe with both or neither of layers and network", async () => {
  const { layers: _, ...neither } = seedRecipe;
  await assert.rejects(() => fit(trainSet, neither), {
    message:
      'Cannot train: give the network\'s layers (layers: "conv5x32,pool2,dense256") or a network to start from',
  });
  await assert.rejects(
    () => fit(trainSet, { ...seedRecipe, network: initParams(createRng(1)) }),
    { message: "Cannot train: give its layers or a network to start from, not both" },
  );
  await assert.rejects(() => fit(trainSet, { ...seedRecipe, layers: "dense10,bogus3" }), {
    message:
      'Cannot read the layer "bogus3" of "dense10,bogus3": expected convKxC, poolP, denseN, bn, dropoutP, relu or flatten (conv5x32, pool2, dense256)',
  });
  await assert.rejects(
    () => fit(trainSet, { ...seedRecipe, initScheme: "seed", layers: "dense32" }),
    {
      message:
        "Cannot use the seed's initialisation for sizes 784-32-10: it is defined for 784-10-10-10 only; use he",
    },
  );
});

Deno.test("fit() stopped by its signal: the epochs done, their dev score, no test score", async () => {
  for (const layers of ["dense32", "conv3x4,pool2"]) {
    const controller = new AbortController();
    const recipe: FitOptions = {
      ...seedRecipe,
      layers,
      initScheme: "he",
      batchSize: 100,
      epochs: 50,
      optimizer: "adam",
      lr: 0.003,
    };
    const onEpoch = (p: EpochPoint) => {
      if (p.epoch === 2) controller.abort();
    };
    const stopped = await fit(trainSet, {
      ...recipe,
      dev,
      test,
      onEpoch,
      signal: controller.signal,
    })
      .then(() => undefined, (error) => error);
    assert.ok(stopped instanceof TrainingStopped, String(stopped));
    assert.equal(stopped.done, 2);
    assert.equal(stopped.batch, 0);
    const result = stopped.result as FitResult;
    assert.equal(result.history.length, 2);
    assert.equal(result.devAccuracy, result.history[1].devAccuracy);
    assert.equal(result.testAccuracy, undefined, "Stop does not wait for the test set");
    assert.deepEqual(result.stopped, {
      done: 2,
      total: 50,
      batch: 0,
      batches: 15,
      why: "stopped by the signal (Stop, Ctrl-C)",
    });
  }
});
