/**
 * The digit pad's page script's entry: `pad_page.ts`'s functions on the page's global object,
 * `mnistDigitPad` (a classic script has no exports). `deno task build` bundles this file.
 *
 * @module
 */

import { classifyImage, decodePadModel, mountPad } from "./pad_page.ts";

(globalThis as unknown as { mnistDigitPad: unknown }).mnistDigitPad = {
  mountPad,
  decodePadModel,
  classifyImage,
};
