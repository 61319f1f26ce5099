import assert from "node:assert/strict";
import {
  addColumn,
  fromRows,
  hadamard,
  map,
  matMul,
  matrix,
  relu,
  reluDerivative,
  scale,
  softmax,
  softmaxUnstable,
  subtract,
  sumAll,
  sumRows,
  toRows,
} from "../all.ts";

const A = fromRows([[1, 2, 3], [4, 5, 6]]); // 2×3
const B = fromRows([[7, 8], [9, 10], [11, 12]]); // 3×2

Deno.test("matMul() multiplies by hand-computed values, with transpose flags instead of copies", () => {
  assert.deepEqual(toRows(matMul(A, B)), [[58, 64], [139, 154]]);
  assert.deepEqual(toRows(matMul(A, A, { transposeB: true })), [[14, 32], [32, 77]]); // A·Aᵀ
  assert.deepEqual(toRows(matMul(A, A, { transposeA: true })), [[17, 22, 27], [22, 29, 36], [
    27,
    36,
    45,
  ]]); // Aᵀ·A
  assert.deepEqual(toRows(matMul(B, A, { transposeA: true, transposeB: true })), [[58, 139], [
    64,
    154,
  ]]); // Bᵀ·Aᵀ
});

Deno.test("matMul() names the op and both shapes when they do not fit", () => {
  assert.throws(() => matMul(A, A), {
    message: "Cannot multiply A (2×3) by B (2×3): inner sizes 3 and 2 differ",
  });
  assert.throws(() => matMul(A, B, { transposeB: true }), {
    message: "Cannot multiply A (2×3) by Bᵀ (3×2): inner sizes 3 and 2 differ",
  });
});

Deno.test("matrix() checks its data length; fromRows() checks row lengths", () => {
  assert.throws(() => matrix(2, 2, [1, 2, 3]), {
    message: "Cannot make a 2×2 matrix from 3 numbers",
  });
  assert.throws(() => fromRows([[1], [2, 3]]), {
    message: "Cannot make a matrix from rows of different lengths",
  });
  assert.deepEqual(matrix(1, 2).data, new Float64Array(2));
});

Deno.test("addColumn() broadcasts a column over every column, like numpy's W·X + b", () => {
  assert.deepEqual(toRows(addColumn(A, fromRows([[10], [20]]))), [[11, 12, 13], [24, 25, 26]]);
  assert.throws(() => addColumn(A, fromRows([[1, 2]])), {
    message: "Cannot add 1×2 to every column of 2×3: expected 2×1",
  });
});

Deno.test("element-wise helpers and sums give hand-computed values", () => {
  assert.deepEqual(toRows(subtract(A, A)), [[0, 0, 0], [0, 0, 0]]);
  assert.deepEqual(toRows(hadamard(A, A)), [[1, 4, 9], [16, 25, 36]]);
  assert.deepEqual(toRows(scale(A, 0.5)), [[0.5, 1, 1.5], [2, 2.5, 3]]);
  assert.deepEqual(toRows(map(A, (v) => -v)), [[-1, -2, -3], [-4, -5, -6]]);
  assert.deepEqual(toRows(sumRows(A)), [[6], [15]]);
  assert.equal(sumAll(A), 21);
  assert.throws(() => subtract(A, B), { message: "Cannot subtract 2×3 and 3×2: shapes differ" });
  assert.throws(() => hadamard(A, B), {
    message: "Cannot multiply element-wise 2×3 and 3×2: shapes differ",
  });
});

Deno.test("relu() zeroes negatives; reluDerivative() is 1 where Z > 0, else 0", () => {
  const Z = fromRows([[-2, 0, 3], [0.5, -0.1, 0]]);
  assert.deepEqual(toRows(relu(Z)), [[0, 0, 3], [0.5, 0, 0]]);
  assert.deepEqual(toRows(reluDerivative(Z)), [[0, 0, 1], [1, 0, 0]]);
});

Deno.test("softmax() works column by column, each column sums to 1", () => {
  const S = softmax(fromRows([[0, 1], [Math.log(3), 1]]));
  assert.deepEqual(toRows(S).map((r) => r.map((v) => +v.toFixed(12))), [[0.25, 0.5], [0.75, 0.5]]);
  const big = softmax(fromRows([[1000, -1000, 3], [1000, 0, 2], [999, 1, 1]]));
  for (let j = 0; j < 3; j++) {
    const col = [0, 1, 2].map((i) => big.data[i * 3 + j]);
    assert.ok(Math.abs(col.reduce((a, b) => a + b) - 1) < 1e-15, `column ${j} sums to 1`);
    assert.ok(col.every(Number.isFinite));
  }
  const e = Math.E;
  assert.ok(Math.abs(big.data[0] - e / (2 * e + 1)) < 1e-15, "1000, 1000, 999 → e/(2e+1)");
});

Deno.test("softmaxUnstable() is the seed's formula and overflows to NaN at 1000", () => {
  const S = softmaxUnstable(fromRows([[0], [Math.log(3)]]));
  assert.ok(Math.abs(S.data[1] - 0.75) < 1e-15);
  assert.ok(Number.isNaN(softmaxUnstable(fromRows([[1000], [1000]])).data[0]));
});
