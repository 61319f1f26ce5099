/**
 * The dense (fully connected) layer, sample by sample: the seed's `Z = W·A + b`, with the batch
 * stored one sample after another rather than one per column.
 *
 * ```text
 * Y[j,i] = b[i] + Σ_k W[i,k] · X[j,k]        X: m×n   W: units×n   b: units   Y: m×units
 * ```
 *
 * @module
 */

import type { Rng } from "../../data/random.ts";
import { integer } from "../../options.ts";
import { type Batch, sizeOf, zeros } from "./batch.ts";
import { heWeights, type LayerKind, LayerShapeError, type Shape } from "./layer.ts";

/** A dense layer's description: its number of units. */
export interface DenseSpec {
  /** `"dense"`. */
  kind: "dense";
  /** Its outputs. */
  units: number;
}

/** Forward. `X` may have any shape: a sample's values are read in order (as if flattened). */
export function denseForward(X: Batch, W: Float64Array, b: Float64Array): Batch {
  const n = sizeOf(X.shape), units = b.length;
  const Y = zeros(X.m, [units]);
  for (let j = 0; j < X.m; j++) {
    for (let i = 0; i < units; i++) {
      let sum = b[i];
      for (let k = 0; k < n; k++) sum += W[i * n + k] * X.data[j * n + k];
      Y.data[j * units + i] = sum;
    }
  }
  return Y;
}

/**
 * Backward.
 *
 * ```text
 * dW[i,k] = Σ_j dY[j,i] · X[j,k]     db[i] = Σ_j dY[j,i]     dX[j,k] = Σ_i W[i,k] · dY[j,i]
 * ```
 */
export function denseBackward(
  X: Batch,
  W: Float64Array,
  dY: Batch,
): { dX: Batch; dW: Float64Array; db: Float64Array } {
  const n = sizeOf(X.shape), units = dY.shape[0];
  const dX = zeros(X.m, X.shape), dW = new Float64Array(W.length), db = new Float64Array(units);
  for (let j = 0; j < X.m; j++) {
    for (let i = 0; i < units; i++) {
      const g = dY.data[j * units + i];
      db[i] += g;
      for (let k = 0; k < n; k++) {
        dW[i * n + k] += g * X.data[j * n + k];
        dX.data[j * n + k] += g * W[i * n + k];
      }
    }
  }
  return { dX, dW, db };
}

/**
 * The dense layer as a layer kind: `denseN` in the short form (then a ReLU; the output layer is
 * implied), parameters W (units×n, fan-in n) and b (units).
 */
export const denseLayer: LayerKind<DenseSpec> = {
  kind: "dense",
  word: "denseN",
  about: "a dense layer of N units, then a ReLU",
  fields: { units: integer(1) },
  takes: "vector",
  read(word: string) {
    const match = word.match(/^dense([1-9]\d*)$/);
    return match ? [{ kind: "dense", units: Number(match[1]) }, { kind: "relu" }] : undefined;
  },
  write: (spec: DenseSpec) => `dense${spec.units}`,
  outputShape(spec: DenseSpec, input: Shape) {
    if (input.length !== 1) {
      throw new LayerShapeError(
        `needs vectors and gets ${input.join("×")} images: put a flatten before it`,
      );
    }
    return [spec.units];
  },
  params(spec: DenseSpec, input: Shape) {
    return [
      { name: "W", length: spec.units * sizeOf(input), decay: true },
      { name: "b", length: spec.units, decay: false },
    ];
  },
  init(spec: DenseSpec, input: Shape, rng: Rng) {
    const n = sizeOf(input);
    return { W: heWeights(spec.units * n, n, rng), b: new Float64Array(spec.units) };
  },
  forward: (_spec, X, p) => ({ Y: denseForward(X, p!.W, p!.b) }),
  backward(_spec, X, p, dY) {
    const { dX, dW, db } = denseBackward(X, p!.W, dY);
    return { dX, grads: { W: dW, b: db } };
  },
};
