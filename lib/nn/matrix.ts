/**
 * A matrix is plain data: `{ rows, cols, data }` over a row-major `Float64Array`, element (i, j)
 * at `data[i * cols + j]`. These are the few operations the network's equations need, written
 * for clarity; the fast training engine (`engine.ts`) is tested against them.
 *
 * @module
 */

/** A dense row-major matrix of float64. */
export interface Matrix {
  /** Number of rows. */
  rows: number;
  /** Number of columns. */
  cols: number;
  /** `rows × cols` values, row-major: element (i, j) at `i * cols + j`. */
  data: Float64Array;
}

/**
 * A `rows × cols` matrix, zero-filled or over the given data (not copied).
 *
 * @example
 * ```ts
 * import { matrix } from "./matrix.ts";
 * const A = matrix(2, 2, [1, 2, 3, 4]); // [[1, 2], [3, 4]]
 * ```
 *
 * @throws {RangeError} When the data's length is not `rows × cols`.
 */
export function matrix(rows: number, cols: number, data?: ArrayLike<number>): Matrix {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
    throw new RangeError(`Cannot make a ${rows}×${cols} matrix: sizes must be whole numbers`);
  }
  if (data === undefined) return { rows, cols, data: new Float64Array(rows * cols) };
  if (data.length !== rows * cols) {
    throw new RangeError(`Cannot make a ${rows}×${cols} matrix from ${data.length} numbers`);
  }
  return { rows, cols, data: data instanceof Float64Array ? data : Float64Array.from(data) };
}

/** A matrix from an array of rows: `fromRows([[1, 2], [3, 4]])`. */
export function fromRows(rows: number[][]): Matrix {
  const cols = rows[0]?.length ?? 0;
  if (rows.some((r) => r.length !== cols)) {
    throw new RangeError("Cannot make a matrix from rows of different lengths");
  }
  return matrix(rows.length, cols, rows.flat());
}

/** The matrix as an array of rows (for display and tests). */
export function toRows(A: Matrix): number[][] {
  return Array.from(
    { length: A.rows },
    (_, i) => Array.from(A.data.subarray(i * A.cols, (i + 1) * A.cols)),
  );
}

/** A deep copy. */
export function clone(A: Matrix): Matrix {
  return { rows: A.rows, cols: A.cols, data: A.data.slice() };
}

/** `"r×c"`, for messages. */
export function shape(A: Matrix): string {
  return `${A.rows}×${A.cols}`;
}

/** Options of {@link matMul}. */
export interface MatMulOptions {
  /** Use Aᵀ instead of A (no copy is made). */
  transposeA?: boolean;
  /** Use Bᵀ instead of B (no copy is made). */
  transposeB?: boolean;
}

/**
 * `C = op(A)·op(B)`, where `op` transposes when its flag is set: `Cᵢⱼ = Σₖ op(A)ᵢₖ op(B)ₖⱼ`.
 *
 * The loops run i-k-j when B is not transposed (a row of B is read in order) and i-j-k when it
 * is (a row of B is then a column of Bᵀ, also read in order).
 *
 * @example
 * ```ts
 * import { fromRows, matMul, toRows } from "./matrix.ts";
 * const C = matMul(fromRows([[1, 2]]), fromRows([[3], [4]])); // [[11]]
 * const D = matMul(fromRows([[1, 2]]), fromRows([[1, 2]]), { transposeB: true }); // [[5]]
 * ```
 *
 * @throws {RangeError} `Cannot multiply 2×3 by 2×3: inner sizes 3 and 2 differ`.
 */
