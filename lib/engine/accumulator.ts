/**
 * The two kernels behind one contract: an {@link Accumulator} adds the gradient sums of a fixed
 * range of samples into `G` and their [correct, loss] into `stats`. The engine splits the
 * samples into ranges, one per thread, and runs an accumulator on each.
 *
 * @module
 */

import { accumulateGradients, createScratch, type Layout } from "./kernel.ts";
import type { Csr } from "./sparse.ts";
import { type Accumulator, createWasmAccumulator } from "./wasm.ts";

export type { Accumulator };

/**
 * Which kernel runs the passes: `"wasm"`, the WebAssembly SIMD kernel (float32, fast), or
 * `"typescript"`, the TypeScript kernel (float64, the fallback where WebAssembly is missing).
 */
export type Backend = "wasm" | "typescript";

/** An accumulator over samples `from … to−1` on the given backend. */
export async function createAccumulator(
  backend: Backend,
  layout: Layout,
  csr: Csr,
  labels: Uint8Array,
  from: number,
  to: number,
): Promise<Accumulator> {
  if (backend === "wasm") return await createWasmAccumulator(layout, csr, labels, from, to);
  const scratch = createScratch(layout.sizes);
  return {
    run(P, G, stats) {
      accumulateGradients(P, G, layout, csr, labels, from, to, scratch, stats);
    },
  };
}
