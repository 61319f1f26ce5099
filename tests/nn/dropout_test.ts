/**
 * Dropout: inverted (survivors scaled by 1/(1 − p)), the identity in evaluation, its masks a
 * function of the seed and of each sample's place in the epoch — not of how the epoch is cut.
 */

import assert from "node:assert/strict";
import {
  type Batch,
  counterUniform,
  createRng,
  dropoutMask,
  initNetwork,
  layerKind,
  miniBatchGradientDescent,
  parseLayers,
  planEpoch,
} from "../all.ts";
import { randomDigits } from "../helpers.ts";

const mode = (seed: number, first: number, layer = 3) => ({ training: true, seed, first, layer });

Deno.test("counterUniform() is uniform on [0, 1), a function of its four integers", () => {
  const values = Array.from({ length: 20000 }, (_, i) => counterUniform(5, 1, i, 7));
  assert.ok(values.every((u) => u >= 0 && u < 1));
  // The mean of 20,000 uniforms has SD √(1/12 / 20000) ≈ 0.002: 0.5 ± 0.01 is five of them.
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  assert.ok(Math.abs(mean - 0.5) < 0.01, `mean ${mean}`);
  assert.equal(counterUniform(5, 1, 3, 7), values[3]);
  // Each counter moves the number.
  const base = counterUniform(5, 1, 3, 7);
  for (const other of [[6, 1, 3, 7], [5, 2, 3, 7], [5, 1, 4, 7], [5, 1, 3, 8]]) {
    assert.notEqual(counterUniform(other[0], other[1], other[2], other[3]), base);
  }
});

Deno.test("dropout drops about p of the values, scales the rest by 1/(1 − p), and is the identity in evaluation", () => {
  const rate = 0.4, m = 50, n = 200;
  const mask = dropoutMask(m, n, rate, mode(11, 0));
  const dropped = mask.filter((v) => v === 0).length / mask.length;
  // 10,000 draws: the dropped share has SD √(0.4·0.6 / 10000) ≈ 0.005; ±0.025 is five.
  assert.ok(Math.abs(dropped - rate) < 0.025, `dropped ${dropped}`);
  assert.ok(mask.every((v) => v === 0 || v === 1 / (1 - rate)));
  const kind = layerKind({ kind: "dropout" });
  const X: Batch = { m, shape: [n], data: Float64Array.from({ length: m * n }, (_, k) => k + 1) };
  const spec = { kind: "dropout", rate } as never;
  const train = kind.forward(spec, X, null, mode(11, 0));
  train.Y.data.forEach((y, k) => assert.equal(y, X.data[k] * mask[k]));
  const dY: Batch = { m, shape: [n], data: new Float64Array(m * n).fill(2) };
  const back = kind.backward(spec, X, null, dY, train.cache);
  back.dX.data.forEach((g, k) => assert.equal(g, 2 * mask[k]));
  const evaluated = kind.forward(spec, X, null, { ...mode(11, 0), training: false });
  assert.deepEqual(evaluated.Y.data, X.data);
});

Deno.test("a sample's dropout mask depends on its place in the epoch, not on the batch that holds it", () => {
  const whole = dropoutMask(8, 30, 0.5, mode(3, 0));
  // Samples 5…7 as a batch of their own starting at place 5: the same masks.
  const part = dropoutMask(3, 30, 0.5, mode(3, 5));
  assert.deepEqual(part, whole.subarray(5 * 30));
  // Another seed, or another layer, draws other masks.
  assert.notDeepEqual(dropoutMask(8, 30, 0.5, mode(4, 0)), whole);
  assert.notDeepEqual(dropoutMask(8, 30, 0.5, mode(3, 0, 5)), whole);
});

Deno.test("an epoch's plan draws the noise seed last, and only when asked: the order and shifts stay as they were", () => {
  const plain = planEpoch(100, 2, createRng(8), 10);
  const noisy = planEpoch(100, 2, createRng(8), 10, undefined, true);
  assert.equal(plain.seed, 0);
  assert.deepEqual([noisy.order, noisy.dx, noisy.dy], [plain.order, plain.dx, plain.dy]);
  assert.ok(Number.isInteger(noisy.seed) && noisy.seed >= 0 && noisy.seed < 2 ** 32);
  assert.notEqual(planEpoch(100, 2, createRng(9), 10, undefined, true).seed, noisy.seed);
});

Deno.test("training with dropout: two runs of one seed agree, another seed trains otherwise", () => {
  const digits = randomDigits(createRng(2), 40);
  const options = { epochs: 2, batchSize: 16, lr: 0.05, optimizer: "adam" as const };
  const start = initNetwork(parseLayers("dense16,dropout0.3"), createRng(1), [1, 28, 28]);
  const a = miniBatchGradientDescent(digits, start, createRng(5), options);
  const b = miniBatchGradientDescent(digits, start, createRng(5), options);
  assert.deepEqual(a.network.params, b.network.params);
  const c = miniBatchGradientDescent(digits, start, createRng(6), options);
  assert.notDeepEqual(c.network.params, a.network.params);
  // The dropout changes the training: the same network with p = 0 trains otherwise.
  const none = initNetwork(parseLayers("dense16,dropout0"), createRng(1), [1, 28, 28]);
  const d = miniBatchGradientDescent(digits, none, createRng(5), options);
  assert.notDeepEqual(d.network.params, a.network.params);
});
