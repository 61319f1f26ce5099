/**
 * Model files: a network as its list of layers and their parameters, in JSON, exact in float64
 * (JavaScript prints the shortest decimal that reads back as the same double), checked on load.
 * One form for every network, dense or convolutional (version 2):
 *
 * ```json
 * { "format": "mnist-from-scratch.params", "version": 2, "input": [784],
 *   "layers": [{ "kind": "dense", "units": 10 }, { "kind": "relu" }, …],
 *   "params": [{ "W": […10·784 numbers, row-major…], "b": […10 numbers…] }, null, …] }
 * ```
 *
 * Each layer is the description its kind reads (`lib/nn/layers/json.ts`): a convolutional
 * network's input is `[1, 28, 28]` and its layers include `{ "kind": "conv", "size": 5,
 * "filters": 32 }` and `{ "kind": "maxPool", "size": 2 }`. Version 1 files (`"sizes"`, `"W"`,
 * `"b"`: dense networks, before layer lists) still load. A file may say how its parameters were
 * trained — `"training": { "unit": "epoch", "done": 3, "total": 30, "stopped_early": true }` for
 * a training stopped after 3 of 30 epochs.
 *
 * @module
 */

import { readBytes } from "../data/csv.ts";
import { dirname, resolve } from "node:path";
import { matrix } from "./matrix.ts";
import { asNetwork, type Model, networkFromParams } from "./dense_view.ts";
import { networkFromJson, networkToJson } from "./layers/json.ts";
import type { Network } from "./layers/network.ts";

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

/** A network (and how it was trained, if given) as model-file JSON text, version 2. */
export function serializeModel(model: Model, training?: ModelTraining): string {
  return JSON.stringify({
    format: MODEL_FORMAT,
    version: 2,
    ...networkToJson(asNetwork(model)),
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
 * The network of model-file JSON text and, when the file says, how it was trained.
 *
 * @param text The file's content.
 * @param file The file's name, for error messages.
 * @throws {Error} `Cannot load FILE: …` naming the first thing wrong.
 */
export function parseModel(
  text: string,
  file = "model",
): { network: Network; training?: ModelTraining } {
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
  const network = o.version === 2 ? networkFromJson(o, fail) : parseVersion1(o, fail);
  return training ? { network, training } : { network };
}

/** A version 1 file's dense network: `sizes`, then `W[l]` and `b[l]` as flat lists. */
function parseVersion1(o: Record<string, unknown>, fail: (message: string) => never): Network {
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
  return networkFromParams({
    sizes: [...s],
    W: Array.from({ length: layers }, (_, l) => read("W", l, s[l + 1], s[l])),
    b: Array.from({ length: layers }, (_, l) => read("b", l, s[l + 1], 1)),
  });
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
 * Check, before any training, that a model file can be written at `path`: its folder exists,
 * is a folder, and takes a new file (a file is made there and removed).
 *
 * @throws {Error} `Cannot save a model to PATH: …` in one sentence.
 */
export async function checkWritable(path: string): Promise<void> {
  const fail = (why: string): never => {
    throw new Error(`Cannot save a model to ${path}: ${why}`);
  };
  const folder = dirname(resolve(path));
  let info: Deno.FileInfo | undefined;
  try {
    info = await Deno.stat(folder);
  } catch {
    fail(`the folder ${dirname(path)} does not exist`);
  }
  if (!info!.isDirectory) fail(`${dirname(path)} is not a folder`);
  try {
    const existing = await Deno.stat(path);
    if (existing.isDirectory) fail("it is a folder");
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  const probe = `${path}.tmp`;
  try {
    await Deno.writeTextFile(probe, "");
    await Deno.remove(probe);
  } catch (error) {
    fail(
      error instanceof Deno.errors.PermissionDenied
        ? `the folder ${dirname(path)} cannot be written`
        : (error as Error).message,
    );
  }
}

/**
 * Write a network (and, if given, how it was trained) to a model file, atomically: `PATH.tmp`,
 * then a rename, so that a reader never sees half a file.
 *
 * @throws {Error} `Cannot save a model to PATH: …` when the folder is missing or read-only.
 */
export async function saveModel(
  path: string,
  model: Model,
  training?: ModelTraining,
): Promise<void> {
  const text = serializeModel(model, training) + "\n";
  try {
    await Deno.writeTextFile(`${path}.tmp`, text);
    await Deno.rename(`${path}.tmp`, path);
  } catch (error) {
    await checkWritable(path); // says what is wrong with the place, when something is
    throw error;
  }
}

/**
 * Read a model file: its network and, when it says, how it was trained.
 *
 * @throws {Error} `Cannot read PATH: no such file`, or `Cannot load PATH: …`.
 */
export async function loadModel(
  path: string,
): Promise<{ network: Network; training?: ModelTraining }> {
  return parseModel(new TextDecoder().decode(await readBytes(path)), path);
}
