import assert from "node:assert/strict";
import {
  createRng,
  fit,
  type FitOptions,
  initParams,
  maxParamDifference,
  miniBatchGradientDescent,
  type MiniBatchOptions,
  type OptimizerName,
  toParams,
} from "../all.ts";
import { chunkCount } from "../../lib/engine/batch/engine.ts";
import { mnistTest } from "../helpers.ts";

/** A dense network of layer sizes `sizes` as `fit` takes it, on the mini-batch engine. */
const dense = (sizes: readonly number[]): FitOptions => ({
  layers: sizes.slice(1, -1).map((n) => `dense${n}`).join(","),
  input: [sizes[0]],
  engine: "batch",
  progress: false,
});

// The TypeScript kernel adds the same float64 products as the readable functions, in another
// order (sample by sample, chunk by chunk): the weights differ only by rounding, far below 1e-10
// after a few steps.
const SHAPES = [[784, 10, 10, 10], [784, 32, 10], [784, 256, 128, 10], [784, 24, 16, 12, 10]];
const OPTIMIZERS: OptimizerName[] = ["sgd", "momentum", "adam"];
const m = 130; // batches of 128 leave a ragged batch of 2

/** The cases: every shape × batch size × optimizer, shifts on every other one. */
function cases(): { sizes: number[]; options: MiniBatchOptions; run: number }[] {
  const list = [];
  let run = 0;
  for (const sizes of SHAPES) {
    for (const batchSize of [1, 7, 128, m]) {
      for (const optimizer of OPTIMIZERS) {
        const augment = run++ % 2 === 0 ? 0 : 2;
        // η = 0.05 with momentum 0.9 at batch 1 is a step of 0.5 per image: chaotic, and chaos
        // amplifies rounding. A smaller η there keeps the comparison about the arithmetic.
        const lr = optimizer === "adam" ? 0.002 : batchSize === 1 ? 0.01 : 0.05;
        const options: MiniBatchOptions = {
          epochs: 2,
          batchSize,
          lr,
          optimizer,
          nesterov: batchSize === 7,
          weightDecay: batchSize === 128 ? 1e-3 : 0,
          schedule: "cosine",
          augment,
        };
        list.push({ sizes, options, run });
      }
    }
  }
  return list;
}

// The WebAssembly backend runs each pass in float32 (unit rounding 6e-8; a sum of up to 784
// terms carries a relative error of 1e-6 at worst) and keeps the weights and the optimizer in
// float64. With sgd and momentum an error of 1e-6 in a gradient moves a weight by η·1e-6 per
// step: after 2 epochs the weights agree to 1e-6 (measured: 2e-8 and 3e-7). Adam divides each
// gradient by its running RMS, so a coordinate whose gradient is tiny — a pixel lit in one
// image, a sum that nearly cancels — keeps fewer correct digits in float32 and still takes a
// step of about η: for these shapes the weights agree to 2.5% of η (measured: 1.8e-5 = 0.9% of
// η = 0.002). And ReLU′ is a step at z = 0: a pre-activation within float32 rounding of 0 can
// take the other side of it, and that unit's weights then move by about η·|its gradient|. With
// these shapes no such sample turned up; with layers of 1,024 units (thousands of activations a
// batch) one does within a few steps (measured: 2e-4 after three sgd steps on 784-1024×5-10,
// 1e-9 after the first), so the deep network below is compared over one step.
// The losses, averages over every weight, agree to 1e-6 (measured: 8e-8).
const TOLERANCE = {
  typescript: () => 1e-10,
  wasm: (o: MiniBatchOptions) => o.optimizer === "adam" ? 0.025 * o.lr : 1e-6,
};

