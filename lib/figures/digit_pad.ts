/**
 * Draw a digit: a canvas where the reader draws with mouse, pen or finger and the trained network
 * answers as they draw, with its ten probabilities as bars and what it sees beside the pad.
 *
 * `digitPad(model)` returns one HTML fragment with the weights inside it and a small script, so
 * it works in a Jupyter output and in the exported report alike, offline: no server, no request.
 * The script is the source of the functions below and of `drawing.ts` (Deno hands out a
 * function's JavaScript as `fn.toString()`), so the code that runs in the page is the code the
 * tests run here: for a dense network (`Params`), {@link classify}; for a layer-list network
 * with convolutions, the readable layers of `lib/nn/layers/` themselves ({@link classifyNetwork}).
 *
 * DOM contract (the browser tests rely on it): the canvas has `data-testid="digit-pad"`, the
 * predicted digit is the text of `data-testid="digit-prediction"`, the bars are inside
 * `data-testid="digit-probabilities"` (each row `data-digit` and `data-probability`), the
 * clear button is `data-testid="digit-clear"`, and the canvas's `data-settled` is `"false"` while
 * an answer is pending (between a stroke and the next animation frame), `"true"` once shown.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import type { Params } from "../nn/params.ts";
import { sizeOf, zeros } from "../nn/layers/batch.ts";
import { convForward, convShape } from "../nn/layers/conv.ts";
import { denseForward } from "../nn/layers/dense.ts";
import { maxPoolForward, poolShape } from "../nn/layers/max_pool.ts";
import { reluForward } from "../nn/layers/relu.ts";
import { type Network, networkForward, softmaxRows } from "../nn/layers/network.ts";
import { type LayerSpec, layersText } from "../nn/layers/spec.ts";
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

/** A layer-list network as the page receives it: its layers, and every W then b in base64. */
export interface NetworkPadModel {
  /** One image's shape, `[1, 28, 28]`. */
  input: number[];
  /** The layers. */
  layers: LayerSpec[];
  /** Base64 of the float32 values of each parametrized layer's W then b, in order. */
  weights: string;
}

/** A layer-list network to {@link NetworkPadModel}, float32. */
export function networkPadModel(net: Network): NetworkPadModel {
  const parts = net.params.flatMap((p) => (p ? [p.W, p.b] : []));
  const values = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) values.set(part, offset), offset += part.length;
  return {
    input: [...net.input],
    layers: net.layers.map((l) => ({ ...l })),
    weights: Buffer.from(values.buffer).toString("base64"),
  };
}

/** {@link NetworkPadModel} back to a network (float32 values, float64 arrays), in the page. */
export function decodeNetwork(model: NetworkPadModel): Network {
  const bytes = Uint8Array.from(atob(model.weights), (c) => c.charCodeAt(0));
  const values = new Float32Array(bytes.buffer);
  const net: Network = { input: model.input, layers: model.layers, params: [] };
  let offset = 0, shape = [...model.input];
  for (const layer of model.layers) {
    const inputs = shape.reduce((a, b) => a * b, 1);
    let W = 0, b = 0;
    if (layer.kind === "conv") {
      [W, b] = [layer.filters * shape[0] * layer.size * layer.size, layer.filters];
      shape = [layer.filters, shape[1] - layer.size + 1, shape[2] - layer.size + 1];
    } else if (layer.kind === "dense") {
      [W, b] = [layer.units * inputs, layer.units];
      shape = [layer.units];
    } else if (layer.kind === "maxPool") {
      shape = [shape[0], Math.floor(shape[1] / layer.size), Math.floor(shape[2] / layer.size)];
    } else if (layer.kind === "flatten") {
      shape = [inputs];
    }
    net.params.push(
      W === 0 ? null : {
        W: Float64Array.from(values.subarray(offset, offset += W)),
        b: Float64Array.from(values.subarray(offset, offset += b)),
      },
    );
  }
  return net;
}

/** The ten probabilities a layer-list network gives one image: its readable forward pass. */
export function classifyNetwork(net: Network, x: ArrayLike<number>): Float64Array {
  const batch = { m: 1, shape: [...net.input], data: Float64Array.from(x) };
  return networkForward(net, batch).probabilities.data;
}

/**
 * Wire up a pad made by {@link digitPad}: pointer events draw strokes; after each change (at
 * most once a frame) the strokes become an MNIST image (`mnistImage`), shown beside the pad, and
 * `answer` — the network — fills the bars with its probabilities.
 */
export function mountDigitPad(
  root: HTMLElement,
  answer: (x: ArrayLike<number>) => ArrayLike<number>,
): void {
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
    const p = x ? Array.from(answer(x)) : new Array<number>(10).fill(0);
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
    pad.dataset.settled = "true";
  };
  const later = () => {
    pad.dataset.settled = "false";
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
  model: Params | Network,
  options: { title?: string; subtitle?: string } = {},
): string {
  const {
    title = "Draw a digit",
    subtitle = "Draw with the mouse or a finger; the network answers as you draw.",
  } = options;
  const network = "layers" in model;
  const inputs = network ? model.input.reduce((a, b) => a * b, 1) : model.sizes[0];
  const classes = network
    ? (model.layers.findLast((l) => l.kind === "dense") as { units: number } | undefined)?.units
    : model.sizes.at(-1);
  if (inputs !== 784 || classes !== 10) {
    const name = network ? layersText(model.layers) : model.sizes.join("-");
    throw new RangeError(
      `Cannot make a digit pad for a ${name} network: it needs 784 inputs and 10 classes`,
    );
  }
  const id = `digit-pad-${crypto.randomUUID()}`;
  const bars = Array.from(
    { length: 10 },
    (_, d) =>
      `<div data-digit="${d}" data-probability="0"><span>${d}</span>` +
      `<div class="track"><div class="bar"></div></div><span class="value"></span></div>`,
  ).join("");
  // The page's code: the drawing, the network's forward pass, and the mounting, as tested here.
  const forward = network
    ? [
      sizeOf,
      zeros,
      convShape,
      convForward,
      poolShape,
      maxPoolForward,
      reluForward,
      denseForward,
      softmaxRows,
      networkForward,
      decodeNetwork,
      classifyNetwork,
    ]
    : [classify, decodeModel];
  const code = [rasterizeStrokes, mnistImage, ...forward, mountDigitPad]
    .map((f) => f.toString()).join("\n");
  const answer = network
    ? `const net = decodeNetwork(${JSON.stringify(networkPadModel(model))});
const answer = (x) => classifyNetwork(net, x);`
    : `const layers = decodeModel(${JSON.stringify(padModel(model))});
const answer = (x) => classify(layers, x);`;
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
${answer}
mountDigitPad(root, answer);
})();</script></figure>`;
}
