/**
 * The network's parameters — one weight matrix and one bias column per layer — and the seed's
 * way of drawing them.
 *
 * @module
 */

import { clone, type Matrix, matrix } from "./matrix.ts";
import type { Rng } from "../data/random.ts";

/**
 * Weights and biases of a fully connected network with layer sizes `sizes`
 * (`[784, 10, 10, 10]` for the seed). Arrays count from 0: `W[0]` is the seed's `W1`
 * (`sizes[1] × sizes[0]`), `b[0]` its `b1` (`sizes[1] × 1`), and so on; destructure to get the
 * seed's names: `const { W: [W1, W2, W3], b: [b1, b2, b3] } = params`.
 */
export interface Params {
  /** Layer sizes, input first, classes last. */
  sizes: number[];
  /** Weights: `W[l]` is `sizes[l+1] × sizes[l]` (the seed's W1 is `W[0]`). */
  W: Matrix[];
  /** Biases: `b[l]` is `sizes[l+1] × 1`. */
  b: Matrix[];
}

/** The seed's layer sizes: 784 pixels, two hidden layers of 10, 10 classes. */
export const SEED_SIZES: readonly number[] = [784, 10, 10, 10];

/**
 * How to draw the initial weights: `"seed"`, the seed's own scale factors (784-10-10-10 only), or
 * `"he"`, He initialisation for ReLU layers, `W[l] ~ N·√(2/n_in)`, `b[l] = 0`.
 */
export type InitScheme = "seed" | "he";

/** Whether `sizes` are the seed's 784-10-10-10. */
export function isSeedSizes(sizes: readonly number[]): boolean {
  return sizes.length === SEED_SIZES.length && sizes.every((n, l) => n === SEED_SIZES[l]);
}

/**
 * Random initial parameters: the seed's `init_params`.
 *
 * For the seed's sizes 784-10-10-10 this is exactly its scheme, drawn in its order:
 * `W1 ~ N·√(1/784)`, `b1 ~ N·√(1/10)`, `W2 ~ N·√(1/20)`, `b2 ~ N·√(1/10)`, `W3 ~ N·√(1/20)`,
 * `b3 ~ N·√(1/784)`, where N is a standard normal. For any other sizes, or with `scheme: "he"`,
 * it is He initialisation, the standard choice for ReLU layers: `Wˡ ~ N·√(2/nˡ⁻¹)`, `bˡ = 0`
 * (drawn layer by layer, W then b).
 *
 * @example
 * ```ts
 * import { createRng, initParams } from "../mod.ts";
 * const { W: [W1] } = initParams(createRng(0));
 * console.log(W1.rows, W1.cols); // 10 784
 * ```
 *
 * @param rng The seeded generator to draw from.
 * @param sizes Layer sizes, input first, classes last.
 * @param scheme `"seed"` (the default for 784-10-10-10) or `"he"` (the default otherwise).
 * @returns Fresh parameters.
 * @throws {RangeError} When there are fewer than two sizes, a size is not a positive integer, or
 *   the seed's scheme is asked of other sizes.
 */
export function initParams(
  rng: Rng,
  sizes: readonly number[] = SEED_SIZES,
  scheme: InitScheme = isSeedSizes(sizes) ? "seed" : "he",
): Params {
  checkSizes(sizes);
  if (scheme !== "seed" && scheme !== "he") {
    throw new RangeError(`Cannot initialise with scheme "${scheme}": expected seed or he`);
  }
  if (scheme === "seed" && !isSeedSizes(sizes)) {
    throw new RangeError(
      `Cannot use the seed's initialisation for sizes ${
        sizes.join("-")
      }: it is defined for 784-10-10-10 only; use he`,
    );
  }
  const isSeed = scheme === "seed";
  // The seed's scale factors: [W, b] for each layer.
  const seedScales = [[1 / 784, 1 / 10], [1 / 20, 1 / 10], [1 / 20, 1 / 784]];
  const draw = (rows: number, cols: number, scale: number) => {
    const M = matrix(rows, cols);
    for (let k = 0; k < M.data.length; k++) M.data[k] = rng.normal() * scale;
    return M;
  };
  const W: Matrix[] = [], b: Matrix[] = [];
  for (let l = 1; l < sizes.length; l++) {
    if (isSeed) {
      W.push(draw(sizes[l], sizes[l - 1], Math.sqrt(seedScales[l - 1][0])));
      b.push(draw(sizes[l], 1, Math.sqrt(seedScales[l - 1][1])));
    } else {
      W.push(draw(sizes[l], sizes[l - 1], Math.sqrt(2 / sizes[l - 1])));
      b.push(matrix(sizes[l], 1));
    }
  }
  return { sizes: [...sizes], W, b };
}

/** A deep copy of the parameters. */
export function cloneParams(params: Params): Params {
  return { sizes: [...params.sizes], W: params.W.map(clone), b: params.b.map(clone) };
}

/**
 * Check a list of layer sizes.
 *
 * @throws {RangeError} When there are fewer than two sizes or one is not a positive integer.
 */
export function checkSizes(sizes: readonly number[]): void {
  if (sizes.length < 2) {
    throw new RangeError(`Cannot build a network with layer sizes [${sizes}]: expected at least 2`);
  }
  for (const n of sizes) {
    if (!Number.isInteger(n) || n < 1) {
      throw new RangeError(
        `Cannot build a network with layer sizes [${sizes}]: ${n} is not a positive integer`,
      );
    }
  }
}

/** `max |a − b|` over every weight and bias of two networks of the same sizes. */
export function maxParamDifference(a: Params, b: Params): number {
  if (a.sizes.join() !== b.sizes.join()) {
    throw new RangeError(
      `Cannot compare networks of sizes ${a.sizes.join("-")} and ${b.sizes.join("-")}`,
    );
  }
  let max = 0;
  for (const key of ["W", "b"] as const) {
    a[key].forEach((M, l) => {
      const other = b[key][l].data;
      for (let k = 0; k < M.data.length; k++) max = Math.max(max, Math.abs(M.data[k] - other[k]));
    });
  }
  return max;
}
