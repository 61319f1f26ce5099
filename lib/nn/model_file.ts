/**
 * Model files: a network as its list of layers and their parameters, in JSON, exact in float64
 * (JavaScript prints the shortest decimal that reads back as the same double), validated on load.
 * One form for every network, dense or convolutional:
 *
 * ```json
 * { "format": "mnist-from-scratch.params", "version": 2, "input": [784],
 *   "layers": [{ "kind": "dense", "units": 10 }, { "kind": "relu" }, …],
 *   "params": [{ "W": [[…10×784 numbers, row-major…]], "b": […] }, null, …] }
 * ```
 *
 * A convolutional network's input is `[1, 28, 28]` and its layers include
 * `{ "kind": "conv", "size": 5, "filters": 32 }` and `{ "kind": "maxPool", "size": 2 }`. A file
 * whose layers are dense layers with a ReLU between each two — the first two notebooks'
 * networks — loads as their `Params` (`W[l]`, `b[l]`: the seed's `W1`, `b1`, … counted from 0).
 * Version 1 files (`"sizes"`, `"W"`, `"b"`: dense networks, before layer lists) still load. A
 * file may say how its parameters were trained — `"training": { "unit": "epoch", "done": 3,
 * "total": 30, "stopped_early": true }` for a training stopped by Ctrl-C after 3 of 30 epochs.
 *
 * @module
 */

import { readBytes } from "../data/csv.ts";
import { type Matrix, matrix } from "./matrix.ts";
import type { Params } from "./params.ts";
import { type LayerParams, type Network, networkFromParams } from "./layers/network.ts";
import { denseLayers, layerShapes, type LayerSpec, layersText } from "./layers/spec.ts";

/** The `format` field of a model file. */
export const MODEL_FORMAT = "mnist-from-scratch.params";

/** How a model file's parameters were trained. */
export interface ModelTraining {
  /** What a step of the training is: a full-batch iteration or an epoch. */
  unit: "iteration" | "epoch";
  /** Steps done. */
  done: number;
  /** Steps asked for. */
  total: number;
  /** Whether the training was stopped before its last step. */
  stoppedEarly: boolean;
}

/** The parameters (and, if given, how they were trained) as model-file JSON text. */
export function serializeParams(params: Params, training?: ModelTraining): string {
  return serializeModel(params, training);
}

/**
 * A network — dense `Params` or a layer-list `Network` — and how it was trained if given, as
 * model-file JSON text: its layer list and their parameters (version 2).
 */
export function serializeModel(model: Params | Network, training?: ModelTraining): string {
  const net = "layers" in model ? model : networkFromParams(model);
  return JSON.stringify({
    format: MODEL_FORMAT,
    version: 2,
    input: net.input,
    layers: net.layers,
    params: net.params.map((p) => p && { W: Array.from(p.W), b: Array.from(p.b) }),
    ...(training && {
      training: {
        unit: training.unit,
        done: training.done,
        total: training.total,
        stopped_early: training.stoppedEarly,
      },
    }),
  });
}

/**
 * Parameters from model-file JSON text, checked field by field.
 *
 * @param text The file's content.
 * @param file The file's name, for error messages.
 * @throws {Error} `Cannot load FILE: …` naming the first thing wrong.
 */
export function parseParams(text: string, file = "model"): Params {
  const { model } = parseModel(text, file);
  if ("layers" in model) {
    throw new Error(
      `Cannot load ${file} as a dense network: it holds the layers ${
        layersText(model.layers)
      } (read it with loadModel)`,
    );
  }
  return model;
}

/**
 * The network of model-file JSON text — dense `Params` (version 1) or a layer-list `Network`
 * (version 2) — and, when the file says, how it was trained.
 *
 * @param text The file's content.
 * @param file The file's name, for error messages.
 * @throws {Error} `Cannot load FILE: …` naming the first thing wrong.
 */
