/**
 * The convolution engine: a layer-list network trained on the WebAssembly kernels of
 * `backend_wasm.ts`, on every core. Each step's chunks are spread over the threads, then each
 * thread's share of the update (`shared/phases.ts`) — the same bits whatever the number of
 * threads; between epochs, each thread's share of the next epoch's images (`shared/arrange.ts`).
 * Its TypeScript backend is the readable layers themselves (`readable.ts`).
 *
 * @module
 */

import type { Digits } from "../../data/dataset.ts";
import { sizeOf } from "../../nn/layers/batch.ts";
import type { Network } from "../../nn/layers/network.ts";
import type { Engine, EngineSettings } from "../engine.ts";
import { shareEpoch, writeEpoch } from "../shared/arrange.ts";
import { threadCount } from "../shared/backend.ts";
import { chunkCount, chunkRows, MAX_CHUNKS, startPhases } from "../shared/phases.ts";
import { allocateConvWasm, attachConvWasm, readConvNetwork } from "./backend_wasm.ts";
import { startReadableEngine } from "./readable.ts";

/**
 * Start the engine on `train` from the network `start`, for batches of at most
 * `settings.batchSize`: on the WebAssembly kernels, or, for the `"typescript"` backend, the
 * readable layers.
 */
export async function startConvEngine(
  train: Digits,
  start: Network,
  settings: EngineSettings,
): Promise<Engine> {
  if (settings.backend === "typescript") return startReadableEngine(train, start, settings);
  const m = train.count, size = sizeOf(start.input);
  const threads = Math.min(threadCount(settings.threads), MAX_CHUNKS);
  const rows = chunkRows(settings.batchSize), chunks = chunkCount(settings.batchSize);
  const plan = allocateConvWasm(start, m, rows, threads, MAX_CHUNKS, chunks);
  plan.epoch = shareEpoch(train, size);
  const main = attachConvWasm(plan, settings.optimizer, 0);
  const phases = await startPhases(
    new URL("./worker.ts", import.meta.url),
    { plan, optimizer: settings.optimizer },
    main,
    threads,
  );
  return {
    name: "conv",
    threads,
    backend: "wasm",
    arrange(epoch) {
      // The plan into shared memory, then every thread lays out its share of the images.
      writeEpoch(plan.epoch!, epoch);
      main.noise[0] = epoch.seed;
      for (let i = 0; i < m; i++) main.labels[i] = train.labels[epoch.order[i]];
      phases.arrange();
    },
    step(from, to, lr) {
      const B = to - from, chunks = phases.step(from, to, lr);
      let correct = 0, loss = 0;
      for (let c = 0; c < chunks; c++) {
        correct += main.stats[2 * c];
        loss += main.stats[2 * c + 1];
      }
      return { accuracy: correct / B, loss: loss / B };
    },
    network: () => readConvNetwork(plan, start),
    close: phases.close,
  };
}
