/**
 * The mini-batch engine: any layer sizes, any batch size, every optimizer of
 * `lib/nn/optimizers.ts`, the work of each step shared between the main thread and Web Workers —
 * with weights that do not depend on the number of threads.
 *
 * A step has two phases, each ended by the threads ringing back (`doorbell.ts`):
 *
 * 1. Gradients. The batch of B samples is cut into `chunkCount(B)` chunks, a number that depends
 *    on B alone; thread t takes chunks t, t + T, …; each chunk's gradient sum is computed sample
 *    after sample into a buffer of its own.
 * 2. Update. Every parameter range (`Slice`) is split between the threads; each adds the chunks'
 *    sums in chunk order, divides by B and runs the optimizer on its share.
 *
 * Whichever thread computed a chunk or a share, every sum is taken in the same order, so 1, 2 or
 * 8 threads give the same bits. Between epochs, {@link MiniBatchEngine.arrange} writes the
 * epoch's order and shifts into the shared sparse rows (`arrangeCsr`), so that every batch is a
 * range of samples.
 *
 * @module
 */

import type { Digits } from "../../data/dataset.ts";
import type { OptimizerOptions } from "../../nn/optimizers.ts";
import type { Params } from "../../nn/params.ts";
import { ring, waitForChange } from "../shared/doorbell.ts";
import { startWorker } from "../shared/start_worker.ts";
import { type Backend, type StepResult, threadCount } from "../shared/backend.ts";
import { allocateBackend, attachBackend, type BackendMessage } from "./backend.ts";
import { type BatchBackend, MAX_CHUNKS } from "./contract.ts";
import { arrangeCsr, toCsr } from "../shared/sparse.ts";
import { batchWasmRuns } from "./kernels_wasm.ts";

/** Samples per chunk, about; at most `MAX_CHUNKS` chunks a batch. */
export const CHUNK_SAMPLES = 32;

/** The number of chunks of a batch of `B` samples: a function of B alone. */
export function chunkCount(B: number): number {
  return Math.max(1, Math.min(MAX_CHUNKS, Math.ceil(B / CHUNK_SAMPLES)));
}

/** Options of {@link createMiniBatchEngine}. */
export interface MiniBatchEngineOptions extends OptimizerOptions {
  /** Threads to use, the main thread included (default: the CPU cores, at most 8). */
  threads?: number;
  /**
   * The kernels: `"wasm"` (WebAssembly SIMD: float32 passes, float64 parameters and optimizer),
   * `"typescript"` (float64 throughout) or `"auto"` (default: wasm where it runs).
   */
  backend?: Backend | "auto";
}

/** A running mini-batch engine. Call `close()` when done. */
export interface MiniBatchEngine {
  /** Threads in use, the main thread included. */
  readonly threads: number;
  /** The kernels in use. */
  readonly backend: Backend;
  /** Lay out an epoch: the images in `order`, each shifted by `dx[i]`, `dy[i]`. */
  arrange(order: ArrayLike<number>, dx: ArrayLike<number>, dy: ArrayLike<number>): void;
  /**
   * One optimizer step on samples `from … to−1` of the arranged epoch, with learning rate `lr`.
   * Returns the batch's accuracy and mean loss, from the forward pass before the step.
   */
  step(from: number, to: number, lr: number): StepResult;
  /** A copy of the current parameters. */
  params(): Params;
  /** Stop the workers. */
  close(): void;
}

/** The message that starts a worker. */
export interface MiniBatchWorkerMessage {
  /** The shared state to attach to. */
  backend: BackendMessage;
  /** `[phase, chunks, bound₀ … bound_chunks]` of the current step (shared). */
  plan: SharedArrayBuffer;
  /** `[lr, 1/B, t]` of the current step (shared). */
  values: SharedArrayBuffer;
  /** Doorbells: `bell[2t]` the round to run (or -1 to stop), `bell[2t + 1]` the round done. */
  bell: SharedArrayBuffer;
  /** This worker's thread number (1 …). */
  slot: number;
  /** The number of threads. */
  threads: number;
}

