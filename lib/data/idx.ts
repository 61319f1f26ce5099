/**
 * The original MNIST IDX files (`train-images-idx3-ubyte`, `train-labels-idx1-ubyte`, …), read
 * as strictly as the CSV files.
 *
 * An IDX file is a big-endian header — magic number `0x00 0x00 type dims`, then one 32-bit size
 * per dimension — followed by the data. MNIST uses type `0x08` (unsigned byte): magic 2049 for
 * labels (1 dimension) and 2051 for images (3 dimensions).
 *
 * @module
 */

import { type Digits, PIXELS } from "./dataset.ts";
import { readBytes } from "./csv.ts";

/** An unsigned-byte IDX array: its dimensions and its data, row-major. */
export interface IdxArray {
  /** Size of each dimension, outermost first (60000, 28, 28 for training images). */
  dims: number[];
  /** The values, row-major. */
  data: Uint8Array;
}

/** Magic number of an IDX label file (unsigned bytes, 1 dimension). */
export const IDX_LABELS_MAGIC = 2049;
/** Magic number of an IDX image file (unsigned bytes, 3 dimensions). */
export const IDX_IMAGES_MAGIC = 2051;

/**
 * Parse an unsigned-byte IDX file and check its magic number and length.
 *
 * @param bytes The file's content.
 * @param file The file's name, for error messages.
 * @param magic The magic number expected (2049 labels, 2051 images).
 * @returns Dimensions and data (a view into `bytes`).
 * @throws {Error} `Cannot read FILE: …` on a wrong magic number or a truncated or overlong file.
 */
export function parseIdx(bytes: Uint8Array, file: string, magic: number): IdxArray {
  const fail = (message: string): never => {
    throw new Error(`Cannot read ${file}: ${message}`);
  };
  if (bytes.length < 4) fail(`the file has ${bytes.length} bytes, too short for an IDX header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const found = view.getUint32(0);
  if (found !== magic) fail(`magic number is ${found}, expected ${magic}`);
  const rank = magic & 0xff;
  const headerSize = 4 + 4 * rank;
  if (bytes.length < headerSize) fail(`the file ends inside its header (${bytes.length} bytes)`);
  const dims = Array.from({ length: rank }, (_, k) => view.getUint32(4 + 4 * k));
  const size = dims.reduce((a, b) => a * b, 1);
  const have = bytes.length - headerSize;
  if (have !== size) {
    fail(
      `the header promises ${dims.join("×")} = ${size} bytes of data, ` +
        `the file has ${have}${have < size ? " (truncated)" : ""}`,
    );
  }
  return { dims, data: bytes.subarray(headerSize) };
}

/**
 * Pair an MNIST image file with its label file.
 *
 * @param images Bytes of an `…-images-idx3-ubyte` file.
 * @param labels Bytes of the matching `…-labels-idx1-ubyte` file.
 * @param names File names for error messages, `[images, labels]`.
 * @returns The digits.
 * @throws {Error} On a malformed file, images that are not 28×28, a label above 9, or files
 *   whose counts differ.
 */
export function parseMnist(
  images: Uint8Array,
  labels: Uint8Array,
  names: [string, string] = ["images", "labels"],
): Digits {
  const img = parseIdx(images, names[0], IDX_IMAGES_MAGIC);
  const lab = parseIdx(labels, names[1], IDX_LABELS_MAGIC);
  const [count, rows, cols] = img.dims;
  if (rows * cols !== PIXELS) {
    throw new Error(`Cannot read ${names[0]}: images are ${rows}×${cols}, expected 28×28`);
  }
  if (lab.dims[0] !== count) {
    throw new Error(
      `Cannot pair ${names[0]} with ${names[1]}: ${count} images but ${lab.dims[0]} labels`,
    );
  }
  const bad = lab.data.findIndex((v) => v > 9);
  if (bad >= 0) {
    throw new Error(`Cannot read ${names[1]}: label ${bad} is ${lab.data[bad]}, expected 0–9`);
  }
  return { count, labels: lab.data, pixels: img.data };
}

/**
 * Read an MNIST image file and its label file from disk.
 *
 * @param imagesPath Path of the `…-images-idx3-ubyte` file.
 * @param labelsPath Path of the `…-labels-idx1-ubyte` file.
 * @returns The digits.
 * @throws {Error} `Cannot read PATH: …` when a file is missing or malformed.
 */
export async function readMnist(imagesPath: string, labelsPath: string): Promise<Digits> {
  const [images, labels] = await Promise.all([readBytes(imagesPath), readBytes(labelsPath)]);
  return parseMnist(images, labels, [imagesPath, labelsPath]);
}
