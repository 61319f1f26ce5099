/**
 * The mini-batch engine: any layer sizes, any batch size, every optimizer of
 * `lib/nn/optimizers.ts`, the samples of each batch shared between the main thread and Web
 * Workers — with weights that do not depend on the number of threads.
 *
 * How the thread count is kept out of the result: a batch of B samples is cut into
 * `chunkCount(B)` chunks, a number that depends on B alone; each chunk's gradient sum is computed
 * by one thread, sample after sample, into a buffer of its own; then the main thread adds the
 * chunks' buffers in chunk order, divides by B and runs the optimizer. Whichever thread computed a
 * chunk, every sum is taken in the same order, so 1, 2 or 8 threads give the same bits.
 *
 * Each epoch, {@link MiniBatchEngine.arrange} writes the epoch's order and shifts into shared
 * sparse rows (`arrangeCsr`), so the batches are contiguous ranges of samples.
 *
 * @module
 */

import type { Digits } from "../data/dataset.ts";
import {
  createOptimizerState,
  optimizerDefaults,
  type OptimizerOptions,
  type OptimizerState,
  optimizerUpdate,
} from "../nn/optimizers.ts";
import type { Params } from "../nn/params.ts";
import { ring, waitForChange } from "./doorbell.ts";
import type { StepResult } from "./engine.ts";
import { defaultThreads } from "./engine.ts";
import {
  accumulateGradients,
  createScratch,
  type Layout,
  layoutOf,
  pack,
  unpack,
} from "./kernel.ts";
import { arrangeCsr, type Csr, toCsr } from "./sparse.ts";

/** Samples per chunk, about; at most {@link MAX_CHUNKS} chunks a batch. */
export const CHUNK_SAMPLES = 32;
/** The most chunks a batch is cut into (each needs a gradient buffer). */
export const MAX_CHUNKS = 16;

/** The number of chunks of a batch of `B` samples: a function of B alone. */
export function chunkCount(B: number): number {
  return Math.max(1, Math.min(MAX_CHUNKS, Math.ceil(B / CHUNK_SAMPLES)));
}

/** Options of {@link createMiniBatchEngine}. */
export interface MiniBatchEngineOptions extends OptimizerOptions {
  /** Threads to use, the main thread included (default: the CPU cores, at most 8). */
  threads?: number;
}

/** A running mini-batch engine. Call `close()` when done. */
export interface MiniBatchEngine {
  /** Threads in use, the main thread included. */
  readonly threads: number;
  /** The kernel in use. */
  readonly backend: "typescript";
  /** Lay out an epoch: the images in `order`, each shifted by `dx[i]`, `dy[i]`. */
  arrange(order: ArrayLike<number>, dx: ArrayLike<number>, dy: ArrayLike<number>): void;
  /**
   * One optimizer step on samples `from … to−1` of the arranged epoch, with learning rate `lr`.
   * Returns the batch's accuracy and mean loss, from the forward pass before the step.
   */
  step(from: number, to: number, lr: number): StepResult;
  /** A copy of the current parameters. */
  params(): Params;
  /** Stop the workers. */
  close(): void;
}

/** Messages to a mini-batch worker. */
export interface MiniBatchWorkerMessage {
  /** Layer sizes. */
  sizes: number[];
  /** Packed parameters (shared). */
  P: SharedArrayBuffer;
  /** The chunks' gradient sums, {@link MAX_CHUNKS} packed arrays end to end (shared). */
  G: SharedArrayBuffer;
  /** Per chunk: [correct, loss sum] (shared). */
  stats: SharedArrayBuffer;
  /** The arranged epoch's sparse rows and labels (shared). */
  rowPtr: SharedArrayBuffer;
  /** The arranged epoch's entries (shared). */
  entry: SharedArrayBuffer;
  /** The arranged epoch's labels (shared). */
  labels: SharedArrayBuffer;
  /** `[chunks, bound₀, bound₁, …]` of the current step (shared). */
  plan: SharedArrayBuffer;
  /** Doorbells: `bell[2t]` the step to run (or -1 to stop), `bell[2t + 1]` the step done. */
  bell: SharedArrayBuffer;
  /** This worker's thread number (1 …). */
  slot: number;
  /** The number of threads. */
  threads: number;
}

/**
 * Compute the gradient sums of the chunks of the current plan that fall to thread `slot`
 * (chunks `slot`, `slot + threads`, …), each into its own buffer.
 */
export function runChunks(
  slot: number,
  threads: number,
  P: Float64Array,
  G: Float64Array[],
  stats: Float64Array[],
  layout: Layout,
  csr: Csr,
  labels: Uint8Array,
  plan: Int32Array,
  scratch: ReturnType<typeof createScratch>,
): void {
  const chunks = plan[0];
  for (let c = slot; c < chunks; c += threads) {
    G[c].fill(0);
    stats[c].fill(0);
    accumulateGradients(P, G[c], layout, csr, labels, plan[1 + c], plan[2 + c], scratch, stats[c]);
  }
}

/**
 * Start a mini-batch engine on `train` from the parameters `init`.
 *
 * @throws {RangeError} When the images do not match the network's input size.
 */
