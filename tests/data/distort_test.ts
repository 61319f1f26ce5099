import assert from "node:assert/strict";
import {
  checkDistort,
  createRng,
  drawDistortions,
  drawShifts,
  shiftImage,
  takeDistorted,
  takeShifted,
  warpImage,
} from "../all.ts";
import { mnistTest } from "../helpers.ts";

const digits = await mnistTest(20);
const image = (j: number) => digits.pixels.subarray(j * 784, (j + 1) * 784);

Deno.test("warpImage() without rotation or scaling is shiftImage(), byte for byte", () => {
  for (const [dx, dy] of [[0, 0], [2, -1], [-3, 3], [1, 0]]) {
    for (let j = 0; j < 5; j++) {
      const shifted = shiftImage(image(j), dx, dy, new Uint8Array(784));
      assert.deepEqual(warpImage(image(j), dx, dy, 0, 1, new Uint8Array(784)), shifted);
    }
  }
});

Deno.test("warpImage() turns a quarter turn about the centre: four of them give the image back", () => {
  let out = image(3);
  for (let k = 0; k < 4; k++) out = warpImage(out, 0, 0, Math.PI / 2, 1, new Uint8Array(784));
  assert.deepEqual(out, image(3));
  // One quarter turn moves (row r, column c) to (row c, column 27 − r).
  const once = warpImage(image(3), 0, 0, Math.PI / 2, 1, new Uint8Array(784));
  for (let r = 0; r < 28; r++) {
    for (let c = 0; c < 28; c++) assert.equal(once[c * 28 + 27 - r], image(3)[r * 28 + c]);
  }
});

Deno.test("warpImage() scales about the centre: ×2 doubles a centred square, each pixel read between four", () => {
  const src = new Uint8Array(784);
  for (let r = 12; r < 16; r++) for (let c = 12; c < 16; c++) src[r * 28 + c] = 200;
  const out = warpImage(src, 0, 0, 0, 2, new Uint8Array(784));
  // Output pixel c reads x = 13.5 + (c − 13.5) / 2, between two input pixels: c = 11 … 16 read
  // inside 12 … 15; c = 10 reads 11.75 (¾ of the way to 200), c = 9 reads 11.25, c = 8 10.75.
  const row = [0, 50, 150, 200, 200, 200, 200, 200, 200, 150, 50, 0]; // c = 8 … 19
  assert.deepEqual(Array.from(out.subarray(13 * 28 + 8, 13 * 28 + 20)), row);
  for (let r = 8; r < 20; r++) {
    for (let c = 8; c < 20; c++) {
      assert.equal(out[r * 28 + c], Math.round(row[r - 8] * row[c - 8] / 200), `(${r}, ${c})`);
    }
  }
});

Deno.test("drawDistortions() draws seeded angles and factors within their ranges", () => {
  const d = drawDistortions(1000, { degrees: 10, scale: 0.2 }, createRng(1));
  const max = 10 * Math.PI / 180;
  assert.ok(
    d.angle.every((a) => Math.abs(a) <= max) && d.scale.every((s) => Math.abs(s - 1) <= 0.2),
  );
  assert.ok(
    Math.max(...d.angle) > 0.9 * max && Math.min(...d.angle) < -0.9 * max,
    "the whole range",
  );
  assert.ok(Math.max(...d.scale) > 1.18 && Math.min(...d.scale) < 0.82);
  assert.deepEqual(drawDistortions(1000, { degrees: 10, scale: 0.2 }, createRng(1)), d);
  assert.throws(() => checkDistort({ degrees: 90, scale: 0 }), /rotate images by up to 90°/);
  assert.throws(() => checkDistort({ degrees: 5, scale: 1 }), /scale images by up to 1:/);
  assert.throws(() => checkDistort({ degrees: NaN, scale: 0 }), /expected 0 to 45 degrees/);
});

Deno.test("takeDistorted() warps each image by its own draw; none is takeShifted()", () => {
  const indices = [4, 0, 7];
  const shifts = drawShifts(3, 2, createRng(2));
  const d = drawDistortions(3, { degrees: 15, scale: 0.1 }, createRng(3));
  const taken = takeDistorted(digits, indices, shifts, d);
  assert.deepEqual(Array.from(taken.labels), indices.map((j) => digits.labels[j]));
  indices.forEach((j, i) => {
    const expected = warpImage(
      image(j),
      shifts.dx[i],
      shifts.dy[i],
      d.angle[i],
      d.scale[i],
      new Uint8Array(784),
    );
    assert.deepEqual(taken.pixels.subarray(i * 784, (i + 1) * 784), expected);
  });
  const none = { angle: new Float64Array(3), scale: new Float64Array(3).fill(1) };
  assert.deepEqual(
    takeDistorted(digits, indices, shifts, none),
    takeShifted(digits, indices, shifts),
  );
});
