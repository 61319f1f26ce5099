import assert from "node:assert/strict";
import {
  createRng,
  type Digits,
  evaluate,
  fit,
  type FitOptions,
  forwardProp,
  gradientDescent,
  initParams,
  maxParamDifference,
  networkFromParams,
  optimizerDefaults,
  pixelsToX,
  toParams,
} from "../all.ts";
import { startFusedEngine } from "../../lib/engine/fused/engine.ts";
import { layoutOf, pack, unpack } from "../../lib/engine/fused/kernel_typescript.ts";
import { wasmUnfit } from "../../lib/engine/fused/kernel_wasm.ts";
import { mnistTest, randomDigits } from "../helpers.ts";

// The TypeScript kernel adds the same float64 products as the textbook functions, but skips
// zero pixels and sums per thread before summing threads, so its results differ only by
// rounding: far below 1e-10 after a few iterations.
//
// The WebAssembly kernel computes each sample's passes in float32 (unit rounding 6e-8); its
// sums over samples and the parameters stay float64. A gradient term then carries a relative
// error of a few 1e-7 at most (a 784-term float32 dot product: ≲ √784 · 6e-8), and four steps
// at α = 0.5 on gradients of size ≲ 0.1 move the weights by ≲ 1e-7 · 0.5 · 0.1 · 4 ≈ 2e-8 from
// the float64 result (inputs rounded to float32 too: grey · (1/255), within 1 ulp of grey/255;
// fused or unfused multiply-adds); measured: 2e-9 to 7e-9. So 1e-7 — while a real mistake (a wrong index, a
// missed term, a wrong lane) shows as 1e-3 or more.
const TOLERANCE = { typescript: 1e-10, wasm: 1e-7 };

/** The seed's loop through `fit`: full-batch gradient descent, `epochs` iterations. */
const seedFit = (digits: Digits, o: FitOptions) =>
  fit(digits, { layers: "dense10,dense10", input: [784], batchSize: "all", progress: false, ...o });

/** What a full-batch engine is started with. */
const settings = (backend: "wasm" | "typescript", threads?: number) => ({
  batchSize: 1e9,
  optimizer: optimizerDefaults({}),
  originalBiasGradient: false,
  threads,
  backend,
});

// Each engine on each backend, whichever `chooseEngine` would pick for these sizes; the seed's
// scalar bias gradient runs on the fused engine only.
const cases = ["typescript", "wasm"].flatMap((backend) =>
  [[784, 10, 10, 10], [784, 16, 12, 10], [784, 20, 10], [784, 10]].flatMap((sizes) =>
    [false, true].flatMap((originalBiasGradient) =>
      (originalBiasGradient ? ["fused"] : ["fused", "batch"]).map((engine) => ({
        backend: backend as "typescript" | "wasm",
        engine: engine as "fused" | "batch",
        sizes,
        originalBiasGradient,
      }))
    )
  )
);

for (const { backend, engine, sizes, originalBiasGradient } of cases) {
  const name =
    `fit() on the ${engine} engine, ${backend}, equals gradientDescent(): ${sizes.join("-")}` +
    (originalBiasGradient ? ", original bias gradient" : "");
  Deno.test(name, async () => {
    // More samples than the wasm kernel's block (1024 samples, 816 for 20 first-layer units),
    // and a count that is not a multiple of 4 — in each thread's range too.
    const digits = randomDigits(createRng(9), 2203);
    const start = initParams(createRng(3), sizes);
    const textbook = gradientDescent(pixelsToX(digits), digits.labels, 4, 0.5, start, {
      originalBiasGradient,
    });
    for (const threads of [1, 2, 3]) {
      const fast = await seedFit(digits, {
        layers: undefined,
        network: start,
        epochs: 4,
        lr: 0.5,
        threads,
        originalBiasGradient,
        backend,
        engine,
      });
      const diff = maxParamDifference(toParams(fast.network), textbook.params);
      assert.ok(diff <= TOLERANCE[backend], `${threads} threads: max weight difference ${diff}`);
      // Epoch i + 1's point: the forward pass before its step, as iteration i's in the seed.
      assert.equal(fast.history.length, textbook.history.length);
      textbook.history.forEach((point, i) => {
        assert.equal(fast.history[i].trainAccuracy, point.trainAccuracy);
        const lossTolerance = backend === "wasm" ? 1e-5 : 1e-12;
        assert.ok(
          Math.abs(fast.history[i].loss - point.loss) < lossTolerance,
          `loss at iteration ${i}`,
        );
      });
      assert.equal(fast.threads, threads);
      assert.equal(fast.backend, backend);
      assert.equal(fast.engine, engine);
    }
  });
}

