import assert from "node:assert/strict";
import { mnistImage, rasterizeStrokes, type Stroke } from "../../lib/figures/drawing.ts";
import {
  classify,
  classifyNetwork,
  decodeModel,
  decodeNetwork,
  digitPad,
  networkPadModel,
  padModel,
} from "../../lib/figures/digit_pad.ts";
import { externalResources } from "../../scripts/report_html.ts";
import {
  convForward,
  createRng,
  forwardProp,
  imagesToBatch,
  initNetwork,
  initParams,
  matrix,
  maxPoolForward,
  networkForward,
  parseLayers,
  trainMiniBatch,
} from "../../lib/mod.ts";
import { parseHTML } from "linkedom";
import { mnistTest } from "../helpers.ts";
import { digitStrokes } from "./strokes.ts";

const SIDE = 28;

/** Rows and columns with ink above `level`, and the ink's centre of mass. */
function describe(image: Float32Array, level = 0.5) {
  let top = SIDE, bottom = -1, left = SIDE, right = -1, mass = 0, mx = 0, my = 0;
  image.forEach((v, k) => {
    const i = Math.floor(k / SIDE), j = k % SIDE;
    mass += v, mx += v * (j + 0.5), my += v * (i + 0.5);
    if (v > level) {
      top = Math.min(top, i), bottom = Math.max(bottom, i);
      left = Math.min(left, j), right = Math.max(right, j);
    }
  });
  return { height: bottom - top + 1, width: right - left + 1, cx: mx / mass, cy: my / mass };
}

const maxDifference = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  Array.from(a).reduce((max, v, k) => Math.max(max, Math.abs(v - b[k])), 0);

Deno.test("rasterizeStrokes() inks pixels by their distance to the pen's path", () => {
  // A horizontal line along y = 14 from x = 4 to x = 24, pen radius 1.
  const image = rasterizeStrokes([[[4, 14], [24, 14]]], 1, 0, 0, 1);
  assert.equal(image[13 * SIDE + 10], 1, "the pixel whose centre is 0.5 away: fully inked");
  assert.equal(image[12 * SIDE + 10], 0.0, "1.5 away: the ramp's end");
  assert.equal(image[14 * SIDE + 10], 1, "0.5 below");
  assert.equal(image[5 * SIDE + 10], 0, "far away");
  // A dot (a stroke of one point) at (10.5, 10.5), radius 1: its own pixel full, the next half.
  const dot = rasterizeStrokes([[[10.5, 10.5]]], 1, 0, 0, 1);
  assert.equal(dot[10 * SIDE + 10], 1);
  assert.equal(dot[10 * SIDE + 11], 0.5);
});

Deno.test("mnistImage() is null for an empty pad", () => {
  assert.equal(mnistImage([]), null);
  assert.equal(mnistImage([[]]), null);
});

Deno.test("mnistImage() fits the drawing in 20×20 keeping its aspect, centre of mass at 14", () => {
  for (const digit of ["0", "1", "7"] as const) {
    const image = mnistImage(digitStrokes(digit, 60, 40, 200))!;
    const { height, width, cx, cy } = describe(image);
    assert.ok(height <= 20 && height >= 18, `${digit}: ${height} rows of ink`);
    assert.ok(width < height, `${digit} is taller than wide: ${width} < ${height}`);
    // Within a fraction of a pixel: moving a drawing by less than a pixel changes its sampling.
    assert.ok(Math.abs(cx - 14) < 0.05 && Math.abs(cy - 14) < 0.05, `${digit}: (${cx}, ${cy})`);
  }
  // A horizontal bar: 20 pixels wide, one pen wide.
  const bar = describe(mnistImage([[[0, 100], [250, 100]]])!);
  assert.equal(bar.width, 20);
  assert.ok(bar.height <= 3, `${bar.height}`);
});

Deno.test("mnistImage() sees a small digit in a corner as it sees a large centred one", () => {
  for (const digit of ["0", "1", "7"] as const) {
    const large = mnistImage(digitStrokes(digit, 60, 40, 200))!;
    const small = mnistImage(digitStrokes(digit, 5, 230, 40))!;
    assert.ok(maxDifference(large, small) < 1e-4, digit);
  }
});

Deno.test("padModel() and decodeModel() carry the weights to the page as float32", () => {
  const params = initParams(createRng(1), [784, 16, 10], "he");
  const layers = decodeModel(padModel(params));
  assert.deepEqual(layers.map((l) => [l.rows, l.cols]), [[16, 784], [10, 16]]);
  assert.deepEqual(layers[0].W, Float32Array.from(params.W[0].data));
  assert.deepEqual(layers[1].b, Float32Array.from(params.b[1].data));
});

