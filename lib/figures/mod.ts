/**
 * Figures for the notebook, drawn with Observable Plot and returned as HTML strings:
 * training curves, digits, mistakes, weights, the confusion matrix, a convolutional network's
 * kernels and feature maps. Kept apart from `lib/mod.ts`
 * so that the command-line tools never load Plot.
 *
 * @module
 */

export * from "./dom.ts";
export * from "./curves.ts";
export * from "./images.ts";
export * from "./digits.ts";
export * from "./confusion.ts";
export * from "./drawing.ts";
export * from "./digit_pad.ts";
export * from "./pad_page.ts";
export * from "./runs.ts";
export * from "./convolutions.ts";
export * from "./activations.ts";
