import assert from "node:assert/strict";
import { decode } from "fast-png";
import {
  accuracyCurves,
  compareAccuracy,
  compareRuns,
  confusionHeatmap,
  digitPng,
  digitSamples,
  featureMaps,
  kernelImages,
  lossCurves,
  mistakeGallery,
  weightImages,
  weightPng,
} from "../../lib/figures/mod.ts";
import {
  createRng,
  type EpochPoint,
  fromRows,
  type HistoryPoint,
  initNetwork,
  initParams,
  mistakesByClass,
  parseLayers,
} from "../all.ts";
import { mnistTest } from "../helpers.ts";

const history: HistoryPoint[] = Array.from({ length: 51 }, (_, i) => ({
  iteration: i,
  trainAccuracy: 0.1 + 0.016 * i,
  loss: 2.3 - 0.03 * i,
  ...(i % 10 === 0 ? { devAccuracy: 0.1 + 0.015 * i, devLoss: 2.3 - 0.028 * i } : {}),
}));

/** Run `f`, failing if Plot warns (it does so through console.warn). */
function noWarnings<T>(f: () => T): T {
  const warnings: unknown[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => warnings.push(args);
  try {
    return f();
  } finally {
    console.warn = warn;
    assert.deepEqual(warnings, []);
  }
}

const count = (html: string, tag: string) => html.split(`<${tag}`).length - 1;

Deno.test("accuracyCurves() and lossCurves() draw train and dev as HTML figures, deterministically", () => {
  const a = noWarnings(() => accuracyCurves(history, { title: "Accuracy here" }));
  assert.ok(a.startsWith("<figure"));
  assert.match(a, /<h2>Accuracy here<\/h2>/);
  assert.equal(count(a, "circle"), 6, "a dot per dev checkpoint");
  assert.equal(a, accuracyCurves(history, { title: "Accuracy here" }), "same input, same HTML");
  const l = noWarnings(() => lossCurves(history));
  assert.match(l, /Cross-entropy loss/);
  noWarnings(() => accuracyCurves(history.slice(0, 1), { epochs: 1000 })); // the first live frame
  assert.match(a, /Iteration/, "the seed's loop's history is drawn against iterations");
});

Deno.test("accuracyCurves() of an epoch run: a point per epoch, whole-number epochs, no empty axes", () => {
  const epochs: EpochPoint[] = [1, 2].map((epoch) => ({
    epoch,
    lr: 0.001,
    trainAccuracy: 0.8 + 0.05 * epoch,
    loss: 0.6 / epoch,
    devAccuracy: 0.82 + 0.05 * epoch,
    devLoss: 0.5 / epoch,
  }));
  const a = noWarnings(() => accuracyCurves(epochs));
  assert.match(a, /Epoch/);
  assert.equal(count(a, "circle"), 2, "a dev dot per epoch");
  const ticks = [...a.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
  assert.ok(ticks.includes("1") && ticks.includes("2"), `ticks ${ticks}`);
  assert.ok(!ticks.includes("1.5"), "no half epochs");
  assert.throws(() => accuracyCurves([{ iteration: 0 }] as never, { epoch: 3 } as never), {
    message: 'Cannot draw the accuracy curves: unknown option "epoch" — did you mean "epochs"?',
  });
  assert.throws(() => accuracyCurves({ history: epochs } as never), {
    message:
      "Cannot draw the accuracy curves: expected a history, one point per epoch (a fit run's history)",
  });
  const runs = noWarnings(() => compareRuns([{ name: "two epochs", history: epochs }]));
  assert.doesNotMatch(runs, /log scale\)/, "two epochs: no log axis");
  assert.match(runs, />Epochs/);
});

Deno.test("compareAccuracy() overlays runs with a legend", () => {
  const html = noWarnings(() =>
    compareAccuracy([
      { name: "α = 0.1", history },
      { name: "α = 0.5", history: history.slice(0, 20) },
    ])
  );
  assert.equal(
    (html.match(/<path d="M[^"]*" stroke=/g) ?? []).length,
    2,
    "one coloured line per run",
  );
  // Each run's name is the text of a legend entry (not a substring of some attribute).
  assert.match(html, />α = 0\.1</);
  assert.match(html, />α = 0\.5</);
});

Deno.test("digitPng() encodes a 28×28 grey PNG with dark ink on white", () => {
  const pixels = new Uint8Array(784);
  pixels[0] = 255;
  const uri = digitPng(pixels);
  assert.ok(uri.startsWith("data:image/png;base64,"));
  const png = decode(Uint8Array.from(atob(uri.split(",")[1]), (c) => c.charCodeAt(0)));
  assert.deepEqual([png.width, png.height, png.channels], [28, 28, 1]);
  assert.equal(png.data[0], 0, "ink is black");
  assert.equal(png.data[1], 255, "paper is white");
});

Deno.test("weightPng() colours positive weights red, negative blue, zero white", () => {
  const w = new Float64Array(784);
  w[0] = 1;
  w[1] = -1;
  const png = decode(Uint8Array.from(atob(weightPng(w, 1).split(",")[1]), (c) => c.charCodeAt(0)));
  assert.equal(png.channels, 3);
  assert.deepEqual([...png.data.subarray(0, 9)], [255, 0, 0, 0, 0, 255, 255, 255, 255]);
});

Deno.test("mistakeGallery() shows each mistake with its caption; digitSamples() each label", async () => {
  const digits = await mnistTest(50);
  const P = fromRows(
    Array.from(
      { length: 10 },
      (_, i) => Array.from({ length: 50 }, (_, j) => (i === (j * 7) % 10 ? 0.9 : 0.01)),
    ),
  );
  const groups = mistakesByClass(P, digits.labels, 3);
  const total = groups.reduce((n, g) => n + g.length, 0);
  assert.ok(total > 5);
  const html = noWarnings(() => mistakeGallery(digits, groups));
  assert.equal(count(html, "image"), total);
  assert.match(html, /\d→\d 90%/);
  const samples = noWarnings(() => digitSamples(digits, { count: 12 }));
  assert.equal(count(samples, "image"), 12);
});

Deno.test("weightImages() draws one image per hidden unit; confusionHeatmap() one cell per pair", () => {
  const html = noWarnings(() => weightImages(initParams(createRng(1)).W[0]));
  assert.equal(count(html, "image"), 10);
  assert.match(html, /unit 9/);
  const C = Array.from(
    { length: 10 },
    (_, t) => Array.from({ length: 10 }, (_, p) => (t === p ? 90 : t + p)),
  );
  const heat = noWarnings(() => confusionHeatmap(C));
  assert.equal(count(heat, "rect"), 100);
  assert.match(heat, />90</);
});

Deno.test("compareRuns() draws one line per run against epochs or seconds, dev error on a log y", () => {
  const run = (name: string, scale: number) => ({
    name,
    history: Array.from({ length: 6 }, (_, e) => ({
      epoch: e + 1,
      lr: 0.1,
      trainAccuracy: 0.9,
      loss: 0.3,
      seconds: scale * (e + 1),
      ...(e === 2 ? {} : { devAccuracy: 1 - 0.2 / (e + 1) / scale }),
    })),
  });
  const runs = [run("slow", 1), run("fast", 2)];
  for (const x of ["epoch", "seconds"] as const) {
    const html = noWarnings(() => compareRuns(runs, { x }));
    assert.match(html, /^<figure/);
    assert.ok(html.includes(x === "epoch" ? "Dev accuracy against epochs" : "against seconds"));
    assert.equal(html.match(/<path [^>]*stroke="#/g)?.length, 2, "a line per run");
    assert.equal(html.match(/<circle/g)?.length, 10, "a dot per scored epoch: 5 of 6 per run");
    assert.ok(html.includes("slow") && html.includes("fast"), "both in the legend");
    assert.equal(compareRuns(runs, { x }), html, "deterministic");
  }
});

Deno.test("kernelImages() draws each first-layer kernel; featureMaps() a row per conv and pool", async () => {
  const net = initNetwork(parseLayers("conv5x6,pool2,conv3x12,pool2,dense16"), createRng(2));
  const kernels = noWarnings(() => kernelImages(net));
  assert.equal(count(kernels, "image"), 6);
  assert.match(kernels, /6 kernels, 5×5 each/);
  const [digit] = [await mnistTest(1)];
  const maps = noWarnings(() => featureMaps(net, digit.pixels, { channels: 4 }));
  // Four map layers (conv, pool, conv, pool), four channels each.
  assert.equal(count(maps, "image"), 16);
  for (const label of ["conv5x6 24×24", "pool2 12×12", "conv3x12 10×10", "pool2 5×5"]) {
    assert.ok(maps.includes(label), label);
  }
  assert.throws(
    () => kernelImages(initNetwork(parseLayers("dense8", 10, [784]), createRng(0), [784])),
    {
      message: "Cannot draw kernels: the network's first layer is not a convolution",
    },
  );
});
