import assert from "node:assert/strict";
import {
  backProp,
  confusionMatrix,
  createRng,
  crossEntropy,
  forwardProp,
  fromRows,
  getAccuracy,
  getPredictions,
  gradientCheck,
  gradientDescent,
  initParams,
  matrix,
  maxParamDifference,
  misclassified,
  mistakesByClass,
  oneHot,
  type Params,
  pixelsToX,
  toRows,
  updateParams,
} from "../all.ts";
import { mnistTest } from "../helpers.ts";

Deno.test("initParams() draws the seed's shapes and scales for 784-10-10-10", () => {
  const p = initParams(createRng(1));
  assert.deepEqual(p.W.map((W) => [W.rows, W.cols]), [[10, 784], [10, 10], [10, 10]]);
  assert.deepEqual(p.b.map((b) => [b.rows, b.cols]), [[10, 1], [10, 1], [10, 1]]);
  const std = (a: Float64Array) => Math.sqrt(a.reduce((s, v) => s + v * v, 0) / a.length);
  assert.ok(Math.abs(std(p.W[0].data) - Math.sqrt(1 / 784)) < 0.003, "W1 ~ N·√(1/784)");
  assert.deepEqual(initParams(createRng(1)), p, "same seed, same parameters");
  const he = initParams(createRng(1), [784, 32, 10]);
  assert.ok(Math.abs(std(he.W[0].data) - Math.sqrt(2 / 784)) < 0.003, "He for other sizes");
  assert.ok(he.b.every((b) => b.data.every((v) => v === 0)));
  const heSeed = initParams(createRng(1), [784, 10, 10, 10], "he");
  assert.ok(Math.abs(std(heSeed.W[0].data) - Math.sqrt(2 / 784)) < 0.003, "He on request");
  assert.throws(() => initParams(createRng(1), [784, 32, 10], "seed"), {
    message:
      "Cannot use the seed's initialisation for sizes 784-32-10: it is defined for 784-10-10-10 only; use he",
  });
  assert.throws(() => initParams(createRng(1), [784]), {
    message: "Cannot build a network with layer sizes [784]: expected at least 2",
  });
  assert.throws(() => initParams(createRng(1), [784, 0, 10]), {
    message: "Cannot build a network with layer sizes [784,0,10]: 0 is not a positive integer",
  });
});

Deno.test("pixelsToX() and oneHot() build the seed's X (784×m, /255) and one-hot Y", () => {
  const pixels = new Uint8Array(2 * 784);
  pixels[3] = 255;
  pixels[784 + 3] = 51;
  const X = pixelsToX({ count: 2, pixels });
  assert.deepEqual([X.rows, X.cols], [784, 2]);
  assert.deepEqual([X.data[3 * 2], X.data[3 * 2 + 1]], [1, 0.2]);
  assert.deepEqual(toRows(oneHot([2, 0], 3)), [[0, 1], [0, 0], [1, 0]]);
  assert.throws(() => oneHot([3], 3), {
    message: "Cannot one-hot encode label 3 of sample 0: expected 0–2",
  });
});

Deno.test("metrics give hand-computed predictions, accuracy, loss, confusion and mistakes", () => {
  const A = fromRows([[0.7, 0.2, 0.5], [0.3, 0.8, 0.5]]); // 2 classes × 3 samples
  const predictions = getPredictions(A);
  assert.deepEqual([...predictions], [0, 1, 0], "a tie goes to the lower class");
  assert.equal(getAccuracy(predictions, [0, 0, 0]), 2 / 3);
  assert.ok(
    Math.abs(crossEntropy(A, [0, 1, 1]) - -(Math.log(0.7) + Math.log(0.8) + Math.log(0.5)) / 3) <
      1e-15,
  );
  assert.deepEqual(confusionMatrix(predictions, [0, 0, 1], 2), [[1, 1], [1, 0]]);
  assert.deepEqual(misclassified(predictions, [0, 0, 1]), [1, 2]);
  assert.throws(() => getAccuracy([1], [1, 2]), {
    message: "Cannot compare 1 predictions with 2 labels",
  });
  assert.throws(() => getAccuracy([], []), { message: "Cannot score an empty set of predictions" });
});

