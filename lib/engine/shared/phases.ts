/**
 * A training step in two phases on every thread — the machinery the mini-batch engine and the
 * convolution engine share. The batch of B samples is cut into `chunkCount(B)` chunks, a number
 * that depends on B alone:
 *
 * 1. Gradients: thread t runs chunks t, t + T, …, each into a gradient buffer of its own.
 * 2. Update: each thread runs the optimizer on its share of the parameters, adding the chunks'
 *    sums in chunk order.
 *
 * A network whose layers need the whole batch's statistics (batch normalisation) runs phase 1
 * in {@link PhasedBackend.rounds} rounds: each chunk goes forward to such a layer and leaves its
 * sums; the next round, every chunk's sums added in chunk order, goes on to the next such layer
 * (and, on the way back, likewise for the gradients' sums).
 *
 * Between epochs a third phase lays out the next one, each thread arranging a share of its
 * images (`arrange.ts`); a fourth scores a held-out set (a dev set after each epoch), each thread
 * a share of its chunks.
 *
 * Whichever thread computed a chunk or a share, every sum is taken in the same order, so 1, 2 or
 * 16 threads give the same bits. The main thread rings each worker's doorbell (`doorbell.ts`)
 * and runs its own part; each worker rings back when its part is done.
 *
 * @module
 */

import { ring, waitForChange } from "./doorbell.ts";
import { startWorker } from "./start_worker.ts";

/** The most chunks a batch is cut into (each needs a gradient buffer). */
export const MAX_CHUNKS = 16;

/** Samples per chunk, about; at most {@link MAX_CHUNKS} chunks a batch. */
export const CHUNK_SAMPLES = 32;

/** The number of chunks of a batch of `B` samples: a function of B alone. */
export function chunkCount(B: number): number {
  return Math.max(1, Math.min(MAX_CHUNKS, Math.ceil(B / CHUNK_SAMPLES)));
}

/** The most samples in a chunk of a batch of at most `batchSize`. */
export function chunkRows(batchSize: number): number {
  return Math.max(Math.min(batchSize, CHUNK_SAMPLES), Math.ceil(batchSize / MAX_CHUNKS));
}

/** What a step's update phase needs to know. */
export interface UpdateStep {
  /** Chunks of the batch. */
  chunks: number;
  /** The batch: samples `from … to−1` of the arranged epoch. */
  from: number;
  /** One past the batch's last sample. */
  to: number;
  /** The learning rate η. */
  lr: number;
  /** The step's number, from 1. */
  t: number;
}

/** One thread's two jobs. */
export interface PhasedBackend {
  /** Rounds of the gradient phase (1 unless a layer needs the batch's statistics). */
  rounds?: number;
  /**
   * Forward and backward over samples `from … to−1` of the epoch (chunk c of the batch
   * `batchFrom … batchTo−1`) into chunk c's buffers — or, in a phase of several rounds, round
   * `round`'s part of them.
   */
  runChunk(
    c: number,
    from: number,
    to: number,
    batchFrom: number,
    batchTo: number,
    round: number,
  ): void;
  /** Thread `slot`'s share of the update, from the chunks' sums in chunk order. */
  updateShare(slot: number, threads: number, step: UpdateStep): void;
  /** Thread `slot`'s share of laying out the next epoch (`Phases.arrange`), when it has one. */
  arrangeShare?(slot: number, threads: number): void;
  /** Thread `slot`'s share of scoring held-out set `set` (`Phases.score`), when it has one. */
  scoreShare?(slot: number, threads: number, set: number): void;
}

/** The message that starts a worker: the backend's own message, and the step's shared cells. */
export interface PhaseWorkerMessage<M> {
  /** What the worker attaches its backend to. */
  backend: M;
  /** `[phase, chunks, bound₀ … bound_chunks, …, round]` of the current step (shared). */
  plan: SharedArrayBuffer;
  /** `[lr, 1/B, t]` of the current step (shared). */
  values: SharedArrayBuffer;
  /** Doorbells: `bell[2t]` the round to run (or -1 to stop), `bell[2t + 1]` the round done. */
  bell: SharedArrayBuffer;
  /** This worker's thread number (1 …). */
  slot: number;
  /** The number of threads. */
  threads: number;
}

/** Where in the plan the gradient phase's round is. */
const ROUND = MAX_CHUNKS + 3;

