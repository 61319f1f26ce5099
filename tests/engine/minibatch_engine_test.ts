import assert from "node:assert/strict";
import {
  createRng,
  initParams,
  maxParamDifference,
  miniBatchGradientDescent,
  type MiniBatchOptions,
  type OptimizerName,
  trainMiniBatch,
} from "../../lib/mod.ts";
import { chunkCount } from "../../lib/engine/minibatch_engine.ts";
import { mnistTest } from "../helpers.ts";

// The TypeScript kernel adds the same float64 products as the readable functions, in another
// order (sample by sample, chunk by chunk): the weights differ only by rounding, far below 1e-10
// after a few steps.
const SHAPES = [[784, 10, 10, 10], [784, 32, 10], [784, 256, 128, 10], [784, 24, 16, 12, 10]];
const OPTIMIZERS: OptimizerName[] = ["sgd", "momentum", "adam"];
const m = 130; // batches of 128 leave a ragged batch of 2

for (const sizes of SHAPES) {
  Deno.test(`trainMiniBatch() equals miniBatchGradientDescent() for ${sizes.join("-")}`, async () => {
    const digits = await mnistTest(m);
    let run = 0;
    for (const batchSize of [1, 7, 128, m]) {
      for (const optimizer of OPTIMIZERS) {
        const augment = run++ % 2 === 0 ? 0 : 2;
        const options: MiniBatchOptions = {
          epochs: 2,
          batchSize,
          lr: optimizer === "adam" ? 0.002 : 0.05,
          optimizer,
          nesterov: batchSize === 7,
          weightDecay: batchSize === 128 ? 1e-3 : 0,
          schedule: "cosine",
          augment,
        };
        const rng = createRng(run);
        const start = initParams(rng, sizes);
        const readable = miniBatchGradientDescent(digits, start, rng, options);
        const fast = await trainMiniBatch(digits, {
          ...options,
          seed: run,
          sizes,
          threads: 2,
          backend: "typescript",
        });
        const what = `${optimizer}, batch ${batchSize}, shifts ±${augment}`;
        const diff = maxParamDifference(readable.params, fast.params);
        assert.ok(diff < 1e-10, `${what}: weights differ by ${diff}`);
        for (const [e, point] of fast.history.entries()) {
          assert.ok(Math.abs(point.loss - readable.history[e].loss) < 1e-10, `${what}: loss`);
          assert.equal(point.trainAccuracy, readable.history[e].trainAccuracy, `${what}: accuracy`);
          assert.equal(point.lr, readable.history[e].lr);
        }
      }
    }
  });
}

Deno.test("trainMiniBatch() gives the same bits with 1, 2, 3, 4 and 8 threads", async () => {
  const digits = await mnistTest(300);
  for (const batchSize of [7, 128, 300]) {
    const options = {
      sizes: [784, 32, 16, 10],
      epochs: 2,
      batchSize,
      optimizer: "adam",
      augment: 1,
      seed: 5,
    } as const;
    const one = await trainMiniBatch(digits, { ...options, threads: 1 });
    for (const threads of [2, 3, 4, 8]) {
      const many = await trainMiniBatch(digits, { ...options, threads });
      assert.equal(many.threads, threads);
      assert.equal(
        maxParamDifference(one.params, many.params),
        0,
        `batch ${batchSize}: ${threads} threads`,
      );
      assert.deepEqual(many.history.map((p) => p.loss), one.history.map((p) => p.loss));
    }
  }
});

Deno.test("chunkCount() depends on the batch size alone", () => {
  assert.deepEqual([1, 32, 33, 128, 41000].map(chunkCount), [1, 1, 2, 4, 16]);
});

Deno.test("trainMiniBatch() reaches 85% on 2,000 digits in 3 epochs with Adam, and says so per epoch", async () => {
  const digits = await mnistTest(2000);
  const dev = await mnistTest(300, 5000);
  const epochs: number[] = [];
  const { history } = await trainMiniBatch(digits, {
    sizes: [784, 64, 10],
    optimizer: "adam",
    epochs: 3,
    batchSize: 32,
    dev,
    onEpoch: (point) => void epochs.push(point.epoch),
  });
  assert.deepEqual(epochs, [1, 2, 3]);
  assert.ok(history[2].devAccuracy! > 0.85, `dev accuracy ${history[2].devAccuracy}`);
  assert.ok(history[2].seconds! > 0);
});

Deno.test("trainMiniBatch() rejects what it cannot do, in one sentence", async () => {
  const digits = await mnistTest(20);
  await assert.rejects(trainMiniBatch(digits, { batchSize: 0 }), {
    message:
      "Cannot use batches of 0 images: expected a whole number from 1 to 20, the training set's size",
  });
  await assert.rejects(trainMiniBatch(digits, { optimizer: "lbfgs" as "sgd" }), {
    message: 'Cannot use optimizer "lbfgs": expected one of sgd, momentum, adam',
  });
  await assert.rejects(trainMiniBatch(digits, { lr: 1e300, epochs: 2, batchSize: 20 }), {
    message: /^Training diverged in epoch \d: the loss became (NaN|Infinity)/,
  });
});
