/**
 * The mini-batch engine's two backends behind one contract, {@link BatchBackend}: where the
 * parameters, the optimizer's moments, the chunks' gradient sums and the arranged epoch live in
 * shared memory, and the two jobs each thread does on them — a chunk's forward and backward
 * passes, and the optimizer step on a range of parameters.
 *
 * - `"typescript"`: `SharedArrayBuffer`s in the packed layout of `kernel.ts`, the per-sample
 *   float64 kernel `accumulateGradients`, the optimizer of `lib/nn/optimizers.ts`.
 * - `"wasm"`: one shared `WebAssembly.Memory` and the kernels of `wasm/batch.ts` (see
 *   `batch_wasm.ts`): float32 matrix products, float64 parameters and optimizer.
 *
 * The main thread allocates with {@link allocateBackend}; every thread, the main one included,
 * attaches with {@link attachBackend} to the same memory.
 *
 * @module
 */

import { optimizerDefaults, type OptimizerOptions, optimizerUpdate } from "../nn/optimizers.ts";
import type { Params } from "../nn/params.ts";
import type { Backend } from "./accumulator.ts";
import { allocateWasm, attachWasm, type WasmMemoryPlan } from "./batch_wasm.ts";
import { accumulateGradients, createScratch, layoutOf, pack, unpack } from "./kernel.ts";
import type { Csr } from "./sparse.ts";

/** The most chunks a batch is cut into (each needs a gradient buffer). */
export const MAX_CHUNKS = 16;

/** A range of parameters the optimizer treats alike: a weight matrix (decayed) or a bias. */
export interface Slice {
  /** First index. */
  from: number;
  /** One past the last index. */
  to: number;
  /** Whether weight decay applies (weights: yes; biases: no). */
  decay: boolean;
}

/** Thread `slot`'s share of `from … to−1` among `threads`, cut at multiples of 8. */
export function shareOf(from: number, to: number, slot: number, threads: number): [number, number] {
  const cut = (s: number) => from + Math.floor(((to - from) * s) / threads / 8) * 8;
  return [cut(slot), slot === threads - 1 ? to : cut(slot + 1)];
}

/** What a step's update phase needs to know. */
export interface UpdateStep {
  /** Chunks of the batch. */
  chunks: number;
  /** The batch: samples `from … to−1` of the arranged epoch. */
  from: number;
  /** One past the batch's last sample. */
  to: number;
  /** The learning rate η. */
  lr: number;
  /** The step's number, from 1. */
  t: number;
}

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
  buffers?: Record<
    "P" | "M1" | "M2" | "G" | "stats" | "rowPtr" | "entry" | "labels",
    SharedArrayBuffer
  >;
  /** wasm: the shared memory and where everything sits in it. */
  wasm?: WasmMemoryPlan;
}

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

/**
 * Allocate the shared state for training on `m` samples with `nnz` nonzero pixels, chunks of at
 * most `rows` samples and `threads` threads, starting from `init`.
 */
export function allocateBackend(
  backend: Backend,
  init: Params,
  csr: Csr,
  rows: number,
  batchSize: number,
  threads: number,
  options: OptimizerOptions,
): BackendMessage {
  const optimizer = optimizerDefaults(options);
  const sizes = [...init.sizes];
  const m = csr.count, nnz = csr.entry.length;
  if (backend === "wasm") {
    const wasm = allocateWasm(init, csr, rows, batchSize, threads, MAX_CHUNKS);
    return { backend, sizes, m, rows, batchSize, optimizer, wasm };
  }
  const n = layoutOf(sizes).length;
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
  pack(init, layoutOf(sizes), new Float64Array(buffers.P));
  return { backend, sizes, m, rows, batchSize, optimizer, buffers };
}

/** Attach a thread to the shared state of `message` (`slot` 0 is the main thread). */
export function attachBackend(message: BackendMessage, slot: number): BatchBackend {
  if (message.backend === "wasm") return attachWasm(message.wasm!, message.optimizer, slot);
  const b = message.buffers!;
  const layout = layoutOf(message.sizes), n = layout.length;
  const P = new Float64Array(b.P), M1 = new Float64Array(b.M1), M2 = new Float64Array(b.M2);
  const G = Array.from({ length: MAX_CHUNKS }, (_, c) => new Float64Array(b.G, c * n * 8, n));
  const stats = new Float64Array(b.stats);
  const csr: Csr = {
    count: message.m,
    rowPtr: new Int32Array(b.rowPtr),
    entry: new Uint32Array(b.entry),
  };
  const labels = new Uint8Array(b.labels);
  const scratch = createScratch(layout.sizes);
  const g = new Float64Array(n);
  const o = message.optimizer;
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
