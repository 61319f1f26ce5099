/**
 * The convolution layer: k×k kernels, C channels in, F out, at stride s over the input padded
 * with p rows and columns of zeros on every side ("valid": s = 1, p = 0, the default;
 * `same` for an odd k at stride 1: p = (k − 1)/2).
 *
 * ```text
 * Y[j,f,y,x] = b[f] + Σ_c Σ_u Σ_v W[f,c,u,v] · X[j,c,s·y+u−p,s·x+v−p]   (X is 0 outside)
 *   X: m×C×H×W   W: F×C×k×k   b: F   Y: m×F×Ho×Wo,  Ho = ⌊(H + 2p − k)/s⌋ + 1 (Wo likewise)
 * ```
 *
 * Written as loops over pixels, the readable version the engines are proven equal to.
 *
 * @module
 */

import type { Rng } from "../../data/random.ts";
import { integer, optional } from "../../options.ts";
import { type Batch, zeros } from "./batch.ts";
import { heWeights, imageAtLeast, type LayerKind, LayerShapeError, type Shape } from "./layer.ts";

/**
 * A convolution's description: its kernels' size k (k×k), their number F (`filters`), and its
 * stride and padding when they are not 1 and 0.
 */
export interface ConvSpec {
  /** `"conv"`. */
  kind: "conv";
  /** k: each kernel is k×k. */
  size: number;
  /** F: the kernels, one output channel each. */
  filters: number;
  /** s: the step between two kernel positions (absent: 1). */
  stride?: number;
  /** p: rows and columns of zeros around the input (absent: 0). */
  padding?: number;
}

/** A convolution's stride and padding, their defaults filled in. */
export function convGeometry(spec: ConvSpec): { stride: number; padding: number } {
  return { stride: spec.stride ?? 1, padding: spec.padding ?? 0 };
}

/** The output shape of a k×k convolution with F filters on inputs of shape `[C, H, W]`. */
export function convShape(
  input: readonly number[],
  k: number,
  filters: number,
  stride = 1,
  padding = 0,
): number[] {
  const [, H, W] = input;
  const side = (n: number) => Math.floor((n + 2 * padding - k) / stride) + 1;
  return [filters, side(H), side(W)];
}

/**
 * Forward: every output pixel is the kernel's dot product with the k×k patch under it.
 *
 * @param X Inputs, m×C×H×W.
 * @param W Kernels, F×C×k×k, row-major.
 * @param b Biases, F.
 * @param k Kernel size.
 */
export function convForward(
  X: Batch,
  W: Float64Array,
  b: Float64Array,
  k: number,
  stride = 1,
  padding = 0,
): Batch {
  const [C, H, Wd] = X.shape, F = b.length;
  const [, Ho, Wo] = convShape(X.shape, k, F, stride, padding);
  const Y = zeros(X.m, [F, Ho, Wo]);
  for (let j = 0; j < X.m; j++) {
    for (let f = 0; f < F; f++) {
      for (let y = 0; y < Ho; y++) {
        for (let x = 0; x < Wo; x++) {
          let sum = b[f];
          for (let c = 0; c < C; c++) {
            for (let u = 0; u < k; u++) {
              const iy = stride * y + u - padding;
              if (iy < 0 || iy >= H) continue;
              for (let v = 0; v < k; v++) {
                const ix = stride * x + v - padding;
                if (ix < 0 || ix >= Wd) continue;
                sum += W[((f * C + c) * k + u) * k + v] * X.data[((j * C + c) * H + iy) * Wd + ix];
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
 * dW[f,c,u,v] = Σ_j Σ_y Σ_x dY[j,f,y,x] · X[j,c,s·y+u−p,s·x+v−p]     (F×C×k×k)
 * db[f]       = Σ_j Σ_y Σ_x dY[j,f,y,x]                                (F)
 * dX[j,c,s·y+u−p,s·x+v−p] += W[f,c,u,v] · dY[j,f,y,x]                  (m×C×H×W)
 * ```
 * (the terms whose input position falls in the padding left out).
 */
export function convBackward(
  X: Batch,
  W: Float64Array,
  k: number,
  dY: Batch,
  stride = 1,
  padding = 0,
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
              const iy = stride * y + u - padding;
              if (iy < 0 || iy >= H) continue;
              for (let v = 0; v < k; v++) {
                const ix = stride * x + v - padding;
                if (ix < 0 || ix >= Wd) continue;
                const w = ((f * C + c) * k + u) * k + v;
                const i = ((j * C + c) * H + iy) * Wd + ix;
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
 * The convolution as a layer kind: `convKxC` in the short form (then a ReLU), `convKxCsS` at
 * stride S, `convKxCpP` padded by P, both as `convKxCsSpP` (`conv5x32s2p2`); parameters
 * W (F×C×k×k, fan-in C·k·k) and b (F).
 */
export const convLayer: LayerKind<ConvSpec> = {
  kind: "conv",
  word: "convKxC",
  about: "a K×K convolution to C channels, then a ReLU (convKxCsSpP: at stride S, padded by P)",
  fields: {
    size: integer(1),
    filters: integer(1),
    stride: optional(integer(1)),
    padding: optional(integer(0)),
  },
  takes: "image",
  read(word: string) {
    const match = word.match(/^conv([1-9]\d*)x([1-9]\d*)(?:s([1-9]\d*))?(?:p(\d+))?$/);
    if (!match) return undefined;
    const spec: ConvSpec = { kind: "conv", size: Number(match[1]), filters: Number(match[2]) };
    if (match[3] && match[3] !== "1") spec.stride = Number(match[3]);
    if (match[4] && match[4] !== "0") spec.padding = Number(match[4]);
    return [spec, { kind: "relu" }];
  },
  write(spec: ConvSpec) {
    const { stride, padding } = convGeometry(spec);
    return `conv${spec.size}x${spec.filters}${stride > 1 ? `s${stride}` : ""}${
      padding > 0 ? `p${padding}` : ""
    }`;
  },
  outputShape(spec: ConvSpec, input: Shape) {
    const { stride, padding } = convGeometry(spec);
    if (padding >= spec.size) {
      throw new LayerShapeError(
        `pads by ${padding}, which leaves kernel positions that see nothing but padding: ` +
          `pad by less than the kernel's size ${spec.size}`,
      );
    }
    if (padding === 0) imageAtLeast(input, spec.size);
    else {
      imageAtLeast(input, 1);
      const [, H, W] = input, k = spec.size;
      if (H + 2 * padding < k || W + 2 * padding < k) {
        throw new LayerShapeError(
          `needs at least ${k}×${k} inputs with their padding, and gets ${H}×${W} padded by ${padding}`,
        );
      }
    }
    return convShape(input, spec.size, spec.filters, stride, padding);
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
  forward(spec, X, p) {
    const { stride, padding } = convGeometry(spec);
    return { Y: convForward(X, p!.W, p!.b, spec.size, stride, padding) };
  },
  backward(spec, X, p, dY) {
    const { stride, padding } = convGeometry(spec);
    const { dX, dW, db } = convBackward(X, p!.W, spec.size, dY, stride, padding);
    return { dX, grads: { W: dW, b: db } };
  },
};
