/**
 * A training worker: sets up one accumulator for each of its blocks of samples, then runs them
 * each time the main thread rings its doorbell, reading the shared parameters and writing each
 * block's shared sums, and rings back.
 *
 * @module
 */

/// <reference lib="deno.worker" />

import { type Accumulator } from "./accumulator.ts";
import { BLOCK, CLOSE, createBlockAccumulators, runBlocks, type WorkerMessage } from "./engine.ts";
import { ring, waitForChange } from "./doorbell.ts";
import { layoutOf } from "./kernel.ts";

self.onmessage = async (event: MessageEvent<WorkerMessage>) => {
  const message = event.data;
  let accumulators: { block: number; accumulator: Accumulator }[];
  try {
    const csr = {
      count: message.csr.count,
      rowPtr: new Int32Array(message.csr.rowPtr),
      entry: new Uint32Array(message.csr.entry),
    };
    accumulators = await createBlockAccumulators(
      message.backend,
      layoutOf(message.sizes),
      csr,
      new Uint8Array(message.labels),
      message.blocks,
    );
  } catch (error) {
    self.postMessage({ error: (error as Error).message });
    return;
  }
  self.postMessage({ ok: true });
  serve(accumulators, message);
};

/** Run a step for every ring, until the main thread rings {@link CLOSE}. */
function serve(
  accumulators: { block: number; accumulator: Accumulator }[],
  message: WorkerMessage,
): void {
  const n = layoutOf(message.sizes).length;
  const blocks = Math.ceil(message.csr.count / BLOCK);
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
      runBlocks(accumulators, P, G, stats);
      ring(bell, done, step);
    } catch (error) {
      self.postMessage({ error: (error as Error).message });
      ring(bell, done, -step);
    }
  }
}
