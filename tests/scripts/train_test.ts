import assert from "node:assert/strict";
import { denseSizes, loadModel, writeLabeledCsv } from "../all.ts";

/** The layer sizes of a model file's dense network. */
const sizesOf = async (path: string) => denseSizes((await loadModel(path)).network);
import { lastJson, mnistTest, runTask } from "../helpers.ts";

const run = (args: string[]) => runTask("train", args);

const dir = await Deno.makeTempDir();
const csv = `${dir}/small.csv`;
await writeLabeledCsv(csv, await mnistTest(600));
// Digits the training never sees, for --test.
const heldOut = `${dir}/held_out.csv`;
await writeLabeledCsv(heldOut, await mnistTest(300, 5000));

Deno.test("train CLI: --json ends with one JSON line of results; --save writes a model file", async () => {
  const { code, stdout, stderr } = await run([
    "--data",
    csv,
    "--iterations",
    "120",
    "--dev-size",
    "100",
    "--alpha",
    "0.2",
    "--save",
    `${dir}/m.json`,
    "--json",
  ]);
  assert.equal(code, 0, stderr);
  const lines = stdout.trim().split("\n");
  assert.match(
    lines[0],
    /^Iteration: +0 +Accuracy: 0\.\d{4} +Loss: \d\.\d{4} +Dev accuracy: 0\.\d{4}$/,
  );
  assert.match(lines[1], /^Iteration: +100 /);
  const result = lastJson(stdout);
  for (
    const key of [
      "iterations",
      "alpha",
      "train_accuracy",
      "dev_accuracy",
      "train_seconds",
      "load_seconds",
    ]
  ) {
    assert.ok(key in result, key);
  }
  assert.ok(result.peak_rss_mb > 10, `peak_rss_mb ${result.peak_rss_mb}`);
  assert.ok(result.ms_per_iteration > 0 && result.setup_seconds > 0, JSON.stringify(result));
  assert.equal(result.iterations, 120);
  assert.equal(result.alpha, 0.2);
  assert.equal(result.train_size, 500);
  assert.ok(result.train_accuracy > 0.5 && result.dev_accuracy > 0.4, JSON.stringify(result));
  assert.deepEqual(await sizesOf(`${dir}/m.json`), [784, 10, 10, 10]);
});

Deno.test("train CLI: mini-batches with Adam, a schedule and shifts; the JSON says so; any size saves and loads", async () => {
  // deno-fmt-ignore
  const recipe = [
    "--data", csv, "--test", heldOut, "--dev-size", "100", "--hidden", "48,24", "--optimizer", "adam",
    "--batch-size", "32", "--epochs", "6", "--schedule", "cosine", "--augment", "1", "--json",
  ];
  const { code, stdout, stderr } = await run([...recipe, "--save", `${dir}/wide.json`]);
  assert.equal(code, 0, stderr);
  const lines = stdout.trim().split("\n");
  assert.match(
    lines[0],
    /^Epoch: +1 +lr: 0\.00100 +Accuracy: 0\.\d{4} +Loss: \d\.\d{4} +Dev accuracy/,
  );
  const result = lastJson(stdout);
  assert.equal(result.epochs, 6);
  assert.equal(result.batch_size, 32);
  assert.equal(result.optimizer, "adam");
  assert.equal(result.lr, 0.001);
  assert.ok(result.seconds_per_epoch > 0, JSON.stringify(result));
  // 500 images, 6 epochs, scored on 300 it never saw: 0.65 here (chance is 0.1).
  assert.ok(result.test_accuracy > 0.6, `test accuracy ${result.test_accuracy}`);
  assert.deepEqual(result.sizes, [784, 48, 24, 10]);
  assert.deepEqual(await sizesOf(`${dir}/wide.json`), [784, 48, 24, 10]);
  // The same run on one thread: the same weights, bit for bit.
  const one = await run([...recipe, "--threads", "1", "--save", `${dir}/wide1.json`]);
  assert.equal(one.code, 0, one.stderr);
  assert.deepEqual(await loadModel(`${dir}/wide1.json`), await loadModel(`${dir}/wide.json`));
});

