/**
 * The contract of the mini-batch engine's backends, {@link BatchBackend}: one thread's view of
 * the shared state (the parameters, the optimizer's moments, the chunks' gradient sums, the
 * arranged epoch) and its two jobs — a chunk's forward and backward passes, and the optimizer
 * step on a share of the parameters. `kernels_typescript.ts` and `kernels_wasm.ts` fulfil it;
 * `backend.ts` picks one.
 *
 * @module
 */

import type { Params } from "../../nn/params.ts";
import type { Csr } from "../shared/sparse.ts";
import type { UpdateStep } from "../shared/phases.ts";

export { MAX_CHUNKS } from "../shared/phases.ts";

export type { UpdateStep } from "../shared/phases.ts";

/** One thread's view of the engine's shared state, and its jobs. */
export interface BatchBackend {
  /** The arranged epoch's sparse rows (written by the main thread between epochs). */
  csr: Csr;
  /** The arranged epoch's labels. */
  labels: Uint8Array;
  /** Per chunk: [correct, loss sum], `MAX_CHUNKS × 2`. */
  stats: Float64Array;
  /**
   * Forward and backward over samples `from … to−1` of the epoch (chunk c of the batch
   * `batchFrom … batchTo−1`) into chunk c's buffers.
   */
  runChunk(c: number, from: number, to: number, batchFrom: number, batchTo: number): void;
  /**
   * Thread `slot`'s share of the update: for each parameter, the chunks' sums added in chunk
   * order (or, for the first layer's weights, the batch's samples in order), divided by the
   * batch size, stepped by the optimizer. Shares never overlap and cover every parameter.
   */
  updateShare(slot: number, threads: number, step: UpdateStep): void;
  /** A copy of the current parameters. */
  params(): Params;
}
