/**
 * Dropout (Srivastava et al., 2014), inverted as every framework has it: in training each value
 * is zeroed with probability p and the survivors are scaled by 1/(1 − p), so that a value's
 * expectation is unchanged and evaluation is the identity — nothing to rescale at test time.
 *
 * ```text
 * training:   Y = X ⊙ M / (1 − p),   M[j,i] = [u(seed, layer, first + j, i) ≥ p]
 * evaluation: Y = X
 * backward:   dX = dY ⊙ M / (1 − p)
 *   X, Y, M: m × n (any sample shape)
 * ```
 *
 * u is {@link counterUniform}: a function of the epoch's seed, the layer's place, the sample's
 * place in the epoch and the element's place in the sample. A mask is the sample's own, whatever
 * thread, chunk or batch computes it: a run gives the same bits on any number of threads.
 *
 * @module
 */

import { counterUniform } from "../../data/random.ts";
import { number } from "../../options.ts";
import { sizeOf } from "./batch.ts";
import type { LayerKind, LayerMode, Shape } from "./layer.ts";

/** A dropout's description: the probability p that a value is dropped in training. */
export interface DropoutSpec {
  /** `"dropout"`. */
  kind: "dropout";
  /** p, from 0 (keep everything) to below 1. */
  rate: number;
}

/**
 * The mask's scale of each value of a batch: 0 for a dropped value, 1/(1 − p) for a kept one.
 *
 * @param mode Training mode: its seed, the batch's first place in the epoch and the layer's.
 */
export function dropoutMask(m: number, n: number, rate: number, mode: LayerMode): Float64Array {
  const mask = new Float64Array(m * n), keep = 1 / (1 - rate);
  for (let j = 0; j < m; j++) {
    for (let i = 0; i < n; i++) {
      const u = counterUniform(mode.seed, mode.layer, mode.first + j, i);
      mask[j * n + i] = u >= rate ? keep : 0;
    }
  }
  return mask;
}

/** Dropout as a layer kind: `dropoutP` in the short form (`dropout0.4`); no parameters. */
export const dropoutLayer: LayerKind<DropoutSpec> = {
  kind: "dropout",
  word: "dropoutP",
  about: "in training, zero each value with probability P, scale the rest by 1/(1−P)",
  fields: { rate: number({ min: 0, below: 1 }) },
  takes: "any",
  noisy: true,
  read(word: string) {
    const match = word.match(/^dropout(0?\.\d+|0)$/);
    return match ? [{ kind: "dropout", rate: Number(match[1]) }] : undefined;
  },
  write: (spec: DropoutSpec) => `dropout${spec.rate}`,
  outputShape: (_spec: DropoutSpec, input: Shape) => [...input],
  params: () => [],
  init: () => null,
  forward(spec, X, _p, mode) {
    if (!mode.training || spec.rate === 0) return { Y: X, cache: undefined };
    const mask = dropoutMask(X.m, sizeOf(X.shape), spec.rate, mode);
    return {
      Y: { ...X, shape: [...X.shape], data: X.data.map((x, k) => x * mask[k]) },
      cache: mask,
    };
  },
  backward(_spec, X, _p, dY, cache) {
    const mask = cache as Float64Array | undefined;
    if (!mask) return { dX: dY };
    return { dX: { m: X.m, shape: [...X.shape], data: dY.data.map((g, k) => g * mask[k]) } };
  },
};
