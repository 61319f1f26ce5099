import assert from "node:assert/strict";
import { chooseEngine, denseLayers, type EngineJob, fusedIsFastest } from "../all.ts";

/** A job for a dense network of `sizes` on 1,000 images: a plain full batch unless told. */
function job(sizes: number[], o: Partial<EngineJob> = {}): EngineJob {
  return {
    network: { input: [sizes[0]], layers: denseLayers(sizes), params: [] },
    m: 1000,
    batchSize: 1000,
    optimizer: "sgd",
    weightDecay: 0,
    augment: 0,
    ...o,
  };
}
const picked = (j: EngineJob) => {
  const { name, backend } = chooseEngine(j);
  return { engine: name, backend };
};

Deno.test("chooseEngine() takes the fused engine for plain full batches it runs fastest", () => {
  assert.deepEqual(picked(job([784, 10, 10, 10])), { engine: "fused", backend: "wasm" });
  assert.deepEqual(picked(job([784, 12, 64, 10])).engine, "fused");
  // Wider first layers, or much work after a small one: the mini-batch engine's products.
  for (const sizes of [[784, 128, 64, 10], [784, 16, 16, 10], [784, 8, 10], [784, 12, 128, 10]]) {
    assert.deepEqual(picked(job(sizes)), { engine: "batch", backend: "wasm" });
  }
  // Mini-batches, whatever the sizes; and a full batch that is not plain gradient descent.
  assert.deepEqual(picked(job([784, 10, 10, 10], { batchSize: 128 })), {
    engine: "batch",
    backend: "wasm",
  });
  for (const o of [{ optimizer: "adam" }, { augment: 1 }, { weightDecay: 1e-4 }] as const) {
    assert.equal(picked(job([784, 10, 10, 10], o)).engine, "batch", JSON.stringify(o));
  }
  // A dense network given with a flatten first (on 1×28×28 images) is the same dense chain.
  const flat = job([784, 10, 10, 10]);
  flat.network = {
    input: [1, 28, 28],
    layers: [{ kind: "flatten" }, ...flat.network.layers],
    params: [],
  };
  assert.equal(picked(flat).engine, "fused");
});

Deno.test("chooseEngine() keeps the seed's bias gradient on the fused engine", () => {
  const seed = { originalBiasGradient: true };
  assert.deepEqual(picked(job([784, 10, 10, 10], seed)), { engine: "fused", backend: "wasm" });
  // Too wide for the fused WebAssembly kernel: its TypeScript kernel takes any sizes.
  assert.deepEqual(picked(job([784, 128, 10], seed)), { engine: "fused", backend: "typescript" });
  assert.throws(() => chooseEngine(job([784, 10, 10], { ...seed, engine: "batch" })), {
    message: "Cannot run the seed's scalar bias gradient on another engine than fused",
  });
  assert.throws(() => chooseEngine(job([784, 10, 10], { ...seed, batchSize: 100 })), {
    message:
      "Cannot use the seed's scalar bias gradient here: it belongs to the seed's loop, full-batch gradient descent of a dense network (sgd, every image, no shifts)",
  });
});

Deno.test("chooseEngine() runs TypeScript when asked, and pins an engine when asked", () => {
  const sizes = [784, 128, 10];
  assert.deepEqual(picked(job(sizes, { backend: "typescript" })), {
    engine: "fused",
    backend: "typescript",
  });
  assert.deepEqual(picked(job(sizes, { batchSize: 100, backend: "typescript" })), {
    engine: "batch",
    backend: "typescript",
  });
  assert.deepEqual(picked(job([784, 10, 10, 10], { engine: "batch" })), {
    engine: "batch",
    backend: "wasm",
  });
  assert.throws(() => chooseEngine(job(sizes, { batchSize: 100, engine: "fused" })), {
    message:
      "Cannot run this training on the fused engine: it takes full-batch steps of a dense network (sgd, every image, no shifts)",
  });
  // Rotated images: the dense engines shift sparse rows only, so the convolution engine's
  // readable layers train them.
  const distort = { degrees: 10, scale: 0.1 };
  assert.deepEqual(picked(job(sizes, { batchSize: 100, distort })), {
    engine: "conv",
    backend: "typescript",
  });
  assert.throws(() => chooseEngine(job(sizes, { batchSize: 100, distort, engine: "batch" })), {
    message:
      "Cannot run this training on the mini-batch engine: it takes chains of dense layers, shifted but not rotated",
  });
});

Deno.test("fusedIsFastest() holds for 9–12 first-layer units and little work after them", () => {
  assert.deepEqual(
    [8, 9, 12, 13].map((n) => fusedIsFastest([784, n, 10])),
    [false, true, true, false],
  );
  assert.equal(fusedIsFastest([784, 10, 32, 32, 10]), true); // 320 + 1024 + 320 ≤ 2048
  assert.equal(fusedIsFastest([784, 10, 64, 64, 10]), false); // 640 + 4096 + 640
});