export function matMul(A: Matrix, B: Matrix, options: MatMulOptions = {}): Matrix {
  const { transposeA = false, transposeB = false } = options;
  const n = transposeA ? A.cols : A.rows; // rows of op(A)
  const inner = transposeA ? A.rows : A.cols;
  const innerB = transposeB ? B.cols : B.rows;
  const p = transposeB ? B.rows : B.cols; // cols of op(B)
  if (inner !== innerB) {
    const name = (M: Matrix, t: boolean, s: string) => `${s}${t ? "ᵀ" : ""} (${shape(M)})`;
    throw new RangeError(
      `Cannot multiply ${name(A, transposeA, "A")} by ${name(B, transposeB, "B")}: ` +
        `inner sizes ${inner} and ${innerB} differ`,
    );
  }
  const C = matrix(n, p);
  const a = A.data, b = B.data, c = C.data;
  // op(A)ᵢₖ: A[i][k] = a[i*A.cols + k], or Aᵀ[i][k] = A[k][i] = a[k*A.cols + i].
  const aStrideI = transposeA ? 1 : A.cols, aStrideK = transposeA ? A.cols : 1;
  for (let i = 0; i < n; i++) {
    const ci = i * p;
    if (!transposeB) {
      for (let k = 0; k < inner; k++) {
        const aik = a[i * aStrideI + k * aStrideK];
        if (aik === 0) continue;
        const bk = k * B.cols;
        for (let j = 0; j < p; j++) c[ci + j] += aik * b[bk + j];
      }
    } else {
      for (let j = 0; j < p; j++) {
        const bj = j * B.cols; // op(B)ₖⱼ = B[j][k]
        let sum = 0;
        for (let k = 0; k < inner; k++) sum += a[i * aStrideI + k * aStrideK] * b[bj + k];
        c[ci + j] = sum;
      }
    }
  }
  return C;
}

/**
 * `A + b`, adding the column vector `b` (r×1) to every column of A (r×c): numpy's broadcast
 * in `W1.dot(X) + b1`.
 *
 * @throws {RangeError} When b is not an r×1 column.
 */
export function addColumn(A: Matrix, b: Matrix): Matrix {
  if (b.cols !== 1 || b.rows !== A.rows) {
    throw new RangeError(
      `Cannot add ${shape(b)} to every column of ${shape(A)}: expected ${A.rows}×1`,
    );
  }
  const C = clone(A);
  for (let i = 0; i < A.rows; i++) {
    for (let j = 0; j < A.cols; j++) C.data[i * A.cols + j] += b.data[i];
  }
  return C;
}

/** `A − B`, element by element. @throws {RangeError} When the shapes differ. */
export function subtract(A: Matrix, B: Matrix): Matrix {
  sameShape("subtract", A, B);
  return { rows: A.rows, cols: A.cols, data: A.data.map((v, k) => v - B.data[k]) };
}

/** `A ⊙ B`, the element-wise (Hadamard) product, numpy's `A * B`. @throws {RangeError} When the shapes differ. */
export function hadamard(A: Matrix, B: Matrix): Matrix {
  sameShape("multiply element-wise", A, B);
  return { rows: A.rows, cols: A.cols, data: A.data.map((v, k) => v * B.data[k]) };
}

/** `s·A`, every element times a scalar. */
export function scale(A: Matrix, s: number): Matrix {
  return { rows: A.rows, cols: A.cols, data: A.data.map((v) => v * s) };
}

/** `f(A)`, a function applied to every element. */
export function map(A: Matrix, f: (v: number) => number): Matrix {
  return { rows: A.rows, cols: A.cols, data: A.data.map(f) };
}

/** `Σⱼ Aᵢⱼ`, the sum of each row as an r×1 column: numpy's `np.sum(A, axis=1, keepdims=True)`. */
export function sumRows(A: Matrix): Matrix {
  const s = matrix(A.rows, 1);
  for (let i = 0; i < A.rows; i++) {
    let sum = 0;
    for (let j = 0; j < A.cols; j++) sum += A.data[i * A.cols + j];
    s.data[i] = sum;
  }
  return s;
}

/** `Σᵢⱼ Aᵢⱼ`, the sum of every element: numpy's `np.sum(A)`. */
export function sumAll(A: Matrix): number {
  let sum = 0;
  for (let k = 0; k < A.data.length; k++) sum += A.data[k];
  return sum;
}

function sameShape(op: string, A: Matrix, B: Matrix): void {
  if (A.rows !== B.rows || A.cols !== B.cols) {
    throw new RangeError(`Cannot ${op} ${shape(A)} and ${shape(B)}: shapes differ`);
  }
}
