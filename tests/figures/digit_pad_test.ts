import assert from "node:assert/strict";
import { mnistImage, rasterizeStrokes, type Stroke } from "../../lib/figures/drawing.ts";
import { digitPad, padModel } from "../../lib/figures/digit_pad.ts";
import { classifyImage, decodePadModel } from "../../lib/figures/pad_page.ts";
import { PAD_SCRIPT } from "../../lib/figures/pad_script.ts";
import { externalResources } from "../../scripts/report_html.ts";
import {
  createRng,
  fit,
  forwardProp,
  imagesToBatch,
  initNetwork,
  initParams,
  matrix,
  networkForward,
  networkFromParams,
  parseLayers,
} from "../all.ts";
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

Deno.test("padModel() and decodePadModel() carry the weights to the page as float32", () => {
  const params = initParams(createRng(1), [784, 16, 10], "he");
  const net = decodePadModel(padModel(networkFromParams(params)));
  assert.deepEqual(net.layers, networkFromParams(params).layers);
  assert.deepEqual(net.params[0]!.W, Float64Array.from(params.W[0].data.map(Math.fround)));
  assert.deepEqual(net.params[2]!.b, Float64Array.from(params.b[1].data.map(Math.fround)));
});

Deno.test("classifyImage() equals forwardProp() on one image, to float32's precision", async () => {
  const params = initParams(createRng(2), [784, 32, 16, 10], "he");
  const digits = await mnistTest(3);
  const net = decodePadModel(padModel(networkFromParams(params)));
  for (let j = 0; j < digits.count; j++) {
    const x = Array.from(digits.pixels.subarray(784 * j, 784 * (j + 1)), (v) => v / 255);
    const expected = forwardProp(params, matrix(784, 1, x)).A.at(-1)!.data;
    const p = classifyImage(net, x);
    assert.ok(maxDifference(p, expected) < 1e-5, `image ${j}`);
    assert.ok(Math.abs(p.reduce((s, v) => s + v) - 1) < 1e-12);
  }
});

Deno.test("a network trained on MNIST reads drawn 0, 1 and 7, large or small, anywhere", async () => {
  const digits = await mnistTest(6000);
  const { network } = await fit(digits, {
    layers: "dense64",
    input: [784],
    optimizer: "adam",
    lr: 0.002,
    epochs: 4,
    threads: 1,
    progress: false,
  });
  const net = decodePadModel(padModel(network));
  for (const digit of ["0", "1", "7"] as const) {
    for (const [x, y, size] of [[60, 40, 200], [5, 230, 40], [220, 10, 50]]) {
      const p = classifyImage(net, mnistImage(digitStrokes(digit, x, y, size))!);
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
  assert.ok(!/^\s*(import|export)\b/m.test(script), "no module syntax in a classic script");
  assert.throws(
    () => digitPad(initParams(createRng(0), [784, 8, 3], "he")),
    /Cannot make a digit pad for a 784-8-3 network: it needs 784 inputs and 10 classes/,
  );
});

Deno.test("the page's script is pad_page.ts bundled, and runs there as it runs here", async () => {
  // Run the classic script in a scope of its own, as the page does, and ask it.
  const page = {} as {
    mnistDigitPad: { decodePadModel: typeof decodePadModel; classifyImage: typeof classifyImage };
  };
  new Function("globalThis", PAD_SCRIPT)(page);
  const net = initNetwork(parseLayers("conv3x4,pool2,dense16"), createRng(6));
  const model = padModel(net);
  const x = imagesToBatch(await mnistTest(1)).data;
  const inPage = page.mnistDigitPad.classifyImage(page.mnistDigitPad.decodePadModel(model), x);
  assert.deepEqual(inPage, classifyImage(decodePadModel(model), x));
  const stroke: Stroke = [[1, 2]];
  assert.equal(mnistImage([stroke])!.length, 784);
});

Deno.test("the page's script evaluates bn, dropout, stride and padding as the readable layers do: running statistics, no dropout", async () => {
  const page = {} as { mnistDigitPad: typeof import("../../lib/figures/pad_page.ts") };
  new Function("globalThis", PAD_SCRIPT)(page);
  const net = initNetwork(
    parseLayers("conv3x4p1,bn,conv5x8s2p2,dropout0.5,dense16,bn"),
    createRng(2),
  );
  const digits = imagesToBatch(await mnistTest(8));
  networkForward(net, digits, { training: true, seed: 3, first: 0 }); // running statistics move
  const decoded = decodePadModel(padModel(net));
  assert.deepEqual(decoded.params[2]!.runningVar, net.params[2]!.runningVar.map(Math.fround));
  const x = digits.data.subarray(0, 784);
  const inPage = page.mnistDigitPad.classifyImage(
    page.mnistDigitPad.decodePadModel(padModel(net)),
    x,
  );
  const expected = networkForward(decoded, {
    m: 1,
    shape: [1, 28, 28],
    data: Float64Array.from(x),
  });
  assert.deepEqual(inPage, expected.probabilities.data);
});

Deno.test("a convolutional network's pad: its weights as float32, its forward pass the readable one", async () => {
  const net = initNetwork(parseLayers("conv3x4,pool2,dense16"), createRng(6));
  const decoded = decodePadModel(padModel(net));
  assert.deepEqual(decoded.layers, net.layers);
  decoded.params.forEach((p, l) => {
    const q = net.params[l];
    if (!p || !q) return assert.equal(p, q);
    assert.deepEqual(p.W, q.W.map(Math.fround));
    assert.deepEqual(p.b, q.b.map(Math.fround));
  });
  const [x] = [imagesToBatch(await mnistTest(1))];
  const expected = networkForward(decoded, x).probabilities.data;
  assert.deepEqual(classifyImage(decoded, x.data), expected);
  const html = digitPad(net);
  for (const script of html.match(/<script>[\s\S]*?<\/script>/g)!) {
    const code = script.slice(8, -9);
    assert.doesNotThrow(() => new Function(code), "the page's script parses");
    assert.ok(!/^\s*(import|export)\b/m.test(code), "no module syntax in a classic script");
  }
  assert.ok(html.includes(PAD_SCRIPT), "the bundled page script");
  assert.throws(
    () => digitPad(initNetwork(parseLayers("conv3x4", 3), createRng(0))),
    {
      message:
        "Cannot make a digit pad for a conv3x4,dense3 network: it needs 784 inputs and 10 classes",
    },
  );
});
