/**
 * Gradient checking: compare back propagation with the slope of the loss measured directly,
 * `∂L/∂θ ≈ (L(θ + h) − L(θ − h)) / 2h` (central differences, error O(h²)).
 *
 * @module
 */

import type { Matrix } from "./matrix.ts";
import { crossEntropy } from "./metrics.ts";
import { backProp, type BackwardOptions, forwardProp } from "./network.ts";
import type { Params } from "./params.ts";
import type { Rng } from "../data/random.ts";

/** One checked coordinate. */
export interface CheckedGradient {
  /** The parameter, in the seed's names: `W1[3]`, `b2[0]`, … (flat row-major index). */
  name: string;
  /** The gradient from back propagation. */
  analytic: number;
  /** The central difference. */
  numeric: number;
}

/** Result of {@link gradientCheck}. */
export interface GradientCheck {
  /** `‖numeric − analytic‖ / (‖numeric‖ + ‖analytic‖)` over the checked coordinates. */
  relativeError: number;
  /** Every coordinate checked, in order. */
  checked: CheckedGradient[];
}

/**
 * Check `backProp` against central differences of the mean cross-entropy loss, on every
 * parameter (`count` omitted) or on `count` coordinates drawn with `rng`.
 *
 * A relative error around 1e-9 means the gradient is right; a mistake in the backward pass
 * shows as 1e-2 or more.
 *
 * @param params Where to take the gradient.
 * @param X Inputs, one column per sample.
 * @param Y Labels.
 * @param options `h` (1e-6), `count` and `rng` to sample coordinates, and the backward options
 *   (with `originalBiasGradient` the check fails, as it should: that is not the gradient).
 */
export function gradientCheck(
  params: Params,
  X: Matrix,
  Y: ArrayLike<number>,
  options: BackwardOptions & { h?: number; count?: number; rng?: Rng } = {},
): GradientCheck {
  const { h = 1e-6, count, rng } = options;
  const grads = backProp(params, forwardProp(params, X), X, Y, options);
  const loss = () => crossEntropy(forwardProp(params, X).A.at(-1)!, Y);
  const coordinates: [key: "W" | "b", layer: number, index: number][] = [];
  for (const key of ["W", "b"] as const) {
    params[key].forEach((M, l) => {
      for (let k = 0; k < M.data.length; k++) coordinates.push([key, l, k]);
    });
  }
  let chosen = coordinates;
  if (count !== undefined && count < coordinates.length) {
    if (!rng) throw new Error("Cannot sample coordinates for the gradient check without an rng");
    chosen = Array.from({ length: count }, () => coordinates[rng.int(coordinates.length)]);
  }
  let diff2 = 0, sum2 = 0;
  const checked = chosen.map(([key, l, k]) => {
    const M = params[key][l];
    const keep = M.data[k];
    M.data[k] = keep + h;
    const up = loss();
    M.data[k] = keep - h;
    const down = loss();
    M.data[k] = keep;
    const numeric = (up - down) / (2 * h);
    const analytic = (key === "W" ? grads.dW : grads.db)[l].data[k];
    diff2 += (numeric - analytic) ** 2;
    sum2 += numeric ** 2 + analytic ** 2;
    return { name: `${key}${l + 1}[${k}]`, analytic, numeric };
  });
  return { relativeError: sum2 === 0 ? 0 : Math.sqrt(diff2) / Math.sqrt(sum2), checked };
}
