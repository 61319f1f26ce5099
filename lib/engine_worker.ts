/**
 * A training worker: runs its accumulator over its fixed range of samples each time the main
 * thread says "step", reading the shared parameters and writing its shared partial sums.
 *
 * @module
 */

/// <reference lib="deno.worker" />

import { type Accumulator, createAccumulator } from "./accumulator.ts";
import type { WorkerMessage } from "./engine.ts";
import { layoutOf } from "./kernel.ts";

let state:
  | { accumulator: Accumulator; P: Float64Array; G: Float64Array; stats: Float64Array }
  | undefined;

self.onmessage = async (event: MessageEvent<WorkerMessage>) => {
  try {
    const message = event.data;
    if (message.kind === "init") {
      const csr = {
        count: message.csr.count,
        rowPtr: new Int32Array(message.csr.rowPtr),
        entry: new Uint32Array(message.csr.entry),
      };
      const layout = layoutOf(message.sizes);
      const labels = new Uint8Array(message.labels);
      state = {
        accumulator: await createAccumulator(
          message.backend,
          layout,
          csr,
          labels,
          message.from,
          message.to,
        ),
        P: new Float64Array(message.P),
        G: new Float64Array(message.G),
        stats: new Float64Array(message.stats),
      };
    } else if (state) {
      state.G.fill(0);
      state.stats.fill(0);
      state.accumulator.run(state.P, state.G, state.stats);
    } else {
      throw new Error("step before init");
    }
    self.postMessage({ ok: true });
  } catch (error) {
    self.postMessage({ error: (error as Error).message });
  }
};
