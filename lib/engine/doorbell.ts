/**
 * A doorbell between threads: an `Int32Array` cell in a `SharedArrayBuffer` that one thread
 * sets to a new value and another waits on. The engine rings its workers this way instead of
 * posting messages: a message, or a sleeping thread's wake-up, costs 20–60 µs here, and the
 * engine rings twice per step of a few milliseconds. So a waiter first spins — reading the
 * cell — for about a millisecond, the usual time until the next ring, and only then sleeps in
 * `Atomics.wait`.
 *
 * @module
 */

/** Set `cells[index]` to `value` and wake whoever sleeps on it. */
export function ring(cells: Int32Array, index: number, value: number): void {
  Atomics.store(cells, index, value);
  Atomics.notify(cells, index);
}

/**
 * Wait until `cells[index]` is no longer `old`: spin for `spinMs`, then sleep.
 *
 * @returns The new value, or `old` if `timeoutMs` passed first.
 */
export function waitForChange(
  cells: Int32Array,
  index: number,
  old: number,
  { spinMs = 1, timeoutMs = Infinity } = {},
): number {
  const start = performance.now();
  let value;
  while ((value = Atomics.load(cells, index)) === old) {
    const elapsed = performance.now() - start;
    if (elapsed >= timeoutMs) break;
    if (elapsed >= spinMs) Atomics.wait(cells, index, old, Math.min(100, timeoutMs - elapsed));
  }
  return value;
}
