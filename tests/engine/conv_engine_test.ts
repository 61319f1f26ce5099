import assert from "node:assert/strict";
import {
  chooseEngine,
  createRng,
  type Digits,
  evaluate,
  fit,
  type FitOptions,
  type FitResult,
  imagesToBatch,
  initNetwork,
  miniBatchGradientDescent,
  type Network,
  networkForward,
  parseLayers,
  predict,
  type Rng,
  TrainingStopped,
} from "../all.ts";
import { mnistTest } from "../helpers.ts";
import { kernelLayers } from "../../lib/engine/conv/kernel_table.ts";
import { tilingOf, usesWinograd } from "../../lib/engine/conv/winograd.ts";

const trainSet = await mnistTest(600);
const dev = await mnistTest(200, 5000);
const test = await mnistTest(150, 6000);
const layers = parseLayers("conv3x4,pool2,dense16");
/** `fit` without a progress line. */
const trainNetwork = (digits: Digits, o: FitOptions) => fit(digits, { ...o, progress: false });

Deno.test("chooseEngine() takes the convolution engine for layer lists with conv or pool", () => {
  const job = (l: typeof layers) => ({
    network: { input: [1, 28, 28], layers: l, params: [] },
    m: 600,
    batchSize: 64,
    optimizer: "adam" as const,
    weightDecay: 0,
    augment: 0,
  });
  const picked = (c: ReturnType<typeof chooseEngine>) => [c.name, c.backend];
  assert.deepEqual(picked(chooseEngine(job(layers))), ["conv", "wasm"]);
  // A pool on the grey image itself: the WebAssembly kernels take a convolution first.
  const poolFirst = parseLayers("pool2,conv3x8");
  assert.deepEqual(picked(chooseEngine(job(poolFirst))), ["conv", "typescript"]);
  assert.throws(() => chooseEngine({ ...job(poolFirst), backend: "wasm" }), {
    message: "Cannot train these layers on WebAssembly: it takes a convolution first",
  });
});

// The WebAssembly backend runs each pass in float32 (unit rounding 6e-8; a sum of K products
// carries at most K·6e-8 of their magnitude, K ≤ 800 here) and keeps the weights and the
// optimizer in float64, as the mini-batch engine does. With sgd and momentum a relative error of
// 1e-5 in a gradient moves a weight by η·1e-5·|g| per step: after these steps the weights agree
// to 1e-6 (measured: 1e-8 to 6e-8). Adam divides each gradient by its running RMS, so a
// coordinate whose gradient nearly cancels keeps fewer correct digits and still steps by about
// η: the weights agree to 2.5% of η, the bound the mini-batch engine's test derives.
const SPECS = [
  "conv3x4,pool2,dense16",
  "conv5x8,pool2,conv3x16,pool2,dense32",
  "conv5x8,pool2,conv5x16,pool2,dense32",
  "conv3x8,conv3x8,dense16",
  // A strided 5×5 on Winograd: space to depth, then F(6×6, 3×3) over 4C channels (24×24 → 12×12).
  "conv5x8,conv5x8s2p2,dense16",
  // "same" padding, a strided 5×5 in place of a pool, dropout on maps and on vectors.
  "conv3x8p1,conv5x8s2p2,dropout0.3,dense16,dropout0.2",
  // Batch normalisation on maps (after a ReLU, before a dropout) and on a vector, the step in
  // rounds; a convolution and a dense layer after a bn, whose outputs are of either sign. One
  // epoch, undistorted: a bn sends a gradient to every position of its input (through its mean
  // terms), so where float32 puts a value on the other side of 0 from float64, or flips a pool's
  // argmax between near-equal neighbours, weights move apart by ~1e-4 at once and then drift
  // (measured: two epochs of rotated digits, 4e-2). Five steps of unrotated digits stay within
  // float32's rounding (measured ≤ 6e-7), as the networks without bn do.
  "conv3x8,bn,conv5x8s2p2,bn,dropout0.3,conv4x8,pool2,bn,dense16,bn",
];
// A 3×3 or 5×5 convolution at stride 1 after the first layer runs on Winograd (F(2×2, 3×3) to
// F(6×6, 3×3), F(2×2, 5×5) or F(4×4, 5×5)), whose error is bounded by its tile's magnitude, not
// each output's: an output near 0 beside large ones (a digit's edge; the rotated and bent digits'
// grey fringes make many) can take the other sign from float64, and a ReLU′ that flips moves weights by ~1e-4 at once (measured: 2 epochs of
// bent digits, 3 of 8 runs). Networks with one train as the bn ones do, one epoch undistorted
// (measured: 24 runs of seeds 3–8, sgd and momentum, all within 1e-7).
// Each bias starts off 0 (uniform in ±0.01, as PyTorch starts its own), so that a convolution's
// outputs over the digits' empty background are not exactly 0: there, float64 computes 0 and
// ReLU′ = 0, while Winograd's float32 rounding of the other products in a 6×6 block leaves ±1e-7
// — ReLU′ taken as 1 at the kink half the time, and the bias's gradient gets those positions' dZ
// (measured from b = 0, conv3x8,conv3x8,dense16: 1e-3 on b after one step).
function withBiases(net: Network, rng: Rng): Network {
  const params = net.params.map((p) =>
    p && "b" in p ? { ...p, b: p.b.map(() => 0.02 * rng.uniform() - 0.01) } : p
  );
  return { ...net, params };
}
// F(4×4, 3×3)'s rounding is some ten times F(2×2, 3×3)'s (Aᵀ's coefficients reach 8, Bᵀ's 5), the
// 8×8 algorithms' F(4×4, 5×5) and F(6×6, 3×3) 2.5 times more again (Aᵀ's reach 32, Bᵀ's 21/4), so
// outputs within it of 0 — and ReLU′ flips — are as many times more frequent: such a network
// takes one step of 36 images (measured, sgd and momentum, seeds 3–12: F(4×4, 5×5)'s spec all ten
// within 5e-8; the strided spec on F(6×6, 3×3) eight, two at 2.5e-5, seeds 7 and 12 — whose
// flips are in their first 36 images: at 70, one F(4×4, 5×5) run of ten flips, seed 5's).
const convolutions = (spec: string) =>
  kernelLayers(initNetwork(parseLayers(spec), createRng(1))).layers.filter(usesWinograd);
