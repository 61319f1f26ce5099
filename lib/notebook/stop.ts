/**
 * Jupyter's **Stop** button for the Deno kernel. Stop sends SIGINT to the kernel process, and
 * Deno's default for SIGINT is to exit: the kernel dies and every variable with it. The first
 * {@link stopSignal} call installs a SIGINT listener instead, so the kernel lives, and turns each
 * interrupt into the abort of the signal the running cell's training was given. The training
 * stops after its current step and throws `TrainingStopped`: the cell ends with one line — what
 * stopped, after which epoch or iteration — Jupyter cancels the cells queued after it, as for
 * any error, and `lastStop().result` holds the run so far.
 *
 * A cell that never yields to the event loop (a synchronous loop) cannot hear the listener;
 * Kernel → Restart still ends it. Outside the kernel nothing here runs until called.
 *
 * @module
 */

let current: AbortController | undefined;
let listening = false;

/**
 * The signal that Jupyter's Stop button aborts, for the cell being run: pass it to `train`,
 * `trainMiniBatch` or `runRecipe`. Call it in the cell that trains (each Stop aborts the signal
 * handed out since the last one, and the next call gets a fresh signal).
 *
 * @example
 * ```ts ignore
 * const result = await train(trainSet, { iterations, alpha, dev, signal: stopSignal() });
 * ```
 */
export function stopSignal(): AbortSignal {
  if (!listening) {
    Deno.addSignalListener("SIGINT", interrupt);
    listening = true;
  }
  current ??= new AbortController();
  return current.signal;
}

/** Abort the signal handed out, and hand out a fresh one from now on. */
function interrupt(): void {
  const stopping = current;
  current = undefined;
  stopping?.abort(new Error("Stopped by Jupyter's Stop button (SIGINT)"));
}