Deno.test("train CLI: --init continues from a model file; --hidden sets the layers", async () => {
  const resumed = await run([
    "--data",
    csv,
    "--iterations",
    "5",
    "--dev-size",
    "100",
    "--init",
    `${dir}/m.json`,
    "--json",
  ]);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.ok(
    lastJson(resumed.stdout).train_accuracy > 0.5,
    "starts trained",
  );
  const wide = await run([
    "--data",
    csv,
    "--iterations",
    "2",
    "--dev-size",
    "100",
    "--hidden",
    "32",
    "--no-shuffle",
    "--json",
  ]);
  assert.equal(wide.code, 0, wide.stderr);
  assert.deepEqual(lastJson(wide.stdout).sizes, [784, 32, 10]);
  // 32 first-layer units: the mini-batch engine's products beat the fused kernel.
  assert.deepEqual([lastJson(wide.stdout).engine, lastJson(wide.stdout).backend], [
    "batch",
    "wasm",
  ]);
  const ts = await run([
    "--data",
    csv,
    "--iterations",
    "2",
    "--dev-size",
    "100",
    "--backend",
    "typescript",
    "--json",
  ]);
  assert.equal(lastJson(ts.stdout).backend, "typescript");
});

for (
  const [args, message] of [
    [["--alpha", "fast"], 'error: --alpha must be a positive number, not "fast"'],
    [
      ["--layers", "conv3x4", "--iterations", "3"],
      "error: --iterations is for the full-batch loop; a network with convolutions trains by mini-batches (--epochs)",
    ],
    [
      ["--layers", "conv5x32,pool2,conv5x64,pool2,conv5x64"],
      "error: --layers: Cannot build conv5x32,relu,pool2,conv5x64,relu,pool2,conv5x64,relu,flatten,dense10 on 28×28 images: conv5x64 (layer 7) needs at least 5×5 inputs, and gets 4×4",
    ],
    [
      ["--layers", "dense8", "--hidden", "8"],
      "error: --layers and --hidden both give the network; give one (--hidden 256,128 is --layers dense256,dense128)",
    ],
    [["--iterations=-3"], 'error: --iterations must be a whole number ≥ 1, not "-3"'],
    [["--iterations", "2.5"], 'error: --iterations must be a whole number ≥ 1, not "2.5"'],
    [["--iterations", "0"], 'error: --iterations must be a whole number ≥ 1, not "0"'],
    [["--epochs", "0"], 'error: --epochs must be a whole number ≥ 1, not "0"'],
    [
      ["--threads", "1000"],
      'error: --threads must be a whole number from 1 to 16, not "1000": a step is cut into at most 16 parts',
    ],
    [
      ["--hidden", "8000,8000", "--iterations", "1"],
      /^error: Cannot train 784-8000-8000-10 \(70,368,010 parameters\): the mini-batch engine on WebAssembly needs \d+\.\d GB for it, more than the 4\.3 GB \(4 GiB\) a WebAssembly memory holds$/,
    ],
    [["--hidden", "10,x"], 'error: --hidden must be a whole number ≥ 1, not "x"'],
    [["--bogus"], "error: Unknown option --bogus (see --help)"],
    [["--epoch", "1"], "error: Unknown option --epoch — did you mean --epochs?"],
    [["--batchsize", "32"], "error: Unknown option --batchsize — did you mean --batch-size?"],
    [
      ["--layers", "conv5x8,pool5"],
      "error: --layers: Cannot build conv5x8,relu,pool5,flatten,dense10 on 28×28 images: pool5 (layer 3) gets 24×24 maps, which 5 does not divide: it would drop the last 4 rows and 4 columns; pools that divide them: pool2, pool3, pool4, pool6, pool8, pool12, pool24",
    ],
    [["--backend", "gpu"], 'error: --backend must be wasm, typescript or auto, not "gpu"'],
    [
      ["--epochs", "2", "--iterations", "5"],
      "error: --iterations counts full-batch steps and does not go with --epochs: mini-batch training counts --epochs",
    ],
    [["--momentum", "0.5"], "error: --momentum needs --optimizer momentum"],
    [["--optimizer", "rmsprop"], 'error: --optimizer must be sgd, momentum or adam, not "rmsprop"'],
    [
      ["--lr", "0.1", "--alpha", "0.2"],
      "error: --alpha and --lr are the same learning rate; give one (got 0.2 and 0.1)",
    ],
    [["--batch-size", "0"], 'error: --batch-size must be a whole number ≥ 1, not "0"'],
    [["--batch-size", "501"], "error: --batch-size 501 is more than the 500 training images"],
    [["--augment", "30"], 'error: --augment must be a whole number from 0 to 27, not "30"'],
    [
      ["--rotate", "10"],
      "error: --rotate, --scale and --elastic distort images for the convolution engine: give --layers with conv (the dense engines shift sparse rows only)",
    ],
    [
      ["--layers", "conv3x4", "--rotate", "50"],
      "error: Cannot rotate images by up to 50°: expected 0 to 45 degrees",
    ],
    [
      ["--layers", "conv3x4", "--scale", "0.7"],
      "error: Cannot scale images by up to 0.7: expected a fraction from 0 to 0.5",
    ],
    [
      ["--schedule", "linear"],
      'error: --schedule must be constant, step, cosine or onecycle, not "linear"',
    ],
    [
      ["--epochs", "1", "--original-bias-gradient"],
      "error: --original-bias-gradient reproduces the seed's full-batch loop; it does not go with --epochs",
    ],
    [
      ["--init-scheme", "seed", "--hidden", "32"],
      "error: Cannot use the seed's initialisation for sizes 784-32-10: it is defined for 784-10-10-10 only; use he",
    ],
    [
      ["--dev-size", "600"],
      "error: Cannot hold out 600 dev images from 600: expected an integer from 0 to 599",
    ],
    [
      ["--alpha", "1e200", "--iterations", "50"],
      /^error: Training diverged in epoch \d+: the loss became/,
    ],
    [
      ["--init", "missing.json", "--dev-size", "100"],
      "error: Cannot read missing.json: no such file",
    ],
  ] as [string[], string | RegExp][]
) {
  Deno.test(`train CLI: ${args.join(" ")} exits 1 with one sentence, no stack trace`, async () => {
    const { code, stderr } = await run(["--data", csv, "--dev-size", "100", ...args]);
    assert.equal(code, 1);
    const lines = stderr.trim().split("\n");
    assert.equal(lines.length, 1, stderr);
    if (typeof message === "string") assert.equal(lines[0], message);
    else assert.match(lines[0], message);
  });
}

