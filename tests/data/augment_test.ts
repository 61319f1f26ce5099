import assert from "node:assert/strict";
import { createRng, drawShifts, shiftImage, takeShifted } from "../all.ts";

const image = (cells: [number, number, number][]) => {
  const px = new Uint8Array(784);
  for (const [r, c, v] of cells) px[r * 28 + c] = v;
  return px;
};

Deno.test("shiftImage() moves every pixel by (dx, dy) and drops what leaves the frame", () => {
  const src = image([[0, 0, 10], [5, 5, 20], [27, 27, 30]]);
  const out = new Uint8Array(784).fill(99);
  assert.deepEqual(shiftImage(src, 2, 1, out), image([[1, 2, 10], [6, 7, 20]]));
  assert.deepEqual(shiftImage(src, -1, -2, out), image([[3, 4, 20], [25, 26, 30]]));
  assert.deepEqual(shiftImage(src, 0, 0, out), src);
});

Deno.test("drawShifts() draws dx, dy in −k … k, and nothing when k is 0", () => {
  const { dx, dy } = drawShifts(2000, 2, createRng(1));
  for (const d of [dx, dy]) {
    assert.deepEqual([...new Set(d)].sort(), [-1, -2, 0, 1, 2]);
  }
  const rng = createRng(5);
  const none = drawShifts(10, 0, rng);
  assert.ok(none.dx.every((v) => v === 0) && none.dy.every((v) => v === 0));
  assert.equal(rng.uniform(), createRng(5).uniform(), "no number drawn for k = 0");
  assert.throws(() => drawShifts(1, 28, rng), {
    message: "Cannot shift images by up to 28 pixels: expected a whole number 0–27",
  });
});

Deno.test("takeShifted() takes the images at the indices, each with its own shift", () => {
  const pixels = new Uint8Array(3 * 784);
  pixels.set(image([[10, 10, 1]]), 0);
  pixels.set(image([[10, 10, 2]]), 784);
  pixels.set(image([[10, 10, 3]]), 2 * 784);
  const digits = { count: 3, labels: Uint8Array.of(7, 8, 9), pixels };
  const out = takeShifted(digits, [2, 0], { dx: Int8Array.of(1, 0), dy: Int8Array.of(0, -1) });
  assert.deepEqual([...out.labels], [9, 7]);
  assert.deepEqual(out.pixels.subarray(0, 784), image([[10, 11, 3]]));
  assert.deepEqual(out.pixels.subarray(784), image([[9, 10, 1]]));
});