/** A small network with nonzero biases, and inputs with some zeros, for gradient checks. */
function smallProblem(seed: number) {
  const rng = createRng(seed);
  const params = initParams(rng, [12, 7, 5, 4]);
  params.b.forEach((b) => b.data.forEach((_, k) => (b.data[k] = 0.3 * rng.normal())));
  const m = 9;
  const X = matrix(12, m);
  X.data.forEach((_, k) => (X.data[k] = rng.uniform() < 0.3 ? 0 : rng.uniform()));
  const Y = Array.from({ length: m }, () => rng.int(4));
  return { params, X, Y };
}

const loss = (params: Params, X: ReturnType<typeof matrix>, Y: number[]) =>
  crossEntropy(forwardProp(params, X).A.at(-1)!, Y);

Deno.test("backProp() matches central differences of the loss (float64, relative error ≤ 1e-6)", () => {
  for (const seed of [1, 2, 3]) {
    const { params, X, Y } = smallProblem(seed);
    const grads = backProp(params, forwardProp(params, X), X, Y);
    const h = 1e-6;
    let diff2 = 0, sum2 = 0;
    for (const [key, gkey] of [["W", "dW"], ["b", "db"]] as const) {
      params[key].forEach((M, l) => {
        for (let k = 0; k < M.data.length; k++) {
          const keep = M.data[k];
          M.data[k] = keep + h;
          const up = loss(params, X, Y);
          M.data[k] = keep - h;
          const down = loss(params, X, Y);
          M.data[k] = keep;
          const numeric = (up - down) / (2 * h);
          const analytic = grads[gkey][l].data[k];
          diff2 += (numeric - analytic) ** 2;
          sum2 += numeric ** 2 + analytic ** 2;
        }
      });
    }
    const relative = Math.sqrt(diff2) / Math.sqrt(sum2);
    assert.ok(relative <= 1e-6, `seed ${seed}: relative error ${relative}`);
  }
});

Deno.test("backProp() originalBiasGradient gives every unit its layer's total, as np.sum(dZ) does", () => {
  const { params, X, Y } = smallProblem(4);
  const cache = forwardProp(params, X);
  const right = backProp(params, cache, X, Y);
  const seed = backProp(params, cache, X, Y, { originalBiasGradient: true });
  seed.db.forEach((db, l) => {
    const total = right.db[l].data.reduce((a, b) => a + b);
    for (const v of db.data) assert.ok(Math.abs(v - total) < 1e-14);
  });
  assert.deepEqual(seed.dW, right.dW, "weights' gradients are the same");
});

Deno.test("updateParams() steps against the gradient and leaves its inputs alone", () => {
  const { params, X, Y } = smallProblem(5);
  const grads = backProp(params, forwardProp(params, X), X, Y);
  const next = updateParams(params, grads, 0.5);
  assert.equal(next.W[1].data[3], params.W[1].data[3] - 0.5 * grads.dW[1].data[3]);
  assert.equal(next.b[0].data[0], params.b[0].data[0] - 0.5 * grads.db[0].data[0]);
  assert.ok(loss(next, X, Y) < loss(params, X, Y));
});

Deno.test("gradientDescent() on 500 real digits: the loss falls over 50 seeded iterations", async () => {
  const digits = await mnistTest(500);
  const X = pixelsToX(digits);
  const { history, params } = gradientDescent(X, digits.labels, 50, 0.1, initParams(createRng(0)));
  assert.equal(history.length, 50);
  const losses = history.map((p) => p.loss);
  assert.ok(losses[49] < 0.9 * losses[0], `loss ${losses[0]} → ${losses[49]}`);
  for (let i = 1; i < 50; i++) {
    assert.ok(losses[i] < losses[i - 1] + 1e-9, `loss rose at iteration ${i}`);
  }
  assert.ok(history[49].trainAccuracy > history[0].trainAccuracy + 0.2);
  assert.deepEqual(
    gradientDescent(X, digits.labels, 50, 0.1, initParams(createRng(0))).params,
    params,
  );
});

