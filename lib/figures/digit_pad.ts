/**
 * Draw a digit: a canvas where the reader draws with mouse, pen or finger and the trained network
 * answers as they draw, with its ten probabilities as bars and what it sees beside the pad.
 *
 * `digitPad(params)` returns one HTML fragment with the weights inside it and a small script, so
 * it works in a Jupyter output and in the exported report alike, offline: no server, no request.
 * The script is the source of the functions below and of `drawing.ts` (Deno hands out a
 * function's JavaScript as `fn.toString()`), so the code that runs in the page is the code the
 * tests run here.
 *
 * DOM contract (the browser tests rely on it): the canvas has `data-testid="digit-pad"`, the
 * predicted digit is the text of `data-testid="digit-prediction"`, the bars are inside
 * `data-testid="digit-probabilities"` (each row `data-digit` and `data-probability`), and the
 * clear button is `data-testid="digit-clear"`.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import type { Params } from "../nn/params.ts";
import { mnistImage, rasterizeStrokes, type Stroke } from "./drawing.ts";

/** A layer of {@link PadModel}: `W` is `rows × cols`, row-major, and `b` has `rows` values. */
export interface PadLayer {
  /** Units of this layer. */
  rows: number;
  /** Inputs of this layer. */
  cols: number;
  /** Weights, row-major. */
  W: Float32Array;
  /** Biases. */
  b: Float32Array;
}

/**
 * The network's answer for one image, as the page computes it: ReLU layers, then softmax.
 *
 * ```text
 * z = W·a + b    (rows×cols)·(cols) + (rows)
 * a = ReLU(z), or softmax(z) for the last layer
 * ```
 *
 * @param layers The network, first layer first.
 * @param x The 784 inputs, in [0, 1].
 * @returns The ten class probabilities.
 */
export function classify(layers: PadLayer[], x: ArrayLike<number>): Float64Array {
  let a: ArrayLike<number> = x;
  for (let l = 0; l < layers.length; l++) {
    const { rows, cols, W, b } = layers[l];
    const z = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      let sum = b[i];
      for (let k = 0; k < cols; k++) sum += W[i * cols + k] * a[k];
      z[i] = sum;
    }
    if (l < layers.length - 1) {
      for (let i = 0; i < rows; i++) z[i] = Math.max(0, z[i]);
    } else {
      const max = Math.max(...z); // subtracted so that exp cannot overflow
      let total = 0;
      for (let i = 0; i < rows; i++) total += z[i] = Math.exp(z[i] - max);
      for (let i = 0; i < rows; i++) z[i] /= total;
    }
    a = z;
  }
  return a as Float64Array;
}

/** The weights as the page receives them: sizes, and every `W` then `b`, float32, in base64. */
export interface PadModel {
  /** Layer sizes, input first. */
  sizes: number[];
  /** Base64 of the float32 values of W[0], b[0], W[1], b[1], … (little-endian). */
  weights: string;
}

/** Parameters to {@link PadModel}: float32 is all the page needs, at half the bytes. */
export function padModel(params: Params): PadModel {
  const parts = params.W.flatMap((W, l) => [W.data, params.b[l].data]);
  const values = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) values.set(part, offset), offset += part.length;
  return {
    sizes: [...params.sizes],
    weights: Buffer.from(values.buffer).toString("base64"),
  };
}

/** {@link PadModel} back to layers, in the page (`atob`) or here. */
export function decodeModel(model: PadModel): PadLayer[] {
  const bytes = Uint8Array.from(atob(model.weights), (c) => c.charCodeAt(0));
  const values = new Float32Array(bytes.buffer);
  const layers: PadLayer[] = [];
  let offset = 0;
  for (let l = 0; l + 1 < model.sizes.length; l++) {
    const cols = model.sizes[l], rows = model.sizes[l + 1];
    const W = values.subarray(offset, offset += rows * cols);
    const b = values.subarray(offset, offset += rows);
    layers.push({ rows, cols, W, b });
  }
  return layers;
}

/**
 * Wire up a pad made by {@link digitPad}: pointer events draw strokes; after each change (at
 * most once a frame) the strokes become an MNIST image (`mnistImage`), shown beside the pad, and
 * the network's probabilities fill the bars.
 */
