/**
 * Padding and stride: a padded convolution is the valid one on the input framed in zeros, a
 * strided one is the valid one read every s-th position — forward and backward — and every kind,
 * the training-mode ones (batch normalisation, dropout) too, matches central differences.
 */

import assert from "node:assert/strict";
import {
  type Batch,
  convBackward,
  convForward,
  createRng,
  initNetwork,
  layerShapes,
  type Network,
  networkBackward,
  networkForward,
  parameterArrays,
  parseLayers,
  zeros,
} from "../all.ts";

const random = (rng: ReturnType<typeof createRng>, n: number) =>
  Float64Array.from({ length: n }, () => rng.normal());

/** Every value of `a` equal to `b`'s within float64 rounding of sums of ≤ 75 terms of size ≲ 10. */
function assertNear(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  assert.equal(a.length, b.length, `${what}: length`);
  for (let i = 0; i < a.length; i++) {
    assert.ok(Math.abs(a[i] - b[i]) < 1e-12, `${what}[${i}]: ${a[i]} against ${b[i]}`);
  }
}

Deno.test("a convolution padded by p is the valid convolution of the input framed in p zeros", () => {
  const rng = createRng(1);
  const [m, C, H, W, F, k, p] = [2, 2, 5, 6, 3, 3, 1];
  const X: Batch = { m, shape: [C, H, W], data: random(rng, m * C * H * W) };
  const K = random(rng, F * C * k * k), b = random(rng, F);
  const framed = zeros(m, [C, H + 2 * p, W + 2 * p]);
  for (let j = 0; j < m; j++) {
    for (let c = 0; c < C; c++) {
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
          framed.data[((j * C + c) * (H + 2 * p) + y + p) * (W + 2 * p) + x + p] =
            X.data[((j * C + c) * H + y) * W + x];
        }
      }
    }
  }
  const Y = convForward(X, K, b, k, 1, p);
  assert.deepEqual(Y.shape, [F, H, W]); // "same": 3×3 padded by 1
  assertNear(Y.data, convForward(framed, K, b, k).data, "Y");
  const dY: Batch = { m, shape: Y.shape, data: random(rng, Y.data.length) };
  const back = convBackward(X, K, k, dY, 1, p), framedBack = convBackward(framed, K, k, dY);
  assertNear(back.dW, framedBack.dW, "dW");
  assertNear(back.db, framedBack.db, "db");
  // dX is the framed input's gradient without its frame.
  for (let j = 0; j < m; j++) {
    for (let c = 0; c < C; c++) {
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
          const inner =
            framedBack.dX.data[((j * C + c) * (H + 2 * p) + y + p) * (W + 2 * p) + x + p];
          const got = back.dX.data[((j * C + c) * H + y) * W + x];
          assert.ok(Math.abs(got - inner) < 1e-12, `dX at ${j},${c},${y},${x}`);
        }
      }
    }
  }
});

Deno.test("a convolution at stride s is the valid convolution read at every s-th row and column", () => {
  const rng = createRng(2);
  const [m, C, H, W, F, k, s] = [2, 2, 9, 8, 3, 3, 2];
  const X: Batch = { m, shape: [C, H, W], data: random(rng, m * C * H * W) };
  const K = random(rng, F * C * k * k), b = random(rng, F);
  const full = convForward(X, K, b, k), [, Hf, Wf] = full.shape;
  const Y = convForward(X, K, b, k, s, 0), [, Ho, Wo] = Y.shape;
  assert.deepEqual(Y.shape, [F, Math.floor((H - k) / s) + 1, Math.floor((W - k) / s) + 1]);
  // dY of the strided convolution, spread with zeros between over the full one's positions.
  const dY: Batch = { m, shape: Y.shape, data: random(rng, Y.data.length) };
  const spread = zeros(m, full.shape);
  for (let j = 0; j < m; j++) {
    for (let f = 0; f < F; f++) {
      for (let y = 0; y < Ho; y++) {
        for (let x = 0; x < Wo; x++) {
          const o = ((j * F + f) * Ho + y) * Wo + x, i = ((j * F + f) * Hf + s * y) * Wf + s * x;
          assert.ok(Math.abs(Y.data[o] - full.data[i]) < 1e-12, `Y at ${j},${f},${y},${x}`);
          spread.data[i] = dY.data[o];
        }
      }
    }
  }
  const back = convBackward(X, K, k, dY, s, 0), fullBack = convBackward(X, K, k, spread);
  assertNear(back.dX.data, fullBack.dX.data, "dX");
  assertNear(back.dW, fullBack.dW, "dW");
  assertNear(back.db, fullBack.db, "db");
});