export async function createMiniBatchEngine(
  train: Digits,
  init: Params,
  options: MiniBatchEngineOptions = {},
): Promise<MiniBatchEngine> {
  const layout = layoutOf(init.sizes);
  const m = train.count;
  if (train.pixels.length !== m * layout.sizes[0]) {
    throw new RangeError(
      `Cannot train on images of ${train.pixels.length / m} pixels: the network takes ${
        layout.sizes[0]
      }`,
    );
  }
  const o = optimizerDefaults(options);
  const threads = Math.max(1, Math.min(options.threads ?? defaultThreads(), MAX_CHUNKS));
  const source = toCsr(train);
  const n = layout.length;
  const P = new Float64Array(new SharedArrayBuffer(n * 8));
  pack(init, layout, P);
  const gBuffer = new SharedArrayBuffer(MAX_CHUNKS * n * 8);
  const G = Array.from({ length: MAX_CHUNKS }, (_, c) => new Float64Array(gBuffer, c * n * 8, n));
  const statsBuffer = new SharedArrayBuffer(MAX_CHUNKS * 16);
  const stats = Array.from(
    { length: MAX_CHUNKS },
    (_, c) => new Float64Array(statsBuffer, c * 16, 2),
  );
  const csr: Csr = {
    count: m,
    rowPtr: new Int32Array(new SharedArrayBuffer((m + 1) * 4)),
    entry: new Uint32Array(new SharedArrayBuffer(Math.max(1, source.entry.length) * 4)),
  };
  const labels = new Uint8Array(new SharedArrayBuffer(m));
  const plan = new Int32Array(new SharedArrayBuffer((MAX_CHUNKS + 2) * 4));
  const bell = new Int32Array(new SharedArrayBuffer(8 * threads));
  const workers: Worker[] = [];
  for (let t = 1; t < threads; t++) {
    workers.push(
      await startWorker({
        sizes: layout.sizes,
        P: P.buffer as SharedArrayBuffer,
        G: gBuffer,
        stats: statsBuffer,
        rowPtr: csr.rowPtr.buffer as SharedArrayBuffer,
        entry: csr.entry.buffer as SharedArrayBuffer,
        labels: labels.buffer as SharedArrayBuffer,
        plan: plan.buffer as SharedArrayBuffer,
        bell: bell.buffer as SharedArrayBuffer,
        slot: t,
        threads,
      }),
    );
  }
  // The optimizer's arrays follow the packed layout: W[0], b[0], W[1], b[1], …
  const slices: { from: number; to: number; decay: number }[] = [];
  for (let l = 0; l < layout.w.length; l++) {
    slices.push({ from: layout.w[l], to: layout.b[l], decay: o.weightDecay });
    slices.push({ from: layout.b[l], to: layout.b[l] + layout.sizes[l + 1], decay: 0 });
  }
  const state: OptimizerState = createOptimizerState(slices.map((s) => s.to - s.from), o);
  const scratch = createScratch(layout.sizes);
  const g = new Float64Array(n);
  let round = 0, closed = false;

  function step(from: number, to: number, lr: number): StepResult {
    if (closed) throw new Error("Cannot use a closed engine");
    const B = to - from;
    if (!(B >= 1 && from >= 0 && to <= m)) {
      throw new RangeError(`Cannot take a step on samples ${from}–${to - 1} of ${m}`);
    }
    const chunks = chunkCount(B);
    plan[0] = chunks;
    for (let c = 0; c <= chunks; c++) plan[1 + c] = from + Math.floor((c * B) / chunks);
    round++;
    for (let t = 1; t < threads; t++) ring(bell, 2 * t, round);
    runChunks(0, threads, P, G, stats, layout, csr, labels, plan, scratch);
    for (let t = 1; t < threads; t++) {
      const done = waitForChange(bell, 2 * t + 1, round - 1, { timeoutMs: 600_000 });
      if (done !== round) throw new Error(`Training worker ${t} failed or did not answer`);
    }
    // g = Σ_c G[c] in chunk order, then the mean over the batch; the optimizer on each slice.
    g.set(G[0]);
    let correct = stats[0][0], loss = stats[0][1];
    for (let c = 1; c < chunks; c++) {
      const gc = G[c];
      for (let k = 0; k < n; k++) g[k] += gc[k];
      correct += stats[c][0];
      loss += stats[c][1];
    }
    const invB = 1 / B;
    for (let k = 0; k < n; k++) g[k] *= invB;
    state.t++;
    slices.forEach(({ from, to, decay }, index) => {
      optimizerUpdate(P.subarray(from, to), g.subarray(from, to), state, index, lr, decay, o);
    });
    return { accuracy: correct / B, loss: loss / B };
  }

  return {
    threads,
    backend: "typescript",
    arrange(order, dx, dy) {
      if (order.length !== m) {
        throw new RangeError(`Cannot arrange ${order.length} samples: the engine holds ${m}`);
      }
      arrangeCsr(source, train.labels, order, dx, dy, csr, labels);
    },
    step,
    params: () => unpack(P, layout),
    close() {
      closed = true;
      for (let t = 1; t < threads; t++) ring(bell, 2 * t, -1);
      for (const worker of workers) worker.terminate();
    },
  };
}

async function startWorker(message: MiniBatchWorkerMessage): Promise<Worker> {
  const worker = new Worker(new URL("./minibatch_worker.ts", import.meta.url), { type: "module" });
  await new Promise<void>((resolve, reject) => {
    worker.onmessage = () => resolve();
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      reject(new Error(`Training worker failed: ${event.message}`));
    };
    worker.postMessage(message);
  });
  return worker;
}
