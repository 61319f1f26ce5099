/**
 * A drawing made into an MNIST digit. MNIST's digits were made from scanned handwriting: each
 * one's bounding box scaled to fit 20×20 pixels keeping its aspect ratio, anti-aliased to grey
 * levels, then placed in a 28×28 field so that its centre of mass sits at the centre. A digit
 * drawn on the pad goes through the same steps, so a small "7" in a corner reaches the network
 * looking like a large centred one.
 *
 * These functions run in the browser too: they are part of the digit pad's page script
 * (`pad_page.ts`, bundled into `pad_script.ts`).
 *
 * @module
 */

/** A stroke of the pen: the points it passed through, `[x, y]` in any unit (pad pixels, say). */
export type Stroke = [number, number][];

/**
 * Ink of a 28×28 image from strokes placed by `x' = scale·x + dx`, `y' = scale·y + dy`: a pen of
 * radius `radius` output pixels, each pixel's ink `clamp(radius + ½ − d, 0, 1)` where `d` is the
 * distance from its centre to the nearest stroke — a one-pixel ramp at the edge, the usual
 * approximation of the area the pen covers (anti-aliasing).
 *
 * @returns 784 values in [0, 1], row-major, the network's input `x = pixel / 255`.
 */
export function rasterizeStrokes(
  strokes: Stroke[],
  scale: number,
  dx: number,
  dy: number,
  radius: number,
): Float32Array {
  const SIDE = 28;
  const image = new Float32Array(SIDE * SIDE);
  for (const stroke of strokes) {
    for (let s = 0; s < stroke.length; s++) {
      // A segment from a to b (a single point is a segment of length 0: a dot).
      const a = stroke[s], b = stroke[Math.min(s + 1, stroke.length - 1)];
      const ax = scale * a[0] + dx, ay = scale * a[1] + dy;
      const bx = scale * b[0] + dx, by = scale * b[1] + dy;
      const ux = bx - ax, uy = by - ay, length2 = ux * ux + uy * uy;
      const reach = radius + 1;
      const i0 = Math.max(0, Math.floor(Math.min(ay, by) - reach));
      const i1 = Math.min(SIDE - 1, Math.ceil(Math.max(ay, by) + reach));
      const j0 = Math.max(0, Math.floor(Math.min(ax, bx) - reach));
      const j1 = Math.min(SIDE - 1, Math.ceil(Math.max(ax, bx) + reach));
      for (let i = i0; i <= i1; i++) {
        for (let j = j0; j <= j1; j++) {
          const px = j + 0.5 - ax, py = i + 0.5 - ay; // the pixel's centre, from a
          // t: where the nearest point of the segment lies, 0 at a, 1 at b
          const t = length2 > 0 ? Math.max(0, Math.min(1, (px * ux + py * uy) / length2)) : 0;
          const d = Math.hypot(px - t * ux, py - t * uy);
          const ink = Math.max(0, Math.min(1, radius + 0.5 - d));
          if (ink > image[i * SIDE + j]) image[i * SIDE + j] = ink;
        }
      }
    }
  }
  return image;
}

/**
 * Strokes to the 28×28 image the network sees, as MNIST made its digits: the strokes' bounding
 * box (pen included) scaled to fit 20×20 keeping its aspect ratio, then shifted so the ink's
 * centre of mass is at the centre of the field, (14, 14). The pen keeps the same width in the
 * output whatever the drawing's size, like MNIST's pen.
 *
 * @param strokes What was drawn, in any unit.
 * @param radius The pen's radius in output pixels (1.2: strokes about 2.4 pixels wide).
 * @returns 784 values in [0, 1], row-major; `null` when nothing is drawn.
 */
export function mnistImage(strokes: Stroke[], radius = 1.2): Float32Array | null {
  const BOX = 20, CENTRE = 14;
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const stroke of strokes) {
    for (const [x, y] of stroke) {
      minX = Math.min(minX, x), maxX = Math.max(maxX, x);
      minY = Math.min(minY, y), maxY = Math.max(maxY, y);
    }
  }
  if (minX > maxX) return null;
  // The longer side of the box, pen included, becomes 20 pixels.
  const size = Math.max(maxX - minX, maxY - minY);
  const scale = size > 0 ? (BOX - 2 * radius) / size : 1;
  // First the box's centre at (14, 14), to find the centre of mass …
  let dx = CENTRE - scale * (minX + maxX) / 2, dy = CENTRE - scale * (minY + maxY) / 2;
  const first = rasterizeStrokes(strokes, scale, dx, dy, radius);
  let mass = 0, mx = 0, my = 0;
  for (let k = 0; k < first.length; k++) {
    mass += first[k], mx += first[k] * (k % 28 + 0.5), my += first[k] * (Math.floor(k / 28) + 0.5);
  }
  // … then drawn again, moved by what puts that centre at (14, 14): the strokes are lines, so
  // the move is exact, not a resampling.
  dx += CENTRE - mx / mass, dy += CENTRE - my / mass;
  return rasterizeStrokes(strokes, scale, dx, dy, radius);
}
