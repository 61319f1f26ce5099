import assert from "node:assert/strict";
import {
  chooseEngine,
  createRng,
  evaluate,
  imagesToBatch,
  initNetwork,
  networkForward,
  networkMiniBatchGradientDescent,
  parseLayers,
  predict,
  TrainingStopped,
  trainNetwork,
} from "../../lib/mod.ts";
import { mnistTest } from "../helpers.ts";

const trainSet = await mnistTest(600);
const dev = await mnistTest(200, 5000);
const layers = parseLayers("conv3x4,pool2,dense16");

Deno.test("chooseEngine() takes the convolution engine for layer lists with conv or pool", () => {
  assert.deepEqual(chooseEngine({ sizes: [], layers, plainFullBatch: false }), {
    engine: "conv",
    backend: "typescript",
  });
  assert.throws(() => chooseEngine({ sizes: [], layers, plainFullBatch: false, backend: "wasm" }), {
    message:
      "Cannot train a convolutional network on WebAssembly yet: its engine runs TypeScript only",
  });
});

Deno.test("trainNetwork() equals networkMiniBatchGradientDescent(), bit for bit", async () => {
  const options = {
    epochs: 2,
    batchSize: 64,
    lr: 0.003,
    optimizer: "adam" as const,
    schedule: "cosine" as const,
    augment: 1,
    weightDecay: 1e-4,
  };
  const start = initNetwork(layers, createRng(5));
  const readable = networkMiniBatchGradientDescent(trainSet, start, createRng(5), options);
  const fast = await trainNetwork(trainSet, { ...options, network: start, seed: 5 });
  assert.equal(fast.history.length, 2);
  fast.history.forEach((p, e) => {
    assert.equal(p.trainAccuracy, readable.history[e].trainAccuracy);
    assert.equal(p.loss, readable.history[e].loss);
  });
  fast.network.params.forEach((p, l) => {
    assert.deepEqual(p, readable.network.params[l], `layer ${l + 1}`);
  });
  assert.deepEqual([fast.engine, fast.backend, fast.threads], ["conv", "typescript", 1]);
});

Deno.test("trainNetwork() learns the digits; evaluate() and predict() take the network", async () => {
  const run = await trainNetwork(trainSet, {
    layers,
    epochs: 3,
    batchSize: 32,
    optimizer: "adam",
    lr: 0.003,
    dev,
  });
  const last = run.history.at(-1)!;
  assert.ok(run.history[0].loss > last.loss, "the loss goes down");
  assert.ok(last.devAccuracy! > 0.7, `dev accuracy ${last.devAccuracy}`);
  const scores = evaluate(run.network, dev);
  assert.equal(scores.accuracy, last.devAccuracy);
  const P = networkForward(run.network, imagesToBatch(dev)).probabilities;
  for (let j = 0; j < dev.count; j++) {
    for (let i = 0; i < 10; i++) {
      assert.equal(scores.probabilities.data[i * dev.count + j], P.data[j * 10 + i]);
    }
  }
  assert.deepEqual(predict(run.network, dev), scores.predictions);
});

Deno.test("trainNetwork() stops between batches, keeping the network it trained", async () => {
  const controller = new AbortController();
  const stopped = await trainNetwork(trainSet, {
    layers,
    epochs: 5,
    batchSize: 50,
    signal: controller.signal,
    onBatch: ({ epoch, batch }) => {
      if (epoch === 1 && batch === 3) controller.abort();
    },
  }).catch((error) => error);
  assert.ok(stopped instanceof TrainingStopped);
  assert.equal(
    stopped.message,
    "Stopped training conv3x4,pool2,dense16,dense10 after epoch 1 of 5 and batch 3 of 12 of epoch 2; lastStop().result holds what it trained",
  );
  const result = stopped.result as Awaited<ReturnType<typeof trainNetwork>>;
  assert.equal(result.history.length, 1);
  assert.equal(result.network.layers.length, layers.length);
});
