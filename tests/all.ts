/**
 * Everything the library's modules export, internals included, for the tests: `lib/mod.ts`
 * exports what a learner uses; the tests reach further.
 */

export * from "../lib/data/mod.ts";
export * from "../lib/nn/mod.ts";
export * from "../lib/engine/mod.ts";
export * from "../lib/train/mod.ts";
export { checkOptions, closest, editDistance } from "../lib/options.ts";
