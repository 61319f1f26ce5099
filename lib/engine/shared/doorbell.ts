/**
 * A doorbell between threads: an `Int32Array` cell in a `SharedArrayBuffer` that one thread
 * sets to a new value and another waits on. The engine rings its workers this way instead of
 * posting messages: a message, or a sleeping thread's wake-up, costs 20–60 µs here, and the
 * engine rings twice per step of a few milliseconds. So a waiter first spins — reading the
 * cell — for up to a millisecond, the usual time until the next ring, and only then sleeps in
 * `Atomics.wait`; a thread whose waits keep ending asleep spins less (down to 20 µs), so that
 * two trainings sharing the cores do not spend them spinning.
 *
 * @module
 */

/** Set `cells[index]` to `value` and wake whoever sleeps on it. */
export function ring(cells: Int32Array, index: number, value: number): void {
  Atomics.store(cells, index, value);
  Atomics.notify(cells, index);
}

/** The longest and the shortest a wait spins before it sleeps, in milliseconds. */
const SPIN_MAX_MS = 1, SPIN_MIN_MS = 0.02;

/**
 * This thread's spin: halved each time a wait had to sleep, doubled each time a ring came while
 * spinning. When the machine has more busy threads than cores (two trainings at once, say), the
 * thread being waited for is often not running; a waiter that kept spinning would hold the core
 * it needs, and each step would take a time slice instead of a millisecond.
 */
let adaptiveSpinMs = SPIN_MAX_MS;

/** This thread's current spin before sleeping, in milliseconds (for the tests). */
export function spinBudgetMs(): number {
  return adaptiveSpinMs;
}

/**
 * Wait until `cells[index]` is no longer `old`: spin for a while (`spinMs`, by default this
 * thread's adaptive spin, at most 1 ms), then sleep.
 *
 * @returns The new value, or `old` if `timeoutMs` passed first.
 */
export function waitForChange(
  cells: Int32Array,
  index: number,
  old: number,
  options: { spinMs?: number; timeoutMs?: number } = {},
): number {
  const { timeoutMs = Infinity } = options;
  const spinMs = options.spinMs ?? adaptiveSpinMs;
  const start = performance.now();
  let value, slept = false;
  while ((value = Atomics.load(cells, index)) === old) {
    const elapsed = performance.now() - start;
    if (elapsed >= timeoutMs) break;
    if (elapsed >= spinMs) {
      slept = true;
      Atomics.wait(cells, index, old, Math.min(100, timeoutMs - elapsed));
    }
  }
  if (options.spinMs === undefined) {
    adaptiveSpinMs = slept
      ? Math.max(SPIN_MIN_MS, adaptiveSpinMs / 2)
      : Math.min(SPIN_MAX_MS, adaptiveSpinMs * 2);
  }
  return value;
}