for (const backend of ["typescript", "wasm"] as const) {
  for (const sizes of SHAPES) {
    Deno.test(`fit() on ${backend} equals miniBatchGradientDescent() for ${sizes.join("-")}`, async () => {
      const digits = await mnistTest(m);
      for (const { options, run } of cases().filter((c) => c.sizes === sizes)) {
        const rng = createRng(run);
        const readable = miniBatchGradientDescent(digits, initParams(rng, sizes), rng, options);
        const fast = await fit(digits, {
          ...options,
          seed: run,
          ...dense(sizes),
          threads: 2,
          backend,
        });
        const what = `${options.optimizer}, batch ${options.batchSize}, shifts ±${options.augment}`;
        const diff = maxParamDifference(toParams(readable.network), toParams(fast.network));
        const tolerance = TOLERANCE[backend](options);
        assert.ok(diff <= tolerance, `${what}: weights differ by ${diff} > ${tolerance}`);
        assert.equal(fast.history.length, options.epochs, `${what}: one point per epoch`);
        assert.equal(readable.history.length, options.epochs);
        for (const [e, point] of fast.history.entries()) {
          const lossTolerance = backend === "wasm" ? 1e-6 : 1e-10;
          assert.ok(
            Math.abs(point.loss - readable.history[e].loss) < lossTolerance,
            `${what}: loss`,
          );
          if (backend === "typescript") {
            assert.equal(
              point.trainAccuracy,
              readable.history[e].trainAccuracy,
              `${what}: accuracy`,
            );
          }
          assert.equal(point.lr, readable.history[e].lr);
        }
      }
    });
  }
}

for (const backend of ["typescript", "wasm"] as const) {
  Deno.test(`fit() on ${backend} gives the same bits with 1, 2, 3, 4 and 8 threads`, async () => {
    const digits = await mnistTest(300);
    for (const batchSize of [7, 128, 300]) {
      const options = {
        ...dense([784, 32, 16, 10]),
        epochs: 2,
        batchSize,
        optimizer: "adam",
        augment: 1,
        seed: 5,
      } as const;
      const one = await fit(digits, { ...options, threads: 1, backend });
      for (const threads of [2, 3, 4, 8]) {
        const many = await fit(digits, { ...options, threads, backend });
        assert.equal(many.threads, threads);
        assert.equal(
          maxParamDifference(toParams(one.network), toParams(many.network)),
          0,
          `batch ${batchSize}: ${threads} threads`,
        );
        assert.deepEqual(many.history.map((p) => p.loss), one.history.map((p) => p.loss));
      }
    }
  });
}

Deno.test("fit() on wasm equals the readable loop for batches past the column-wise limit", async () => {
  // Batches of more than 1024 samples take the first layer's gradient chunk by chunk.
  const digits = await mnistTest(1500);
  for (const [batchSize, optimizer] of [[1500, "sgd"], [1100, "adam"]] as const) {
    const options: MiniBatchOptions = {
      epochs: 2,
      batchSize,
      lr: optimizer === "adam" ? 0.002 : 0.1,
      optimizer,
      augment: 1,
    };
    const sizes = [784, 40, 10];
    const rng = createRng(2);
    const readable = miniBatchGradientDescent(digits, initParams(rng, sizes), rng, options);
    const fast = await fit(digits, {
      ...options,
      seed: 2,
      ...dense(sizes),
      threads: 3,
      backend: "wasm",
    });
    const diff = maxParamDifference(toParams(readable.network), toParams(fast.network));
    assert.ok(
      diff <= TOLERANCE.wasm(options),
      `${optimizer}, batch ${batchSize}: weights differ by ${diff}`,
    );
    const one = await fit(digits, {
      ...options,
      seed: 2,
      ...dense(sizes),
      threads: 1,
      backend: "wasm",
    });
    assert.equal(
      maxParamDifference(toParams(one.network), toParams(fast.network)),
      0,
      "1 and 3 threads",
    );
  }
});