export function parseModel(
  text: string,
  file = "model",
): { model: Params | Network; training?: ModelTraining } {
  const fail = (message: string): never => {
    throw new Error(`Cannot load ${file}: ${message}`);
  };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    fail(`it is not JSON (${(error as Error).message})`);
  }
  const o = json as Record<string, unknown>;
  if (typeof o !== "object" || o === null || Array.isArray(o)) fail("expected a JSON object");
  if (o.format !== MODEL_FORMAT) {
    fail(`format is ${JSON.stringify(o.format)}, expected "${MODEL_FORMAT}"`);
  }
  if (o.version !== 1 && o.version !== 2) {
    fail(`version is ${JSON.stringify(o.version)}, expected 1 or 2`);
  }
  const training = o.training === undefined ? undefined : parseTraining(o.training, fail);
  const model = o.version === 2 ? denseOrNot(parseNetwork(o, fail)) : parseDense(o, fail);
  return training ? { model, training } : { model };
}

/** A version 1 file's dense parameters. */
function parseDense(o: Record<string, unknown>, fail: (message: string) => never): Params {
  const sizes = o.sizes;
  if (
    !Array.isArray(sizes) || sizes.length < 2 || !sizes.every((n) => Number.isInteger(n) && n > 0)
  ) {
    fail("sizes must be a list of at least two positive integers");
  }
  const s = sizes as number[];
  const layers = s.length - 1;
  for (const key of ["W", "b"] as const) {
    const list = o[key];
    if (!Array.isArray(list) || list.length !== layers) {
      fail(`${key} must be a list of ${layers} arrays, one per layer`);
    }
  }
  const read = (key: "W" | "b", l: number, rows: number, cols: number) => {
    const values = (o[key] as unknown[])[l];
    const name = `${key}${l + 1}`;
    if (!Array.isArray(values) || values.length !== rows * cols) {
      fail(
        `${name} has ${Array.isArray(values) ? values.length : 0} numbers, expected ${
          rows * cols
        } (${rows}×${cols})`,
      );
    }
    const bad = (values as unknown[]).findIndex((v) =>
      typeof v !== "number" || !Number.isFinite(v)
    );
    if (bad >= 0) {
      fail(`${name}[${bad}] is ${JSON.stringify((values as unknown[])[bad])}, not a finite number`);
    }
    return matrix(rows, cols, values as number[]);
  };
  return {
    sizes: [...s],
    W: Array.from({ length: layers }, (_, l) => read("W", l, s[l + 1], s[l])),
    b: Array.from({ length: layers }, (_, l) => read("b", l, s[l + 1], 1)),
  };
}

/** The numbers of `values`, checked: `count` of them, every one finite. */
function readNumbers(
  values: unknown,
  count: number,
  name: string,
  fail: (message: string) => never,
): Float64Array {
  if (!Array.isArray(values) || values.length !== count) {
    fail(`${name} has ${Array.isArray(values) ? values.length : 0} numbers, expected ${count}`);
  }
  const list = values as unknown[];
  const bad = list.findIndex((v) => typeof v !== "number" || !Number.isFinite(v));
  if (bad >= 0) fail(`${name}[${bad}] is ${JSON.stringify(list[bad])}, not a finite number`);
  return Float64Array.from(list as number[]);
}

/** A version 2 file's layer-list network. */
function parseNetwork(o: Record<string, unknown>, fail: (message: string) => never): Network {
  const whole = (v: unknown) => Number.isInteger(v) && (v as number) > 0;
  const input = o.input;
  if (!Array.isArray(input) || input.length === 0 || !input.every(whole)) {
    fail("input must be a shape: a list of positive integers, such as [1, 28, 28]");
  }
  if (!Array.isArray(o.layers) || o.layers.length === 0) fail("layers must be a non-empty list");
  const layers = (o.layers as Record<string, unknown>[]).map((l, i): LayerSpec => {
    const kind = l?.kind;
    if (kind === "relu" || kind === "flatten") return { kind };
    if (kind === "conv" && whole(l.size) && whole(l.filters)) {
      return { kind, size: l.size as number, filters: l.filters as number };
    }
    if (kind === "maxPool" && whole(l.size)) return { kind, size: l.size as number };
    if (kind === "dense" && whole(l.units)) return { kind, units: l.units as number };
    return fail(
      `layers[${i}] is ${
        JSON.stringify(l)
      }, not a layer (conv with size and filters, maxPool with size, relu, flatten, dense with units)`,
    );
  });
  let shapes: number[][] = [];
  try {
    shapes = layerShapes(layers, input as number[]);
  } catch (error) {
    fail((error as Error).message.replace(/^Cannot build/, "its layers"));
  }
  const list = o.params;
  if (!Array.isArray(list) || list.length !== layers.length) {
    fail(`params must be a list of ${layers.length} entries, one per layer`);
  }
  const params = layers.map((layer, l): LayerParams | null => {
    const p = (list as unknown[])[l] as Record<string, unknown> | null;
    if (layer.kind !== "conv" && layer.kind !== "dense") {
      if (p !== null) fail(`params[${l}] must be null: a ${layer.kind} layer has no parameters`);
      return null;
    }
    if (typeof p !== "object" || p === null) fail(`params[${l}] must be { "W": […], "b": […] }`);
    const outputs = shapes[l + 1][0];
    const fanIn = layer.kind === "conv"
      ? shapes[l][0] * layer.size * layer.size
      : shapes[l].reduce((a, b) => a * b, 1);
    return {
      W: readNumbers(p!.W, outputs * fanIn, `params[${l}].W`, fail),
      b: readNumbers(p!.b, outputs, `params[${l}].b`, fail),
    };
  });
  return { input: [...(input as number[])], layers, params };
}