/** Phase 1 of a step: thread `slot`'s chunks. Phase 2: its share of the update. */
export function runPhase(
  backend: BatchBackend,
  slot: number,
  threads: number,
  plan: Int32Array,
  values: Float64Array,
): void {
  const chunks = plan[1], from = plan[2], to = plan[2 + chunks];
  if (plan[0] === 1) {
    for (let c = slot; c < chunks; c += threads) {
      backend.runChunk(c, plan[2 + c], plan[3 + c], from, to);
    }
    return;
  }
  backend.updateShare(slot, threads, { chunks, from, to, lr: values[0], t: values[2] });
}

/**
 * Start a mini-batch engine on `train` from the parameters `init`, for batches of at most
 * `batchSize` samples.
 *
 * @throws {RangeError} When the images do not match the network's input size.
 */
export async function createMiniBatchEngine(
  train: Digits,
  init: Params,
  batchSize: number,
  options: MiniBatchEngineOptions = {},
): Promise<MiniBatchEngine> {
  const m = train.count, n0 = init.sizes[0];
  if (train.pixels.length !== m * n0) {
    throw new RangeError(
      `Cannot train on images of ${train.pixels.length / m} pixels: the network takes ${n0}`,
    );
  }
  const threads = Math.min(threadCount(options.threads), MAX_CHUNKS);
  const wanted = options.backend ?? "auto";
  const backend: Backend = wanted !== "auto" ? wanted : batchWasmRuns() ? "wasm" : "typescript";
  const source = toCsr(train);
  const rows = Math.max(Math.min(batchSize, CHUNK_SAMPLES), Math.ceil(batchSize / MAX_CHUNKS));
  const message = allocateBackend(backend, init, source, rows, batchSize, threads, options);
  const main = attachBackend(message, 0);
  const plan = new Int32Array(new SharedArrayBuffer((MAX_CHUNKS + 3) * 4));
  const values = new Float64Array(new SharedArrayBuffer(3 * 8));
  const bell = new Int32Array(new SharedArrayBuffer(8 * threads));
  const workers: Worker[] = [];
  try {
    for (let slot = 1; slot < threads; slot++) {
      const url = new URL("./worker.ts", import.meta.url);
      workers.push(
        (await startWorker(
          url,
          {
            backend: message,
            plan: plan.buffer as SharedArrayBuffer,
            values: values.buffer as SharedArrayBuffer,
            bell: bell.buffer as SharedArrayBuffer,
            slot,
            threads,
          } satisfies MiniBatchWorkerMessage,
        )).worker,
      );
    }
  } catch (error) {
    for (const worker of workers) worker.terminate();
    throw error;
  }
  let round = 0, t = 0, closed = false;

  /** Run one phase on every thread and wait for all of them. */
  function phase(kind: 1 | 2): void {
    plan[0] = kind;
    round++;
    for (let s = 1; s < threads; s++) ring(bell, 2 * s, round);
    runPhase(main, 0, threads, plan, values);
    for (let s = 1; s < threads; s++) {
      const done = waitForChange(bell, 2 * s + 1, round - 1, { timeoutMs: 600_000 });
      if (done !== round) throw new Error(`Training worker ${s} failed or did not answer`);
    }
  }

  return {
    threads,
    backend,
    arrange(order, dx, dy) {
      if (order.length !== m) {
        throw new RangeError(`Cannot arrange ${order.length} samples: the engine holds ${m}`);
      }
      arrangeCsr(source, train.labels, order, dx, dy, main.csr, main.labels);
    },
    step(from, to, lr) {
      if (closed) throw new Error("Cannot use a closed engine");
      const B = to - from;
      if (!(B >= 1 && B <= batchSize && from >= 0 && to <= m)) {
        throw new RangeError(`Cannot take a step on samples ${from}–${to - 1} of ${m}`);
      }
      const chunks = chunkCount(B);
      plan[1] = chunks;
      for (let c = 0; c <= chunks; c++) plan[2 + c] = from + Math.floor((c * B) / chunks);
      phase(1);
      values[0] = lr;
      values[1] = 1 / B;
      values[2] = ++t;
      phase(2);
      let correct = 0, loss = 0;
      for (let c = 0; c < chunks; c++) {
        correct += main.stats[2 * c];
        loss += main.stats[2 * c + 1];
      }
      return { accuracy: correct / B, loss: loss / B };
    },
    params: () => main.params(),
    close() {
      closed = true;
      for (let s = 1; s < threads; s++) ring(bell, 2 * s, -1);
      for (const worker of workers) worker.terminate();
    },
  };
}
