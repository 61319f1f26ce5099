import assert from "node:assert/strict";
import { parseIdx, parseMnist, readMnist } from "../all.ts";

/** A big-endian IDX file: magic, dims, then data. */
function idx(magic: number, dims: number[], data: ArrayLike<number>): Uint8Array {
  const bytes = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, magic);
  dims.forEach((d, k) => view.setUint32(4 + 4 * k, d));
  bytes.set(data, 4 + 4 * dims.length);
  return bytes;
}
const images = (n: number) =>
  idx(2051, [n, 28, 28], new Uint8Array(n * 784).map((_, k) => k % 251));
const labels = (values: number[]) => idx(2049, [values.length], values);

Deno.test("parseMnist() pairs images with labels", () => {
  const d = parseMnist(images(3), labels([7, 0, 9]));
  assert.equal(d.count, 3);
  assert.deepEqual([...d.labels], [7, 0, 9]);
  assert.equal(d.pixels.length, 3 * 784);
  assert.equal(d.pixels[784 + 1], (784 + 1) % 251);
});

Deno.test("parseIdx() rejects a bad magic number, a truncated and an overlong file", () => {
  assert.throws(() => parseIdx(labels([1]), "l", 2051), {
    message: "Cannot read l: magic number is 2049, expected 2051",
  });
  assert.throws(() => parseIdx(new Uint8Array(2), "l", 2049), {
    message: "Cannot read l: the file has 2 bytes, too short for an IDX header",
  });
  assert.throws(() => parseIdx(images(2).subarray(0, 10), "i", 2051), {
    message: "Cannot read i: the file ends inside its header (10 bytes)",
  });
  assert.throws(() => parseIdx(images(2).subarray(0, 1000), "i", 2051), {
    message:
      "Cannot read i: the header promises 2×28×28 = 1568 bytes of data, the file has 984 (truncated)",
  });
  const long = new Uint8Array(images(1).length + 1);
  long.set(images(1));
  assert.throws(() => parseIdx(long, "i", 2051), {
    message: "Cannot read i: the header promises 1×28×28 = 784 bytes of data, the file has 785",
  });
});

Deno.test("parseMnist() rejects a count mismatch, odd image sizes and labels above 9", () => {
  assert.throws(() => parseMnist(images(2), labels([1]), ["img", "lab"]), {
    message: "Cannot pair img with lab: 2 images but 1 labels",
  });
  assert.throws(
    () => parseMnist(idx(2051, [1, 20, 20], new Uint8Array(400)), labels([1]), ["img", "lab"]),
    {
      message: "Cannot read img: images are 20×20, expected 28×28",
    },
  );
  assert.throws(() => parseMnist(images(2), labels([1, 12]), ["img", "lab"]), {
    message: "Cannot read lab: label 1 is 12, expected 0–9",
  });
});

Deno.test("readMnist() reads files from disk and names a missing one", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeFile(`${dir}/i`, images(2));
  await Deno.writeFile(`${dir}/l`, labels([4, 2]));
  const d = await readMnist(`${dir}/i`, `${dir}/l`);
  assert.deepEqual([...d.labels], [4, 2]);
  await assert.rejects(readMnist(`${dir}/i`, `${dir}/missing`), {
    message: `Cannot read ${dir}/missing: no such file`,
  });
  await Deno.remove(dir, { recursive: true });
});
