/**
 * Optimizers: how a gradient becomes a step. Each is a plain function over one flat array of
 * parameters θ, its gradient g and its state, written as PyTorch's `torch.optim` documents it
 * (`dampening = 0`), with L2 weight decay λ folded into the gradient first:
 *
 * ```text
 * g ← g + λ·θ                                        (weights only; biases are not decayed)
 * sgd:       θ ← θ − η·g
 * momentum:  v ← μ·v + g                             (v₀ = 0, so v₁ = g)
 *            θ ← θ − η·v              classical
 *            θ ← θ − η·(g + μ·v)      Nesterov
 * adam:      m ← β₁·m + (1 − β₁)·g
 *            v ← β₂·v + (1 − β₂)·g²
 *            m̂ = m / (1 − β₁ᵗ),  v̂ = v / (1 − β₂ᵗ)   (t = 1, 2, … counts the steps)
 *            θ ← θ − η·m̂ / (√v̂ + ε)
 * ```
 *
 * {@link applyOptimizer} runs them over every `W` and `b` of a network; the engine runs the very
 * same functions over its packed parameters, so the two can only differ by their gradients.
 *
 * @module
 */

import type { Grads } from "./network.ts";
import type { Params } from "./params.ts";

/** The optimizers: plain gradient descent, with momentum, and Adam. */
export type OptimizerName = "sgd" | "momentum" | "adam";

/** The names {@link OptimizerName} takes, for parsing and help texts. */
export const OPTIMIZERS: readonly OptimizerName[] = ["sgd", "momentum", "adam"];

/** Options of the optimizers; each maps to a symbol of the update equations. */
export interface OptimizerOptions {
  /** Which update rule ("sgd"). */
  optimizer?: OptimizerName;
  /** μ, the momentum's decay (0.9). */
  momentum?: number;
  /** Use Nesterov's momentum (false). */
  nesterov?: boolean;
  /** β₁, Adam's decay of the mean (0.9). */
  beta1?: number;
  /** β₂, Adam's decay of the squared gradient (0.999). */
  beta2?: number;
  /** ε, Adam's guard against division by 0 (1e-8). */
  epsilon?: number;
  /** λ, the L2 weight decay, applied to the weights but not the biases (0). */
  weightDecay?: number;
}

/** An optimizer's memory: the step count and, per parameter array, its moment estimates. */
export interface OptimizerState {
  /** Steps taken so far (Adam's t after the next step is `t + 1`). */
  t: number;
  /** Momentum's v or Adam's m, one array per parameter array (empty for sgd). */
  first: Float64Array[];
  /** Adam's v, one array per parameter array (empty otherwise). */
  second: Float64Array[];
}

/** The defaults of {@link OptimizerOptions}, filled in. */
export function optimizerDefaults(options: OptimizerOptions = {}): Required<OptimizerOptions> {
  const resolved = {
    optimizer: options.optimizer ?? "sgd",
    momentum: options.momentum ?? 0.9,
    nesterov: options.nesterov ?? false,
    beta1: options.beta1 ?? 0.9,
    beta2: options.beta2 ?? 0.999,
    epsilon: options.epsilon ?? 1e-8,
    weightDecay: options.weightDecay ?? 0,
  };
  checkOptimizer(resolved);
  return resolved;
}

/**
 * Check optimizer options.
 *
 * @throws {RangeError} Naming the option and the range it takes.
 */
export function checkOptimizer(o: Required<OptimizerOptions>): void {
  if (!OPTIMIZERS.includes(o.optimizer)) {
    throw new RangeError(
      `Cannot use optimizer "${o.optimizer}": expected one of ${OPTIMIZERS.join(", ")}`,
    );
  }
  const inUnit = (name: string, v: number) => {
    if (!(v >= 0 && v < 1)) {
      throw new RangeError(`Cannot use ${name} ${v}: expected 0 ≤ ${name} < 1`);
    }
  };
  inUnit("momentum", o.momentum);
  inUnit("beta1", o.beta1);
  inUnit("beta2", o.beta2);
  if (!(o.epsilon > 0)) throw new RangeError(`Cannot use epsilon ${o.epsilon}: expected > 0`);
  if (!(o.weightDecay >= 0) || !Number.isFinite(o.weightDecay)) {
    throw new RangeError(`Cannot use weight decay ${o.weightDecay}: expected a number ≥ 0`);
  }
}

/**
 * A fresh state for parameter arrays of the given lengths: zero moments, t = 0.
 *
 * @param lengths The length of each parameter array, in the order they will be updated.
 */
export function createOptimizerState(
  lengths: readonly number[],
  options: OptimizerOptions = {},
): OptimizerState {
  const { optimizer } = optimizerDefaults(options);
  const zeros = () => lengths.map((n) => new Float64Array(n));
  return {
    t: 0,
    first: optimizer === "sgd" ? [] : zeros(),
    second: optimizer === "adam" ? zeros() : [],
  };
}

