import assert from "node:assert/strict";
import {
  createRng,
  type EpochPoint,
  initParams,
  maxParamDifference,
  type Params,
  type Recipe,
  type RecipeResult,
  runRecipe,
  train,
  TrainingStopped,
  trainMiniBatch,
  weightCount,
} from "../../lib/mod.ts";
import {
  layersText,
  type Network,
  parseLayers,
  recipeNetwork,
  trainNetwork,
} from "../../lib/mod.ts";
import { mnistTest } from "../helpers.ts";

const trainSet = await mnistTest(1500);
const dev = await mnistTest(300, 5000);
const test = await mnistTest(300, 6000);

const seedRecipe: Recipe = {
  sizes: [784, 10, 10, 10],
  initScheme: "seed",
  batchSize: "all",
  epochs: 12,
  optimizer: "sgd",
  lr: 0.1,
  schedule: "constant",
  augment: 0,
  seed: 3,
};

Deno.test("weightCount() counts weights and biases: 8,070 for the seed, 235,146 for 256-128", () => {
  assert.equal(weightCount([784, 10, 10, 10]), 7840 + 10 + 100 + 10 + 100 + 10);
  assert.equal(weightCount([784, 256, 128, 10]), 235_146);
});

Deno.test("runRecipe() runs plain full batch on the seed's engine: the weights train() gives", async () => {
  const run = await runRecipe(trainSet, seedRecipe, { dev, test });
  const direct = await train(trainSet, {
    iterations: 12,
    alpha: 0.1,
    params: initParams(createRng(3)),
  });
  assert.equal(maxParamDifference(run.model as Params, direct.params), 0);
  assert.deepEqual(run.history.map((p) => p.epoch), Array.from({ length: 12 }, (_, i) => i + 1));
  assert.ok(run.history.every((p, i) => i === 0 || p.seconds! >= run.history[i - 1].seconds!));
  assert.ok(run.history.at(-1)!.devAccuracy !== undefined, "the last point is scored on dev");
  assert.equal(run.parameters, 8070);
  assert.ok(run.testAccuracy! > 0 && run.devAccuracy > 0);
});

Deno.test("runRecipe() runs everything else on the mini-batch engine: trainMiniBatch's weights", async () => {
  const recipe: Recipe = {
    ...seedRecipe,
    sizes: [784, 32, 10],
    initScheme: "he",
    batchSize: 64,
    epochs: 2,
    optimizer: "adam",
    lr: 0.003,
    schedule: "cosine",
    augment: 1,
  };
  const run = await runRecipe(trainSet, recipe, { dev, test });
  const direct = await trainMiniBatch(trainSet, { ...recipe, batchSize: 64, dev });
  assert.equal(maxParamDifference(run.model as Params, direct.params), 0);
  // The same points, value for value; only the wall-clock seconds differ.
  const timeless = (points: EpochPoint[]) => points.map(({ seconds: _, ...p }) => p);
  assert.equal(run.history.length, 2);
  assert.deepEqual(timeless(run.history), timeless(direct.history));
  // A full batch with anything but plain sgd on the seed's sizes also takes the mini-batch engine.
  const momentum = await runRecipe(
    trainSet,
    { ...seedRecipe, epochs: 3, optimizer: "momentum", lr: 0.01 },
    { dev },
  );
  assert.equal(momentum.history.length, 3);
  assert.equal(momentum.testAccuracy, undefined, "no test set, no test score");
});

Deno.test("runRecipe() trains a layer list on the convolution engine: trainNetwork's network", async () => {
  const recipe: Recipe = {
    layers: "conv3x4,pool2,dense16",
    initScheme: "he",
    batchSize: 50,
    epochs: 2,
    optimizer: "adam",
    lr: 0.003,
    schedule: "cosine",
    augment: 1,
    distort: { degrees: 10, scale: 0.1 },
    seed: 4,
  };
  const small = { ...trainSet, count: 400, pixels: trainSet.pixels.subarray(0, 400 * 784) };
  const run = await runRecipe(small, recipe, { dev, test });
  const direct = await trainNetwork(small, {
    ...recipe,
    batchSize: 50,
    layers: parseLayers(recipe.layers!),
    dev,
  });
  const network = run.model as Network;
  assert.equal(layersText(network.layers), layersText(direct.network.layers));
  assert.deepEqual(network.params, direct.network.params);
  assert.equal(run.history.length, 2);
  assert.deepEqual(
    run.history.map(({ seconds: _, ...p }) => p),
    direct.history.map(({ seconds: _, ...p }) => p),
  );
  // 3·3·1·4 + 4, then 13·13·4 → 16 and 16 → 10, each with its biases.
  assert.equal(run.parameters, 40 + (676 * 16 + 16) + (16 * 10 + 10));
  assert.equal(recipeNetwork(recipe), "conv3x4,pool2,dense16");
});

Deno.test("runRecipe() refuses a recipe with both or neither network forms, or distorting sizes", async () => {
  const { sizes: _, ...neither } = seedRecipe;
  await assert.rejects(() => runRecipe(trainSet, neither, { dev }), /as sizes or as layers/);
  await assert.rejects(
    () => runRecipe(trainSet, { ...seedRecipe, layers: "dense16" }, { dev }),
    /as sizes or as layers/,
  );
  await assert.rejects(
    () => runRecipe(trainSet, { ...seedRecipe, distort: { degrees: 5, scale: 0 } }, { dev }),
    /give it as layers/,
  );
});

Deno.test("runRecipe() stopped: the epochs done, their dev score, no test score", async () => {
  for (const network of [{ sizes: [784, 32, 10] }, { layers: "conv3x4,pool2" }]) {
    const controller = new AbortController();
    const recipe: Recipe = {
      ...seedRecipe,
      sizes: undefined,
      ...network,
      initScheme: "he",
      batchSize: 100,
      epochs: 50,
      optimizer: "adam",
      lr: 0.003,
    };
    const onEpoch = (p: EpochPoint) => {
      if (p.epoch === 2) controller.abort();
    };
    const stopped = await runRecipe(trainSet, recipe, {
      dev,
      test,
      onEpoch,
      signal: controller.signal,
    }).then(() => undefined, (error) => error);
    assert.ok(stopped instanceof TrainingStopped, String(stopped));
    assert.equal(stopped.done, 2);
    const result = stopped.result as RecipeResult;
    assert.equal(result.history.length, 2);
    assert.equal(result.devAccuracy, result.history[1].devAccuracy);
    assert.equal(result.testAccuracy, undefined, "Stop does not wait for the test set");
  }
});
