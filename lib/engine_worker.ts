/**
 * A training worker: runs `accumulateGradients` over its fixed range of samples each time the
 * main thread says "step", reading the shared parameters and writing its shared partial sums.
 *
 * @module
 */

/// <reference lib="deno.worker" />

import {
  accumulateGradients,
  createScratch,
  type Layout,
  layoutOf,
  type Scratch,
} from "./kernel.ts";
import type { WorkerMessage } from "./engine.ts";
import type { Csr } from "./sparse.ts";

let state:
  | {
    layout: Layout;
    P: Float64Array;
    G: Float64Array;
    stats: Float64Array;
    csr: Csr;
    labels: Uint8Array;
    from: number;
    to: number;
    scratch: Scratch;
  }
  | undefined;

self.onmessage = (event: MessageEvent<WorkerMessage>) => {
  try {
    const message = event.data;
    if (message.kind === "init") {
      state = {
        layout: layoutOf(message.sizes),
        P: new Float64Array(message.P),
        G: new Float64Array(message.G),
        stats: new Float64Array(message.stats),
        csr: {
          count: message.csr.count,
          rowPtr: new Int32Array(message.csr.rowPtr),
          entry: new Uint32Array(message.csr.entry),
        },
        labels: new Uint8Array(message.labels),
        from: message.from,
        to: message.to,
        scratch: createScratch(message.sizes),
      };
    } else if (state) {
      const s = state;
      s.G.fill(0);
      s.stats.fill(0);
      accumulateGradients(s.P, s.G, s.layout, s.csr, s.labels, s.from, s.to, s.scratch, s.stats);
    } else {
      throw new Error("step before init");
    }
    self.postMessage({ ok: true });
  } catch (error) {
    self.postMessage({ error: (error as Error).message });
  }
};
