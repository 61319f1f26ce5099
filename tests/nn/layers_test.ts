import assert from "node:assert/strict";
import {
  backProp,
  type Batch,
  convBackward,
  convForward,
  createRng,
  denseLayers,
  forwardProp,
  imagesToBatch,
  initNetwork,
  initParams,
  layerShapes,
  type LayerSpec,
  matMul,
  matrix,
  maxPoolBackward,
  maxPoolForward,
  type Network,
  networkBackward,
  networkForward,
  networkFromParams,
  parseLayers,
  pixelsToX,
} from "../all.ts";
import { mnistTest } from "../helpers.ts";

const batch = (shape: number[], values: number[], m = 1): Batch => ({
  m,
  shape,
  data: Float64Array.from(values),
});
const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

Deno.test("convForward() on a 4×4 image with a 2×2 kernel: hand-computed", () => {
  // X[y][x] = 4y + x + 1; each output is X[y][x] + 2X[y][x+1] + 3X[y+1][x] + 4X[y+1][x+1] + b
  // = 10·X[y][x] + 34 + b.
  const X = batch([1, 4, 4], range(16));
  const Y = convForward(X, Float64Array.of(1, 2, 3, 4), Float64Array.of(0.5), 2);
  assert.deepEqual(Y.shape, [1, 3, 3]);
  assert.deepEqual([...Y.data], [44, 54, 64, 84, 94, 104, 124, 134, 144].map((v) => v + 0.5));
});

Deno.test("convBackward() on the same case: dW sums the patches, dX counts the covering weights", () => {
  const X = batch([1, 4, 4], range(16));
  const W = Float64Array.of(1, 2, 3, 4);
  const { dX, dW, db } = convBackward(X, W, 2, batch([1, 3, 3], Array(9).fill(1)));
  assert.deepEqual([...db], [9]);
  // dW[u][v] = the sum of the 3×3 window at (u, v) = 54 + 36u + 9v.
  assert.deepEqual([...dW], [54, 63, 90, 99]);
  // Corners are under one weight each, the centre under all four.
  assert.deepEqual([...dX.data], [1, 3, 3, 2, 4, 10, 10, 6, 4, 10, 10, 6, 3, 7, 7, 4]);
});

Deno.test("maxPoolForward() and maxPoolBackward(): the gradient goes to the maximum; a tie to the first", () => {
  // deno-fmt-ignore
  const X = batch([1, 4, 4], [
    1, 5,  2, 2,
    3, 4,  2, 0,
    0, 0,  9, 8,
    0, 7,  8, 9,
  ]);
  const { Y, argmax } = maxPoolForward(X, 2);
  assert.deepEqual([...Y.data], [5, 2, 7, 9]);
  const dX = maxPoolBackward(X, argmax, batch([1, 2, 2], [10, 20, 30, 40]));
  // The top right window has 2 three times: the first in reading order (row 0, column 2) wins;
  // the bottom right has 9 twice: (row 2, column 2) comes before (row 3, column 3).
  // deno-fmt-ignore
  assert.deepEqual([...dX.data], [
    0, 10,  20, 0,
    0,  0,   0, 0,
    0,  0,  40, 0,
    0, 30,   0, 0,
  ]);
});

Deno.test("a dense layer list computes what forwardProp() and backProp() compute", async () => {
  const digits = await mnistTest(50);
  const params = initParams(createRng(4), [784, 16, 12, 10]);
  const net = networkFromParams(params);
  assert.deepEqual(net.layers, denseLayers([784, 16, 12, 10]));
  const X = pixelsToX(digits);
  const cache = forwardProp(params, X);
  const fwd = networkForward(net, imagesToBatch(digits, [784]));
  const A3 = cache.A.at(-1)!; // classes × m, one sample per column
  for (let j = 0; j < 50; j++) {
    for (let i = 0; i < 10; i++) {
      assert.ok(Math.abs(fwd.probabilities.data[j * 10 + i] - A3.data[i * 50 + j]) < 1e-15);
    }
  }
  const { grads } = networkBackward(net, fwd, digits.labels);
  const textbook = backProp(params, cache, X, digits.labels);
  const dense = grads.filter((g) => g !== null);
  textbook.dW.forEach((dW, l) => {
    dW.data.forEach((v, k) => assert.ok(Math.abs(dense[l]!.W[k] - v) < 1e-15, `dW${l + 1}`));
    textbook.db[l].data.forEach((v, k) => assert.ok(Math.abs(dense[l]!.b[k] - v) < 1e-15));
  });
});

