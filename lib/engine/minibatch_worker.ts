/**
 * A mini-batch worker: at each ring of its doorbell, computes the gradient sums of its chunks
 * of the current batch (see `runChunks`) into the shared buffers, and rings back.
 *
 * @module
 */

/// <reference lib="deno.worker" />

import { ring, waitForChange } from "./doorbell.ts";
import { createScratch, layoutOf } from "./kernel.ts";
import { MAX_CHUNKS, type MiniBatchWorkerMessage, runChunks } from "./minibatch_engine.ts";

self.onmessage = (event: MessageEvent<MiniBatchWorkerMessage>) => {
  const message = event.data;
  const layout = layoutOf(message.sizes), n = layout.length;
  const P = new Float64Array(message.P);
  const G = Array.from({ length: MAX_CHUNKS }, (_, c) => new Float64Array(message.G, c * n * 8, n));
  const stats = Array.from(
    { length: MAX_CHUNKS },
    (_, c) => new Float64Array(message.stats, c * 16, 2),
  );
  const rowPtr = new Int32Array(message.rowPtr);
  const csr = { count: rowPtr.length - 1, rowPtr, entry: new Uint32Array(message.entry) };
  const labels = new Uint8Array(message.labels), plan = new Int32Array(message.plan);
  const bell = new Int32Array(message.bell), go = 2 * message.slot, done = go + 1;
  const scratch = createScratch(layout.sizes);
  self.postMessage({ ok: true });
  for (let step = 0;;) {
    step = waitForChange(bell, go, step);
    if (step === -1) return;
    try {
      runChunks(message.slot, message.threads, P, G, stats, layout, csr, labels, plan, scratch);
      ring(bell, done, step);
    } catch (error) {
      console.error(`Training worker failed: ${(error as Error).message}`);
      ring(bell, done, -step);
    }
  }
};