Deno.test("evaluate() equals forwardProp() on real digits", async () => {
  const digits = await mnistTest(300);
  const params = initParams(createRng(5));
  const A = forwardProp(params, pixelsToX(digits)).A.at(-1)!;
  const e = evaluate(params, digits, { backend: "typescript" });
  let max = 0;
  A.data.forEach((v, k) => (max = Math.max(max, Math.abs(v - e.probabilities.data[k]))));
  assert.ok(max < 1e-14, `max probability difference ${max}`);
});

Deno.test("evaluate() on WebAssembly equals forwardProp() to float32 precision, any shape", async () => {
  const digits = await mnistTest(300);
  for (const sizes of [[784, 10, 10, 10], [784, 10], [784, 256, 128, 10], [784, 24, 16, 12, 10]]) {
    const params = initParams(createRng(5), sizes);
    const cache = forwardProp(params, pixelsToX(digits));
    const A = cache.A.at(-1)!;
    const exact = evaluate(params, digits, { backend: "typescript" });
    const e = evaluate(params, digits, { backend: "wasm" });
    let max = 0;
    A.data.forEach((v, k) => (max = Math.max(max, Math.abs(v - e.probabilities.data[k]))));
    // float32 sums of up to 784 terms: a few units of 1e-7 on each probability
    assert.ok(max < 1e-5, `${sizes.join("-")}: max probability difference ${max}`);
    assert.ok(Math.abs(e.loss - exact.loss) < 1e-5, `${sizes.join("-")}: loss`);
    const flips = e.predictions.filter((p, j) => p !== exact.predictions[j]).length;
    assert.ok(flips <= 1, `${sizes.join("-")}: ${flips} predictions differ`);
  }
});

Deno.test("pack() and unpack() round-trip the parameters exactly", () => {
  const params = initParams(createRng(2), [784, 12, 10]);
  const layout = layoutOf(params.sizes);
  assert.equal(layout.length, 784 * 12 + 12 + 12 * 10 + 10);
  assert.deepEqual(unpack(pack(params, layout, new Float64Array(layout.length)), layout), params);
});

Deno.test("fit() is deterministic: same seed, identical weights bit for bit, also with workers", async () => {
  const digits = await mnistTest(400);
  for (
    const [threads, backend] of [[1, "typescript"], [2, "typescript"], [1, "wasm"], [
      2,
      "wasm",
    ]] as const
  ) {
    const a = await seedFit(digits, { epochs: 20, seed: 7, threads, backend });
    const b = await seedFit(digits, { epochs: 20, seed: 7, threads, backend });
    assert.deepEqual(a.network, b.network);
    assert.deepEqual(
      a.history.map(({ seconds: _, ...p }) => p),
      b.history.map(({ seconds: _, ...p }) => p),
    );
  }
  const other = await seedFit(digits, { epochs: 20, seed: 8, threads: 1 });
  const one = await seedFit(digits, { epochs: 20, seed: 7, threads: 1 });
  assert.notDeepEqual(other.network, one.network);
});

for (const backend of ["typescript", "wasm"] as const) {
  Deno.test(`fit() full batch on ${backend} gives the same bits with 1, 2, 3, 4 and 8 threads`, async () => {
    // 3,500 samples: two blocks of sums, the second one ragged.
    const digits = await mnistTest(3500);
    const one = await seedFit(digits, { epochs: 8, seed: 3, threads: 1, backend });
    for (const threads of [2, 3, 4, 8]) {
      const many = await seedFit(digits, { epochs: 8, seed: 3, threads, backend });
      assert.equal(many.threads, threads);
      const diff = maxParamDifference(toParams(one.network), toParams(many.network));
      assert.equal(diff, 0, `${threads} threads`);
      assert.deepEqual(many.batches, one.batches);
    }
  });
}

Deno.test("the fused engine takes full batches in order only, and a closed one refuses to step", async () => {
  const digits = await mnistTest(100);
  const start = networkFromParams(initParams(createRng(1)));
  const engine = await startFusedEngine(digits, start, settings("wasm", 3));
  const order = Uint32Array.from({ length: 100 }, (_, j) => j), zeros = new Int8Array(100);
  engine.arrange({ order, dx: zeros, dy: zeros, seed: 0 });
  await engine.step(0, 100, 0.1);
  assert.throws(() => engine.arrange({ order: order.reverse(), dx: zeros, dy: zeros, seed: 0 }), {
    message: "Cannot arrange an epoch on the fused engine: it takes every image as it is, in order",
  });
  assert.throws(() => engine.step(0, 50, 0.1), {
    message: "Cannot take a step on samples 0–49 on the fused engine: it takes all 100",
  });
  engine.close();
  await assert.rejects(async () => await engine.step(0, 100, 0.1), {
    message: "Cannot use a closed engine",
  });
});

