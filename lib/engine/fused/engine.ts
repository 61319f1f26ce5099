/**
 * The training engine: full-batch gradient descent on the fused kernel of `kernel.ts`, with the
 * samples split between the main thread and Web Workers. Parameters, gradients and the sparse
 * images live in `SharedArrayBuffer`s, so each iteration moves no data between threads: the main
 * thread rings each worker's doorbell (`doorbell.ts`), and each worker rings back when its
 * partial sums are written.
 *
 * The samples are cut into fixed blocks of about 2048 samples ({@link blockSize});
 * each block has its own accumulator and its own buffer of gradient sums, and the main thread
 * adds the blocks' sums in block order. Which thread ran a block changes nothing, so the weights
 * are the same, bit for bit, whatever the number of threads.
 *
 * A class-free design: {@link startFusedEngine} returns an object of closures over that state.
 *
 * @module
 */

import type { Digits } from "../../data/dataset.ts";
import { toParams, withParams } from "../../nn/dense_view.ts";
import type { Network } from "../../nn/layers/network.ts";
import { type AccumulatorPart, createAccumulator } from "./accumulator.ts";
import { type Backend, type StepResult, threadCount } from "../shared/backend.ts";
import { type Layout, layoutOf, pack, unpack } from "./kernel_typescript.ts";
import { type Csr, toCsr } from "../shared/sparse.ts";
import { ring, waitForChange } from "../shared/doorbell.ts";
import { checkMemory, denseNetwork } from "../shared/memory.ts";
import { startWorker } from "../shared/start_worker.ts";
import { kernelBlock, wasmUnfit } from "./kernel_wasm.ts";
import type { Engine, EngineSettings } from "../engine.ts";

/** Messages to a worker. */
export type WorkerMessage = {
  kind: "init";
  sizes: number[];
  P: SharedArrayBuffer;
  G: SharedArrayBuffer;
  stats: SharedArrayBuffer;
  csr: {
    count: number;
    rowPtr: SharedArrayBuffer;
    entry: SharedArrayBuffer;
  };
  labels: SharedArrayBuffer;
  backend: Backend;
  /** The blocks this worker runs: consecutive indices into the engine's blocks. */
  blocks: number[];
  /** Samples per block. */
  block: number;
  /** Doorbells: `bell[2t]` the step to run (or {@link CLOSE}), `bell[2t + 1]` the step done. */
  bell: SharedArrayBuffer;
  slot: number;
};

/** The value that tells a worker to stop. */
export const CLOSE: number = -1;

/**
 * Samples per block for layer sizes `sizes` on `backend`: each block's gradient sums are taken
 * apart and added in block order. About 2048, a multiple of the WebAssembly kernel's own block.
 */
export function blockSize(sizes: readonly number[], backend: Backend): number {
  if (backend === "typescript") return 2048;
  const b = kernelBlock(sizes);
  return b * Math.max(1, Math.floor(2048 / b));
}

/**
 * Start the fused engine on the training set `train` from the dense network `start`: full-batch
 * steps over every image, in their order (a batch of all: the plan's order is theirs).
 *
 * Results are deterministic, whatever the thread count: the samples' sums are taken block by
 * block and the blocks added in order.
 *
 * @throws {RangeError} When the images do not match the network's input size, or the network
 *   does not fit the WebAssembly kernel.
 */