/** The lengths of a network's parameter arrays in the order {@link applyOptimizer} takes them. */
export function parameterLengths(params: Params): number[] {
  return params.W.flatMap((W, l) => [W.data.length, params.b[l].data.length]);
}

/**
 * One step of the optimizer on a single parameter array, in place: the equations of this module
 * for θ (`theta`) with gradient `g` (left unchanged) and learning rate η (`lr`).
 *
 * @param theta Parameters, updated in place.
 * @param g Their gradient.
 * @param first Momentum's v or Adam's m for these parameters (unused by sgd).
 * @param second Adam's v (unused otherwise).
 * @param t The step's number, from 1 (Adam's bias corrections).
 * @param lr The learning rate η.
 * @param decay λ for this array (0 for biases).
 * @param o The optimizer's options, with defaults filled in ({@link optimizerDefaults}).
 */
export function optimizerUpdate(
  theta: Float64Array,
  g: Float64Array,
  first: Float64Array | undefined,
  second: Float64Array | undefined,
  t: number,
  lr: number,
  decay: number,
  o: Required<OptimizerOptions>,
): void {
  const n = theta.length;
  if (o.optimizer === "sgd") {
    for (let k = 0; k < n; k++) theta[k] -= lr * (g[k] + decay * theta[k]); // θ ← θ − η·g
    return;
  }
  if (o.optimizer === "momentum") {
    const v = first!, mu = o.momentum;
    for (let k = 0; k < n; k++) {
      const gk = g[k] + decay * theta[k];
      v[k] = mu * v[k] + gk; // v ← μ·v + g
      theta[k] -= lr * (o.nesterov ? gk + mu * v[k] : v[k]);
    }
    return;
  }
  const m = first!, v = second!;
  const { beta1, beta2, epsilon } = o;
  const c1 = 1 - beta1 ** t, c2 = 1 - beta2 ** t; // bias corrections
  for (let k = 0; k < n; k++) {
    const gk = g[k] + decay * theta[k];
    m[k] = beta1 * m[k] + (1 - beta1) * gk; // m ← β₁·m + (1 − β₁)·g
    v[k] = beta2 * v[k] + (1 - beta2) * gk * gk; // v ← β₂·v + (1 − β₂)·g²
    theta[k] -= (lr * (m[k] / c1)) / (Math.sqrt(v[k] / c2) + epsilon); // θ ← θ − η·m̂/(√v̂ + ε)
  }
}

/**
 * One optimizer step over every parameter of a network, in place: `W[0], b[0], W[1], b[1], …`,
 * each with {@link optimizerUpdate}; the weights decay by λ, the biases do not.
 *
 * @example
 * ```ts
 * import { applyOptimizer, createOptimizerState, fromRows, parameterLengths } from "../mod.ts";
 * const params = { sizes: [1, 1], W: [fromRows([[1]])], b: [fromRows([[0]])] };
 * const grads = { dW: [fromRows([[0.5]])], db: [fromRows([[-2]])] };
 * const state = createOptimizerState(parameterLengths(params), { optimizer: "adam" });
 * applyOptimizer(params, grads, 0.1, state, { optimizer: "adam" });
 * console.log(params.W[0].data[0], params.b[0].data[0]); // ≈ 0.9 and 0.1: Adam's first step is η·sign(g)
 * ```
 *
 * @param params The network, updated in place.
 * @param grads Its gradients (mean over the batch).
 * @param lr The learning rate η for this step.
 * @param state The optimizer's state, from {@link createOptimizerState}.
 */
export function applyOptimizer(
  params: Params,
  grads: Grads,
  lr: number,
  state: OptimizerState,
  options: OptimizerOptions = {},
): void {
  stepArrays(
    params.W.flatMap((W, l) => [
      { theta: W.data, g: grads.dW[l].data, decay: true },
      { theta: params.b[l].data, g: grads.db[l].data, decay: false },
    ]),
    lr,
    state,
    options,
  );
}

/**
 * One optimizer step over a list of parameter arrays, in place, each with its gradient and
 * whether weight decay applies (weights: yes; biases: no): the k-th array of the list keeps the
 * k-th moments of `state`. {@link applyOptimizer} and the layer-list networks list theirs.
 */
export function stepArrays(
  arrays: readonly { theta: Float64Array; g: Float64Array; decay: boolean }[],
  lr: number,
  state: OptimizerState,
  options: OptimizerOptions = {},
): void {
  const o = optimizerDefaults(options);
  state.t++;
  const { first, second, t } = state;
  arrays.forEach(({ theta, g, decay }, k) => {
    optimizerUpdate(theta, g, first[k], second[k], t, lr, decay ? o.weightDecay : 0, o);
  });
}
