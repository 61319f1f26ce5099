/**
 * Max pooling: each channel cut into p×p windows (stride p), each window replaced by its
 * largest value. p must divide the map's height and width: PyTorch drops the rows and columns
 * past the last whole window without a word, and a pool that silently loses part of every map
 * is refused here instead.
 *
 * ```text
 * Y[j,c,y,x] = max over 0 ≤ u,v < p of X[j,c,p·y+u,p·x+v]
 *   X: m×C×H×W   Y: m×C×⌊H/p⌋×⌊W/p⌋
 * ```
 *
 * @module
 */

import { integer } from "../../options.ts";
import { type Batch, zeros } from "./batch.ts";
import { imageAtLeast, type LayerKind, LayerShapeError, type Shape } from "./layer.ts";

/** A max pool's description: its window's side p (p×p, stride p). */
export interface MaxPoolSpec {
  /** `"maxPool"`. */
  kind: "maxPool";
  /** p: each window is p×p. */
  size: number;
}

/** The output shape of p×p max pooling on inputs of shape `[C, H, W]`. */
export function poolShape(input: readonly number[], p: number): number[] {
  const [C, H, W] = input;
  return [C, Math.floor(H / p), Math.floor(W / p)];
}

/**
 * Forward. Also returns, for each output, the input index of the maximum it took — the one place
 * its gradient goes back to. On a tie the first maximum in reading order (row by row) wins.
 */
export function maxPoolForward(X: Batch, p: number): { Y: Batch; argmax: Int32Array } {
  const [C, H, W] = X.shape, [, Ho, Wo] = poolShape(X.shape, p);
  const Y = zeros(X.m, [C, Ho, Wo]);
  const argmax = new Int32Array(Y.data.length);
  for (let j = 0; j < X.m; j++) {
    for (let c = 0; c < C; c++) {
      for (let y = 0; y < Ho; y++) {
        for (let x = 0; x < Wo; x++) {
          let best = -1, max = -Infinity;
          for (let u = 0; u < p; u++) {
            for (let v = 0; v < p; v++) {
              const i = ((j * C + c) * H + p * y + u) * W + p * x + v;
              if (X.data[i] > max) [max, best] = [X.data[i], i];
            }
          }
          const o = ((j * C + c) * Ho + y) * Wo + x;
          Y.data[o] = max;
          argmax[o] = best;
        }
      }
    }
  }
  return { Y, argmax };
}

/** Backward: each output's gradient goes to the input that was its maximum; the rest get 0. */
export function maxPoolBackward(X: Batch, argmax: Int32Array, dY: Batch): Batch {
  const dX = zeros(X.m, X.shape);
  for (let o = 0; o < dY.data.length; o++) dX.data[argmax[o]] += dY.data[o];
  return dX;
}

/** Max pooling as a layer kind: `poolP` in the short form; no parameters. */
export const maxPoolLayer: LayerKind<MaxPoolSpec> = {
  kind: "maxPool",
  word: "poolP",
  about: "P×P max pooling (P must divide the maps' sides)",
  fields: { size: integer(1) },
  takes: "image",
  read(word: string) {
    const match = word.match(/^pool([1-9]\d*)$/);
    return match ? [{ kind: "maxPool", size: Number(match[1]) }] : undefined;
  },
  write: (spec: MaxPoolSpec) => `pool${spec.size}`,
  outputShape(spec: MaxPoolSpec, input: Shape) {
    imageAtLeast(input, spec.size);
    const [, H, W] = input, p = spec.size;
    if (H % p !== 0 || W % p !== 0) {
      const divisors = Array.from({ length: Math.min(H, W) - 1 }, (_, i) => i + 2)
        .filter((d) => H % d === 0 && W % d === 0);
      throw new LayerShapeError(
        `gets ${H}×${W} maps, which ${p} does not divide: it would drop the last ` +
          `${H % p} rows and ${W % p} columns` +
          (divisors.length
            ? `; pools that divide them: ${divisors.map((d) => `pool${d}`).join(", ")}`
            : ""),
      );
    }
    return poolShape(input, p);
  },
  params: () => [],
  init: () => null,
  forward(spec, X) {
    const { Y, argmax } = maxPoolForward(X, spec.size);
    return { Y, cache: argmax };
  },
  backward: (_spec, X, _p, dY, argmax) => ({
    dX: maxPoolBackward(X, argmax as Int32Array, dY),
  }),
};