Deno.test("fit() times its setup and its steps apart", async () => {
  const { timing } = await seedFit(await mnistTest(300), { epochs: 30 });
  assert.ok(timing.setup > 0 && timing.steps > 0, JSON.stringify(timing));
  assert.ok(timing.setup + timing.steps <= timing.total, JSON.stringify(timing));
});

Deno.test("fit() on a full batch: a point per iteration, dev every devEvery and at the end; loss falls", async () => {
  const digits = await mnistTest(1200);
  const dev = {
    count: 200,
    labels: digits.labels.subarray(0, 200),
    pixels: digits.pixels.subarray(0, 200 * 784),
  };
  const trainSet = {
    count: 1000,
    labels: digits.labels.subarray(200),
    pixels: digits.pixels.subarray(200 * 784),
  };
  const seen: number[] = [];
  const { history, batches } = await seedFit(trainSet, {
    epochs: 50,
    dev,
    devEvery: 20,
    onEpoch: (point, trainer) => {
      assert.equal(trainer.settings.epochs, 50);
      seen.push(point.epoch);
    },
  });
  assert.deepEqual(seen, Array.from({ length: 50 }, (_, i) => i + 1));
  assert.equal(batches.length, 50, "one batch an epoch");
  assert.deepEqual(history.filter((p) => p.devAccuracy !== undefined).map((p) => p.epoch), [
    20,
    40,
    50,
  ]);
  assert.ok(history[49].loss < history[0].loss);
  assert.ok(
    history[49].trainAccuracy > history[0].trainAccuracy + 0.1,
    `accuracy ${history[49].trainAccuracy}`,
  );
});

Deno.test("fit() stops with one sentence when the loss diverges", async () => {
  const digits = await mnistTest(200);
  await assert.rejects(seedFit(digits, { epochs: 30, lr: 1e200, threads: 1 }), {
    message:
      /^Training diverged in epoch \d+: the loss became (NaN|Infinity); try a smaller learning rate than 1e\+200$/,
  });
  await assert.rejects(seedFit(digits, { lr: -1 }), {
    message: "Cannot train: lr is -1, expected a number > 0",
  });
});

Deno.test("fit() rejects images that do not fit the network", async () => {
  const digits = randomDigits(createRng(1), 3);
  await assert.rejects(
    fit(digits, { network: initParams(createRng(1), [100, 10]), progress: false }),
    { message: "Cannot train: the network takes 100 inputs, and the images have 784" },
  );
});

Deno.test("fit() on wasm follows the float64 trajectory on real digits", async () => {
  const digits = await mnistTest(2000);
  const ts = await seedFit(digits, { epochs: 100, seed: 3, backend: "typescript", threads: 1 });
  const wasm = await seedFit(digits, { epochs: 100, seed: 3, backend: "wasm", threads: 2 });
  assert.equal(wasm.backend, "wasm");
  const diff = maxParamDifference(toParams(ts.network), toParams(wasm.network));
  assert.ok(diff < 1e-4, `max weight difference after 100 iterations: ${diff}`);
  ts.history.forEach((p, i) =>
    assert.ok(
      Math.abs(p.trainAccuracy - wasm.history[i].trainAccuracy) <= 2 / 2000,
      `accuracy at ${i}`,
    )
  );
});

Deno.test("fit() runs on the engine chooseEngine() picks; the fused kernel's limits", async () => {
  const digits = randomDigits(createRng(2), 40);
  const wide = await seedFit(digits, { epochs: 2, layers: "dense32" });
  assert.deepEqual([wide.engine, wide.backend], ["batch", "wasm"]);
  const seed = await seedFit(digits, { epochs: 2 });
  assert.deepEqual([seed.engine, seed.backend], ["fused", "wasm"]);
  const fallback = await seedFit(digits, { epochs: 2, backend: "typescript" });
  assert.deepEqual([fallback.engine, fallback.backend], ["fused", "typescript"]);
  await assert.rejects(
    seedFit(digits, { epochs: 2, layers: "dense32", backend: "wasm", originalBiasGradient: true }),
    { message: "Cannot run the WebAssembly kernel: it takes at most 20 first-layer units, not 32" },
  );
  assert.equal(wasmUnfit([784, 20, 10]), undefined);
  // W1ᵀ's rows (80 bytes each for 20 units) must all start below 64 KiB
  assert.equal(wasmUnfit([807, 20, 10]), undefined);
  assert.equal(wasmUnfit([808, 20, 10]), "it takes at most 807 inputs");
  assert.equal(
    wasmUnfit([784, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10]),
    "it takes at most 8 layers, not 10",
  );
});
