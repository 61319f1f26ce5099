/**
 * Stopping a training between two steps: every training function takes an `AbortSignal`, looks
 * at it after each step, and — since a signal is aborted by code that runs on the event loop
 * (a SIGINT listener, a timer, a button) — gives the event loop a turn every
 * {@link YIELD_EVERY_MS} of training. A stopped training throws {@link TrainingStopped}, which
 * carries what was trained so far.
 *
 * @module
 */

/**
 * How often, in milliseconds of training, a training with a signal lets the event loop run: a
 * turn costs about 2 ms here (a `setTimeout` of 0), so 0.8% of the time at most, and a stop lands
 * within this time plus one step.
 */
export const YIELD_EVERY_MS = 250;

let last: TrainingStopped<unknown> | undefined;

/** Where a training stopped: epochs done, and batches done of the epoch it stopped in. */
export interface StopPoint {
  /** Epochs completed. */
  done: number;
  /** Epochs asked for. */
  total: number;
  /** Batches completed of the next epoch (0: it stopped between two epochs). */
  batch: number;
  /** Batches in an epoch (1 for full-batch gradient descent, where an epoch is an iteration). */
  batches: number;
}

/**
 * Where a training stopped, in a learner's words: `after iteration 312 of 1000` (full batch),
 * `after epoch 3 of 30`, or `during epoch 1 of 40, after batch 212 of 641`.
 */
export function stopWords(p: StopPoint): string {
  if (p.batches === 1) return `after iteration ${p.done} of ${p.total}`;
  if (p.batch === 0) return `after epoch ${p.done} of ${p.total}`;
  return `during epoch ${p.done + 1} of ${p.total}, after batch ${p.batch} of ${p.batches}`;
}

/**
 * The error a stopped training throws: which training, where it stopped, and its `result` —
 * the record the training returns when it finishes, for the steps it took (the network, its
 * history, its times). Its `stack` is its one-line message, so that a notebook shows one line,
 * not a trace.
 */
export class TrainingStopped<R> extends Error {
  /** `"TrainingStopped"`. */
  override name = "TrainingStopped";
  /** What was trained so far, as the training returns it when it finishes. */
  readonly result: R;
  /** Epochs (full-batch iterations) completed. */
  readonly done: number;
  /** Epochs asked for. */
  readonly total: number;
  /** Batches completed of the epoch it stopped in (0: between two epochs). */
  readonly batch: number;
  /** Batches in an epoch. */
  readonly batches: number;
  /** What a step is: an `"iteration"` of full-batch gradient descent or an `"epoch"`. */
  readonly unit: "iteration" | "epoch";

  /**
   * A stop at `where`, with what was trained so far.
   *
   * @param what The training, for the message: `training 784-10-10-10`.
   * @param where Epochs and batches done.
   * @param result What was trained so far.
   */
  constructor(what: string, where: StopPoint, result: R) {
    super(`Stopped ${what} ${stopWords(where)}; lastStop().result holds what it trained`);
    this.result = result;
    this.done = where.done;
    this.total = where.total;
    this.batch = where.batch;
    this.batches = where.batches;
    this.unit = where.batches === 1 ? "iteration" : "epoch";
    this.stack = `${this.name}: ${this.message}`;
    last = this as TrainingStopped<unknown>;
  }
}

/**
 * The last {@link TrainingStopped} thrown in this process, or `undefined`: in a notebook, where
 * the stopped cell's error is not kept in a variable, `lastStop().result` is the run so far.
 */
export function lastStop(): TrainingStopped<unknown> | undefined {
  return last;
}

/**
 * A check to call between steps: resolves `true` once `signal` is aborted. Every
 * {@link YIELD_EVERY_MS} it first lets the event loop run, so that whatever aborts the signal
 * gets its turn. Without a signal it never yields and always resolves `false`.
 */
export function stopCheck(signal: AbortSignal | undefined): () => Promise<boolean> {
  if (!signal) return () => Promise.resolve(false);
  let lastTurn = performance.now();
  return async () => {
    if (!signal.aborted && performance.now() - lastTurn >= YIELD_EVERY_MS) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      lastTurn = performance.now();
    }
    return signal.aborted;
  };
}
