import assert from "node:assert/strict";
import { chooseEngine, fusedIsFastest } from "../../lib/mod.ts";

Deno.test("chooseEngine() takes the fused engine for plain full batches it runs fastest", () => {
  const plain = { plainFullBatch: true };
  assert.deepEqual(chooseEngine({ ...plain, sizes: [784, 10, 10, 10] }), {
    engine: "fused",
    backend: "wasm",
  });
  assert.deepEqual(chooseEngine({ ...plain, sizes: [784, 12, 64, 10] }).engine, "fused");
  // Wider first layers, or much work after a small one: the mini-batch engine's products.
  for (const sizes of [[784, 128, 64, 10], [784, 16, 16, 10], [784, 8, 10], [784, 12, 128, 10]]) {
    assert.deepEqual(chooseEngine({ ...plain, sizes }), { engine: "batch", backend: "wasm" });
  }
  // Mini-batches, whatever the sizes.
  assert.deepEqual(chooseEngine({ plainFullBatch: false, sizes: [784, 10, 10, 10] }), {
    engine: "batch",
    backend: "wasm",
  });
});

Deno.test("chooseEngine() keeps the seed's bias gradient on the fused engine", () => {
  const plan = { plainFullBatch: true, originalBiasGradient: true };
  assert.deepEqual(chooseEngine({ ...plan, sizes: [784, 10, 10, 10] }), {
    engine: "fused",
    backend: "wasm",
  });
  // Too wide for the fused WebAssembly kernel: its TypeScript kernel takes any sizes.
  assert.deepEqual(chooseEngine({ ...plan, sizes: [784, 128, 10] }), {
    engine: "fused",
    backend: "typescript",
  });
  assert.throws(() => chooseEngine({ ...plan, sizes: [784, 10, 10], engine: "batch" }), {
    message: "Cannot run the seed's scalar bias gradient on the mini-batch engine",
  });
});

Deno.test("chooseEngine() runs TypeScript when asked, and pins an engine when asked", () => {
  const sizes = [784, 128, 10];
  assert.deepEqual(chooseEngine({ plainFullBatch: true, sizes, backend: "typescript" }), {
    engine: "fused",
    backend: "typescript",
  });
  assert.deepEqual(chooseEngine({ plainFullBatch: false, sizes, backend: "typescript" }), {
    engine: "batch",
    backend: "typescript",
  });
  assert.deepEqual(
    chooseEngine({ plainFullBatch: true, sizes: [784, 10, 10, 10], engine: "batch" }),
    { engine: "batch", backend: "wasm" },
  );
  assert.throws(() => chooseEngine({ plainFullBatch: false, sizes, engine: "fused" }), {
    message: "Cannot run mini-batches on the fused engine: it takes full-batch steps",
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
