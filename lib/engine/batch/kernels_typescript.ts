/**
 * The mini-batch engine's TypeScript backend, the fallback where WebAssembly does not run:
 * `SharedArrayBuffer`s in the packed layout of `fused/kernel_typescript.ts`, each chunk's passes
 * by that file's per-sample float64 kernel `accumulateGradients`, and the optimizer of
 * `lib/nn/optimizers.ts` on each thread's share of the parameters.
 *
 * @module
 */

import { type OptimizerOptions, optimizerUpdate } from "../../nn/optimizers.ts";
import type { Params } from "../../nn/params.ts";
import {
  accumulateGradients,
  createScratch,
  layoutOf,
  pack,
  unpack,
} from "../fused/kernel_typescript.ts";
import type { Csr } from "../shared/sparse.ts";
import { checkMemory, denseNetwork } from "../shared/memory.ts";
import { type BatchBackend, MAX_CHUNKS } from "./contract.ts";
import { shareOf, type Slice } from "../shared/kernels.ts";

/** The shared buffers of the TypeScript backend. */
export type TypeScriptBuffers = Record<
  "P" | "M1" | "M2" | "G" | "stats" | "rowPtr" | "entry" | "labels",
  SharedArrayBuffer
>;

/** Allocate the shared buffers for training `init`'s network on `m` samples, `nnz` nonzeros. */
export function allocateTypeScript(init: Params, m: number, nnz: number): TypeScriptBuffers {
  const n = layoutOf(init.sizes).length;
  const bytes = (3 + MAX_CHUNKS) * n * 8 + (m + 1) * 4 + nnz * 4 + m;
  checkMemory(denseNetwork(init.sizes), bytes, "the mini-batch engine on TypeScript", "typescript");
  const sab = (bytes: number) => new SharedArrayBuffer(Math.max(8, bytes));
  const buffers = {
    P: sab(n * 8),
    M1: sab(n * 8),
    M2: sab(n * 8),
    G: sab(MAX_CHUNKS * n * 8),
    stats: sab(MAX_CHUNKS * 16),
    rowPtr: sab((m + 1) * 4),
    entry: sab(nnz * 4),
    labels: sab(m),
  };
  pack(init, layoutOf(init.sizes), new Float64Array(buffers.P));
  return buffers;
}

/** Attach a thread to the shared buffers `b` of a network of layer sizes `sizes`. */
export function attachTypeScript(
  b: TypeScriptBuffers,
  sizes: readonly number[],
  m: number,
  o: Required<OptimizerOptions>,
): BatchBackend {
  const layout = layoutOf(sizes), n = layout.length;
  const P = new Float64Array(b.P), M1 = new Float64Array(b.M1), M2 = new Float64Array(b.M2);
  const G = Array.from({ length: MAX_CHUNKS }, (_, c) => new Float64Array(b.G, c * n * 8, n));
  const stats = new Float64Array(b.stats);
  const csr: Csr = {
    count: m,
    rowPtr: new Int32Array(b.rowPtr),
    entry: new Uint32Array(b.entry),
  };
  const labels = new Uint8Array(b.labels);
  const scratch = createScratch(layout.sizes);
  const g = new Float64Array(n);
  const slices: Slice[] = [];
  for (let l = 0; l < layout.w.length; l++) {
    slices.push({ from: layout.w[l], to: layout.b[l], decay: true });
    slices.push({ from: layout.b[l], to: layout.b[l] + layout.sizes[l + 1], decay: false });
  }
  return {
    csr,
    labels,
    stats,
    runChunk(c, from, to) {
      G[c].fill(0);
      const s = stats.subarray(2 * c, 2 * c + 2);
      s.fill(0);
      accumulateGradients(P, G[c], layout, csr, labels, from, to, scratch, s);
    },
    updateShare(slot, threads, { chunks, from: first, to: last, lr, t }) {
      const invB = 1 / (last - first);
      for (const slice of slices) {
        const [from, to] = shareOf(slice.from, slice.to, slot, threads);
        for (let k = from; k < to; k++) {
          let sum = G[0][k];
          for (let c = 1; c < chunks; c++) sum += G[c][k];
          g[k] = sum * invB;
        }
        const [a, b] = [from, to];
        optimizerUpdate(
          P.subarray(a, b),
          g.subarray(a, b),
          M1.subarray(a, b),
          M2.subarray(a, b),
          t,
          lr,
          slice.decay ? o.weightDecay : 0,
          o,
        );
      }
    },
    params: () => unpack(P, layout),
  };
}
