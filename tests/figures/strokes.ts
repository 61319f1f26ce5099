/**
 * Hand-made strokes of a few digits, in pad pixels, for the drawing tests and the browser tests
 * (which replay them with the mouse).
 */

import type { Stroke } from "../../lib/figures/drawing.ts";

/** A straight path from `a` to `b` in `n` steps, as a mouse drag records it. */
function path(a: [number, number], b: [number, number], n = 12): Stroke {
  return Array.from({ length: n + 1 }, (_, i) => [
    a[0] + (b[0] - a[0]) * i / n,
    a[1] + (b[1] - a[1]) * i / n,
  ]);
}

/** The strokes of digit `digit` ("0", "1" or "7") in the box at (x, y) of height `size`. */
export function digitStrokes(digit: "0" | "1" | "7", x: number, y: number, size: number): Stroke[] {
  const w = 0.6 * size;
  switch (digit) {
    case "1":
      return [path([x + 0.55 * w, y], [x + 0.45 * w, y + size])];
    case "0":
      return [Array.from({ length: 41 }, (_, i) => {
        const t = 2 * Math.PI * i / 40;
        return [x + w / 2 + (w / 2) * Math.sin(t), y + size / 2 - (size / 2) * Math.cos(t)];
      })];
    case "7":
      return [[
        ...path([x, y], [x + w, y]),
        ...path([x + w, y], [x + 0.35 * w, y + size]).slice(1),
      ]];
  }
}
