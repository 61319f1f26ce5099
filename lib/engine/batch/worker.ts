/**
 * A mini-batch worker: attaches to the engine's shared state, then at each ring of its doorbell
 * runs its part of the current phase (`runPhase`: its chunks, or its share of the update) and
 * rings back.
 *
 * @module
 */

/// <reference lib="deno.worker" />

import { ring, waitForChange } from "../shared/doorbell.ts";
import { attachBackend } from "./backend.ts";
import type { BatchBackend } from "./contract.ts";
import { type MiniBatchWorkerMessage, runPhase } from "./engine.ts";

self.onmessage = (event: MessageEvent<MiniBatchWorkerMessage>) => {
  const message = event.data;
  let backend: BatchBackend;
  try {
    backend = attachBackend(message.backend, message.slot);
  } catch (error) {
    self.postMessage({ error: (error as Error).message });
    return;
  }
  const plan = new Int32Array(message.plan), values = new Float64Array(message.values);
  const bell = new Int32Array(message.bell), go = 2 * message.slot, done = go + 1;
  self.postMessage({ ok: true });
  for (let round = 0;;) {
    round = waitForChange(bell, go, round);
    if (round === -1) return;
    try {
      runPhase(backend, message.slot, message.threads, plan, values);
      ring(bell, done, round);
    } catch (error) {
      console.error(`Training worker failed: ${(error as Error).message}`);
      ring(bell, done, -round);
    }
  }
};
