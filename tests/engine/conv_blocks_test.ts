import assert from "node:assert/strict";
import { blockImages } from "../../lib/engine/conv/blocks.ts";
import { kernelLayers } from "../../lib/engine/conv/kernel_table.ts";
import { CHUNK_SAMPLES } from "../../lib/engine/shared/phases.ts";
import { createRng, initNetwork, parseLayers } from "../../lib/mod.ts";

/** The convolutions of a network, as the convolution engine's kernel table lays them out. */
function convolutions(text: string) {
  const { layers } = kernelLayers(initNetwork(parseLayers(text), createRng(1)));
  return layers.filter((layer) => layer.spec.kind === "conv");
}

Deno.test("blockImages: a convolution's passes take whole images, within 512 KB of patches, in pairs where an image's positions are odd", () => {
  // conv4x8 on 28×28 gives 25×25 outputs: an odd number of rows an image, 40 KB of patches.
  const layers = ["conv5x32,pool2,conv5x64,pool2,dense256", "conv4x8,conv4x16,dense16"]
    .flatMap(convolutions);
  for (const layer of layers) {
    const positions = layer.output[0] * layer.output[1], bytes = positions * layer.K * 4;
    for (const R of [2, 4, 32, 64]) {
      const b = blockImages(layer, R);
      assert.ok(b >= 1 && b <= R && Number.isInteger(b), `${b} images of ${R}`);
      if (positions % 2) assert.equal(b % 2, 0, `${b} images of ${positions} positions`);
      // Within the bound, but for the smallest block the products take (one image, or two).
      if (b > (positions % 2 ? 2 : 1)) assert.ok(b * bytes <= 512 * 1024, `${b} × ${bytes} bytes`);
      // As many as fit: one more (or two) would pass the bound, or the chunk.
      const more = b + (positions % 2 ? 2 : 1);
      assert.ok(more > R || more * bytes > 512 * 1024, `${more} images would fit`);
    }
  }
});

Deno.test("the engine's equality tests run convolutions in several blocks a chunk", () => {
  // tests/engine/conv_engine_test.ts proves these networks equal to the readable layers; for
  // that to cover the block offsets, some convolution must take more than one block a chunk.
  for (
    const text of [
      "conv5x32,pool2,conv5x64,pool2,dense256",
      "conv3x8,bn,conv5x8s2p2,bn,dropout0.3,conv4x8,pool2,bn,dense16,bn",
    ]
  ) {
    const several = convolutions(text).some((layer) =>
      blockImages(layer, CHUNK_SAMPLES) < CHUNK_SAMPLES
    );
    assert.ok(several, text);
  }
});