/** The loss of `net` on (X, labels). */
const lossOf = (net: Network, X: Batch, labels: number[]) =>
  networkBackward(net, networkForward(net, X), labels).loss;

Deno.test("networkBackward() matches central differences for every layer kind (float64, ≤ 1e-6)", () => {
  const rng = createRng(7);
  // conv → relu → pool → conv → relu → flatten → dense → relu → dense: every kind, twice for conv.
  const layers: LayerSpec[] = [
    { kind: "conv", size: 3, filters: 3 },
    { kind: "relu" },
    { kind: "maxPool", size: 2 },
    { kind: "conv", size: 2, filters: 2 },
    { kind: "relu" },
    { kind: "flatten" },
    { kind: "dense", units: 5 },
    { kind: "relu" },
    { kind: "dense", units: 4 },
  ];
  const net = initNetwork(layers, rng, [2, 8, 8]);
  // Biases start at 0: a sample whose inputs to a layer are all 0 would sit exactly on a ReLU's
  // kink, where no derivative exists. Random biases move every unit off it.
  for (const p of net.params) p?.b.forEach((_, i, b) => b[i] = 0.1 * rng.normal());
  const X = batch([2, 8, 8], Array.from({ length: 3 * 128 }, () => rng.normal()), 3);
  const labels = [0, 3, 1];
  const { grads } = networkBackward(net, networkForward(net, X), labels);
  // Central differences: error O(h²) ≈ 1e-12 relative to curvature, rounding ≈ 1e-16 / h; a
  // ReLU kink or pooling tie within h of a value would show as an error of order 1, not 1e-6.
  const h = 1e-5;
  let worst = 0;
  net.params.forEach((p, l) => {
    if (!p) return;
    for (const key of ["W", "b"] as const) {
      for (let k = 0; k < p[key].length; k++) {
        const keep = p[key][k];
        p[key][k] = keep + h;
        const up = lossOf(net, X, labels);
        p[key][k] = keep - h;
        const down = lossOf(net, X, labels);
        p[key][k] = keep;
        const numeric = (up - down) / (2 * h), analytic = grads[l]![key][k];
        const error = Math.abs(numeric - analytic) /
          Math.max(1e-8, Math.abs(numeric) + Math.abs(analytic));
        worst = Math.max(worst, error);
        assert.ok(error < 1e-6, `layer ${l + 1} ${key}[${k}]: ${analytic} against ${numeric}`);
      }
    }
  });
  assert.ok(worst > 0, "some gradient was compared");
});

