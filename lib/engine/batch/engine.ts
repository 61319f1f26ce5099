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
 * 8 threads give the same bits. Between epochs, `arrange` writes the epoch's order and shifts
 * into the shared sparse rows (`arrangeCsr`), so that every batch is a range of samples.
 *
 * @module
 */

import type { Digits } from "../../data/dataset.ts";
import { toParams, withParams } from "../../nn/dense_view.ts";
import type { Network } from "../../nn/layers/network.ts";
import { threadCount } from "../shared/backend.ts";
import { chunkRows, MAX_CHUNKS, startPhases } from "../shared/phases.ts";
import { allocateBackend, attachBackend } from "./backend.ts";
import { arrangeCsr, toCsr } from "../shared/sparse.ts";
import type { Engine, EngineSettings } from "../engine.ts";

export { CHUNK_SAMPLES, chunkCount } from "../shared/phases.ts";

/**
 * Start the mini-batch engine on `train` from the dense network `start` (a chain of dense
 * layers), for batches of at most `settings.batchSize` samples.
 *
 * @throws {RangeError} When the images do not match the network's input size.
 */
export async function startBatchEngine(
  train: Digits,
  start: Network,
  settings: EngineSettings,
): Promise<Engine> {
  const init = toParams(start);
  const { batchSize, backend } = settings;
  const m = train.count, n0 = init.sizes[0];
  if (train.pixels.length !== m * n0) {
    throw new RangeError(
      `Cannot train on images of ${train.pixels.length / m} pixels: the network takes ${n0}`,
    );
  }
  const threads = Math.min(threadCount(settings.threads), MAX_CHUNKS);
  const source = toCsr(train);
  const message = allocateBackend(
    backend,
    init,
    source,
    chunkRows(batchSize),
    batchSize,
    threads,
    settings.optimizer,
  );
  const main = attachBackend(message, 0);
  const phases = await startPhases(new URL("./worker.ts", import.meta.url), message, main, threads);

  return {
    name: "batch",
    threads,
    backend,
    arrange({ order, dx, dy }) {
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
    network: () => withParams(start, main.params()),
    close: phases.close,
  };
}
