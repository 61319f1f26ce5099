/**
 * Model files: parameters as JSON, exact in float64 (JavaScript prints the shortest decimal that
 * reads back as the same double), validated on load.
 *
 * ```json
 * { "format": "mnist-from-scratch.params", "version": 1, "sizes": [784, 10, 10, 10],
 *   "W": [[…10×784 numbers, row-major…], […], […]], "b": [[…10…], […], […]] }
 * ```
 *
 * `W[l]` and `b[l]` are the seed's `W1`, `b1`, … counted from 0.
 *
 * @module
 */

import { readBytes } from "../data/csv.ts";
import { matrix } from "./matrix.ts";
import type { Params } from "./params.ts";

/** The `format` field of a model file. */
export const MODEL_FORMAT = "mnist-from-scratch.params";

/** The parameters as model-file JSON text. */
export function serializeParams(params: Params): string {
  return JSON.stringify({
    format: MODEL_FORMAT,
    version: 1,
    sizes: params.sizes,
    W: params.W.map((W) => Array.from(W.data)),
    b: params.b.map((b) => Array.from(b.data)),
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
  return {
    sizes: [...s],
    W: Array.from({ length: layers }, (_, l) => read("W", l, s[l + 1], s[l])),
    b: Array.from({ length: layers }, (_, l) => read("b", l, s[l + 1], 1)),
  };
}

/** Write the parameters to a model file (atomically: `PATH.tmp`, then rename). */
export async function saveParams(path: string, params: Params): Promise<void> {
  await Deno.writeTextFile(`${path}.tmp`, serializeParams(params) + "\n");
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
