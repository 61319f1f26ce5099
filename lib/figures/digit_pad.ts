/**
 * Draw a digit: a canvas where the reader draws with mouse, pen or finger and the trained network
 * answers as they draw, with its ten probabilities as bars and what it sees beside the pad.
 *
 * `digitPad(network)` returns one HTML fragment with the weights inside it and its script, so it
 * works in a Jupyter output and in the exported report alike, offline: no server, no request.
 * The script is `pad_page.ts` bundled (`pad_script.ts`): the drawing of `drawing.ts`, and the
 * network read and run by the very modules of `lib/nn/layers/` — each layer's forward pass asked
 * of its kind — so the code that runs in the page is the code the tests run here.
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
import { asNetwork, type Model, networkName } from "../nn/dense_view.ts";
import { packFloat32 } from "../nn/layers/json.ts";
import { classCount, type Network } from "../nn/layers/network.ts";
import { sizeOf } from "../nn/layers/batch.ts";
import type { PadModel } from "./pad_page.ts";
import { PAD_SCRIPT } from "./pad_script.ts";

/** A network as its page receives it: float32 is all the page needs, at half the bytes. */
export function padModel(net: Network): PadModel {
  const values = packFloat32(net);
  return {
    input: [...net.input],
    layers: net.layers.map((l) => ({ ...l })),
    weights: Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString("base64"),
  };
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
  model: Model,
  options: { title?: string; subtitle?: string } = {},
): string {
  const {
    title = "Draw a digit",
    subtitle = "Draw with the mouse or a finger; the network answers as you draw.",
  } = options;
  const net = asNetwork(model);
  if (sizeOf(net.input) !== 784 || classCount(net) !== 10) {
    throw new RangeError(
      `Cannot make a digit pad for a ${
        networkName(net)
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
  return `<figure class="digit-pad" id="${id}"><style>${STYLE}</style>
<h2 style="margin:0 0 2px">${title}</h2><h3 style="margin:0 0 10px;font-weight:normal">${subtitle}</h3>
<div class="digit-pad-body">
<canvas data-testid="digit-pad" width="280" height="280" aria-label="drawing pad"></canvas>
<div class="digit-pad-side"><span>The network sees</span><canvas class="digit-pad-seen" width="28" height="28"></canvas>
<span>and answers</span><span data-testid="digit-prediction"></span>
<button type="button" data-testid="digit-clear">Clear</button></div>
<div data-testid="digit-probabilities" role="img" aria-label="probability of each digit">${bars}</div>
</div>
<script>${PAD_SCRIPT}</script>
<script>(() => {
// The figure around this script (Jupyter may run it before the output is in the document).
const root = document.currentScript?.closest("figure.digit-pad") ??
  document.getElementById(${JSON.stringify(id)});
mnistDigitPad.mountPad(root, ${JSON.stringify(padModel(net))});
})();</script></figure>`;
}
