import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import {
  createRng,
  evaluate,
  evaluateAverage,
  fit,
  initParams,
  makeData,
  saveModel,
  TTA_SHIFTS,
  writeCsv,
  writeLabeledCsv,
} from "../all.ts";
import { lastJson, mnistTest, runTask } from "../helpers.ts";

const run = (args: string[]) => runTask("predict", args);
const dir = await Deno.makeTempDir();
const model = `${dir}/model.json`;
const train = await mnistTest(2000);
const { network: params } = await fit(train, {
  layers: "dense32",
  input: [784],
  progress: false,
  optimizer: "adam",
  epochs: 2,
  batchSize: 32,
});
await saveModel(model, params);
const digits = await mnistTest(500, 5000);

Deno.test("predict CLI: on a labeled file, the accuracy evaluate() gives, and its submission", async () => {
  const csv = `${dir}/labeled.csv`;
  await writeLabeledCsv(csv, digits);
  const { code, stdout, stderr } = await run([
    "--model",
    model,
    "--data",
    csv,
    "--out",
    `${dir}/labeled_submission.csv`,
    "--json",
  ]);
  assert.equal(code, 0, stderr);
  const scores = evaluate(params, digits);
  const result = lastJson(stdout);
  assert.equal(result.accuracy, scores.accuracy);
  assert.ok(scores.accuracy > 0.8, `accuracy ${scores.accuracy}`);
  assert.match(stdout, /^Accuracy: 0\.\d{4} \(\d+ of 500 right\)$/m);
  const lines = (await Deno.readTextFile(`${dir}/labeled_submission.csv`)).trim().split("\n");
  assert.deepEqual(lines.slice(1).map((l) => Number(l.split(",")[1])), [...scores.predictions]);
});

Deno.test("predict CLI: several --model files with --tta give evaluateAverage's mean of every network and shift", async () => {
  const second = `${dir}/second.json`;
  const { network: other } = await fit(train, {
    layers: "dense16",
    input: [784],
    progress: false,
    optimizer: "adam",
    epochs: 1,
    batchSize: 32,
    seed: 1,
  });
  await saveModel(second, other);
  const csv = `${dir}/labeled_ensemble.csv`;
  await writeLabeledCsv(csv, digits);
  const votes = await evaluateAverage([params, other], digits, TTA_SHIFTS);
  const alone = evaluate(params, digits);
  // The two networks and five shifts must move some answer, or this test could not tell.
  assert.ok(votes.predictions.some((p, i) => p !== alone.predictions[i]));
  for (const models of [["--model", model, "--model", second], ["--model", `${model},${second}`]]) {
    const out = `${dir}/ensemble_submission.csv`;
    const { code, stdout, stderr } = await run([
      ...models,
      "--tta",
      "--data",
      csv,
      "--out",
      out,
      "--json",
    ]);
    assert.equal(code, 0, stderr);
    const result = lastJson(stdout);
    assert.equal(result.accuracy, votes.accuracy);
    assert.equal(result.models, 2);
    assert.equal(result.shifts, 5);
    assert.match(
      stdout,
      /^Scoring .*labeled_ensemble\.csv: 10 passes over its images \(2 × 5\)…$/m,
    );
    assert.match(
      stdout,
      /predictions of the mean of 2 networks \(784-32-10; 784-16-10\), each image at 5 shifts/,
    );
    const lines = (await Deno.readTextFile(out)).trim().split("\n");
    assert.deepEqual(lines.slice(1).map((l) => Number(l.split(",")[1])), [...votes.predictions]);
  }
});

Deno.test("predict CLI: on an unlabeled file, a submission ImageId,Label from 1", async () => {
  const csv = `${dir}/unlabeled.csv`;
  await writeCsv(csv, { count: digits.count, pixels: digits.pixels });
  const out = `${dir}/submission.csv`;
  const { code, stdout, stderr } = await run(["--model", model, "--data", csv, "--out", out]);
  assert.equal(code, 0, stderr);
  assert.doesNotMatch(stdout, /Accuracy/);
  const lines = (await Deno.readTextFile(out)).trim().split("\n");
  assert.equal(lines[0], "ImageId,Label");
  assert.equal(lines.length, 501);
  const predictions = evaluate(params, digits).predictions;
  lines.slice(1).forEach((line, i) => assert.equal(line, `${i + 1},${predictions[i]}`));
});

Deno.test("predict CLI: Kaggle's test.csv gives a 28,000-row submission", async () => {
  await makeData(fileURLToPath(new URL("../../data", import.meta.url)));
  const out = `${dir}/kaggle.csv`;
  const { code, stderr } = await run(["--model", model, "--out", out]);
  assert.equal(code, 0, stderr);
  const lines = (await Deno.readTextFile(out)).trim().split("\n");
  assert.equal(lines[0], "ImageId,Label");
  assert.equal(lines.length, 28001);
  assert.equal(lines.at(-1)!.split(",")[0], "28000");
  assert.ok(lines.slice(1).every((l) => /^\d+,\d$/.test(l)));
});

for (
  const [args, message] of [
    [[], "error: --model FILE is required: a model file from `deno task train --save FILE`"],
    [["--model", "missing.json"], /^error: Cannot read missing\.json/],
    [
      ["--model", "narrow.json"],
      "error: Cannot use narrow.json on MNIST: its network takes 100 inputs, not 784",
    ],
    [
      ["--model", "model.json,five.json"],
      "error: Cannot average five.json with model.json: its network has 5 classes, not 10",
    ],
    [
      ["--model", ","],
      "error: --model FILE is required: a model file from `deno task train --save FILE`",
    ],
    [
      ["--model", "model.json", "--data", "bad.csv"],
      /^error: Cannot read bad\.csv: line 1 has 2 header fields/,
    ],
  ] as const
) {
  Deno.test(`predict CLI: ${args.join(" ") || "no flags"} exits 1 with one sentence`, async () => {
    await saveModel(`${dir}/narrow.json`, initParams(createRng(1), [100, 10]));
    await saveModel(`${dir}/five.json`, initParams(createRng(1), [784, 5]));
    await Deno.writeTextFile(`${dir}/bad.csv`, "pixel0,pixel1\n1,2,3\n");
    const inDir = (a: string) => a.endsWith(".json") || a.endsWith(".csv") ? `${dir}/${a}` : a;
    const cwdArgs = args.map((a) => a.split(",").map(inDir).join(","));
    const { code, stderr } = await run(cwdArgs as string[]);
    assert.equal(code, 1);
    const line = stderr.trim().replaceAll(`${dir}/`, "");
    assert.equal(line.split("\n").length, 1, stderr);
    if (typeof message === "string") assert.equal(line, message);
    else assert.match(line, message);
  });
}

Deno.test("predict CLI: says when a model's training was stopped early", async () => {
  const stopped = `${dir}/stopped.json`;
  await saveModel(stopped, params, { unit: "epoch", done: 3, total: 30, stoppedEarly: true });
  const csv = `${dir}/few.csv`;
  await writeLabeledCsv(csv, await mnistTest(20));
  const { code, stdout, stderr } = await run([
    "--model",
    stopped,
    "--data",
    csv,
    "--out",
    `${dir}/s.csv`,
  ]);
  assert.equal(code, 0, stderr);
  assert.match(stdout, /\(its training was stopped early, after epoch 3 of 30\)$/m);
});