/** The `training` field, checked. */
function parseTraining(value: unknown, fail: (message: string) => never): ModelTraining {
  const t = value as Record<string, unknown>;
  const whole = (v: unknown) => Number.isInteger(v) && (v as number) >= 0;
  if (
    typeof t !== "object" || t === null || (t.unit !== "iteration" && t.unit !== "epoch") ||
    !whole(t.done) || !whole(t.total) || typeof t.stopped_early !== "boolean"
  ) {
    fail(
      'training must be { "unit": "iteration" or "epoch", "done": N, "total": N, "stopped_early": true or false }',
    );
  }
  return {
    unit: t.unit as ModelTraining["unit"],
    done: t.done as number,
    total: t.total as number,
    stoppedEarly: t.stopped_early as boolean,
  };
}

/**
 * Write the parameters (and, if given, how they were trained) to a model file, atomically:
 * `PATH.tmp`, then a rename, so that a reader never sees half a file.
 */
export async function saveParams(
  path: string,
  params: Params,
  training?: ModelTraining,
): Promise<void> {
  await saveModel(path, params, training);
}

/**
 * Write a dense or layer-list network (and, if given, how it was trained) to a model file,
 * atomically.
 */
export async function saveModel(
  path: string,
  model: Params | Network,
  training?: ModelTraining,
): Promise<void> {
  await Deno.writeTextFile(`${path}.tmp`, serializeModel(model, training) + "\n");
  await Deno.rename(`${path}.tmp`, path);
}

/**
 * Read a model file.
 *
 * @throws {Error} `Cannot read PATH: no such file`, or `Cannot load PATH: …`.
 */
export async function loadParams(path: string): Promise<Params> {
  return parseParams(new TextDecoder().decode(await readBytes(path)), path);
}

/**
 * Read a model file: its network (dense `Params` or a layer-list `Network`) and, when it says,
 * how it was trained.
 *
 * @throws {Error} `Cannot read PATH: no such file`, or `Cannot load PATH: …`.
 */
export function loadModel(
  path: string,
): Promise<{ model: Params | Network; training?: ModelTraining }> {
  return readBytes(path).then((bytes) => parseModel(new TextDecoder().decode(bytes), path));
}

/**
 * A layer list of dense layers with a ReLU between each two, on vectors, as the dense `Params`
 * the first two notebooks' engines take; any other network as it is.
 */
function denseOrNot(net: Network): Params | Network {
  const units = net.layers.flatMap((l) => (l.kind === "dense" ? [l.units] : []));
  const expected = denseLayers([net.input[0], ...units]);
  const same = net.input.length === 1 && expected.length === net.layers.length &&
    expected.every((l, i) => JSON.stringify(l) === JSON.stringify(net.layers[i]));
  if (!same) return net;
  const sizes = [net.input[0]], W: Matrix[] = [], b: Matrix[] = [];
  net.layers.forEach((layer, l) => {
    if (layer.kind !== "dense") return;
    const p = net.params[l]!, n = sizes.at(-1)!;
    W.push(matrix(layer.units, n, p.W));
    b.push(matrix(layer.units, 1, p.b));
    sizes.push(layer.units);
  });
  return { sizes, W, b };
}
