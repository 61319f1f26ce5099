/**
 * The two kernels behind one contract: an {@link Accumulator} writes the gradient sums and the
 * [correct, loss] of each part of its fixed range of samples into that part's buffers. The
 * engine gives each thread a range of whole blocks, and each block is a part.
 *
 * @module
 */

import { accumulateGradients, createScratch, type Layout } from "./kernel.ts";
import type { Csr } from "./sparse.ts";
import { type Accumulator, type AccumulatorPart, createWasmAccumulator } from "./wasm.ts";

export type { Accumulator, AccumulatorPart };

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
    run(P, parts) {
      for (const part of parts) {
        part.G.fill(0);
        part.stats.fill(0);
        accumulateGradients(
          P,
          part.G,
          layout,
          csr,
          labels,
          part.from,
          part.to,
          scratch,
          part.stats,
        );
      }
    },
  };
}
