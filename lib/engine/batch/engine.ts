/**
 * The mini-batch engine: any layer sizes, any batch size, every optimizer of
 * `lib/nn/optimizers.ts`, the work of each step shared between the main thread and Web Workers —
 * with weights that do not depend on the number of threads.
 *
 * A step has two phases on every thread (`shared/phases.ts`):
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
import { type Backend, type StepResult, threadCount } from "../shared/backend.ts";
import { chunkRows, MAX_CHUNKS, startPhases } from "../shared/phases.ts";
import { allocateBackend, attachBackend } from "./backend.ts";
import { arrangeCsr, toCsr } from "../shared/sparse.ts";
import { batchWasmRuns } from "./kernels_wasm.ts";

export { CHUNK_SAMPLES, chunkCount } from "../shared/phases.ts";

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
  const message = allocateBackend(
    backend,
    init,
    source,
    chunkRows(batchSize),
    batchSize,
    threads,
    options,
  );
  const main = attachBackend(message, 0);
  const phases = await startPhases(new URL("./worker.ts", import.meta.url), message, main, threads);

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
      const B = to - from;
      if (!(B >= 1 && B <= batchSize && from >= 0 && to <= m)) {
        throw new RangeError(`Cannot take a step on samples ${from}–${to - 1} of ${m}`);
      }
      const chunks = phases.step(from, to, lr);
      let correct = 0, loss = 0;
      for (let c = 0; c < chunks; c++) {
        correct += main.stats[2 * c];
        loss += main.stats[2 * c + 1];
      }
      return { accuracy: correct / B, loss: loss / B };
    },
    params: () => main.params(),
    close: phases.close,
  };
}
