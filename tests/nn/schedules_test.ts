import assert from "node:assert/strict";
import { batchRate, learningRate } from "../all.ts";

Deno.test("learningRate() constant keeps the base rate", () => {
  assert.deepEqual([0, 5, 9].map((e) => learningRate(0.1, e, 10)), [0.1, 0.1, 0.1]);
});

Deno.test("learningRate() step multiplies by γ every s epochs", () => {
  const rates = [0, 2, 3, 5, 6].map((e) =>
    learningRate(1, e, 9, { schedule: "step", stepSize: 3, gamma: 0.5 })
  );
  assert.deepEqual(rates, [1, 1, 0.5, 0.5, 0.25]);
  assert.equal(learningRate(1, 3, 9, { schedule: "step" }), 0.1, "default: a third, γ = 0.1");
  assert.throws(() => learningRate(1, 0, 9, { schedule: "step", gamma: 2 }), {
    message: "Cannot use gamma 2: expected 0 < gamma ≤ 1",
  });
});

Deno.test("learningRate() cosine goes from η₀ down towards 0", () => {
  const rates = [0, 5, 10].map((e) => learningRate(0.2, e, 10, { schedule: "cosine" }));
  assert.equal(rates[0], 0.2);
  assert.ok(Math.abs(rates[1] - 0.1) < 1e-15);
  assert.ok(Math.abs(rates[2]) < 1e-15);
  assert.throws(() => learningRate(1, 0, 1, { schedule: "linear" as "step" }), {
    message: 'Cannot use schedule "linear": expected one of constant, step, cosine, onecycle',
  });
});

Deno.test("batchRate() onecycle climbs from η₀/25 to η₀ in 30% of the batches, then to 0", () => {
  // 2 epochs of 10 batches: batch 6 of 20 is the peak; the last batch is one step above 0.
  const rate = (e: number, b: number) => batchRate(1, e, b, 10, 2, { schedule: "onecycle" });
  assert.equal(rate(0, 0), 1 / 25);
  assert.ok(Math.abs(rate(0, 3) - (1 / 25 + (24 / 25) * 0.5)) < 1e-15, "half-way up");
  assert.equal(rate(0, 6), 1);
  assert.ok(Math.abs(rate(1, 3) - (1 - 0.35 / 0.7)) < 1e-15, "half-way down");
  assert.ok(Math.abs(rate(1, 9) - 0.05 / 0.7) < 1e-15);
  assert.equal(learningRate(1, 1, 2, { schedule: "onecycle" }), rate(1, 0), "an epoch's first");
  assert.equal(
    batchRate(0.2, 5, 3, 10, 10, { schedule: "cosine" }),
    0.1 + 0.1 * Math.cos(Math.PI / 2),
  );
});
