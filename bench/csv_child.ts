/**
 * Child process of the CSV-load benchmark: parse one file with the project's loader and print
 * `{"seconds": …, "peak_rss_mb": …}`. A process of its own, so its peak memory is its own.
 *
 * @module
 */

import { readLabeledCsv } from "../lib/mod.ts";
import { peakRssMb } from "../scripts/rss.ts";

const start = performance.now();
const digits = await readLabeledCsv(Deno.args[0]);
const seconds = (performance.now() - start) / 1000;
console.log(
  JSON.stringify({ seconds, peak_rss_mb: peakRssMb(), rows: digits.count }),
);
