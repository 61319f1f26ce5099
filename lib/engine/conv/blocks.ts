/**
 * How the convolution engine cuts a chunk's convolutions into blocks of images, and a
 * convolution's patches as the kernel table reads them.
 *
 * @module
 */

import { convGeometry, type ConvSpec } from "../../nn/layers/conv.ts";
import type { KernelLayer } from "./pass.ts";

/** A convolution's patches: size, stride, padding. */
export function patches(layer: KernelLayer): { k: number; s: number; p: number } {
  const spec = layer.spec as ConvSpec, { stride, padding } = convGeometry(spec);
  return { k: spec.size, s: stride, p: padding };
}

/**
 * The most bytes of patches a convolution's products take at a time: its passes run image block
 * by image block — im2col then the product, the product then col2im — so that a block's patches
 * are still in cache when the next kernel reads them (a chunk's patches, 21 MB for a 3×3 layer
 * on 26×26×32 maps, are not). The same sums in the same order: the same bits as whole chunks.
 */
export const BLOCK_BYTES = 512 * 1024;

/**
 * Images per block, from a chunk of R (even), of `bytes` an image: as many as keep a block within
 * BLOCK_BYTES, at least one, and an even number when `pairs` (an image has an odd number of the
 * rows the products take in pairs).
 */
export function fitImages(bytes: number, pairs: boolean, R: number): number {
  const step = pairs ? 2 : 1;
  return Math.min(R, Math.max(step, Math.floor(BLOCK_BYTES / bytes / step) * step));
}

/** Images per block of a convolution's patches (im2col and its product, or the product and col2im). */
export function blockImages(layer: KernelLayer, R: number): number {
  const positions = layer.output[0] * layer.output[1];
  return fitImages(positions * layer.K * 4, positions % 2 === 1, R);
}
