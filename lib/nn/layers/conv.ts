/**
 * The convolution layer: k×k kernels, "valid" (no padding), stride 1, C channels in, F out.
 *
 * ```text
 * Y[j,f,y,x] = b[f] + Σ_c Σ_u Σ_v W[f,c,u,v] · X[j,c,y+u,x+v]
 *   X: m×C×H×W   W: F×C×k×k   b: F   Y: m×F×(H−k+1)×(W−k+1)
 * ```
 *
 * Written as loops over pixels, the readable version the engines are proven equal to.
 *
 * @module
 */

import type { Rng } from "../../data/random.ts";
import { integer } from "../../options.ts";
import { type Batch, zeros } from "./batch.ts";
import { heWeights, imageAtLeast, type LayerKind, type Shape } from "./layer.ts";

/** A convolution's description: its kernels' size k (k×k) and their number F (`filters`). */
export interface ConvSpec {
  /** `"conv"`. */
  kind: "conv";
  /** k: each kernel is k×k. */
  size: number;
  /** F: the kernels, one output channel each. */
  filters: number;
}

/** The output shape of a k×k convolution with F filters on inputs of shape `[C, H, W]`. */
export function convShape(input: readonly number[], k: number, filters: number): number[] {
  const [, H, W] = input;
  return [filters, H - k + 1, W - k + 1];
}

/**
 * Forward: every output pixel is the kernel's dot product with the k×k patch under it.
 *
 * @param X Inputs, m×C×H×W.
 * @param W Kernels, F×C×k×k, row-major.
 * @param b Biases, F.
 * @param k Kernel size.
 */
export function convForward(X: Batch, W: Float64Array, b: Float64Array, k: number): Batch {
  const [C, H, Wd] = X.shape, F = b.length;
  const [, Ho, Wo] = convShape(X.shape, k, F);
  const Y = zeros(X.m, [F, Ho, Wo]);
  for (let j = 0; j < X.m; j++) {
    for (let f = 0; f < F; f++) {
      for (let y = 0; y < Ho; y++) {
        for (let x = 0; x < Wo; x++) {
          let sum = b[f];
          for (let c = 0; c < C; c++) {
            for (let u = 0; u < k; u++) {
              for (let v = 0; v < k; v++) {
                sum += W[((f * C + c) * k + u) * k + v] *
                  X.data[((j * C + c) * H + y + u) * Wd + x + v];
              }
            }
          }
          Y.data[((j * F + f) * Ho + y) * Wo + x] = sum;
        }
      }
    }
  }
  return Y;
}

/**
 * Backward: each output gradient flows back along the products that made its pixel.
 *
 * ```text
 * dW[f,c,u,v] = Σ_j Σ_y Σ_x dY[j,f,y,x] · X[j,c,y+u,x+v]     (F×C×k×k)
 * db[f]       = Σ_j Σ_y Σ_x dY[j,f,y,x]                      (F)
 * dX[j,c,y+u,x+v] += W[f,c,u,v] · dY[j,f,y,x]                (m×C×H×W)
 * ```
 */
export function convBackward(
  X: Batch,
  W: Float64Array,
  k: number,
  dY: Batch,
): { dX: Batch; dW: Float64Array; db: Float64Array } {
  const [C, H, Wd] = X.shape, [F, Ho, Wo] = dY.shape;
  const dX = zeros(X.m, X.shape), dW = new Float64Array(W.length), db = new Float64Array(F);
  for (let j = 0; j < X.m; j++) {
    for (let f = 0; f < F; f++) {
      for (let y = 0; y < Ho; y++) {
        for (let x = 0; x < Wo; x++) {
          const g = dY.data[((j * F + f) * Ho + y) * Wo + x];
          db[f] += g;
          for (let c = 0; c < C; c++) {
            for (let u = 0; u < k; u++) {
              for (let v = 0; v < k; v++) {
                const w = ((f * C + c) * k + u) * k + v;
                const i = ((j * C + c) * H + y + u) * Wd + x + v;
                dW[w] += g * X.data[i];
                dX.data[i] += g * W[w];
              }
            }
          }
        }
      }
    }
  }
  return { dX, dW, db };
}

/**
 * The convolution as a layer kind: `convKxC` in the short form (then a ReLU), parameters
 * W (F×C×k×k, fan-in C·k·k) and b (F).
 */
export const convLayer: LayerKind<ConvSpec> = {
  kind: "conv",
  word: "convKxC",
  about: "a K×K convolution to C channels, then a ReLU",
  fields: { size: integer(1), filters: integer(1) },
  takes: "image",
  read(word: string) {
    const match = word.match(/^conv([1-9]\d*)x([1-9]\d*)$/);
    if (!match) return undefined;
    return [{ kind: "conv", size: Number(match[1]), filters: Number(match[2]) }, { kind: "relu" }];
  },
  write: (spec: ConvSpec) => `conv${spec.size}x${spec.filters}`,
  outputShape(spec: ConvSpec, input: Shape) {
    imageAtLeast(input, spec.size);
    return convShape(input, spec.size, spec.filters);
  },
  params(spec: ConvSpec, input: Shape) {
    const fanIn = input[0] * spec.size * spec.size;
    return [
      { name: "W", length: spec.filters * fanIn, decay: true },
      { name: "b", length: spec.filters, decay: false },
    ];
  },
  init(spec: ConvSpec, input: Shape, rng: Rng) {
    const fanIn = input[0] * spec.size * spec.size;
    return { W: heWeights(spec.filters * fanIn, fanIn, rng), b: new Float64Array(spec.filters) };
  },
  forward: (spec, X, p) => ({ Y: convForward(X, p!.W, p!.b, spec.size) }),
  backward(spec, X, p, dY) {
    const { dX, dW, db } = convBackward(X, p!.W, spec.size, dY);
    return { dX, grads: { W: dW, b: db } };
  },
};