Deno.test("train CLI: a malformed CSV is named with its line and field", async () => {
  const bad = `${dir}/bad.csv`;
  const text = await Deno.readTextFile(csv);
  await Deno.writeTextFile(bad, text.replace(/\n(\d),0,/, "\n$1,x,"));
  const { code, stderr } = await run(["--data", bad]);
  assert.equal(code, 1);
  assert.equal(
    stderr.trim(),
    `error: Cannot read ${bad}: line 2, field pixel0 is "x", not an integer`,
  );
  const missing = await run(["--data", `${dir}/none.csv`]);
  assert.equal(missing.stderr.trim(), `error: Cannot read ${dir}/none.csv: no such file`);
});

Deno.test("train CLI: another data set without --test scores no test set", async () => {
  // deno-fmt-ignore
  const { code, stdout, stderr } = await run(["--data", csv, "--dev-size", "100", "--iterations", "3",
    "--json"]);
  assert.equal(code, 0, stderr);
  assert.equal(lastJson(stdout).test_accuracy, null);
  assert.doesNotMatch(stdout, /test accuracy/);
});

Deno.test("train CLI: a run left at chance ends with a warning naming the learning rate", async () => {
  // deno-fmt-ignore
  const args = ["--data", csv, "--dev-size", "100", "--alpha", "50", "--iterations", "150", "--json"];
  const { code, stdout, stderr } = await run(args);
  assert.equal(code, 0, stderr);
  const warning = lastJson(stdout).warning;
  assert.match(
    warning,
    /^Training failed: after 150 updates the train accuracy is \d+\.\d%, about chance \(10\.0%\); the learning rate 50 is likely too large/,
  );
  assert.equal(stderr.trim(), `warning: ${warning}`);
  const fine = await run(["--data", csv, "--dev-size", "100", "--iterations", "150", "--json"]);
  assert.equal(lastJson(fine.stdout).warning, null);
  assert.equal(fine.stderr.trim(), "");
});

