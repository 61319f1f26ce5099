/**
 * Batch normalisation (Ioffe & Szegedy, 2015): each channel of a map (each unit of a vector)
 * normalised by the batch's mean and variance, then scaled by a learned γ and shifted by a
 * learned β — PyTorch's `BatchNorm2d` (and `BatchNorm1d`) with its defaults, ε = 10⁻⁵ and
 * momentum 0.1.
 *
 * ```text
 * training, per channel c over the N = m·H·W values x of the batch (N = m for vectors):
 *   μ = (1/N) Σ x          σ² = (1/N) Σ (x − μ)²          x̂ = (x − μ) / √(σ² + ε)
 *   y = γ·x̂ + β
 *   running mean ← (1 − 0.1)·running mean + 0.1·μ
 *   running var  ← (1 − 0.1)·running var  + 0.1·σ²·N/(N − 1)     (the unbiased variance)
 * evaluation:  y = γ·(x − running mean) / √(running var + ε) + β
 * backward (the three terms: through x̂ directly, through σ², through μ):
 *   dβ = Σ dy      dγ = Σ dy·x̂      dx = γ / (N·√(σ² + ε)) · (N·dy − dβ − x̂·dγ)
 *   X, Y: m×C×H×W (or m×n)   γ, β, running mean, running var: C (or n)
 * ```
 *
 * The running averages are buffers ({@link ParamInfo.trained} `false`): kept in the network
 * and its model file, updated by the training forward pass, never by the optimizer.
 *
 * @module
 */

import { type Batch, zeros } from "./batch.ts";
import type { LayerKind, LayerMode, LayerParams, ParamInfo, Shape } from "./layer.ts";

/** A batch normalisation's description: it has no sizes of its own. */
export interface BatchNormSpec {
  /** `"batchNorm"`. */
  kind: "batchNorm";
}

/** ε, added to the variance before its square root (PyTorch's default). */
export const BN_EPSILON = 1e-5;
/** The running averages' momentum: the weight of each new batch (PyTorch's default). */
export const BN_MOMENTUM = 0.1;

/** Channels and positions per channel of a sample shape: `[C, H·W]`, or `[n, 1]` for vectors. */
function channelsOf(shape: Shape): [number, number] {
  return shape.length === 3 ? [shape[0], shape[1] * shape[2]] : [shape[0], 1];
}

/** What the backward pass keeps of a training forward pass. */
export interface BatchNormCache {
  /** x̂, shaped like the input. */
  xhat: Float64Array;
  /** 1/√(σ² + ε) of each channel. */
  invStd: Float64Array;
}

/**
 * Forward in training mode: normalise by the batch's statistics and update the running ones
 * in `p` (in place).
 */
export function batchNormTrain(
  X: Batch,
  p: LayerParams,
): { Y: Batch; xhat: Float64Array; invStd: Float64Array } {
  const [C, P] = channelsOf(X.shape), N = X.m * P;
  const Y = zeros(X.m, X.shape), xhat = new Float64Array(X.data.length);
  const invStd = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    let sum = 0;
    for (let j = 0; j < X.m; j++) {
      for (let q = 0; q < P; q++) sum += X.data[(j * C + c) * P + q];
    }
    const mean = sum / N;
    let squares = 0;
    for (let j = 0; j < X.m; j++) {
      for (let q = 0; q < P; q++) squares += (X.data[(j * C + c) * P + q] - mean) ** 2;
    }
    const variance = squares / N;
    invStd[c] = 1 / Math.sqrt(variance + BN_EPSILON);
    for (let j = 0; j < X.m; j++) {
      for (let q = 0; q < P; q++) {
        const k = (j * C + c) * P + q;
        xhat[k] = (X.data[k] - mean) * invStd[c];
        Y.data[k] = p.gamma[c] * xhat[k] + p.beta[c];
      }
    }
    // With one value per channel (N = 1) there is no unbiased variance: the running one stays.
    const unbiased = N > 1 ? variance * N / (N - 1) : p.runningVar[c];
    p.runningMean[c] = (1 - BN_MOMENTUM) * p.runningMean[c] + BN_MOMENTUM * mean;
    p.runningVar[c] = (1 - BN_MOMENTUM) * p.runningVar[c] + BN_MOMENTUM * unbiased;
  }
  return { Y, xhat, invStd };
}