/**
 * Phase 1 of a step: thread `slot`'s chunks. Phase 2: its share of the update. Phase 3, between
 * epochs: its share of the next epoch's layout. Phase 4: its share of scoring a held-out set.
 */
export function runPhase(
  backend: PhasedBackend,
  slot: number,
  threads: number,
  plan: Int32Array,
  values: Float64Array,
): void {
  const chunks = plan[1], from = plan[2], to = plan[2 + chunks];
  if (plan[0] === 1) {
    for (let c = slot; c < chunks; c += threads) {
      backend.runChunk(c, plan[2 + c], plan[3 + c], from, to, plan[ROUND]);
    }
    return;
  }
  if (plan[0] === 3) return backend.arrangeShare!(slot, threads);
  if (plan[0] === 4) return backend.scoreShare!(slot, threads, plan[1]);
  backend.updateShare(slot, threads, { chunks, from, to, lr: values[0], t: values[2] });
}

/** The steps of a running engine: each a gradient phase and an update phase on every thread. */
export interface Phases {
  /** One step on samples `from … to−1` at learning rate `lr`; returns its number of chunks. */
  step(from: number, to: number, lr: number): number;
  /** Every thread's share of laying out the next epoch (the backend's `arrangeShare`). */
  arrange(): void;
  /** Every thread's share of scoring held-out set `set` (the backend's `scoreShare`). */
  score(set: number): void;
  /** Stop the workers. */
  close(): void;
}

/**
 * Start `threads − 1` workers of the module at `workerUrl` on the backend `message`, beside the
 * main thread's backend `main`.
 */
export async function startPhases<M>(
  workerUrl: URL,
  message: M,
  main: PhasedBackend,
  threads: number,
): Promise<Phases> {
  const plan = new Int32Array(new SharedArrayBuffer((ROUND + 1) * 4));
  const rounds = main.rounds ?? 1;
  const values = new Float64Array(new SharedArrayBuffer(3 * 8));
  const bell = new Int32Array(new SharedArrayBuffer(8 * threads));
  const workers: Worker[] = [];
  try {
    for (let slot = 1; slot < threads; slot++) {
      const start: PhaseWorkerMessage<M> = {
        backend: message,
        plan: plan.buffer as SharedArrayBuffer,
        values: values.buffer as SharedArrayBuffer,
        bell: bell.buffer as SharedArrayBuffer,
        slot,
        threads,
      };
      workers.push((await startWorker(workerUrl, start)).worker);
    }
  } catch (error) {
    for (const worker of workers) worker.terminate();
    throw error;
  }
  let round = 0, t = 0, closed = false;

  /** Run one phase on every thread and wait for all of them. */
  function phase(kind: 1 | 2 | 3 | 4): void {
    plan[0] = kind;
    round++;
    for (let s = 1; s < threads; s++) ring(bell, 2 * s, round);
    runPhase(main, 0, threads, plan, values);
    for (let s = 1; s < threads; s++) {
      const done = waitForChange(bell, 2 * s + 1, round - 1, { timeoutMs: 600_000 });
      if (done !== round) throw new Error(`Training worker ${s} failed or did not answer`);
    }
  }

  return {
    step(from, to, lr) {
      if (closed) throw new Error("Cannot use a closed engine");
      const B = to - from, chunks = chunkCount(B);
      plan[1] = chunks;
      for (let c = 0; c <= chunks; c++) plan[2 + c] = from + Math.floor((c * B) / chunks);
      for (let r = 0; r < rounds; r++) {
        plan[ROUND] = r;
        phase(1);
      }
      values[0] = lr;
      values[1] = 1 / B;
      values[2] = ++t;
      phase(2);
      return chunks;
    },
    arrange() {
      if (closed) throw new Error("Cannot use a closed engine");
      phase(3);
    },
    score(set) {
      if (closed) throw new Error("Cannot use a closed engine");
      plan[1] = set;
      phase(4);
    },
    close() {
      closed = true;
      for (let s = 1; s < threads; s++) ring(bell, 2 * s, -1);
      for (const worker of workers) worker.terminate();
    },
  };
}

/**
 * A worker module's body: attach to the backend the first message names, then at each ring of
 * its doorbell run its part of the current phase and ring back.
 */
export function servePhases<M>(attach: (message: M, slot: number) => PhasedBackend): void {
  self.onmessage = (event: MessageEvent<PhaseWorkerMessage<M>>) => {
    const message = event.data;
    let backend: PhasedBackend;
    try {
      backend = attach(message.backend, message.slot);
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
}