Deno.test("train CLI: Ctrl-C stops after the current step, saves a model marked as stopped, exits 130", async () => {
  for (const loop of [["--epochs", "100000", "--batch-size", "32"], ["--iterations", "1000000"]]) {
    const save = `${dir}/stopped.json`;
    const script = new URL("../../scripts/train.ts", import.meta.url).pathname;
    // deno-fmt-ignore
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-all", script, "--data", csv, "--dev-size", "100", ...loop, "--save", save,
        "--json"],
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const stderr = new Response(child.stderr).text();
    // Wait for the first progress line on stdout, then press Ctrl-C.
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let stdout = "";
    while (!/^(Epoch|Iteration): +1?00? /m.test(stdout)) {
      const { value, done } = await reader.read();
      if (done) break;
      stdout += value;
    }
    child.kill("SIGINT");
    for (let r = await reader.read(); !r.done; r = await reader.read()) stdout += r.value;
    const status = await child.status;
    assert.equal(status.code, 130, await stderr);
    assert.equal(
      (await stderr).trim(),
      "Stopping after the current step (Ctrl-C again to quit at once)…",
    );
    const unit = loop[0] === "--epochs" ? "epoch" : "iteration";
    const total = Number(loop[1]);
    const line = stdout.split("\n").find((l) => l.startsWith("Stopped"))!;
    // Where it stopped, in the learner's words: after iteration 312 of 1000000, or during an
    // epoch after one of its batches (or, rarely, between two epochs).
    const where = unit === "iteration"
      ? `after iteration (\\d+) of ${total}`
      : `(?:during epoch \\d+ of ${total}, after batch \\d+ of 16|after epoch (\\d+) of ${total})`;
    assert.match(line, new RegExp(`^Stopped 784-10-10-10 ${where} \\(Ctrl-C\\)`));
    const json = lastJson(stdout);
    const done = json.done;
    assert.ok(done >= 1 && done < total, line);
    const { network, training } = await loadModel(save);
    assert.deepEqual(denseSizes(network), [784, 10, 10, 10]);
    assert.deepEqual(training, { unit, done, total, stoppedEarly: true });
    assert.equal(json.stopped_early, true);
  }
});

Deno.test("train CLI: bn, dropout, stride, padding and --elastic train; --save keeps bn's statistics; predict scores as training did", async () => {
  const layers = "conv3x4p1,bn,conv5x8s2p2,dropout0.3,dense16,bn";
  // deno-fmt-ignore
  const args = ["--data", csv, "--test", heldOut, "--dev-size", "100", "--layers", layers,
    "--optimizer", "adam", "--lr", "0.003", "--epochs", "2", "--batch-size", "32", "--rotate", "5",
    "--elastic", "20", "--elastic-sigma", "5", "--json", "--save", `${dir}/bn.json`];
  const { code, stdout, stderr } = await run(args);
  assert.equal(code, 0, stderr);
  const result = lastJson(stdout);
  assert.equal(result.layers, layers);
  assert.deepEqual([result.engine, result.backend], ["conv", "wasm"]);
  assert.deepEqual(result.distort, { degrees: 5, scale: 0, elastic: { alpha: 20, sigma: 5 } });
  const { network } = await loadModel(`${dir}/bn.json`);
  assert.ok(network.params[2]!.runningMean.some((v) => v !== 0), "the running mean was saved");
  const predicted = await runTask("predict", [
    "--model",
    `${dir}/bn.json`,
    "--data",
    heldOut,
    "--out",
    `${dir}/bn_submission.csv`,
    "--json",
  ]);
  assert.equal(predicted.code, 0, predicted.stderr);
  assert.equal(lastJson(predicted.stdout).accuracy, result.test_accuracy);
  const lone = await run(["--data", csv, "--layers", "conv3x4", "--elastic-sigma", "4"]);
  assert.equal(lone.code, 1);
  assert.match(
    lone.stderr,
    /--elastic-sigma smooths the field of --elastic: give --elastic ALPHA too/,
  );
});

