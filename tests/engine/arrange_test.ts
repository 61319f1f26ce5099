import assert from "node:assert/strict";
import { createRng } from "../all.ts";
import { mnistTest } from "../helpers.ts";
import {
  arrangeImages,
  arrangeShare,
  readEpoch,
  shareEpoch,
  writeEpoch,
} from "../../lib/engine/shared/arrange.ts";
import { augmentImage, planEpoch } from "../../lib/nn/minibatch.ts";

const digits = await mnistTest(37, 500);

Deno.test("arrangeShare() cuts the positions into contiguous shares, in slot order, none left out", () => {
  for (const m of [0, 1, 7, 37, 41000]) {
    for (const threads of [1, 2, 3, 8]) {
      let next = 0;
      for (let slot = 0; slot < threads; slot++) {
        const [from, to] = arrangeShare(m, slot, threads);
        assert.equal(from, next, `m = ${m}, slot ${slot} of ${threads}`);
        assert.ok(to >= from);
        next = to;
      }
      assert.equal(next, m);
    }
  }
});

Deno.test("an epoch arranged by shares on 1, 2 or 3 threads is augmentImage()'s, image by image", () => {
  const m = digits.count;
  const plans = [
    planEpoch(m, 2, createRng(1), 8),
    planEpoch(m, 1, createRng(2), 8, { degrees: 12, scale: 0.15 }),
    planEpoch(m, 2, createRng(3), 8, { degrees: 5, scale: 0.1, elastic: { alpha: 20, sigma: 4 } }),
  ];
  for (const [p, plan] of plans.entries()) {
    const expected = new Uint8Array(m * 784);
    for (let i = 0; i < m; i++) {
      const j = plan.order[i];
      const src = digits.pixels.subarray(j * 784, (j + 1) * 784);
      augmentImage(plan, i, src, expected.subarray(i * 784, (i + 1) * 784));
    }
    const shared = shareEpoch(digits, 784);
    writeEpoch(shared, plan);
    assert.deepEqual(readEpoch(shared), { ...plan, seed: 0 }, `plan ${p} read back`);
    for (const threads of [1, 2, 3]) {
      const out = new Uint8Array(m * 784);
      for (let slot = 0; slot < threads; slot++) arrangeImages(shared, slot, threads, out);
      assert.deepEqual(out, expected, `plan ${p}, ${threads} threads`);
    }
  }
  // A plan without distortions after one with them: the shared header forgets them.
  const shared = shareEpoch(digits, 784);
  writeEpoch(shared, plans[2]);
  writeEpoch(shared, plans[0]);
  assert.equal(readEpoch(shared).distortions, undefined);
});

Deno.test("writeEpoch() refuses a plan of another size, naming both", () => {
  const shared = shareEpoch(digits, 784);
  assert.throws(() => writeEpoch(shared, planEpoch(36, 0, createRng(1), 8)), {
    name: "RangeError",
    message: "Cannot arrange 36 samples: the engine holds 37",
  });
});
