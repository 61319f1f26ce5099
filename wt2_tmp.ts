import { createRng, readLabeledCsv, splitDev, initParams, layoutOf, pack, toCsr } from "./lib/mod.ts";
import { createWasmAccumulator } from "./lib/wasm.ts";
const all = await readLabeledCsv("data/train.csv");
const { train: tr } = splitDev(all, 1000);
const params = initParams(createRng(0));
const layout = layoutOf(params.sizes);
const P = pack(params, layout, new Float64Array(layout.length));
const csr = toCsr(tr);
const acc = await createWasmAccumulator(layout, csr, tr.labels, 0, tr.count);
const G = new Float64Array(layout.length), st = new Float64Array(2);
const times = [];
for (let r = 0; r < 15; r++) {
  const t0 = performance.now();
  acc.run(P, G, st);
  times.push((performance.now() - t0).toFixed(1));
}
console.log(times.join(" "));
