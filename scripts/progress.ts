/**
 * A one-line progress bar on stderr, redrawn at most 10 times a second: how far, a figure, and
 * the time left.
 *
 * @module
 */

/** A progress bar; `clear()` before printing a line of your own. */
export interface ProgressBar {
  /** Redraw: `done` of `total` units, with a label such as "epoch 3/30, batch 12/321". */
  update(done: number, label: string): void;
  /** Erase the bar. */
  clear(): void;
}

/** A bar for `total` units of work, or `undefined` when stderr is not a terminal. */
export function progressBar(total: number): ProgressBar | undefined {
  if (!Deno.stderr.isTerminal()) return undefined;
  const encoder = new TextEncoder();
  const start = performance.now();
  let last = 0;
  const write = (text: string) => Deno.stderr.writeSync(encoder.encode(text));
  return {
    update(done, label) {
      const now = performance.now();
      if (now - last < 100 && done < total) return;
      last = now;
      const fraction = total === 0 ? 1 : done / total;
      const width = 30, filled = Math.round(fraction * width);
      // No estimate before 2% is done: the first steps run before the JIT has warmed up.
      const eta = fraction >= 0.02 ? ((now - start) / 1000) * (1 / fraction - 1) : NaN;
      write(
        `\r[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${label}  ETA ${
          Number.isFinite(eta) ? eta.toFixed(1) + " s" : "…"
        }  `,
      );
    },
    clear() {
      write("\r\x1b[K");
    },
  };
}
