import assert from "node:assert/strict";
import {
  createRng,
  evaluate,
  evaluateParallel,
  initNetwork,
  initParams,
  parseLayers,
  predict,
  predictParallel,
  startScorer,
} from "../all.ts";
import { mnistTest } from "../helpers.ts";

const test = await mnistTest(301, 4000);
const network = initNetwork(parseLayers("conv5x8,pool2,conv3x16,pool2,dense32"), createRng(2));
const params = initParams(createRng(3), [784, 40, 10], "he");

Deno.test("evaluateParallel() gives evaluate()'s very bits, on 1 to 4 threads", async () => {
  for (const model of [network, params]) {
    const one = evaluate(model, test);
    for (const threads of [1, 2, 3, 4]) {
      const shared = await evaluateParallel(model, test, threads);
      // 301 images on 4 threads: shares of 76, 76, 76 and 73, joined back in order.
      assert.deepEqual(shared.probabilities, one.probabilities, `${threads} threads`);
      assert.deepEqual(shared.predictions, one.predictions);
      // The means of the shares, weighted by their sizes: the mean up to float64 rounding.
      assert.ok(Math.abs(shared.accuracy - one.accuracy) < 1e-15);
      assert.ok(Math.abs(shared.loss - one.loss) < 1e-12 * one.loss);
    }
  }
});

Deno.test("startScorer() scores several sets on the same threads; fewer images than threads", async () => {
  const scorer = startScorer(3);
  try {
    const two = { count: 2, labels: test.labels.slice(0, 2), pixels: test.pixels.slice(0, 1568) };
    assert.deepEqual(await scorer.evaluate(network, two), evaluate(network, two));
    assert.deepEqual(
      (await scorer.evaluate(params, test)).predictions,
      evaluate(params, test).predictions,
    );
    await assert.rejects(
      () =>
        scorer.evaluate(network, {
          count: 1,
          labels: new Uint8Array(1),
          pixels: new Uint8Array(5),
        }),
      /^RangeError: Cannot run a network of 784 inputs on images of 5 pixels$/,
    );
  } finally {
    scorer.close();
  }
});

Deno.test("predictParallel() is predict(), and refuses images of the wrong size", async () => {
  const images = { count: test.count, pixels: test.pixels };
  assert.deepEqual(await predictParallel(network, images, 2), predict(network, images));
  await assert.rejects(
    () => predictParallel(params, { count: 2, pixels: new Uint8Array(100) }),
    /Cannot run a network of 784 inputs on images of 50 pixels/,
  );
});