Deno.test("train CLI: --layers trains a convolutional network; --save and predict read it", async () => {
  // deno-fmt-ignore
  const args = ["--data", csv, "--test", heldOut, "--dev-size", "100", "--layers", "conv3x4,pool2,dense16",
    "--optimizer", "adam", "--lr", "0.003", "--epochs", "3", "--batch-size", "32", "--rotate", "10",
    "--scale", "0.1", "--json"];
  const { code, stdout, stderr } = await run([...args, "--save", `${dir}/conv.json`]);
  assert.equal(code, 0, stderr);
  const result = lastJson(stdout);
  assert.equal(result.layers, "conv3x4,pool2,dense16");
  assert.deepEqual([result.engine, result.backend], ["conv", "wasm"]);
  assert.deepEqual(result.distort, { degrees: 10, scale: 0.1 });
  assert.ok(result.test_accuracy > 0.6, JSON.stringify(result));
  const { network } = await loadModel(`${dir}/conv.json`);
  assert.equal(network.layers.length, 7);
  const predicted = await runTask("predict", [
    "--model",
    `${dir}/conv.json`,
    "--data",
    heldOut,
    "--out",
    `${dir}/conv_submission.csv`,
    "--json",
  ]);
  assert.equal(predicted.code, 0, predicted.stderr);
  assert.equal(lastJson(predicted.stdout).accuracy, result.test_accuracy);
  // --layers of dense layers alone is --hidden's short form: the dense engines.
  const dense = await run([
    "--data",
    csv,
    "--dev-size",
    "100",
    "--layers",
    "dense32",
    "--iterations",
    "2",
    "--json",
  ]);
  assert.equal(dense.code, 0, dense.stderr);
  assert.deepEqual(lastJson(dense.stdout).sizes, [784, 32, 10]);
});

Deno.test("train CLI: --save to a folder that does not exist fails at once, before any epoch", async () => {
  const t0 = performance.now();
  const { code, stdout, stderr } = await run([
    "--layers",
    "conv3x8,pool2,dense32",
    "--epochs",
    "4",
    "--save",
    "/nonexistent/dir/m.json",
  ]);
  const seconds = (performance.now() - t0) / 1000;
  assert.equal(code, 1);
  assert.equal(
    stderr.trim(),
    "error: Cannot save a model to /nonexistent/dir/m.json: the folder /nonexistent/dir does not exist",
  );
  assert.equal(stdout, "", "no epoch ran");
  // Measured here: 0.2 s (the data is not even read). An epoch of this network takes seconds.
  assert.ok(seconds < 2, `${seconds} s`);
});

Deno.test("train CLI: a learning rate far too large on a convnet is blamed, not called too small", async () => {
  // deno-fmt-ignore
  const args = ["--data", csv, "--dev-size", "100", "--layers", "conv3x8,pool2,dense32", "--epochs", "2",
    "--lr", "5", "--optimizer", "adam", "--batch-size", "32", "--json"];
  const { code, stdout, stderr } = await run(args);
  assert.equal(code, 0, stderr);
  const warning = lastJson(stdout).warning;
  assert.match(
    warning,
    /^Training failed: .*the learning rate 5 is likely too large \(the loss went from \d\.\d\d at the start to \d+/,
  );
  assert.equal(stderr.trim(), `warning: ${warning}`);
});

Deno.test("train CLI: --epochs on a dense network takes mini-batches of 128 by default, and says so", async () => {
  // deno-fmt-ignore
  const { code, stdout, stderr } = await run(["--data", csv, "--dev-size", "100", "--hidden", "32",
    "--optimizer", "adam", "--epochs", "3", "--json"]);
  assert.equal(code, 0, stderr);
  const result = lastJson(stdout);
  assert.equal(result.batch_size, 128);
  assert.match(stdout, /^Trained 784-32-10 for 3 epochs of 4 batches of 128 in /m);
  assert.ok(result.train_accuracy > 0.3, `train accuracy ${result.train_accuracy}`);
  // --batch-size all keeps the full batch: one step an epoch.
  const full = await run([
    "--data",
    csv,
    "--dev-size",
    "100",
    "--epochs",
    "1",
    "--batch-size",
    "all",
    "--json",
  ]);
  assert.equal(full.code, 0, full.stderr);
  assert.equal(lastJson(full.stdout).batch_size, 500);
  assert.match(
    full.stdout,
    /for 1 iteration in/,
    "a full-batch epoch is one iteration, not 1 iterations",
  );
});
