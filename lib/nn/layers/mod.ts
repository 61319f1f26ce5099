/**
 * Networks as lists of layers — convolution, max pooling, ReLU, flatten, dense — each layer's
 * forward beside its backward in a file of its own, written as loops over pixels; then softmax
 * with cross-entropy. The dense networks of the first two notebooks are such lists too
 * ({@link denseLayers}, {@link networkFromParams}).
 *
 * @module
 */

export * from "./batch.ts";
export * from "./conv.ts";
export * from "./max_pool.ts";
export * from "./relu.ts";
export * from "./dense.ts";
export * from "./spec.ts";
export * from "./network.ts";
export * from "./train.ts";
