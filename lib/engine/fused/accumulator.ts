/**
 * The two kernels behind one contract: an {@link Accumulator} writes the gradient sums and the
 * [correct, loss] of each part of its fixed range of samples into that part's buffers. The
 * engine gives each thread a range of whole blocks, and each block is a part.
 *
 * @module
 */

import { accumulateGradients, createScratch, type Layout } from "./kernel_typescript.ts";
import type { Csr } from "../shared/sparse.ts";
import { type Accumulator, type AccumulatorPart, createWasmAccumulator } from "./kernel_wasm.ts";
import type { Backend } from "../shared/backend.ts";

export type { Accumulator, AccumulatorPart };

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
