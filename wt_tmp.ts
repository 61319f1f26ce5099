import { createRng, readLabeledCsv, shuffleDigits, splitDev, train } from "./lib/mod.ts";
const all = await readLabeledCsv("data/train.csv");
const { dev, train: tr } = splitDev(shuffleDigits(all, createRng(0)), 1000);
for (const backend of ["wasm", "typescript"] as const) {
  for (const threads of [1, 2]) {
    const t0 = performance.now();
    const r = await train(tr, { iterations: 100, dev, threads, backend });
    const ms = (performance.now() - t0) / 100;
    const last = r.history.at(-1)!;
    console.log(
      backend,
      threads,
      ms.toFixed(1),
      "ms/iter",
      last.trainAccuracy,
      last.devAccuracy,
      last.loss,
    );
  }
}