Deno.test("fit() runs 8 layers of 1,024 units as the readable loop does", async () => {
  // Two steps of 64 images, in two chunks each. TypeScript: to rounding. WebAssembly: each
  // layer's update (after − before) against the readable one's, relative to its size, so that a
  // wrong update of any layer fails however small its weights move: float32 passes carry a
  // relative error of ~1e-6 per gradient, and a ReLU′ flip (a pre-activation within float32
  // rounding of 0, about one in a million at 458,752 activations a step) moves one unit's
  // weights by a share of that unit's own update; 1% of the layer's largest change bounds both.
  const digits = await mnistTest(128);
  const sizes = [784, 1024, 1024, 1024, 1024, 1024, 1024, 1024, 10];
  const options: MiniBatchOptions = { epochs: 1, batchSize: 64, lr: 0.05, augment: 1 };
  const start = initParams(createRng(1), sizes);
  const rng = createRng(1);
  const readable = miniBatchGradientDescent(digits, initParams(rng, sizes), rng, options);
  for (const backend of ["typescript", "wasm"] as const) {
    const fast = await fit(digits, { ...options, seed: 1, ...dense(sizes), threads: 2, backend });
    const tolerance = backend === "wasm" ? 1e-2 : 1e-8;
    for (const [l, W] of start.W.entries()) {
      for (
        const [name, before, r, f] of [
          [
            `W${l + 1}`,
            W.data,
            toParams(readable.network).W[l].data,
            toParams(fast.network).W[l].data,
          ],
          [
            `b${l + 1}`,
            start.b[l].data,
            toParams(readable.network).b[l].data,
            toParams(fast.network).b[l].data,
          ],
        ] as const
      ) {
        let largest = 0, error = 0;
        for (let i = 0; i < before.length; i++) {
          const step = r[i] - before[i];
          largest = Math.max(largest, Math.abs(step));
          error = Math.max(error, Math.abs(f[i] - before[i] - step));
        }
        assert.ok(largest > 0, `${name} moved`);
        assert.ok(
          error <= tolerance * largest,
          `${backend}: ${name}'s update differs by ${error}, ${
            error / largest
          } of its largest change`,
        );
      }
    }
    assert.equal(fast.history.length, 1);
    const loss = Math.abs(fast.history[0].loss - readable.history[0].loss);
    assert.ok(loss < (backend === "wasm" ? 1e-6 : 1e-12), `${backend}: losses differ by ${loss}`);
  }
});

Deno.test("chunkCount() depends on the batch size alone", () => {
  assert.deepEqual([1, 32, 33, 128, 41000].map(chunkCount), [1, 1, 2, 4, 16]);
});

Deno.test("fit() reaches 85% on 2,000 digits in 3 epochs with Adam, and says so per epoch", async () => {
  const digits = await mnistTest(2000);
  const dev = await mnistTest(300, 5000);
  const epochs: number[] = [];
  const { history } = await fit(digits, {
    ...dense([784, 64, 10]),
    optimizer: "adam",
    epochs: 3,
    batchSize: 32,
    dev,
    onEpoch: (point) => void epochs.push(point.epoch),
    engine: "auto",
  });
  assert.deepEqual(epochs, [1, 2, 3]);
  assert.ok(history[2].devAccuracy! > 0.85, `dev accuracy ${history[2].devAccuracy}`);
  assert.ok(history[2].seconds! > 0);
});

Deno.test("fit() rejects what it cannot do, in one sentence", async () => {
  const digits = await mnistTest(20);
  const net = dense([784, 10, 10, 10]);
  await assert.rejects(fit(digits, { ...net, batchSize: 0 }), {
    message: 'Cannot train: batchSize is 0, expected a whole number ≥ 1 or "all"',
  });
  await assert.rejects(fit(digits, { ...net, batchSize: 21 }), {
    message:
      'Cannot train: batchSize is 21, more than the 20 training images ("all" takes them all)',
  });
  await assert.rejects(fit(digits, { ...net, optimizer: "lbfgs" as "sgd" }), {
    message: 'Cannot train: optimizer is "lbfgs", expected "sgd", "momentum" or "adam"',
  });
  await assert.rejects(fit(digits, { ...net, lr: 1e300, epochs: 2, batchSize: 20 }), {
    message: /^Training diverged in epoch \d: the loss became (NaN|Infinity)/,
  });
});
