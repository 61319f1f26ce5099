/**
 * A network in a table, as Keras' `model.summary()` prints one: each layer, the shape of what
 * it gives one sample, its parameters, and the totals.
 *
 * @module
 */

import type { Network } from "./network.ts";
import { layerName, layerParamInfos, layerShapes } from "./shapes.ts";

/** One row of a {@link NetworkSummary}. */
export interface LayerRow {
  /** The layer's place, from 1. */
  index: number;
  /** Its word in the short form: `conv5x32`, `relu`. */
  layer: string;
  /** Its kind: `conv`. */
  kind: string;
  /** The shape of its output for one sample: `[32, 24, 24]`. */
  output: number[];
  /** Its trained parameters (weights and biases; batch normalisation's γ and β, not its buffers). */
  parameters: number;
}

/** A network's layers, the shape of its input, and its total of parameters. */
export interface NetworkSummary {
  /** One sample's input shape. */
  input: number[];
  /** A row per layer. */
  layers: LayerRow[];
  /** Parameters in all. */
  parameters: number;
  /** The table as text, for `console.log`. */
  text: string;
}

/** `32×24×24` for a map (channels × rows × columns), `256` for a vector. */
const shapeText = (shape: readonly number[]) => shape.join("×");

/**
 * Each layer of a network with the shape of its output and its parameters, and the total —
 * `text` prints it as a table.
 *
 * @example
 * ```ts
 * import { createRng, initNetwork, parseLayers, summary } from "../../mod.ts";
 * const net = initNetwork(parseLayers("conv5x8,pool2"), createRng(0));
 * console.log(summary(net).parameters); // 11738: (25 + 1)·8 for the kernels, (1,152 + 1)·10 for the output
 * ```
 */
export function summary(net: Network): NetworkSummary {
  const shapes = layerShapes(net.layers, net.input);
  const infos = layerParamInfos(net.layers, net.input);
  const layers = net.layers.map((layer, l): LayerRow => ({
    index: l + 1,
    layer: layerName(layer),
    kind: layer.kind,
    output: shapes[l + 1],
    parameters: infos[l].reduce((n, info) => n + (info.trained === false ? 0 : info.length), 0),
  }));
  const parameters = layers.reduce((n, r) => n + r.parameters, 0);
  const count = (n: number) => n.toLocaleString("en-US");
  const rows = [
    ["#", "layer", "output shape", "parameters"],
    ["", "input", shapeText(net.input), ""],
    ...layers.map((r) => [String(r.index), r.layer, shapeText(r.output), count(r.parameters)]),
  ];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r: string[]) =>
    r.map((cell, c) => (c === 3 || c === 0 ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
      .join("  ").trimEnd();
  const rule = "─".repeat(widths.reduce((a, b) => a + b, 0) + 6);
  const text = [
    line(rows[0]),
    rule,
    ...rows.slice(1).map(line),
    rule,
    `${count(parameters)} parameters`,
  ].join("\n");
  return { input: [...net.input], layers, parameters, text };
}
