/**
 * A training worker: sets up one accumulator over its blocks of samples, then runs it each time
 * the main thread rings its doorbell, reading the shared parameters and writing each block's
 * shared sums, and rings back.
 *
 * @module
 */

/// <reference lib="deno.worker" />

import { blockSums, CLOSE, createBlockAccumulator, type WorkerMessage } from "./engine.ts";
import { ring, waitForChange } from "../shared/doorbell.ts";
import { layoutOf } from "./kernel_typescript.ts";

self.onmessage = async (event: MessageEvent<WorkerMessage>) => {
  const message = event.data;
  let accumulator: Awaited<ReturnType<typeof createBlockAccumulator>>;
  try {
    const csr = {
      count: message.csr.count,
      rowPtr: new Int32Array(message.csr.rowPtr),
      entry: new Uint32Array(message.csr.entry),
    };
    const layout = layoutOf(message.sizes);
    accumulator = await createBlockAccumulator(
      message.backend,
      layout,
      csr,
      new Uint8Array(message.labels),
      message.blocks,
      message.block,
      blockSums(
        message.G,
        message.stats,
        Math.ceil(message.csr.count / message.block),
        layout.length,
      ),
    );
  } catch (error) {
    self.postMessage({ error: (error as Error).message });
    return;
  }
  self.postMessage({ ok: true });
  serve(accumulator, message);
};

/** Run a step for every ring, until the main thread rings {@link CLOSE}. */
function serve(
  accumulator: Awaited<ReturnType<typeof createBlockAccumulator>>,
  message: WorkerMessage,
): void {
  const P = new Float64Array(message.P);
  const bell = new Int32Array(message.bell), go = 2 * message.slot, done = go + 1;
  for (let step = 0;;) {
    step = waitForChange(bell, go, step);
    if (step === CLOSE) return;
    try {
      accumulator?.run(P);
      ring(bell, done, step);
    } catch (error) {
      self.postMessage({ error: (error as Error).message });
      ring(bell, done, -step);
    }
  }
}
