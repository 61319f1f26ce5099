/**
 * Networks as lists of layers — convolution, max pooling, batch normalisation, dropout, ReLU,
 * flatten, dense — each kind one
 * module that owns its word in the short form, its JSON fields, its shapes, its parameters and
 * its forward pass beside its backward pass (`layer.ts` says what a kind is, `registry.ts` lists
 * them); then softmax with cross-entropy. The dense networks of the first two notebooks are such
 * lists too (`lib/nn/dense_view.ts`).
 *
 * @module
 */

export * from "./layer.ts";
export * from "./registry.ts";
export * from "./batch.ts";
export * from "./conv.ts";
export * from "./max_pool.ts";
export * from "./batch_norm.ts";
export * from "./dropout.ts";
export * from "./relu.ts";
export * from "./flatten.ts";
export * from "./dense.ts";
export * from "./shapes.ts";
export * from "./text.ts";
export * from "./json.ts";
export * from "./network.ts";
export * from "./summary.ts";
export * from "./train.ts";