const usesTiles = (spec: string) => convolutions(spec).length > 0;
const usesLargeTiles = (spec: string) =>
  convolutions(spec).some((layer) => (tilingOf(layer)?.f.m ?? 0) >= 4);
for (const spec of SPECS) {
  const normalised = spec.includes("bn"), short = normalised || usesTiles(spec);
  const count = usesLargeTiles(spec) ? 36 : 300;
  for (const optimizer of ["sgd", "momentum", "adam"] as const) {
    Deno.test(`fit() on the convolution engine equals the readable loop: ${spec}, ${optimizer}`, async () => {
      const layers = parseLayers(spec);
      const lr = optimizer === "adam" ? 0.002 : 0.05;
      // 300 images in batches of 70: chunks of 18 (not a multiple of 4), a ragged last batch; with
      // 4×4 or 6×6 tiles, one batch of 36 (chunks of 9: an odd number of images).
      // With momentum, the images are rotated, scaled and bent too; Adam runs the speedrun's one-cycle
      // schedule (a rate per batch) and its β.
      // The rotations come with elastic fields: the engine lays out what the readable loop sees.
      const distort = optimizer === "momentum" && !short
        ? { degrees: 12, scale: 0.15, elastic: { alpha: 8, sigma: 4 } }
        : undefined;
      const adam = optimizer === "adam"
        ? { schedule: "onecycle" as const, beta1: 0.7, beta2: 0.9 }
        : {};
      const options = {
        epochs: short ? 1 : 2,
        batchSize: Math.min(70, count),
        lr,
        optimizer,
        augment: 1,
        distort,
        weightDecay: 1e-4,
        ...adam,
      };
      const start = withBiases(initNetwork(layers, createRng(5)), createRng(6));
      const few = {
        count,
        labels: trainSet.labels.slice(0, count),
        pixels: trainSet.pixels.slice(0, count * 784),
      };
      const readable = miniBatchGradientDescent(few, start, createRng(5), options);
      const fast = await trainNetwork(few, {
        ...options,
        network: start,
        seed: 5,
        backend: "wasm",
      });
      assert.equal(fast.backend, "wasm");
      // bn's backward subtracts the batch's means dβ/N and x̂·dγ/N from dy, float32 values of
      // like size: a digit of the gradient can go, 1e-5 (measured: sgd 6e-7, momentum 1.3e-6).
      const tolerance = optimizer === "adam" ? 0.025 * lr : normalised ? 1e-5 : 1e-6;
      let compared = 0;
      fast.network.params.forEach((p, l) => {
        if (!p) return;
        const r = readable.network.params[l]!;
        assert.deepEqual(Object.keys(p), Object.keys(r));
        for (const [name, values] of Object.entries(p)) {
          assert.equal(values.length, r[name].length);
          // A running statistic is an average of batch statistics, each computed in float32
          // from float32 activations: it agrees to float32's precision of its own size.
          const running = name.startsWith("running");
          values.forEach((w, i) => {
            const bound = running ? 1e-5 * Math.max(1, Math.abs(r[name][i])) : tolerance;
            assert.ok(
              Math.abs(w - r[name][i]) <= bound,
              `layer ${l + 1} ${name}[${i}]: ${w} vs ${r[name][i]}`,
            );
          });
          compared += values.length;
        }
      });
      assert.ok(compared > 0);
      assert.equal(fast.history.length, options.epochs);
      fast.history.forEach((p, e) => {
        assert.ok(Math.abs(p.loss - readable.history[e].loss) < 1e-5, `loss of epoch ${e + 1}`);
      });
    });
  }
}

