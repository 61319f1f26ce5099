/**
 * Model files: parameters as JSON, exact in float64 (JavaScript prints the shortest decimal that
 * reads back as the same double), validated on load.
 *
 * ```json
 * { "format": "mnist-from-scratch.params", "version": 1, "sizes": [784, 10, 10, 10],
 *   "W": [[…10×784 numbers, row-major…], […], […]], "b": [[…10…], […], […]] }
 * ```
 *
 * `W[l]` and `b[l]` are the seed's `W1`, `b1`, … counted from 0. A file may say how its
 * parameters were trained — `"training": { "unit": "epoch", "done": 3, "total": 30,
 * "stopped_early": true }` for a training stopped by Ctrl-C after 3 of 30 epochs.
 *
 * @module
 */

import { readBytes } from "../data/csv.ts";
import { matrix } from "./matrix.ts";
import type { Params } from "./params.ts";

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
  return JSON.stringify({
    format: MODEL_FORMAT,
    version: 1,
    sizes: params.sizes,
    W: params.W.map((W) => Array.from(W.data)),
    b: params.b.map((b) => Array.from(b.data)),
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
  return parseModel(text, file).params;
}

/**
 * The parameters of model-file JSON text and, when the file says, how they were trained.
 *
 * @param text The file's content.
 * @param file The file's name, for error messages.
 * @throws {Error} `Cannot load FILE: …` naming the first thing wrong.
 */
export function parseModel(
  text: string,
  file = "model",
): { params: Params; training?: ModelTraining } {
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
  if (o.version !== 1) fail(`version is ${JSON.stringify(o.version)}, expected 1`);
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
  const params = {
    sizes: [...s],
    W: Array.from({ length: layers }, (_, l) => read("W", l, s[l + 1], s[l])),
    b: Array.from({ length: layers }, (_, l) => read("b", l, s[l + 1], 1)),
  };
  if (o.training === undefined) return { params };
  const t = o.training as Record<string, unknown>;
  const whole = (v: unknown) => Number.isInteger(v) && (v as number) >= 0;
  if (
    typeof t !== "object" || t === null || (t.unit !== "iteration" && t.unit !== "epoch") ||
    !whole(t.done) || !whole(t.total) || typeof t.stopped_early !== "boolean"
  ) {
    fail(
      'training must be { "unit": "iteration" or "epoch", "done": N, "total": N, "stopped_early": true or false }',
    );
  }
  const training: ModelTraining = {
    unit: t.unit as ModelTraining["unit"],
    done: t.done as number,
    total: t.total as number,
    stoppedEarly: t.stopped_early as boolean,
  };
  return { params, training };
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
  await Deno.writeTextFile(`${path}.tmp`, serializeParams(params, training) + "\n");
  await Deno.rename(`${path}.tmp`, path);
}

/**
 * Read a model file.
 *
 * @throws {Error} `Cannot read PATH: no such file`, or `Cannot load PATH: …`.
 */
export async function loadParams(path: string): Promise<Params> {
  return (await loadModel(path)).params;
}

/**
 * Read a model file: its parameters and, when it says, how they were trained.
 *
 * @throws {Error} `Cannot read PATH: no such file`, or `Cannot load PATH: …`.
 */
export function loadModel(path: string): Promise<{ params: Params; training?: ModelTraining }> {
  return readBytes(path).then((bytes) => parseModel(new TextDecoder().decode(bytes), path));
}
