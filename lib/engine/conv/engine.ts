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
import { takeRows, threadCount } from "../shared/backend.ts";
import { matrix } from "../../nn/matrix.ts";
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
  const heldOut = settings.heldOut ?? [];
  const counts = heldOut.map((set) => set.count);
  const plan = allocateConvWasm(start, m, rows, threads, MAX_CHUNKS, chunks, counts);
  plan.epoch = shareEpoch(train, size);
  const main = attachConvWasm(plan, settings.optimizer, 0);
  heldOut.forEach((set, i) => {
    main.pixels.set(set.pixels, plan.heldOut[i].from * size);
    main.labels.set(set.labels, plan.heldOut[i].from);
  });
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
    score(set) {
      if (!(set >= 0 && set < heldOut.length)) {
        throw new RangeError(
          `Cannot score held-out set ${set}: the engine holds ${heldOut.length}`,
        );
      }
      phases.score(set);
      // Each chunk's sums were taken on whichever thread scored it; added here in chunk order.
      const { from, count, chunk } = plan.heldOut[set], { classes, rows: R } = plan;
      let right = 0, loss = 0;
      for (let k = chunk; (k - chunk) * R < count; k++) {
        right += main.scores[2 * k];
        loss += main.scores[2 * k + 1];
      }
      const probabilities = matrix(classes, count), predictions = new Uint8Array(count);
      const at = (from - m) * classes;
      takeRows(main.probabilities.subarray(at, at + count * classes), 0, count, {
        probabilities,
        predictions,
      });
      return { probabilities, predictions, accuracy: right / count, loss: loss / count };
    },
    close: phases.close,
  };
}