Deno.test("gradientCheck() passes backProp() on every parameter", () => {
  const { params, X, Y } = smallProblem(6);
  const check = gradientCheck(params, X, Y);
  assert.deepEqual(check.parameters.map((p) => p.name), ["W1", "b1", "W2", "b2", "W3", "b3"]);
  for (const p of check.parameters) {
    assert.ok(p.relativeError < 1e-6, `${p.name}: relative error ${p.relativeError}`);
    assert.equal(p.checked.length + p.skipped, p.size, `${p.name}: every coordinate accounted for`);
  }
  assert.equal(check.relativeError, Math.max(...check.parameters.map((p) => p.relativeError)));
  assert.equal(check.parameters[0].checked[0].name, "W1[0]");
});

Deno.test("gradientCheck() fails the seed's scalar bias gradient on the biases only", () => {
  const { params, X, Y } = smallProblem(6);
  const wrong = gradientCheck(params, X, Y, { originalBiasGradient: true });
  for (const p of wrong.parameters) {
    if (p.name.startsWith("b")) {
      assert.ok(p.relativeError > 1e-1, `${p.name}: relative error ${p.relativeError}`);
    } else assert.ok(p.relativeError < 1e-6, `${p.name}: relative error ${p.relativeError}`);
  }
});

Deno.test("gradientCheck() skips weights whose input is 0 in every sample and samples the rest", () => {
  const { params, X, Y } = smallProblem(7);
  for (const k of [2, 5]) for (let j = 0; j < X.cols; j++) X.data[k * X.cols + j] = 0;
  const full = gradientCheck(params, X, Y);
  assert.equal(full.parameters[0].skipped, 2 * 7, "two dead pixels × 7 units");
  assert.ok(
    full.parameters[0].checked.every((c) => ![2, 5].includes(Number(c.name.slice(3, -1)) % 12)),
  );
  const sampled = gradientCheck(params, X, Y, { weightsPerMatrix: 6, rng: createRng(1) });
  const W1 = sampled.parameters[0].checked.map((c) => c.name);
  assert.equal(new Set(W1).size, 6, "six distinct weights");
  assert.deepEqual(sampled.parameters[1].checked.length, 7, "every bias");
  assert.equal(sampled.parameters[4].checked.length, 6, "six of W3's 20");
  assert.throws(() => gradientCheck(params, X, Y, { weightsPerMatrix: 3 }), {
    message: "Cannot sample weights for the gradient check without an rng",
  });
});

Deno.test("maxParamDifference() finds the largest weight difference", () => {
  const a = initParams(createRng(1), [4, 3, 2]);
  const b = initParams(createRng(1), [4, 3, 2]);
  assert.equal(maxParamDifference(a, b), 0);
  b.b[1].data[1] += 0.25;
  assert.equal(maxParamDifference(a, b), 0.25);
  assert.throws(() => maxParamDifference(a, initParams(createRng(1), [4, 2])), {
    message: "Cannot compare networks of sizes 4-3-2 and 4-2",
  });
});

Deno.test("mistakesByClass() groups mistakes by true class, most confident first", () => {
  // 3 classes × 5 samples; labels 0 0 1 2 2
  const P = fromRows([
    [0.2, 0.6, 0.1, 0.7, 0.2],
    [0.7, 0.3, 0.8, 0.2, 0.1],
    [0.1, 0.1, 0.1, 0.1, 0.7],
  ]);
  const groups = mistakesByClass(P, [0, 0, 1, 2, 2], 5);
  assert.deepEqual(groups[0], [{ index: 0, label: 0, predicted: 1, confidence: 0.7 }]);
  assert.deepEqual(groups[1], []);
  assert.deepEqual(groups[2], [{ index: 3, label: 2, predicted: 0, confidence: 0.7 }]);
});
