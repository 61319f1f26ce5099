/**
 * A network as JSON, and back, checked field by field: its input's shape, its layers (each the
 * plain description its kind reads, `{ "kind": "conv", "size": 5, "filters": 32 }`) and each
 * layer's parameters by name (`{ "W": [… numbers, row-major …], "b": […] }`, `null` for a layer
 * without). The body of a model file (`lib/nn/model_file.ts`); pure, so that the digit pad's page
 * reads networks with the same code.
 *
 * @module
 */

import { show } from "../../options.ts";
import type { LayerParams } from "./layer.ts";
import type { Network } from "./network.ts";
import { isLayerKind, LAYER_KINDS, layerKind, type LayerSpec } from "./registry.ts";
import { layerParamInfos } from "./shapes.ts";

/** A network's JSON: its input, layers and parameters, every array a plain list of numbers. */
export interface NetworkJson {
  /** One sample's shape. */
  input: number[];
  /** The layers' descriptions. */
  layers: LayerSpec[];
  /** Each layer's parameters by name, `null` for a layer without. */
  params: (Record<string, number[]> | null)[];
}

/** A network as {@link NetworkJson}: exact, as JSON prints the shortest decimal of each double. */
export function networkToJson(net: Network): NetworkJson {
  return {
    input: [...net.input],
    layers: net.layers.map((l) => ({ ...l })),
    params: net.params.map((p) =>
      p && Object.fromEntries(Object.entries(p).map(([name, a]) => [name, Array.from(a)]))
    ),
  };
}

/**
 * A layer description checked against its kind's fields: every field there, of its form, and no
 * other.
 *
 * @param where The description's place, for the message: `layers[2]`.
 * @returns Why it is not a layer, or `undefined` when it is one.
 */
export function layerProblem(value: unknown, where: string): string | undefined {
  const o = value as Record<string, unknown>;
  if (typeof o !== "object" || o === null || Array.isArray(o)) {
    return `${where} is ${show(value)}, not a layer: expected an object with a kind`;
  }
  if (!isLayerKind(o.kind)) {
    return `${where} has kind ${show(o.kind)}: expected one of ${
      LAYER_KINDS.map((k) => k.kind).join(", ")
    }`;
  }
  const kind = layerKind(o as { kind: string });
  for (const [field, check] of Object.entries(kind.fields)) {
    const expected = check(o[field]);
    if (expected !== undefined) {
      return `${where} (${kind.kind}) has ${field} ${show(o[field])}: expected ${expected}`;
    }
  }
  const extra = Object.keys(o).find((k) => k !== "kind" && !(k in kind.fields));
  if (extra !== undefined) {
    const fields = Object.keys(kind.fields);
    return `${where} (${kind.kind}) has an unknown field "${extra}"` +
      (fields.length ? `: its fields are ${fields.join(", ")}` : ": it has no fields but kind");
  }
  return undefined;
}

/** The numbers of `values`, checked: `count` of them, every one finite. */
function readNumbers(
  values: unknown,
  count: number,
  name: string,
  fail: (message: string) => never,
): Float64Array {
  if (!Array.isArray(values) && !(values instanceof Float64Array)) {
    fail(`${name} must be a list of ${count} numbers`);
  }
  const list = values as ArrayLike<unknown>;
  if (list.length !== count) fail(`${name} has ${list.length} numbers, expected ${count}`);
  for (let i = 0; i < count; i++) {
    const v = list[i];
    if (typeof v !== "number" || !Number.isFinite(v)) {
      fail(`${name}[${i}] is ${JSON.stringify(v)}, not a finite number`);
    }
  }
  return Float64Array.from(list as ArrayLike<number>);
}

/**
 * A network from its JSON, checked: the input a shape, each layer one of its kind, the layers
 * fitting the input, each parameter array of the length its layer takes, every number finite.
 *
 * @param fail Throws the sentence it is given (naming the file, say).
 */
export function networkFromJson(
  o: Record<string, unknown>,
  fail: (message: string) => never,
): Network {
  const whole = (v: unknown) => Number.isInteger(v) && (v as number) > 0;
  const input = o.input;
  if (!Array.isArray(input) || input.length === 0 || !input.every(whole)) {
    fail("input must be a shape: a list of positive integers, such as [1, 28, 28]");
  }
  if (!Array.isArray(o.layers) || o.layers.length === 0) fail("layers must be a non-empty list");
  const layers = (o.layers as unknown[]).map((l, i) => {
    const problem = layerProblem(l, `layers[${i}]`);
    if (problem) fail(problem);
    return { ...(l as LayerSpec) };
  });
  let infos: ReturnType<typeof layerParamInfos> = [];
  try {
    infos = layerParamInfos(layers, input as number[]);
  } catch (error) {
    fail((error as Error).message.replace(/^Cannot build/, "its layers"));
  }
  const list = o.params;
  if (!Array.isArray(list) || list.length !== layers.length) {
    fail(`params must be a list of ${layers.length} entries, one per layer`);
  }
  const params = layers.map((layer, l): LayerParams | null => {
    const p = (list as unknown[])[l] as Record<string, unknown> | null;
    if (infos[l].length === 0) {
      if (p !== null) fail(`params[${l}] must be null: a ${layer.kind} layer has no parameters`);
      return null;
    }
    const names = infos[l].map((info) => `"${info.name}": […]`).join(", ");
    if (typeof p !== "object" || p === null) fail(`params[${l}] must be { ${names} }`);
    return Object.fromEntries(
      infos[l].map((info) => [
        info.name,
        readNumbers(p![info.name], info.length, `params[${l}].${info.name}`, fail),
      ]),
    );
  });
  return { input: [...(input as number[])], layers, params };
}

/**
 * A network's parameters as one run of float32 values, each layer's arrays in order — what the
 * digit pad sends to its page, at half the bytes of float64 — and back.
 */
export function packFloat32(net: Network): Float32Array {
  const arrays = layerParamInfos(net.layers, net.input).flatMap((infos, l) =>
    infos.map((info) => net.params[l]![info.name])
  );
  const out = new Float32Array(arrays.reduce((n, a) => n + a.length, 0));
  let offset = 0;
  for (const a of arrays) out.set(a, offset), offset += a.length;
  return out;
}

/** The network of layers `layers` on `input` whose parameters {@link packFloat32} gave. */
export function unpackFloat32(
  input: number[],
  layers: LayerSpec[],
  values: Float32Array,
): Network {
  let offset = 0;
  const params = layerParamInfos(layers, input).map((infos) =>
    infos.length === 0 ? null : Object.fromEntries(
      infos.map((info) => [
        info.name,
        Float64Array.from(values.subarray(offset, offset += info.length)),
      ]),
    )
  );
  return { input: [...input], layers: layers.map((l) => ({ ...l })), params };
}
