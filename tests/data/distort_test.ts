import assert from "node:assert/strict";
import {
  checkDistort,
  counterUniform,
  createRng,
  drawDistortions,
  drawShifts,
  elasticField,
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

Deno.test("elasticField() is uniform noise in [−1, 1] smoothed by a Gaussian of σ (cut at 3σ, 0 beyond the frame), times α", () => {
  const elastic = { alpha: 7, sigma: 2, seed: 99 }, i = 3;
  const { dx, dy } = elasticField(elastic, i);
  // The same field by a direct two-dimensional sum, the Gaussian's weights normalised to 1.
  const radius = 6, g = (t: number) => Math.exp(-(t * t) / (2 * 2 * 2));
  let norm = 0;
  for (let t = -radius; t <= radius; t++) norm += g(t);
  for (const [axis, field] of [[0, dx], [1, dy]] as const) {
    for (let r = 0; r < 28; r++) {
      for (let c = 0; c < 28; c++) {
        let sum = 0;
        for (let u = -radius; u <= radius; u++) {
          for (let v = -radius; v <= radius; v++) {
            const y = r + u, x = c + v;
            if (y < 0 || y >= 28 || x < 0 || x >= 28) continue;
            sum += g(u) * g(v) / (norm * norm) *
              (2 * counterUniform(elastic.seed, i, y * 28 + x, axis) - 1);
          }
        }
        // Sums of ≤ 169 terms below 1 in two orders: rounding ≲ 169 · 2⁻⁵³ · α ≈ 10⁻¹³.
        assert.ok(Math.abs(field[r * 28 + c] - 7 * sum) < 1e-12, `axis ${axis} at ${r},${c}`);
      }
    }
  }
  // Another position of the epoch, or another seed, is another field.
  assert.notDeepEqual(elasticField(elastic, 4).dx, dx);
  assert.notDeepEqual(elasticField({ ...elastic, seed: 100 }, i).dx, dx);
});

Deno.test("a smoother field moves neighbours together: σ = 8 varies less from pixel to pixel than σ = 1", () => {
  const roughness = (sigma: number) => {
    const { dx } = elasticField({ alpha: 1, sigma, seed: 5 }, 0);
    let step = 0, size = 0;
    for (let k = 0; k < 783; k++) step += Math.abs(dx[k + 1] - dx[k]), size += Math.abs(dx[k]);
    return step / size;
  };
  assert.ok(roughness(8) < 0.2 * roughness(1), `${roughness(8)} against ${roughness(1)}`);
});

Deno.test("warpImage() with a field reads where the field points: a constant field is a shift", () => {
  const src = image(4), out = new Uint8Array(784), shifted = new Uint8Array(784);
  const field = { dx: new Float64Array(784).fill(2), dy: new Float64Array(784).fill(-1) };
  warpImage(src, 0, 0, 0, 1, out, field);
  // Reading 2 to the right and 1 up moves the digit 2 left and 1 down.
  assert.deepEqual(out, shiftImage(src, -2, 1, shifted));
  // α = 0 bends nothing: the affine warp alone.
  const still = elasticField({ alpha: 0, sigma: 4, seed: 1 }, 0);
  assert.deepEqual(
    warpImage(src, 1, 0, 0.1, 1.05, new Uint8Array(784), still),
    warpImage(src, 1, 0, 0.1, 1.05, new Uint8Array(784)),
  );
});

Deno.test("drawDistortions() draws the elastic seed last, only when asked; checkDistort() names a bad field", () => {
  const plain = drawDistortions(50, { degrees: 10, scale: 0.1 }, createRng(3));
  const bent = drawDistortions(
    50,
    { degrees: 10, scale: 0.1, elastic: { alpha: 34, sigma: 4 } },
    createRng(3),
  );
  assert.deepEqual([bent.angle, bent.scale], [plain.angle, plain.scale]);
  assert.equal(plain.elastic, undefined);
  assert.deepEqual({ ...bent.elastic, seed: 0 }, { alpha: 34, sigma: 4, seed: 0 });
  assert.throws(() => checkDistort({ degrees: 0, scale: 0, elastic: { alpha: 34, sigma: 0.5 } }), {
    message: "Cannot smooth an elastic field by σ = 0.5: expected 1 to 10 pixels",
  });
  assert.throws(() => checkDistort({ degrees: 0, scale: 0, elastic: { alpha: 200, sigma: 4 } }), {
    message: "Cannot bend images by an elastic field of α = 200: expected 0 to 100 pixels",
  });
  assert.throws(
    () => checkDistort({ degrees: 0, scale: 0, elastic: { alpha: 34, sigm: 4 } as never }),
    { message: 'Cannot bend images: unknown option "sigm" — did you mean "sigma"?' },
  );
  assert.throws(() => checkDistort({ degree: 10, scale: 0 } as never), {
    message: 'Cannot distort images: unknown option "degree" — did you mean "degrees"?',
  });
});