Deno.test("fit() on the readable layers equals miniBatchGradientDescent(), bit for bit", async () => {
  const options = {
    epochs: 2,
    batchSize: 64,
    lr: 0.003,
    optimizer: "adam" as const,
    schedule: "cosine" as const,
    augment: 1,
    distort: { degrees: 10, scale: 0.1 },
    weightDecay: 1e-4,
  };
  const start = initNetwork(layers, createRng(5));
  const readable = miniBatchGradientDescent(trainSet, start, createRng(5), options);
  const fast = await trainNetwork(trainSet, {
    ...options,
    network: start,
    seed: 5,
    backend: "typescript",
  });
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

Deno.test("fit() trains bn, dropout, stride and padding on the readable layers as miniBatchGradientDescent() does, bit for bit", async () => {
  const options = {
    epochs: 2,
    batchSize: 50,
    lr: 0.003,
    optimizer: "adam" as const,
    augment: 1,
    distort: { degrees: 5, scale: 0.05, elastic: { alpha: 20, sigma: 5 } },
  };
  const start = initNetwork(parseLayers("conv3x4s2p1,bn,dropout0.3,dense16,bn"), createRng(2));
  const few = {
    count: 120,
    labels: trainSet.labels.subarray(0, 120),
    pixels: trainSet.pixels.subarray(0, 120 * 784),
  };
  const readable = miniBatchGradientDescent(few, start, createRng(8), options);
  const fast = await trainNetwork(few, {
    ...options,
    network: start,
    seed: 8,
    backend: "typescript",
  });
  assert.deepEqual([fast.engine, fast.backend], ["conv", "typescript"]);
  assert.deepEqual(fast.network.params, readable.network.params);
  assert.ok(fast.network.params[2]!.runningMean.some((v) => v !== 0), "bn kept statistics");
});

for (const spec of ["conv3x4,pool2,dense16", "conv3x4,bn,conv3x8s2p1,bn,dropout0.2,dense16,bn"]) {
  Deno.test(`fit() learns the digits; evaluate() and predict() take the network: ${spec}`, async () => {
    const run = await trainNetwork(trainSet, {
      layers: parseLayers(spec),
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
    assert.deepEqual(predict(run.network, dev).labels, scores.predictions);
    // The readable forward pass, exactly; the WebAssembly one, to float32 precision: a logit is a
    // sum of at most 676 float32 products here (≤ 676·6e-8 = 4e-5 of their magnitudes, a few
    // units: ≲ 1e-4), and a probability moves by at most its own size times twice the change of a
    // logit: 2e-4 of it (measured: 8e-6).
    const readable = evaluate(run.network, dev, { backend: "typescript" });
    const P = networkForward(run.network, imagesToBatch(dev)).probabilities;
    for (let j = 0; j < dev.count; j++) {
      for (let i = 0; i < 10; i++) {
        const p = P.data[j * 10 + i];
        assert.equal(readable.probabilities.data[i * dev.count + j], p);
        assert.ok(
          Math.abs(scores.probabilities.data[i * dev.count + j] - p) <= 2e-4 * Math.max(p, 1e-3),
        );
      }
    }
    assert.ok(
      Math.abs(scores.loss - readable.loss) < 1e-4,
      `${scores.loss} against ${readable.loss}`,
    );
    // Scoring is evaluation mode: a bn by its running statistics, which training kept.
    run.network.params.forEach((p) => {
      if (p?.runningMean) assert.ok(p.runningMean.some((v) => v !== 0), "running means kept");
    });
  });
}

Deno.test("fit() stops between batches, keeping the network it trained", async () => {
  const controller = new AbortController();
  const stopped = await trainNetwork(trainSet, {
    layers,
    epochs: 5,
    batchSize: 50,
    signal: controller.signal,
    onBatch: ({ epoch, batch }) => {
      if (epoch === 2 && batch === 3) controller.abort();
    },
  }).catch((error) => error);
  assert.ok(stopped instanceof TrainingStopped);
  assert.equal(
    stopped.message,
    "Stopped training conv3x4,pool2,dense16 during epoch 2 of 5, after batch 3 of 12; lastStop().result holds what it trained",
  );
  const result = stopped.result as FitResult;
  assert.equal(result.history.length, 1);
  assert.equal(result.network.layers.length, layers.length);
});

for (
  const spec of [
    "conv5x8,pool2,conv3x16,pool2,dense32",
    "conv5x8,pool2,conv5x16,pool2,dense32",
    "conv3x8,conv3x8,conv5x8s2p2,dense32",
    "conv3x8p1,conv5x8s2p2,dropout0.4,dense32,dropout0.3",
    "conv3x8,bn,conv5x8s2p2,bn,dropout0.3,dense16,bn",
  ]
) {
  Deno.test(`fit() on the convolution engine gives the same bits on 1, 2 and 3 threads: ${spec}`, async () => {
    const layers = parseLayers(spec);
    const few = {
      count: 400,
      labels: trainSet.labels.slice(0, 400),
      pixels: trainSet.pixels.slice(0, 400 * 784),
    };
    // Batches of 100: four chunks of 25, so that 3 threads take uneven shares; the epochs' bent
    // digits are laid out by every thread, each its share.
    const distort = { degrees: 10, scale: 0.1, elastic: { alpha: 8, sigma: 4 } };
    const options = {
      layers,
      epochs: 2,
      batchSize: 100,
      optimizer: "adam" as const,
      augment: 2,
      distort,
    };
    const runs = [];
    for (const threads of [1, 2, 3]) {
      runs.push(await trainNetwork(few, { ...options, threads, backend: "wasm", dev, test }));
    }
    assert.deepEqual(runs.map((r) => r.threads), [1, 2, 3]);
    for (const run of runs.slice(1)) {
      assert.deepEqual(run.network.params, runs[0].network.params);
      assert.deepEqual(run.history.map((p) => p.loss), runs[0].history.map((p) => p.loss));
      // The engine scores dev and test on its threads, in chunks of 32: 200 and 150 samples
      // leave uneven chunks and shares.
      assert.deepEqual(run.history.map((p) => p.devLoss), runs[0].history.map((p) => p.devLoss));
      assert.deepEqual(run.scores, runs[0].scores);
    }
    // What evaluate() gives the network returned: the same probabilities, bit for bit, so the
    // same accuracies; the loss's sum of 200 terms in other groups differs by at most 200
    // roundings of the sum (200 · 2⁻⁵³ of it).
    const [run] = runs, onDev = evaluate(run.network, dev), onTest = evaluate(run.network, test);
    const { loss, ...scores } = run.scores!, { loss: expected, ...same } = onTest;
    assert.deepEqual(scores, same);
    assert.equal(run.devAccuracy, onDev.accuracy);
    assert.ok(Math.abs(run.devLoss! - onDev.loss) <= 200 * 2 ** -53 * onDev.loss);
    assert.ok(Math.abs(loss - expected) <= 150 * 2 ** -53 * expected);
  });
}

Deno.test("fit() on the convolution engine equals the readable loop on the recipe's network, momentum", async () => {
  // conv5x32,pool2,conv5x64,pool2,dense256: the second convolution on Winograd F(2×2, 5×5) (its
  // input gradient on 800-column patches); two steps. Momentum, not Adam: F(2×2, 5×5)'s error is
  // bounded by its tile's magnitude, coefficients up to 5 each way, and Adam divides a gradient
  // that nearly cancels by its own size, so such a coordinate steps by up to η either way
  // (measured, Adam: 97 of the layer's 51,200 weights beyond 2.5% of η after two steps, none on
  // patches). With momentum a weight moves by η times its gradient's error: 1e-6 (measured 9e-10).
  const layers = parseLayers("conv5x32,pool2,conv5x64,pool2,dense256");
  const few = {
    count: 128,
    labels: trainSet.labels.slice(0, 128),
    pixels: trainSet.pixels.slice(0, 128 * 784),
  };
  const options = {
    epochs: 1,
    batchSize: 64,
    lr: 0.001,
    optimizer: "momentum" as const,
    augment: 2,
  };
  const start = initNetwork(layers, createRng(5));
  assert.ok(kernelLayers(start).layers.some(usesWinograd), "a Winograd layer");
  const readable = miniBatchGradientDescent(few, start, createRng(5), options);
  const fast = await trainNetwork(few, { ...options, network: start, seed: 5, backend: "wasm" });
  let worst = 0;
  fast.network.params.forEach((p, l) => {
    if (!p) return;
    p.W.forEach((w, i) => worst = Math.max(worst, Math.abs(w - readable.network.params[l]!.W[i])));
  });
  assert.ok(worst <= 1e-6, `largest difference ${worst}`);
  assert.ok(Math.abs(fast.history[0].loss - readable.history[0].loss) < 1e-5);
});
