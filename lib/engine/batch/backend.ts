/**
 * The mini-batch engine's backends, allocated and attached: the main thread allocates the shared
 * state with {@link allocateBackend}; every thread, the main one included, attaches to it with
 * {@link attachBackend} and gets a {@link BatchBackend} (`contract.ts`).
 *
 * - `"typescript"` (`kernels_typescript.ts`): `SharedArrayBuffer`s, the per-sample float64
 *   kernel, the optimizer of `lib/nn/optimizers.ts`.
 * - `"wasm"` (`kernels_wasm.ts`): one shared `WebAssembly.Memory` and the kernels of
 *   `wasm/batch/kernels.ts`: float32 matrix products, float64 parameters and optimizer.
 *
 * @module
 */

import type { OptimizerOptions } from "../../nn/optimizers.ts";
import type { Params } from "../../nn/params.ts";
import type { Backend } from "../shared/backend.ts";
import type { Csr } from "../shared/sparse.ts";
import { type BatchBackend, MAX_CHUNKS } from "./contract.ts";
import {
  allocateTypeScript,
  attachTypeScript,
  type TypeScriptBuffers,
} from "./kernels_typescript.ts";
import { allocateWasm, attachWasm, type WasmMemoryPlan } from "./kernels_wasm.ts";

/** Everything a thread needs to attach: sizes, options and the shared memory. */
export interface BackendMessage {
  /** The kernel. */
  backend: Backend;
  /** Layer sizes. */
  sizes: number[];
  /** Training samples. */
  m: number;
  /** Most rows in a chunk. */
  rows: number;
  /** Most samples in a batch. */
  batchSize: number;
  /** The optimizer's options, defaults filled in. */
  optimizer: Required<OptimizerOptions>;
  /** typescript: the shared buffers. */
  buffers?: TypeScriptBuffers;
  /** wasm: the shared memory and where everything sits in it. */
  wasm?: WasmMemoryPlan;
}

/**
 * Allocate the shared state for training on the sparse rows `csr`, chunks of at most `rows`
 * samples and `threads` threads, starting from `init`, with the optimizer `optimizer`.
 */
export function allocateBackend(
  backend: Backend,
  init: Params,
  csr: Csr,
  rows: number,
  batchSize: number,
  threads: number,
  optimizer: Required<OptimizerOptions>,
): BackendMessage {
  const sizes = [...init.sizes];
  const m = csr.count, nnz = csr.entry.length;
  if (backend === "wasm") {
    const wasm = allocateWasm(init, csr, rows, batchSize, threads, MAX_CHUNKS);
    return { backend, sizes, m, rows, batchSize, optimizer, wasm };
  }
  const buffers = allocateTypeScript(init, m, nnz);
  return { backend, sizes, m, rows, batchSize, optimizer, buffers };
}

/** Attach a thread to the shared state of `message` (`slot` 0 is the main thread). */
export function attachBackend(message: BackendMessage, slot: number): BatchBackend {
  if (message.backend === "wasm") return attachWasm(message.wasm!, message.optimizer, slot);
  return attachTypeScript(message.buffers!, message.sizes, message.m, message.optimizer);
}
