/**
 * Batch normalisation against PyTorch's `BatchNorm2d` and `BatchNorm1d` from the same γ, β and
 * batches (`fixtures/batch_norm_torch.py` wrote what PyTorch gave): every output, every gradient,
 * the running statistics after each of three training steps, and the evaluation pass.
 */

import assert from "node:assert/strict";
import {
  type Batch,
  batchNormBackward,
  batchNormEvaluate,
  batchNormTrain,
  createRng,
  initNetwork,
  type LayerParams,
  networkForward,
  parseLayers,
} from "../all.ts";

interface TorchStep {
  X: number[];
  G: number[];
  Y: number[];
  dX: number[];
  dgamma: number[];
  dbeta: number[];
  runningMean: number[];
  runningVar: number[];
}
interface TorchCase {
  shape: number[];
  gamma: number[];
  beta: number[];
  steps: TorchStep[];
  evaluation: number[];
}

const cases: Record<string, TorchCase> = JSON.parse(
  await Deno.readTextFile(new URL("./fixtures/batch_norm_torch.json", import.meta.url)),
);

/**
 * Both sides compute the same float64 formulas, summing ≤ 64 values of size ≲ 10 in different
 * orders: each sum's rounding is at most 64 · 2⁻⁵³ · 10 ≈ 7·10⁻¹⁴ of the scale, a few such sums
 * deep. 10⁻¹² of max(1, |value|) bounds that with room; a wrong term is off by far more.
 */
function assertClose(actual: ArrayLike<number>, expected: number[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const error = Math.abs(actual[i] - expected[i]);
    assert.ok(
      error <= 1e-12 * Math.max(1, Math.abs(expected[i])),
      `${what}[${i}]: ${actual[i]} against PyTorch's ${expected[i]}`,
    );
  }
}

for (const [name, c] of Object.entries(cases)) {
  Deno.test(`batch normalisation of ${name} equals PyTorch's: outputs, gradients, running statistics, evaluation`, () => {
    const [m, ...shape] = c.shape, C = shape[0];
    const p: LayerParams = {
      gamma: Float64Array.from(c.gamma),
      beta: Float64Array.from(c.beta),
      runningMean: new Float64Array(C),
      runningVar: new Float64Array(C).fill(1),
    };
    c.steps.forEach((step, s) => {
      const X: Batch = { m, shape, data: Float64Array.from(step.X) };
      const { Y, xhat, invStd } = batchNormTrain(X, p);
      assertClose(Y.data, step.Y, `step ${s + 1} Y`);
      const dY: Batch = { m, shape, data: Float64Array.from(step.G) };
      const back = batchNormBackward(X, p, dY, { xhat, invStd });
      assertClose(back.dX.data, step.dX, `step ${s + 1} dX`);
      assertClose(back.dgamma, step.dgamma, `step ${s + 1} dγ`);
      assertClose(back.dbeta, step.dbeta, `step ${s + 1} dβ`);
      assertClose(p.runningMean, step.runningMean, `step ${s + 1} running mean`);
      assertClose(p.runningVar, step.runningVar, `step ${s + 1} running var`);
    });
    const last = c.steps.at(-1)!;
    const evaluated = batchNormEvaluate({ m, shape, data: Float64Array.from(last.X) }, p);
    assertClose(evaluated.data, c.evaluation, "evaluation");
  });
}

Deno.test("a network's forward pass evaluates unless told it trains: bn by running statistics, dropout as the identity", () => {
  const rng = createRng(4);
  const net = initNetwork(parseLayers("conv3x4,bn,dropout0.5,dense8,bn"), rng);
  const X: Batch = {
    m: 3,
    shape: [1, 28, 28],
    data: Float64Array.from({ length: 3 * 784 }, () => rng.uniform()),
  };
  const before = net.params.map((p) => p && { ...p, runningMean: p.runningMean?.slice() });
  const evaluated = networkForward(net, X);
  // Evaluation changes no buffer, and with fresh statistics (mean 0, var 1, γ 1, β 0) a bn
  // layer is y = x / √(1 + ε): the dropout passes everything through.
  net.params.forEach((p, l) => {
    if (p?.runningMean) assert.deepEqual(p.runningMean, before[l]!.runningMean);
  });
  const conv = evaluated.A[2], bn = evaluated.A[3], dropped = evaluated.A[4];
  bn.data.forEach((y, k) => assert.ok(Math.abs(y - conv.data[k] / Math.sqrt(1 + 1e-5)) < 1e-15));
  assert.deepEqual(dropped.data, bn.data);
  // Training normalises by the batch: each channel of the bn output has mean 0 (β) over the batch,
  // and moves the running mean towards the batch's.
  const trained = networkForward(net, X, { training: true, seed: 9, first: 0 });
  const [C, H, W] = trained.A[3].shape;
  for (let c = 0; c < C; c++) {
    let sum = 0;
    for (let j = 0; j < 3; j++) {
      for (let q = 0; q < H * W; q++) sum += trained.A[3].data[(j * C + c) * H * W + q];
    }
    assert.ok(Math.abs(sum / (3 * H * W)) < 1e-12, `channel ${c} has mean ${sum / (3 * H * W)}`);
  }
  assert.ok(net.params[2]!.runningMean.some((v) => v !== 0), "the running mean moved");
  // About half of the dropout's outputs are 0 in training, the rest doubled.
  const zeros = trained.A[4].data.filter((v, k) => v === 0 && trained.A[3].data[k] !== 0).length;
  assert.ok(zeros > 0.4 * trained.A[4].data.length && zeros < 0.6 * trained.A[4].data.length);
});
