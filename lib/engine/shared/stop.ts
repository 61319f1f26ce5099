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

/**
 * The error a stopped training throws: which training, after how many of its steps or epochs,
 * and its `result` — the same record the training returns when it finishes, for the steps it
 * took (parameters, history, times). Its `stack` is its one-line message, so that a notebook
 * shows one line, not a trace.
 */
export class TrainingStopped<R> extends Error {
  /** `"TrainingStopped"`. */
  override name = "TrainingStopped";
  /** What was trained so far, as the training returns it when it finishes. */
  readonly result: R;
  /** Steps (`unit`s) completed. */
  readonly done: number;
  /** Steps asked for. */
  readonly total: number;
  /** What a step is: an `"iteration"` of full-batch gradient descent or an `"epoch"`. */
  readonly unit: "iteration" | "epoch";

  /**
   * A stop after `progress.done` of `progress.total` steps, with what was trained so far.
   *
   * @param what The training, for the message: `training 784-10-10-10`.
   * @param progress Steps done and asked for, the unit, and a detail for the message.
   * @param result What was trained so far.
   */
  constructor(
    what: string,
    progress: { done: number; total: number; unit: "iteration" | "epoch"; detail?: string },
    result: R,
  ) {
    const { done, total, unit, detail = "" } = progress;
    super(
      `Stopped ${what} after ${unit} ${done} of ${total}${detail}; ` +
        "lastStop().result holds what it trained",
    );
    this.result = result;
    this.done = done;
    this.total = total;
    this.unit = unit;
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
