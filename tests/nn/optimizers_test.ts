import assert from "node:assert/strict";
import {
  applyOptimizer,
  createOptimizerState,
  fromRows,
  optimizerDefaults,
  type OptimizerOptions,
  parameterLengths,
  type Params,
} from "../all.ts";

// One weight θ = 1 and one bias 0; the gradients of two steps are (0.5, −2) then (0.25, 1).
function run(options: OptimizerOptions, lr = 0.1): number[][] {
  const params: Params = { sizes: [1, 1], W: [fromRows([[1]])], b: [fromRows([[0]])] };
  const state = createOptimizerState(parameterLengths(params), options);
  const steps: number[][] = [];
  for (const [gW, gb] of [[0.5, -2], [0.25, 1]]) {
    applyOptimizer(params, { dW: [fromRows([[gW]])], db: [fromRows([[gb]])] }, lr, state, options);
    steps.push([params.W[0].data[0], params.b[0].data[0]]);
  }
  return steps;
}

const close = (actual: number[][], expected: number[][]) =>
  actual.flat().forEach((v, k) =>
    assert.ok(Math.abs(v - expected.flat()[k]) < 1e-12, `${v} ≠ ${expected.flat()[k]}`)
  );

Deno.test("applyOptimizer() sgd: θ ← θ − η·g", () => {
  close(run({ optimizer: "sgd" }), [[0.95, 0.2], [0.925, 0.1]]);
});

Deno.test("applyOptimizer() momentum: v ← μ·v + g, θ ← θ − η·v", () => {
  // v = 0.5 → θ = 0.95; v = 0.9·0.5 + 0.25 = 0.7 → θ = 0.95 − 0.07 = 0.88
  // bias: v = −2 → 0.2; v = −1.8 + 1 = −0.8 → 0.2 + 0.08 = 0.28
  close(run({ optimizer: "momentum", momentum: 0.9 }), [[0.95, 0.2], [0.88, 0.28]]);
});

Deno.test("applyOptimizer() Nesterov: θ ← θ − η·(g + μ·v)", () => {
  // step 1: v = 0.5, θ = 1 − 0.1·(0.5 + 0.45) = 0.905; bias: v = −2, b = 0.1·(2 + 1.8) = 0.38
  // step 2: v = 0.7, θ = 0.905 − 0.1·(0.25 + 0.63) = 0.817; bias: v = −0.8, b = 0.38 − 0.1·(1 − 0.72)
  close(run({ optimizer: "momentum", nesterov: true }), [[0.905, 0.38], [0.817, 0.352]]);
});

Deno.test("applyOptimizer() Adam: the first step is η·sign(g), bias-corrected after", () => {
  // Values from the update equations, computed independently in float64 (Python).
  const [[w1, b1], [w2]] = run({ optimizer: "adam" });
  assert.ok(Math.abs(w1 - 0.900000002) < 1e-15, String(w1));
  assert.ok(Math.abs(b1 - 0.1) < 1e-9, String(b1));
  assert.ok(Math.abs(w2 - 0.8067820404774624) < 1e-15, String(w2));
});

Deno.test("applyOptimizer() decays the weights by λ and leaves the biases alone", () => {
  // g = 0.5 + 0.1·1 = 0.6 → θ = 0.94; the bias moves as without decay
  const [[w, b]] = run({ optimizer: "sgd", weightDecay: 0.1 });
  assert.ok(Math.abs(w - 0.94) < 1e-15);
  assert.equal(b, 0.2);
  const [[wm]] = run({ optimizer: "momentum", weightDecay: 0.1 });
  assert.ok(Math.abs(wm - 0.94) < 1e-15, "momentum's first step is sgd's");
});

Deno.test("optimizerDefaults() rejects unknown optimizers and out-of-range options", () => {
  assert.equal(optimizerDefaults().optimizer, "sgd");
  assert.throws(() => optimizerDefaults({ optimizer: "rmsprop" as "sgd" }), {
    message: 'Cannot use optimizer "rmsprop": expected one of sgd, momentum, adam',
  });
  assert.throws(() => optimizerDefaults({ momentum: 1 }), {
    message: "Cannot use momentum 1: expected 0 ≤ momentum < 1",
  });
  assert.throws(() => optimizerDefaults({ weightDecay: -1 }), {
    message: "Cannot use weight decay -1: expected a number ≥ 0",
  });
});