/** Forward in evaluation mode: normalise by the running statistics. */
export function batchNormEvaluate(X: Batch, p: LayerParams): Batch {
  const [C, P] = channelsOf(X.shape), Y = zeros(X.m, X.shape);
  for (let c = 0; c < C; c++) {
    const scale = p.gamma[c] / Math.sqrt(p.runningVar[c] + BN_EPSILON);
    for (let j = 0; j < X.m; j++) {
      for (let q = 0; q < P; q++) {
        const k = (j * C + c) * P + q;
        Y.data[k] = scale * (X.data[k] - p.runningMean[c]) + p.beta[c];
      }
    }
  }
  return Y;
}

/** Backward of a training forward pass: the three-term formula above. */
export function batchNormBackward(
  X: Batch,
  p: LayerParams,
  dY: Batch,
  cache: BatchNormCache,
): { dX: Batch; dgamma: Float64Array; dbeta: Float64Array } {
  const [C, P] = channelsOf(X.shape), N = X.m * P, { xhat, invStd } = cache;
  const dX = zeros(X.m, X.shape), dgamma = new Float64Array(C), dbeta = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    for (let j = 0; j < X.m; j++) {
      for (let q = 0; q < P; q++) {
        const k = (j * C + c) * P + q;
        dbeta[c] += dY.data[k];
        dgamma[c] += dY.data[k] * xhat[k];
      }
    }
    const scale = p.gamma[c] * invStd[c] / N;
    for (let j = 0; j < X.m; j++) {
      for (let q = 0; q < P; q++) {
        const k = (j * C + c) * P + q;
        dX.data[k] = scale * (N * dY.data[k] - dbeta[c] - xhat[k] * dgamma[c]);
      }
    }
  }
  return { dX, dgamma, dbeta };
}

/**
 * Batch normalisation as a layer kind: `bn` in the short form, after a convolution's ReLU
 * (per channel) or a dense layer's (per unit); γ and β trained (no weight decay), the running
 * mean and variance buffers.
 */
export const batchNormLayer: LayerKind<BatchNormSpec> = {
  kind: "batchNorm",
  word: "bn",
  about: "batch normalisation per channel (or unit): the batch's statistics in training",
  fields: {},
  takes: "any",
  read: (word: string) => (word === "bn" ? [{ kind: "batchNorm" }] : undefined),
  write: () => "bn",
  outputShape: (_spec: BatchNormSpec, input: Shape) => [...input],
  params(_spec: BatchNormSpec, input: Shape): ParamInfo[] {
    const [C] = channelsOf(input);
    return [
      { name: "gamma", length: C, decay: false },
      { name: "beta", length: C, decay: false },
      { name: "runningMean", length: C, decay: false, trained: false },
      { name: "runningVar", length: C, decay: false, trained: false },
    ];
  },
  init(_spec: BatchNormSpec, input: Shape) {
    const [C] = channelsOf(input);
    return {
      gamma: new Float64Array(C).fill(1),
      beta: new Float64Array(C),
      runningMean: new Float64Array(C),
      runningVar: new Float64Array(C).fill(1),
    };
  },
  forward(_spec, X, p, mode: LayerMode) {
    if (!mode.training) return { Y: batchNormEvaluate(X, p!) };
    const { Y, xhat, invStd } = batchNormTrain(X, p!);
    return { Y, cache: { xhat, invStd } };
  },
  backward(_spec, X, p, dY, cache) {
    const { dX, dgamma, dbeta } = batchNormBackward(X, p!, dY, cache as BatchNormCache);
    return { dX, grads: { gamma: dgamma, beta: dbeta } };
  },
};
