import assert from "node:assert/strict";
import { learningRate } from "../all.ts";

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
    message: 'Cannot use schedule "linear": expected one of constant, step, cosine',
  });
});
