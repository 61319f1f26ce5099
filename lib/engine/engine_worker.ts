/**
 * A training worker: sets up its accumulator over its fixed range of samples, then runs it each
 * time the main thread rings its doorbell, reading the shared parameters and writing its shared
 * partial sums, and rings back.
 *
 * @module
 */

/// <reference lib="deno.worker" />

import { type Accumulator, createAccumulator } from "./accumulator.ts";
import { CLOSE, type WorkerMessage } from "./engine.ts";
import { ring, waitForChange } from "./doorbell.ts";
import { layoutOf } from "./kernel.ts";

self.onmessage = async (event: MessageEvent<WorkerMessage>) => {
  const message = event.data;
  let accumulator: Accumulator;
  try {
    const csr = {
      count: message.csr.count,
      rowPtr: new Int32Array(message.csr.rowPtr),
      entry: new Uint32Array(message.csr.entry),
    };
    accumulator = await createAccumulator(
      message.backend,
      layoutOf(message.sizes),
      csr,
      new Uint8Array(message.labels),
      message.from,
      message.to,
    );
  } catch (error) {
    self.postMessage({ error: (error as Error).message });
    return;
  }
  self.postMessage({ ok: true });
  serve(accumulator, message);
};

/** Run a step for every ring, until the main thread rings {@link CLOSE}. */
function serve(accumulator: Accumulator, message: WorkerMessage): void {
  const P = new Float64Array(message.P), G = new Float64Array(message.G);
  const stats = new Float64Array(message.stats);
  const bell = new Int32Array(message.bell), go = 2 * message.slot, done = go + 1;
  for (let step = 0;;) {
    step = waitForChange(bell, go, step);
    if (step === CLOSE) return;
    try {
      G.fill(0);
      stats.fill(0);
      accumulator.run(P, G, stats);
      ring(bell, done, step);
    } catch (error) {
      self.postMessage({ error: (error as Error).message });
      ring(bell, done, -step);
    }
  }
}