export function mountDigitPad(root: HTMLElement, model: PadModel): void {
  const layers = decodeModel(model);
  const pad = root.querySelector<HTMLCanvasElement>('[data-testid="digit-pad"]')!;
  const seen = root.querySelector<HTMLCanvasElement>(".digit-pad-seen")!;
  const prediction = root.querySelector<HTMLElement>('[data-testid="digit-prediction"]')!;
  const rows = [...root.querySelectorAll<HTMLElement>("[data-digit]")];
  const ink = pad.getContext("2d")!;
  const strokes: Stroke[] = [];
  let drawing = false, queued = false;

  const at = (e: PointerEvent): [number, number] => {
    const box = pad.getBoundingClientRect();
    return [
      (e.clientX - box.left) * pad.width / box.width,
      (e.clientY - box.top) * pad.height / box.height,
    ];
  };
  const line = (from: [number, number], to: [number, number]) => {
    ink.lineWidth = pad.width / 14, ink.lineCap = "round", ink.lineJoin = "round";
    ink.strokeStyle = "#111";
    ink.beginPath(), ink.moveTo(from[0], from[1]), ink.lineTo(to[0], to[1]), ink.stroke();
  };
  const update = () => {
    queued = false;
    const x = mnistImage(strokes);
    const picture = seen.getContext("2d")!, pixels = picture.createImageData(28, 28);
    for (let k = 0; k < 784; k++) {
      const grey = 255 - Math.round(255 * (x ? x[k] : 0)); // dark ink on white, as in the figures
      pixels.data.set([grey, grey, grey, 255], 4 * k);
    }
    picture.putImageData(pixels, 0, 0);
    const p = x ? classify(layers, x) : new Float64Array(10);
    const best = x ? p.indexOf(Math.max(...p)) : -1;
    prediction.textContent = x ? String(best) : "";
    rows.forEach((row, d) => {
      row.dataset.probability = String(p[d]);
      row.classList.toggle("best", d === best);
      row.querySelector<HTMLElement>(".bar")!.style.width = `${(100 * p[d]).toFixed(1)}%`;
      row.querySelector<HTMLElement>(".value")!.textContent = x
        ? `${(100 * p[d]).toFixed(1)}%`
        : "";
    });
  };
  const later = () => {
    if (!queued) queued = true, requestAnimationFrame(update);
  };

  pad.addEventListener("pointerdown", (e) => {
    drawing = true;
    pad.setPointerCapture(e.pointerId);
    const p = at(e);
    strokes.push([p]);
    line(p, p);
    later();
  });
  pad.addEventListener("pointermove", (e) => {
    if (!drawing) return;
    const stroke = strokes[strokes.length - 1], p = at(e);
    line(stroke[stroke.length - 1], p);
    stroke.push(p);
    later();
  });
  for (const end of ["pointerup", "pointercancel"]) {
    pad.addEventListener(end, () => drawing = false);
  }
  root.querySelector('[data-testid="digit-clear"]')!.addEventListener("click", () => {
    strokes.length = 0;
    ink.clearRect(0, 0, pad.width, pad.height);
    update();
  });
  update();
}

const STYLE = `
.digit-pad-body { display: flex; gap: 20px; align-items: flex-start; flex-wrap: wrap; font: 13px system-ui, sans-serif; }
.digit-pad-body canvas[data-testid="digit-pad"] { width: 280px; height: 280px; background: #fff; border: 1px solid #999; border-radius: 4px; touch-action: none; cursor: crosshair; }
.digit-pad-side { display: flex; flex-direction: column; gap: 8px; align-items: center; }
.digit-pad-seen { width: 112px; height: 112px; image-rendering: pixelated; border: 1px solid #ccc; }
[data-testid="digit-prediction"] { font-size: 56px; font-weight: 600; line-height: 1; min-height: 56px; }
[data-testid="digit-probabilities"] { width: 240px; }
[data-testid="digit-probabilities"] [data-digit] { display: grid; grid-template-columns: 14px 1fr 48px; gap: 6px; align-items: center; height: 24px; }
[data-testid="digit-probabilities"] .track { background: #eee; height: 16px; }
[data-testid="digit-probabilities"] .bar { background: #9aa9c9; height: 16px; width: 0; }
[data-testid="digit-probabilities"] .best .bar { background: #4269d0; }
[data-testid="digit-probabilities"] .value { text-align: right; font-variant-numeric: tabular-nums; }
`;

/**
 * A digit pad for a trained network, as one HTML fragment with its script and weights.
 *
 * @example
 * ```ts ignore
 * await show(figures.digitPad(params));
 * ```
 */
export function digitPad(
  params: Params,
  options: { title?: string; subtitle?: string } = {},
): string {
  const {
    title = "Draw a digit",
    subtitle = "Draw with the mouse or a finger; the network answers as you draw.",
  } = options;
  if (params.sizes[0] !== 784 || params.sizes.at(-1) !== 10) {
    throw new RangeError(
      `Cannot make a digit pad for a ${
        params.sizes.join("-")
      } network: it needs 784 inputs and 10 classes`,
    );
  }
  const id = `digit-pad-${crypto.randomUUID()}`;
  const bars = Array.from(
    { length: 10 },
    (_, d) =>
      `<div data-digit="${d}" data-probability="0"><span>${d}</span>` +
      `<div class="track"><div class="bar"></div></div><span class="value"></span></div>`,
  ).join("");
  const code = [rasterizeStrokes, mnistImage, classify, decodeModel, mountDigitPad]
    .map((f) => f.toString()).join("\n");
  const model = JSON.stringify(padModel(params));
  return `<figure class="digit-pad" id="${id}"><style>${STYLE}</style>
<h2 style="margin:0 0 2px">${title}</h2><h3 style="margin:0 0 10px;font-weight:normal">${subtitle}</h3>
<div class="digit-pad-body">
<canvas data-testid="digit-pad" width="280" height="280" aria-label="drawing pad"></canvas>
<div class="digit-pad-side"><span>The network sees</span><canvas class="digit-pad-seen" width="28" height="28"></canvas>
<span>and answers</span><span data-testid="digit-prediction"></span>
<button type="button" data-testid="digit-clear">Clear</button></div>
<div data-testid="digit-probabilities" role="img" aria-label="probability of each digit">${bars}</div>
</div>
<script>(() => {
${code}
// The figure around this script (Jupyter may run it before the output is in the document).
const root = document.currentScript?.closest("figure.digit-pad") ??
  document.getElementById(${JSON.stringify(id)});
mountDigitPad(root, ${model});
})();</script></figure>`;
}
