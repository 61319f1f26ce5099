import { createRng, readLabeledCsv, splitDev, initParams, layoutOf, pack, toCsr, createScratch, forwardSample, accumulateGradients } from "./lib/mod.ts";
const all = await readLabeledCsv("data/train.csv");
const { train: tr } = splitDev(all, 1000);
const params = initParams(createRng(0));
const layout = layoutOf(params.sizes);
const P = pack(params, layout, new Float64Array(layout.length));
const csr = toCsr(tr);
const s = createScratch(layout.sizes);
const G = new Float64Array(layout.length);
for (let r = 0; r < 4; r++) {
  let t0 = performance.now();
  for (let j = 0; j < tr.count; j++) forwardSample(P, layout, csr, j, s);
  const f = performance.now() - t0;
  t0 = performance.now();
  accumulateGradients(P, G, layout, csr, tr.labels, 0, tr.count, s, new Float64Array(2));
  console.log("forward", f.toFixed(1), "fwd+bwd", (performance.now() - t0).toFixed(1));
}
