import assert from "node:assert/strict";
import {
  averageRuns,
  createRng,
  evaluate,
  evaluateAverage,
  fit,
  initParams,
  predictFile,
  scoresOf,
  shiftAll,
  shiftImage,
  TTA_SHIFTS,
  writeCsv,
} from "../all.ts";
import { mnistTest } from "../helpers.ts";

const trainSet = await mnistTest(600);
const test = await mnistTest(200, 7000);
const models = await Promise.all([1, 2, 3].map(async (seed) =>
  (await fit(trainSet, {
    layers: "dense24",
    input: [784],
    progress: false,
    optimizer: "adam",
    lr: 0.003,
    epochs: 3,
    batchSize: 50,
    seed,
  })).network
));

Deno.test("evaluateAverage() of one model on the images as given is evaluate()", async () => {
  const one = await evaluateAverage([models[0]], test), direct = evaluate(models[0], test);
  assert.deepEqual(one.probabilities, direct.probabilities);
  assert.deepEqual(one.predictions, direct.predictions);
  assert.equal(one.accuracy, direct.accuracy);
});

Deno.test("evaluateAverage() takes the mean of every model's probabilities on every shift", async () => {
  const votes = await evaluateAverage(models, test, TTA_SHIFTS);
  const runs = TTA_SHIFTS.flatMap(([dx, dy]) =>
    models.map((m) => evaluate(m, shiftAll(test, dx, dy)).probabilities.data)
  );
  assert.equal(runs.length, 15);
  let largest = 0;
  votes.probabilities.data.forEach((p, i) => {
    const mean = runs.reduce((s, r) => s + r[i], 0) / runs.length;
    largest = Math.max(largest, Math.abs(p - mean));
  });
  // Sums of 15 probabilities in another order: a few units of float64 rounding of 1.
  assert.ok(largest < 1e-15, `${largest}`);
  // The predictions are the argmax of that mean, and are scored against the labels.
  const right = votes.predictions.filter((p, j) => p === test.labels[j]).length;
  assert.equal(votes.accuracy, right / test.count);
  assert.ok(votes.predictions.some((p, j) => p !== evaluate(models[0], test).predictions[j]));
});

Deno.test("shiftAll() moves every image as shiftImage() does, and keeps the labels", async () => {
  const moved = shiftAll(test, -1, 1);
  assert.equal(moved.labels, test.labels);
  for (const j of [0, 57, 199]) {
    const one = shiftImage(
      test.pixels.subarray(j * 784, (j + 1) * 784),
      -1,
      1,
      new Uint8Array(784),
    );
    assert.deepEqual(moved.pixels.subarray(j * 784, (j + 1) * 784), one);
  }
  assert.equal(shiftAll(test, 0, 0), test);
  await assert.rejects(() => evaluateAverage([], test), /no model/);
});

Deno.test("averageRuns() scores its members' mean on dev and test, the dev loss too", async () => {
  const dev = await mnistTest(100, 8000);
  const members = await Promise.all([4, 5].map((seed) =>
    fit(trainSet, {
      layers: "dense24",
      input: [784],
      progress: false,
      epochs: 1,
      batchSize: 50,
      seed,
      dev,
      test,
    })
  ));
  const run = await averageRuns(members, { dev, test }, TTA_SHIFTS.slice(0, 2));
  const onDev = await evaluateAverage(members.map((m) => m.network), dev, TTA_SHIFTS.slice(0, 2));
  assert.equal(run.devAccuracy, onDev.accuracy);
  assert.equal(run.devLoss, onDev.loss);
  assert.ok(run.devLoss > 0 && Number.isFinite(run.devLoss));
  assert.equal(run.history[0].devLoss, onDev.loss);
  // The members' own test scores stand for the unshifted images: the same numbers as scoring
  // them again.
  const onTest = await evaluateAverage(members.map((m) => m.network), test, TTA_SHIFTS.slice(0, 2));
  assert.deepEqual(run.scores, onTest);
  assert.equal(scoresOf(members[0], test), members[0].scores);
  assert.equal(scoresOf(members[0], dev), undefined, "scores of another set are not taken");
});

Deno.test("predictFile() of several models and shifts on an unlabeled file: evaluateAverage()'s predictions; networks of other classes refused", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const csv = `${dir}/unlabeled.csv`;
    await writeCsv(csv, { count: test.count, pixels: test.pixels });
    const votes = await evaluateAverage(models, test, TTA_SHIFTS);
    const { labels, probabilities, accuracy } = await predictFile(models, csv, TTA_SHIFTS);
    assert.equal(accuracy, undefined);
    assert.deepEqual(labels, votes.predictions);
    assert.deepEqual(probabilities, votes.probabilities);
    const five = initParams(createRng(1), [784, 5]);
    await assert.rejects(
      predictFile([models[0], five], csv),
      { name: "RangeError", message: "Cannot average networks of 10 and 5 classes" },
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