export async function startFusedEngine(
  train: Digits,
  start: Network,
  settings: EngineSettings,
): Promise<Engine> {
  const { originalBiasGradient, backend } = settings;
  const init = toParams(start);
  const layout = layoutOf(init.sizes);
  const m = train.count;
  if (train.pixels.length !== m * layout.sizes[0]) {
    throw new RangeError(
      `Cannot train on images of ${train.pixels.length / m} pixels: the network takes ${
        layout.sizes[0]
      }`,
    );
  }
  const threads = Math.min(threadCount(settings.threads), m);
  const unfit = backend === "wasm" ? wasmUnfit(layout.sizes) : undefined;
  if (unfit) throw new RangeError(`Cannot run the WebAssembly kernel: ${unfit}`);
  const csr = toCsr(train, threads > 1);
  const shared = (
    bytes: number,
  ) => (threads > 1 ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  const labelsBuffer = shared(m);
  new Uint8Array(labelsBuffer).set(train.labels);
  const labels = new Uint8Array(labelsBuffer);
  const P = new Float64Array(shared(layout.length * 8));
  pack(init, layout, P);
  // The blocks: samples [BLOCK·i, BLOCK·(i + 1)), each with its own gradient sums and stats.
  const BLOCK = blockSize(layout.sizes, backend);
  const blockCount = Math.ceil(m / BLOCK), n = layout.length;
  // The blocks' gradient sums, the parameters and their sum: the bulk of what it allocates.
  checkMemory(
    denseNetwork(layout.sizes),
    (blockCount + 2) * n * 8,
    `the fused engine on ${backend}`,
    backend,
  );
  const gBuffer = shared(blockCount * n * 8), statsBuffer = shared(blockCount * 16);
  const { G, stats } = blockSums(gBuffer, statsBuffer, blockCount, n);
  const g = new Float64Array(n);
  // Worker t waits on bell[2t] for the number of the step to run, and sets bell[2t + 1] to it
  // when done (to minus it when it failed, after posting the error).
  const bell = new Int32Array(new SharedArrayBuffer(8 * threads));
  let generation = 0;
  // Thread t takes the blocks from bounds[t] to bounds[t + 1]: equal shares of nonzero pixels,
  // which is where the time goes, rather than equal counts of samples.
  const bounds = [0];
  const nnz = csr.rowPtr[m];
  for (let t = 1, i = 0; t < threads; t++) {
    while (i < blockCount && csr.rowPtr[Math.min(m, (i + 1) * BLOCK)] <= (t * nnz) / threads) i++;
    bounds.push(Math.max(i, bounds[t - 1]));
  }
  bounds.push(blockCount);
  const blocksOf = (t: number) =>
    Array.from({ length: bounds[t + 1] - bounds[t] }, (_, k) => bounds[t] + k);

  // A plain loop, no closure: `csr` must not be captured by the closures the engine returns,
  // so that the wasm backend, whose accumulators copy their ranges, lets it be collected.
  const messages: WorkerMessage[] = [];
  for (let t = 1; t < threads; t++) {
    messages.push({
      kind: "init",
      sizes: layout.sizes,
      P: P.buffer as SharedArrayBuffer,
      G: gBuffer as SharedArrayBuffer,
      stats: statsBuffer as SharedArrayBuffer,
      csr: { count: csr.count, ...sharedOf(csr) },
      labels: labelsBuffer as SharedArrayBuffer,
      backend,
      blocks: blocksOf(t),
      block: BLOCK,
      bell: bell.buffer as SharedArrayBuffer,
      slot: t,
    });
  }
  const workers = await Promise.all(
    messages.map((message) => startWorker(new URL("./worker.ts", import.meta.url), message)),
  );
  messages.length = 0;
  const mine = await createBlockAccumulator(backend, layout, csr, labels, blocksOf(0), BLOCK, {
    G,
    stats,
  });
  let closed = false;

  /** Forward and backward on every thread; the summed gradient is left in `g`. */
  async function accumulate(): Promise<StepResult> {
    if (closed) throw new Error("Cannot use a closed engine");
    const round = ++generation;
    for (let t = 1; t < threads; t++) ring(bell, 2 * t, round);
    mine?.run(P);
    for (let t = 1; t < threads; t++) {
      const done = waitForChange(bell, 2 * t + 1, round - 1, { timeoutMs: WORKER_TIMEOUT_MS });
      if (done === -round) throw new Error(`Training worker failed: ${await workers[t - 1].error}`);
      if (done !== round) {
        throw new Error(`Training worker ${t} did not answer within ${WORKER_TIMEOUT_MS / 1000} s`);
      }
    }
    // Sum the blocks' sums in block order, whichever thread computed them.
    g.set(G[0]);
    let correct = stats[0][0], loss = stats[0][1];
    for (let i = 1; i < blockCount; i++) {
      const gi = G[i];
      for (let k = 0; k < n; k++) g[k] += gi[k];
      correct += stats[i][0];
      loss += stats[i][1];
    }
    return { accuracy: correct / m, loss: loss / m };
  }

  /** One iteration: forward, backward, `W := W − α·dW`, `b := b − α·db`. */
  async function step(alpha: number): Promise<StepResult> {
    const result = await accumulate();
    if (originalBiasGradient) scalarBiasGradients(g, layout);
    const invM = 1 / m;
    for (let k = 0; k < P.length; k++) P[k] -= g[k] * invM * alpha;
    return result;
  }

  return {
    name: "fused",
    threads,
    backend,
    arrange({ order, dx, dy, distortions }) {
      const inOrder = order.every((j, i) => j === i) && !distortions &&
        dx.every((v) => v === 0) && dy.every((v) => v === 0);
      if (order.length !== m || !inOrder) {
        throw new RangeError(
          "Cannot arrange an epoch on the fused engine: it takes every image as it is, in order",
        );
      }
    },
    step(from, to, alpha) {
      if (from !== 0 || to !== m) {
        throw new RangeError(
          `Cannot take a step on samples ${from}–${to - 1} on the fused engine: it takes all ${m}`,
        );
      }
      return step(alpha);
    },
    network: () => withParams(start, unpack(P, layout)),
    close() {
      closed = true;
      for (let t = 1; t < threads; t++) ring(bell, 2 * t, CLOSE);
      for (const { worker } of workers) worker.terminate();
    },
  };
}

/** Each block's gradient sums (`n` entries) and [correct, loss], as views of the shared buffers. */
export function blockSums(
  gBuffer: ArrayBufferLike,
  statsBuffer: ArrayBufferLike,
  blockCount: number,
  n: number,
): { G: Float64Array[]; stats: Float64Array[] } {
  return {
    G: Array.from({ length: blockCount }, (_, i) => new Float64Array(gBuffer, i * n * 8, n)),
    stats: Array.from({ length: blockCount }, (_, i) => new Float64Array(statsBuffer, i * 16, 2)),
  };
}

/**
 * A thread's step: one accumulator over its blocks (consecutive), each block's sums sent to its
 * own buffers in `sums`; none for a thread without blocks.
 */
export async function createBlockAccumulator(
  backend: Backend,
  layout: Layout,
  csr: Csr,
  labels: Uint8Array,
  blocks: number[],
  block: number,
  sums: { G: Float64Array[]; stats: Float64Array[] },
): Promise<{ run(P: Float64Array): void } | undefined> {
  if (blocks.length === 0) return undefined;
  const m = csr.count, range = (i: number) => [i * block, Math.min(m, (i + 1) * block)];
  const from = range(blocks[0])[0], to = range(blocks.at(-1)!)[1];
  const accumulator = await createAccumulator(backend, layout, csr, labels, from, to);
  const parts: AccumulatorPart[] = blocks.map((i) => ({
    from: range(i)[0],
    to: range(i)[1],
    G: sums.G[i],
    stats: sums.stats[i],
  }));
  return { run: (P) => accumulator.run(P, parts) };
}

/** The seed's bias gradient: every unit of a layer gets the layer's total, `np.sum(dZ)`. */
function scalarBiasGradients(g: Float64Array, layout: Layout): void {
  for (let l = 0; l < layout.b.length; l++) {
    const from = layout.b[l], to = from + layout.sizes[l + 1];
    let total = 0;
    for (let k = from; k < to; k++) total += g[k];
    g.fill(total, from, to);
  }
}

/** How long a step waits for a worker before it gives up. */
const WORKER_TIMEOUT_MS = 600_000;

function sharedOf(csr: Csr) {
  return {
    rowPtr: csr.rowPtr.buffer as SharedArrayBuffer,
    entry: csr.entry.buffer as SharedArrayBuffer,
  };
}
