import assert from "node:assert/strict";
import {
  createRng,
  drawDistortions,
  drawShifts,
  gradientDescent,
  initParams,
  maxParamDifference,
  miniBatchGradientDescent,
  permutation,
  pixelsToX,
  planEpoch,
  toParams,
} from "../all.ts";
import { mnistTest } from "../helpers.ts";

Deno.test("miniBatchGradientDescent() with one batch of all, sgd, no shifts, is the seed's loop", async () => {
  const digits = await mnistTest(200);
  const params = initParams(createRng(1), [784, 16, 10]);
  const seed = gradientDescent(pixelsToX(digits), digits.labels, 3, 0.1, params);
  const mini = miniBatchGradientDescent(digits, params, createRng(2), {
    epochs: 3,
    batchSize: 200,
    lr: 0.1,
  });
  // Same sums in another order: equal to rounding.
  assert.ok(maxParamDifference(seed.params, toParams(mini.network)) < 1e-13);
  assert.ok(Math.abs(mini.history[0].loss - seed.history[0].loss) < 1e-13);
  assert.deepEqual(params, initParams(createRng(1), [784, 16, 10]), "the start is not changed");
});

Deno.test("miniBatchGradientDescent() with Adam, batches of 32 and shifts lowers the loss", async () => {
  const digits = await mnistTest(500);
  const params = initParams(createRng(3), [784, 32, 10]);
  const options = {
    epochs: 3,
    batchSize: 32,
    lr: 0.003,
    optimizer: "adam",
    schedule: "cosine",
    augment: 1,
  } as const;
  const { history } = miniBatchGradientDescent(digits, params, createRng(4), options);
  assert.deepEqual(history.map((p) => p.epoch), [1, 2, 3]);
  assert.ok(history[2].loss < history[0].loss * 0.8, `loss ${history.map((p) => p.loss)}`);
  assert.ok(history[2].trainAccuracy > 0.7, `accuracy ${history[2].trainAccuracy}`);
  assert.ok(history[1].lr < history[0].lr, "cosine: the rate goes down");
  const a = miniBatchGradientDescent(digits, params, createRng(4), options);
  const b = miniBatchGradientDescent(digits, params, createRng(4), options);
  assert.deepEqual(a.network, b.network, "same seed, same weights");
});

Deno.test("planEpoch() draws a permutation, then one shift per image, then distortions", () => {
  const { order, dx, dy, distortions } = planEpoch(50, 2, createRng(9));
  assert.deepEqual([...order].sort((a, b) => a - b), Array.from({ length: 50 }, (_, j) => j));
  assert.equal(dx.length, 50);
  assert.equal(dy.length, 50);
  assert.ok([...dx, ...dy].every((d) => d >= -2 && d <= 2));
  assert.ok(new Set(dx).size > 1 && new Set(dy).size > 1, "not all the same shift");
  assert.equal(distortions, undefined, "none unless asked");
  // The same generator, in that order: the permutation's draws, then dx and dy of each image.
  const rng = createRng(9);
  assert.deepEqual(order, permutation(50, rng));
  assert.deepEqual({ dx, dy }, drawShifts(50, 2, rng));
  // Distortions come after the shifts, which stay as they were.
  const distort = { degrees: 10, scale: 0.1 };
  const plan = planEpoch(50, 2, createRng(9), 1, distort);
  assert.deepEqual([plan.order, plan.dx, plan.dy], [order, dx, dy]);
  assert.deepEqual(plan.distortions, drawDistortions(50, distort, rng));
});

Deno.test("miniBatchGradientDescent() rejects a batch larger than the set", async () => {
  const digits = await mnistTest(10);
  assert.throws(
    () =>
      miniBatchGradientDescent(digits, initParams(createRng(1)), createRng(1), {
        epochs: 1,
        batchSize: 11,
        lr: 0.1,
      }),
    {
      message:
        "Cannot use batches of 11 images: expected a whole number from 1 to 10, the training set's size",
    },
  );
});
