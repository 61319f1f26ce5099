import assert from "node:assert/strict";
import { counterUniform, counterUniforms } from "../../lib/data/random.ts";
import {
  createRng,
  type Digits,
  permutation,
  shuffleDigits,
  splitDev,
  takeDigits,
} from "../all.ts";

Deno.test("createRng() gives the same sequence for the same seed and another for another", () => {
  const draw = (seed: number) => {
    const rng = createRng(seed);
    return [rng.uniform(), rng.normal(), rng.normal(), rng.int(10)];
  };
  assert.deepEqual(draw(1), draw(1));
  assert.notDeepEqual(draw(1), draw(2));
  assert.throws(() => createRng(1.5), {
    message: "Cannot seed the generator with 1.5: expected an integer",
  });
});

Deno.test("createRng() uniform numbers lie in [0, 1) with mean ½; normals have mean 0, variance 1", () => {
  const rng = createRng(7);
  const n = 200_000;
  let sumU = 0, sumN = 0, sumN2 = 0, min = 1, max = 0;
  for (let i = 0; i < n; i++) {
    const u = rng.uniform();
    min = Math.min(min, u);
    max = Math.max(max, u);
    sumU += u;
    const z = rng.normal();
    sumN += z;
    sumN2 += z * z;
  }
  assert.ok(min >= 0 && max < 1);
  assert.ok(Math.abs(sumU / n - 0.5) < 0.005);
  assert.ok(Math.abs(sumN / n) < 0.01);
  assert.ok(Math.abs(sumN2 / n - 1) < 0.02);
});

Deno.test("permutation() is a seeded permutation", () => {
  const p = permutation(1000, createRng(3));
  assert.deepEqual([...p].sort((a, b) => a - b), Array.from({ length: 1000 }, (_, i) => i));
  assert.deepEqual(p, permutation(1000, createRng(3)));
  assert.notDeepEqual(p, permutation(1000, createRng(4)));
});

function fakeDigits(count: number): Digits {
  const labels = new Uint8Array(count).map((_, i) => i % 10);
  const pixels = new Uint8Array(count * 784).map((_, k) => Math.floor(k / 784) % 256);
  return { count, labels, pixels };
}

Deno.test("shuffleDigits() keeps each label with its image", () => {
  const d = shuffleDigits(fakeDigits(50), createRng(11));
  for (let i = 0; i < 50; i++) {
    const original = d.pixels[i * 784]; // the image's original index
    assert.equal(d.labels[i], original % 10);
    assert.ok(d.pixels.subarray(i * 784, (i + 1) * 784).every((v) => v === original));
  }
  assert.throws(() => takeDigits(fakeDigits(2), [2]), {
    message: "Cannot take image 2: there are 2 images",
  });
});

Deno.test("splitDev() holds out the first devSize images like the seed", () => {
  const { dev, train } = splitDev(fakeDigits(42), 10);
  assert.equal(dev.count, 10);
  assert.equal(train.count, 32);
  assert.equal(dev.pixels.length, 10 * 784);
  assert.equal(train.pixels[0], 10);
  assert.equal(train.labels[0], 0);
  assert.equal(splitDev(fakeDigits(5), 0).train.count, 5);
  assert.throws(() => splitDev(fakeDigits(5), 5), {
    message: "Cannot hold out 5 dev images from 5: expected an integer from 0 to 4",
  });
  assert.throws(() => splitDev(fakeDigits(5), -1), { name: "RangeError" });
});

Deno.test("counterUniforms() gives counterUniform()'s numbers for b = 0, 1, …", () => {
  for (const [seed, a, c] of [[0, 0, 0], [7, 123, 1], [4294967295, 2 ** 31, 2]]) {
    const got = counterUniforms(seed, a, c, new Float64Array(1000));
    for (let b = 0; b < got.length; b++) assert.equal(got[b], counterUniform(seed, a, b, c));
  }
});