Deno.test("the short form reads stride and padding: conv5x32s2p2 halves 24×24 maps to 12×12", () => {
  const layers = parseLayers("conv3x8,conv3x8,conv5x8s2p2");
  assert.deepEqual(layers[4], { kind: "conv", size: 5, filters: 8, stride: 2, padding: 2 });
  assert.deepEqual(layerShapes(layers)[5], [8, 12, 12]);
  // Stride 1 and padding 0 are the defaults, left out of the description.
  assert.deepEqual(parseLayers("conv3x8s1p0")[0], { kind: "conv", size: 3, filters: 8 });
  assert.throws(() => parseLayers("conv3x8p3"), {
    message:
      "Cannot build conv3x8p3,relu,flatten,dense10 on 28×28 images: conv3x8p3 (layer 1) pads by 3, which leaves kernel positions that see nothing but padding: pad by less than the kernel's size 3",
  });
});

/** The mean loss of a training forward pass of `net` on (X, labels): dropout's masks fixed by the seed. */
const MODE = { training: true, seed: 17, first: 0 };
const lossOf = (net: Network, X: Batch, labels: number[]) =>
  networkBackward(net, networkForward(net, X, MODE), labels).loss;

Deno.test("networkBackward() matches central differences with padding, stride, bn and dropout in training mode (≤ 1e-6)", () => {
  const rng = createRng(7);
  const layers = parseLayers("conv3x3p1,bn,conv3x4s2p1,bn,dropout0.3,dense6,bn,dropout0.2", 4, [
    2,
    8,
    8,
  ]);
  const net = initNetwork(layers, rng, [2, 8, 8]);
  // Off every ReLU's kink (biases drawn), and γ, β away from 1, 0 so that their gradients matter.
  for (const p of net.params) {
    p?.b?.forEach((_, i, b) => b[i] = 0.1 * rng.normal());
    p?.gamma?.forEach((_, i, g) => g[i] = 1 + 0.3 * rng.normal());
    p?.beta?.forEach((_, i, b) => b[i] = 0.3 * rng.normal());
  }
  const m = 5, X: Batch = { m, shape: [2, 8, 8], data: random(rng, m * 128) };
  const labels = [0, 3, 1, 2, 1];
  const { grads } = networkBackward(net, networkForward(net, X, MODE), labels);
  // Central differences, error O(h²) and rounding ≈ 1e-16 / h, both far below 1e-6; a ReLU kink
  // within h of a value or a wrong term would show as an error of order 1.
  const h = 1e-5;
  let checked = 0;
  for (const { layer, name, values } of parameterArrays(net)) {
    for (let k = 0; k < values.length; k++) {
      const keep = values[k];
      values[k] = keep + h;
      const up = lossOf(net, X, labels);
      values[k] = keep - h;
      const down = lossOf(net, X, labels);
      values[k] = keep;
      const numeric = (up - down) / (2 * h), analytic = grads[layer]![name][k];
      const error = Math.abs(numeric - analytic) /
        Math.max(1e-8, Math.abs(numeric) + Math.abs(analytic));
      assert.ok(error < 1e-6, `layer ${layer + 1} ${name}[${k}]: ${analytic} against ${numeric}`);
      checked++;
    }
  }
  // Every trained array was checked, buffers were not: they have no gradient.
  assert.ok(checked > 300, `${checked} coordinates`);
  assert.ok(parameterArrays(net).every((a) => a.name !== "runningMean" && a.name !== "runningVar"));
});
