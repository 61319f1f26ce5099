/**
 * A training worker: sets up one accumulator over its blocks of samples, then runs it each time
 * the main thread rings its doorbell, reading the shared parameters and writing each block's
 * shared sums, and rings back.
 *
 * @module
 */

/// <reference lib="deno.worker" />

import { CLOSE, createBlockAccumulator, type WorkerMessage } from "./engine.ts";
import { ring, waitForChange } from "./doorbell.ts";
import { layoutOf } from "./kernel.ts";

self.onmessage = async (event: MessageEvent<WorkerMessage>) => {
  const message = event.data;
  let accumulator: Awaited<ReturnType<typeof createBlockAccumulator>>;
  try {
    const csr = {
      count: message.csr.count,
      rowPtr: new Int32Array(message.csr.rowPtr),
      entry: new Uint32Array(message.csr.entry),
    };
    accumulator = await createBlockAccumulator(
      message.backend,
      layoutOf(message.sizes),
      csr,
      new Uint8Array(message.labels),
      message.blocks,
      message.block,
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
  const n = layoutOf(message.sizes).length;
  const blocks = Math.ceil(message.csr.count / message.block);
  const P = new Float64Array(message.P);
  const G = Array.from({ length: blocks }, (_, i) => new Float64Array(message.G, i * n * 8, n));
  const stats = Array.from(
    { length: blocks },
    (_, i) => new Float64Array(message.stats, i * 16, 2),
  );
  const bell = new Int32Array(message.bell), go = 2 * message.slot, done = go + 1;
  for (let step = 0;;) {
    step = waitForChange(bell, go, step);
    if (step === CLOSE) return;
    try {
      accumulator?.run(P, accumulator.parts(G, stats));
      ring(bell, done, step);
    } catch (error) {
      self.postMessage({ error: (error as Error).message });
      ring(bell, done, -step);
    }
  }
}
