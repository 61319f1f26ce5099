/**
 * The digit pad's page script: what runs in the browser, bundled by `deno task build` (from
 * `pad_entry.ts`, which puts these functions on the page's `mnistDigitPad`) into
 * `pad_script.ts`, checked against this source by `deno task check`. It reads the network the
 * pad carries — its layers and their float32 parameters, with `unpackFloat32`, the code that
 * reads model files' networks — runs the readable layers' forward pass (`networkForward`, each
 * layer's kind from the registry) on what is drawn, and wires up the pad: the code that runs in
 * the page is the code the tests run here.
 *
 * @module
 */

import { unpackFloat32 } from "../nn/layers/json.ts";
import { type Network, networkForward } from "../nn/layers/network.ts";
import type { LayerSpec } from "../nn/layers/registry.ts";
import { mnistImage, type Stroke } from "./drawing.ts";

/** A network as the page receives it: its input, its layers, and their parameters in base64. */
export interface PadModel {
  /** One image's shape, `[1, 28, 28]` or `[784]`. */
  input: number[];
  /** The layers. */
  layers: LayerSpec[];
  /** Base64 of the float32 values of every parameter array, in order (little-endian). */
  weights: string;
}

/** {@link PadModel} back to a network (float32 values in float64 arrays), in the page or here. */
export function decodePadModel(model: PadModel): Network {
  const bytes = Uint8Array.from(atob(model.weights), (c) => c.charCodeAt(0));
  return unpackFloat32(model.input, model.layers, new Float32Array(bytes.buffer));
}

/** The class probabilities a network gives one image `x` (784 values in [0, 1]). */
export function classifyImage(net: Network, x: ArrayLike<number>): Float64Array {
  const batch = { m: 1, shape: [...net.input], data: Float64Array.from(x) };
  return networkForward(net, batch).probabilities.data;
}

/**
 * Wire up a pad made by `digitPad` (`digit_pad.ts`): pointer events draw strokes; after each change (at
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

/** Mount the pad of `root` (a digit pad's figure) for the network of `model`. */
export function mountPad(root: HTMLElement, model: PadModel): void {
  const net = decodePadModel(model);
  mountDigitPad(root, (x) => classifyImage(net, x));
}
