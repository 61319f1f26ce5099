import assert from "node:assert/strict";
import {
  createEngine,
  createRng,
  evaluate,
  forwardProp,
  gradientDescent,
  initParams,
  maxParamDifference,
  pixelsToX,
  train,
} from "../../lib/mod.ts";
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
    `train() on the ${engine} engine, ${backend}, equals gradientDescent(): ${sizes.join("-")}` +
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
      const fast = await train(digits, {
        iterations: 4,
        alpha: 0.5,
        params: start,
        threads,
        originalBiasGradient,
        backend,
        engine,
      });
      const diff = maxParamDifference(fast.params, textbook.params);
      assert.ok(diff <= TOLERANCE[backend], `${threads} threads: max weight difference ${diff}`);
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

Deno.test("train() is deterministic: same seed, identical weights bit for bit, also with workers", async () => {
  const digits = await mnistTest(400);
  for (
    const [threads, backend] of [[1, "typescript"], [2, "typescript"], [1, "wasm"], [
      2,
      "wasm",
    ]] as const
  ) {
    const a = await train(digits, { iterations: 20, seed: 7, threads, backend });
    const b = await train(digits, { iterations: 20, seed: 7, threads, backend });
    assert.deepEqual(a.params, b.params);
    assert.deepEqual(a.history, b.history);
  }
  const other = await train(digits, { iterations: 20, seed: 8, threads: 1 });
  const one = await train(digits, { iterations: 20, seed: 7, threads: 1 });
  assert.notDeepEqual(other.params, one.params);
});

for (const backend of ["typescript", "wasm"] as const) {
  Deno.test(`train() on ${backend} gives the same bits with 1, 2, 3, 4 and 8 threads`, async () => {
    // 3,500 samples: two blocks of sums, the second one ragged.
    const digits = await mnistTest(3500);
    const one = await train(digits, { iterations: 8, seed: 3, threads: 1, backend });
    for (const threads of [2, 3, 4, 8]) {
      const many = await train(digits, { iterations: 8, seed: 3, threads, backend });
      assert.equal(many.threads, threads);
      assert.equal(maxParamDifference(one.params, many.params), 0, `${threads} threads`);
      assert.deepEqual(many.history, one.history);
    }
  });
}

Deno.test("score() gives what the next step measures, and changes nothing", async () => {
  const digits = await mnistTest(300);
  for (const backend of ["typescript", "wasm"] as const) {
    const engine = await createEngine(digits, initParams(createRng(4)), { backend, threads: 2 });
    try {
      await engine.step(0.1);
      const before = engine.params();
      const scored = await engine.score();
      assert.deepEqual(engine.params(), before);
      assert.deepEqual(await engine.step(0.1), scored);
      assert.notDeepEqual(await engine.score(), scored);
    } finally {
      engine.close();
    }
  }
});

Deno.test("a closed engine refuses to step", async () => {
  const engine = await createEngine(await mnistTest(100), initParams(createRng(1)), {
    threads: 3,
  });
  await engine.step(0.1);
  engine.close();
  await assert.rejects(engine.step(0.1), { message: "Cannot use a closed engine" });
});

Deno.test("train() times its setup and its steps apart", async () => {
  const { seconds } = await train(await mnistTest(300), { iterations: 30 });
  assert.ok(seconds.setup > 0 && seconds.steps > 0, JSON.stringify(seconds));
  assert.ok(seconds.setup + seconds.steps <= seconds.total, JSON.stringify(seconds));
});

Deno.test("train() records the seed's history, dev checkpoints and a final point; loss falls", async () => {
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
  const { history } = await train(trainSet, {
    iterations: 50,
    dev,
    evalEvery: 20,
    onProgress: (point, total) => {
      assert.equal(total, 50);
      seen.push(point.iteration);
    },
  });
  assert.deepEqual(seen, Array.from({ length: 51 }, (_, i) => i));
  assert.deepEqual(history.filter((p) => p.devAccuracy !== undefined).map((p) => p.iteration), [
    0,
    20,
    40,
    50,
  ]);
  assert.ok(history[50].loss < history[0].loss);
  assert.ok(
    history[50].trainAccuracy > history[0].trainAccuracy + 0.1,
    `accuracy ${history[50].trainAccuracy}`,
  );
});

Deno.test("train() stops with one sentence when the loss diverges", async () => {
  const digits = await mnistTest(200);
  await assert.rejects(train(digits, { iterations: 30, alpha: 1e200, threads: 1 }), {
    message:
      /^Training diverged at iteration \d+: the loss became (NaN|Infinity); try a smaller alpha than 1e\+200$/,
  });
  await assert.rejects(train(digits, { alpha: -1 }), {
    message: "Cannot train with alpha -1: expected a positive number",
  });
});

Deno.test("createEngine() rejects images that do not fit the network", async () => {
  const digits = randomDigits(createRng(1), 3);
  await assert.rejects(createEngine(digits, initParams(createRng(1), [100, 10])), {
    message: "Cannot train on images of 784 pixels: the network takes 100",
  });
});

Deno.test("train() on wasm follows the float64 trajectory on real digits", async () => {
  const digits = await mnistTest(2000);
  const ts = await train(digits, { iterations: 100, seed: 3, backend: "typescript", threads: 1 });
  const wasm = await train(digits, { iterations: 100, seed: 3, backend: "wasm", threads: 2 });
  assert.equal(wasm.backend, "wasm");
  const diff = maxParamDifference(ts.params, wasm.params);
  assert.ok(diff < 1e-4, `max weight difference after 100 iterations: ${diff}`);
  ts.history.forEach((p, i) =>
    assert.ok(
      Math.abs(p.trainAccuracy - wasm.history[i].trainAccuracy) <= 2 / 2000,
      `accuracy at ${i}`,
    )
  );
});

Deno.test("train() runs on the engine chooseEngine() picks; the fused kernel's limits", async () => {
  const digits = randomDigits(createRng(2), 40);
  const wide = await train(digits, { iterations: 2, sizes: [784, 32, 10] });
  assert.deepEqual([wide.engine, wide.backend], ["batch", "wasm"]);
  const seed = await train(digits, { iterations: 2 });
  assert.deepEqual([seed.engine, seed.backend], ["fused", "wasm"]);
  const fallback = await train(digits, { iterations: 2, backend: "typescript" });
  assert.deepEqual([fallback.engine, fallback.backend], ["fused", "typescript"]);
  await assert.rejects(
    train(digits, {
      iterations: 2,
      sizes: [784, 32, 10],
      backend: "wasm",
      originalBiasGradient: true,
    }),
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