Deno.test("classify() equals forwardProp() on one image, to float32's precision", async () => {
  const params = initParams(createRng(2), [784, 32, 16, 10], "he");
  const digits = await mnistTest(3);
  const layers = decodeModel(padModel(params));
  for (let j = 0; j < digits.count; j++) {
    const x = Array.from(digits.pixels.subarray(784 * j, 784 * (j + 1)), (v) => v / 255);
    const expected = forwardProp(params, matrix(784, 1, x)).A.at(-1)!.data;
    const p = classify(layers, x);
    assert.ok(maxDifference(p, expected) < 1e-5, `image ${j}`);
    assert.ok(Math.abs(p.reduce((s, v) => s + v) - 1) < 1e-12);
  }
});

Deno.test("a network trained on MNIST reads drawn 0, 1 and 7, large or small, anywhere", async () => {
  const digits = await mnistTest(6000);
  const { params } = await trainMiniBatch(digits, {
    sizes: [784, 64, 10],
    optimizer: "adam",
    lr: 0.002,
    epochs: 4,
    threads: 1,
  });
  const layers = decodeModel(padModel(params));
  for (const digit of ["0", "1", "7"] as const) {
    for (const [x, y, size] of [[60, 40, 200], [5, 230, 40], [220, 10, 50]]) {
      const p = classify(layers, mnistImage(digitStrokes(digit, x, y, size))!);
      assert.equal(p.indexOf(Math.max(...p)), Number(digit), `${digit} at (${x}, ${y}) ${size}px`);
    }
  }
});

Deno.test("digitPad() is one self-contained fragment with the DOM contract and a valid script", () => {
  const params = initParams(createRng(3), [784, 10, 10, 10]);
  const html = digitPad(params);
  const { document } = parseHTML(`<!doctype html><html><body>${html}</body></html>`);
  for (const id of ["digit-pad", "digit-prediction", "digit-probabilities", "digit-clear"]) {
    assert.equal(document.querySelectorAll(`[data-testid="${id}"]`).length, 1, id);
  }
  assert.equal(document.querySelector("canvas")?.getAttribute("data-testid"), "digit-pad");
  assert.equal(
    document.querySelectorAll('[data-testid="digit-probabilities"] [data-digit]').length,
    10,
  );
  assert.deepEqual(externalResources(html), []);
  const script = html.slice(html.indexOf("<script>") + 8, html.indexOf("</script>"));
  assert.doesNotThrow(() => new Function(script), "the page's script parses");
  assert.ok(!/\bimport\b|\bexport\b/.test(script), "no module syntax in a classic script");
  assert.throws(
    () => digitPad(initParams(createRng(0), [784, 8, 3], "he")),
    /Cannot make a digit pad for a 784-8-3 network: it needs 784 inputs and 10 classes/,
  );
});

Deno.test("the page's functions are the ones tested here (Deno gives their JavaScript)", () => {
  const stroke: Stroke = [[1, 2]];
  assert.ok(mnistImage.toString().includes("rasterizeStrokes("));
  assert.ok(!mnistImage.toString().includes(": Stroke"), "types are stripped");
  assert.equal(mnistImage([stroke])!.length, 784);
});

Deno.test("a convolutional network's pad: its weights as float32, its forward pass the readable one", async () => {
  const net = initNetwork(parseLayers("conv3x4,pool2,dense16"), createRng(6));
  const decoded = decodeNetwork(networkPadModel(net));
  assert.deepEqual(decoded.layers, net.layers);
  decoded.params.forEach((p, l) => {
    const q = net.params[l];
    if (!p || !q) return assert.equal(p, q);
    assert.deepEqual(p.W, q.W.map(Math.fround));
    assert.deepEqual(p.b, q.b.map(Math.fround));
  });
  const [x] = [imagesToBatch(await mnistTest(1))];
  const expected = networkForward(decoded, x).probabilities.data;
  assert.deepEqual(classifyNetwork(decoded, x.data), expected);
  const html = digitPad(net);
  const script = html.slice(html.indexOf("<script>") + 8, html.indexOf("</script>"));
  assert.doesNotThrow(() => new Function(script), "the page's script parses");
  assert.ok(!/\bimport\b|\bexport\b/.test(script), "no module syntax in a classic script");
  for (const f of [convForward, maxPoolForward, networkForward, classifyNetwork]) {
    assert.ok(script.includes(f.toString()), `${f.name} is in the page as tested here`);
  }
  assert.throws(
    () => digitPad(initNetwork(parseLayers("conv3x4", 3), createRng(0))),
    {
      message:
        "Cannot make a digit pad for a conv3x4,dense3 network: it needs 784 inputs and 10 classes",
    },
  );
});
