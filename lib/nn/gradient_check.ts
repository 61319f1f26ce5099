/**
 * Gradient checking: compare back propagation with the slope of the loss measured directly,
 * `∂L/∂θ ≈ (L(θ + h) − L(θ − h)) / 2h` (central differences, error O(h²)), parameter by
 * parameter.
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
  /** The coordinate, in the seed's names: `W1[3]`, `b2[0]`, … (flat row-major index). */
  name: string;
  /** The gradient from back propagation. */
  analytic: number;
  /** The central difference. */
  numeric: number;
}

/** The check of one parameter (`W1`, `b1`, …). */
export interface ParameterCheck {
  /** The parameter's name: `W1`, `b1`, `W2`, … */
  name: string;
  /** Its number of coordinates. */
  size: number;
  /** The coordinates checked, in index order. */
  checked: CheckedGradient[];
  /**
   * Weights left out because their input is 0 in every sample used: their gradient is exactly 0
   * whatever the backward pass does, so they cannot tell a right gradient from a wrong one.
   */
  skipped: number;
  /** `‖numeric − analytic‖ / (‖numeric‖ + ‖analytic‖)` over the checked coordinates (0 if none). */
  relativeError: number;
}

/** Result of {@link gradientCheck}. */
export interface GradientCheck {
  /** One check per parameter, in the seed's order: W1, b1, W2, b2, … */
  parameters: ParameterCheck[];
  /** The largest of the parameters' relative errors. */
  relativeError: number;
}

/** Options of {@link gradientCheck}. */
export interface GradientCheckOptions extends BackwardOptions {
  /** The step of the central difference (1e-6). */
  h?: number;
  /**
   * Check at most this many coordinates of each weight matrix, drawn with `rng` among those
   * whose input is not 0 in every sample (default: all of them). Biases are always all checked.
   */
  weightsPerMatrix?: number;
  /** The generator that draws the weights, required with `weightsPerMatrix`. */
  rng?: Rng;
}

/**
 * Check `backProp` against central differences of the mean cross-entropy loss, one relative
 * error per parameter: every bias, and every weight (or `weightsPerMatrix` of them) whose input
 * is not 0 in every sample.
 *
 * A relative error around 1e-9 means the gradient is right; a mistake in the backward pass
 * shows as 1e-2 or more on the parameters it touches.
 *
 * @example
 * ```ts
 * import { createRng, fromRows, gradientCheck, initParams } from "../mod.ts";
 * const params = initParams(createRng(0), [3, 4, 2]);
 * const X = fromRows([[0.1, 0.9], [0.5, 0], [0, 0]]); // 3 inputs × 2 samples
 * const { parameters } = gradientCheck(params, X, [0, 1]);
 * console.log(parameters.map((p) => `${p.name} ${p.relativeError < 1e-6}`).join(", "));
 * // W1 true, b1 true, W2 true, b2 true
 * ```
 *
 * @param params Where to take the gradient.
 * @param X Inputs, one column per sample.
 * @param Y Labels.
 * @param options `h`, `weightsPerMatrix` and `rng`, and the backward options (with
 *   `originalBiasGradient` the check fails on the biases, as it should: that is not the gradient).
 * @throws {Error} When `weightsPerMatrix` is given without `rng`.
 */
export function gradientCheck(
  params: Params,
  X: Matrix,
  Y: ArrayLike<number>,
  options: GradientCheckOptions = {},
): GradientCheck {
  const { h = 1e-6, weightsPerMatrix, rng } = options;
  if (weightsPerMatrix !== undefined && !rng) {
    throw new Error("Cannot sample weights for the gradient check without an rng");
  }
  const cache = forwardProp(params, X);
  const grads = backProp(params, cache, X, Y, options);
  const loss = () => crossEntropy(forwardProp(params, X).A.at(-1)!, Y);
  const checkCoordinate = (M: Matrix, k: number, name: string, analytic: number) => {
    const keep = M.data[k];
    M.data[k] = keep + h;
    const up = loss();
    M.data[k] = keep - h;
    const down = loss();
    M.data[k] = keep;
    return { name, analytic, numeric: (up - down) / (2 * h) };
  };
  const parameters: ParameterCheck[] = [];
  params.W.forEach((W, l) => {
    // W[l][i][k] multiplies input k of the layer: if that input is 0 in every sample, the
    // weight's gradient is 0 by construction.
    const input = l === 0 ? X : cache.A[l - 1];
    const live = liveInputs(input);
    const candidates: number[] = [];
    for (let k = 0; k < W.data.length; k++) if (live[k % W.cols]) candidates.push(k);
    const chosen = weightsPerMatrix === undefined
      ? candidates
      : sample(candidates, weightsPerMatrix, rng!);
    const name = `W${l + 1}`;
    const checked = chosen.map((k) => checkCoordinate(W, k, `${name}[${k}]`, grads.dW[l].data[k]));
    parameters.push(summarise(name, W.data.length, checked, W.data.length - candidates.length));
    const b = params.b[l];
    const bChecked = Array.from(
      b.data,
      (_, k) => checkCoordinate(b, k, `b${l + 1}[${k}]`, grads.db[l].data[k]),
    );
    parameters.push(summarise(`b${l + 1}`, b.data.length, bChecked, 0));
  });
  return { parameters, relativeError: Math.max(...parameters.map((p) => p.relativeError)) };
}

/** `live[k]`: whether row k of A (an input of the layer) is nonzero in some sample. */
function liveInputs(A: Matrix): boolean[] {
  const live: boolean[] = [];
  for (let k = 0; k < A.rows; k++) {
    let any = false;
    for (let j = 0; j < A.cols && !any; j++) any = A.data[k * A.cols + j] !== 0;
    live.push(any);
  }
  return live;
}

/** `count` distinct items of `items` drawn with `rng` (a partial Fisher–Yates), in index order. */
function sample(items: number[], count: number, rng: Rng): number[] {
  const pool = [...items];
  const n = Math.min(count, pool.length);
  for (let i = 0; i < n; i++) {
    const j = i + rng.int(pool.length - i);
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, n).sort((a, b) => a - b);
}

function summarise(
  name: string,
  size: number,
  checked: CheckedGradient[],
  skipped: number,
): ParameterCheck {
  let diff2 = 0, numeric2 = 0, analytic2 = 0;
  for (const { analytic, numeric } of checked) {
    diff2 += (numeric - analytic) ** 2;
    numeric2 += numeric ** 2;
    analytic2 += analytic ** 2;
  }
  const norms = Math.sqrt(numeric2) + Math.sqrt(analytic2);
  return {
    name,
    size,
    checked,
    skipped,
    relativeError: norms === 0 ? 0 : Math.sqrt(diff2) / norms,
  };
}