Deno.test("convForward() and convBackward() equal the same convolution as im2col and matMul", () => {
  const rng = createRng(3);
  const [m, C, H, W, F, k] = [2, 3, 7, 6, 4, 3];
  const X = batch([C, H, W], Array.from({ length: m * C * H * W }, () => rng.normal()), m);
  const K = Float64Array.from({ length: F * C * k * k }, () => rng.normal());
  const b = Float64Array.from({ length: F }, () => rng.normal());
  const [Ho, Wo] = [H - k + 1, W - k + 1];
  // cols: (C·k·k) × (m·Ho·Wo), one column per output pixel holding its patch.
  const cols = matrix(C * k * k, m * Ho * Wo);
  for (let j = 0; j < m; j++) {
    for (let y = 0; y < Ho; y++) {
      for (let x = 0; x < Wo; x++) {
        const col = (j * Ho + y) * Wo + x;
        for (let c = 0; c < C; c++) {
          for (let u = 0; u < k; u++) {
            for (let v = 0; v < k; v++) {
              cols.data[((c * k + u) * k + v) * cols.cols + col] =
                X.data[((j * C + c) * H + y + u) * W + x + v];
            }
          }
        }
      }
    }
  }
  const Kmat = matrix(F, C * k * k, K);
  const Ymat = matMul(Kmat, cols); // F × (m·Ho·Wo)
  const Y = convForward(X, K, b, k);
  const dY = batch([F, Ho, Wo], Array.from({ length: m * F * Ho * Wo }, () => rng.normal()), m);
  const dYmat = matrix(F, m * Ho * Wo);
  for (let j = 0; j < m; j++) {
    for (let f = 0; f < F; f++) {
      for (let p = 0; p < Ho * Wo; p++) {
        const value = dY.data[(j * F + f) * Ho * Wo + p];
        dYmat.data[f * dYmat.cols + j * Ho * Wo + p] = value;
        const ours = Y.data[(j * F + f) * Ho * Wo + p];
        assert.ok(Math.abs(ours - (Ymat.data[f * Ymat.cols + j * Ho * Wo + p] + b[f])) < 1e-12);
      }
    }
  }
  const { dW } = convBackward(X, K, k, dY);
  const dWmat = matMul(dYmat, cols, { transposeB: true }); // F × (C·k·k)
  dWmat.data.forEach((v, i) => assert.ok(Math.abs(dW[i] - v) < 1e-12, `dW[${i}]`));
});

Deno.test("parseLayers() reads the short form: ReLUs, the flatten and the output layer implied", () => {
  const layers = parseLayers("conv5x32,pool2,conv5x64,pool2,dense256");
  assert.deepEqual(layers, [
    { kind: "conv", size: 5, filters: 32 },
    { kind: "relu" },
    { kind: "maxPool", size: 2 },
    { kind: "conv", size: 5, filters: 64 },
    { kind: "relu" },
    { kind: "maxPool", size: 2 },
    { kind: "flatten" },
    { kind: "dense", units: 256 },
    { kind: "relu" },
    { kind: "dense", units: 10 },
  ]);
  assert.deepEqual(
    layerShapes(layers).map((s) => s.join("×")),
    [
      "1×28×28",
      "32×24×24",
      "32×24×24",
      "32×12×12",
      "64×8×8",
      "64×8×8",
      "64×4×4",
      "1024",
      "256",
      "256",
      "10",
    ],
  );
  // `--hidden 256,128` is dense256,dense128.
  assert.deepEqual(
    parseLayers("dense256,dense128", 10, [784]),
    denseLayers([784, 256, 128, 10]).flatMap((l, i, all) =>
      l.kind === "dense" && i + 1 < all.length ? [l] : [l]
    ),
  );
});

Deno.test("parseLayers() refuses, in one sentence, what it cannot read or what does not fit 28×28", () => {
  assert.throws(() => parseLayers("conv5x32,pool2,conv5x64,pool2,conv5x64"), {
    message:
      "Cannot build conv5x32,relu,pool2,conv5x64,relu,pool2,conv5x64,relu,flatten,dense10 on 28×28 images: conv5x64 (layer 7) needs at least 5×5 inputs, and gets 4×4",
  });
  assert.throws(() => parseLayers("conv5,pool2"), {
    message:
      'Cannot read the layer "conv5" of "conv5,pool2": expected convKxC, poolP, denseN, bn, dropoutP, relu or flatten (conv5x32, pool2, dense256)',
  });
  assert.throws(() => parseLayers("dense64,conv3x8"), {
    message:
      "Cannot build flatten,dense64,relu,conv3x8,relu,dense10 on 28×28 images: conv3x8 (layer 4) needs images, and comes after a flatten or dense layer",
  });
});
