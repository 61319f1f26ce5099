import assert from "node:assert/strict";
import { activationBands, percentiles, watchActivations } from "../../lib/figures/mod.ts";
import { fit, imagesToBatch, networkForward, parseLayers } from "../all.ts";
import { mnistTest } from "../helpers.ts";

Deno.test("percentiles() takes the nearest ranks: 15th, median, 85th", () => {
  const values = Array.from({ length: 100 }, (_, i) => 99 - i); // 99 … 0, in any order
  assert.deepEqual(percentiles(values), { p15: 15, p50: 50, p85: 85 });
});

Deno.test("watchActivations() records what a convolution reads every few batches; activationBands() draws a panel a run", async () => {
  const digits = await mnistTest(256);
  const images = imagesToBatch({ count: 8, pixels: digits.pixels.subarray(0, 8 * 784) });
  const watches = [];
  for (const layers of ["conv3x4,pool2,conv3x8", "conv3x4,bn,pool2,conv3x8"]) {
    const watch = watchActivations(layers, images, { reader: 2, every: 2 });
    const { network } = await fit(digits, {
      layers: parseLayers(layers),
      epochs: 1,
      batchSize: 32,
      optimizer: "adam",
      progress: false,
      callbacks: [watch],
    });
    // Before the first batch, then after every second of the 8.
    assert.deepEqual(watch.points.map((p) => p.batch), [0, 2, 4, 6, 8]);
    for (const p of watch.points) assert.ok(p.p15 <= p.p50 && p.p50 <= p.p85, layers);
    // The last point, after the last batch: what the trained network's second convolution reads.
    const reader = network.layers.findLastIndex((l) => l.kind === "conv");
    const { run: _, batch: __, ...last } = watch.points.at(-1)!;
    assert.deepEqual(last, percentiles(networkForward(network, images).A[reader].data));
    watches.push(watch);
  }
  // Without bn the second convolution reads a pool of ReLUs (≥ 0); with it, values centred by the
  // running statistics, some below 0.
  assert.ok(watches[0].points.every((p) => p.p15 >= 0));
  assert.ok(watches[1].points.at(-1)!.p15 < 0);
  const html = activationBands([...watches[0].points, ...watches[1].points]);
  assert.match(html, /^<figure/);
  assert.match(html, /What a layer reads, as training goes/);
  // One band (area) and one median line per run.
  assert.equal(html.match(/aria-label="area"/g)?.length, 1);
  assert.ok((html.match(/<path/g) ?? []).length >= 4, "a band and a line in each panel");
});
