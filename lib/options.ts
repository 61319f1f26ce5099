/**
 * Options checked at run time. A notebook's kernel runs TypeScript without checking its types,
 * so `fit(train, { epoch: 1 })` would otherwise train the default 10 epochs without a word:
 * Python refuses an unknown keyword (`fit() got an unexpected keyword argument 'epoch'`), and so
 * does every entry point here, in one sentence that names the closest valid option —
 * `Cannot train: unknown option "epoch" — did you mean "epochs"?` — or the value it expects —
 * `Cannot train: epochs is "3", expected a whole number ≥ 1`.
 *
 * A schema maps each option to a {@link Check}; the same checks read a layer's JSON form.
 *
 * @module
 */

/** A check of one value: `undefined` when it is fine, else what was expected ("a number > 0"). */
export type Check = (value: unknown) => string | undefined;

/** The checks of an options object, one per option. */
export type Schema = Record<string, Check>;

/** A whole number from `min` to `max`. */
export function integer(min = 0, max = Infinity): Check {
  const range = max === Infinity ? `≥ ${min}` : `from ${min} to ${max}`;
  return (v) =>
    Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max
      ? undefined
      : `a whole number ${range}`;
}

/** A finite number in a range: `min ≤ v` (or `min < v` with `above`) and `v < max` (or `≤`). */
export function number(
  range: { min?: number; above?: number; max?: number; below?: number } = {},
): Check {
  const { min, above, max, below } = range;
  const words = [
    min !== undefined ? `≥ ${min}` : above !== undefined ? `> ${above}` : "",
    max !== undefined ? `≤ ${max}` : below !== undefined ? `< ${below}` : "",
  ].filter(Boolean);
  const expected = `a number${words.length ? " " + words.join(" and ") : ""}`;
  return (v) => {
    const ok = typeof v === "number" && Number.isFinite(v) &&
      (min === undefined || v >= min) && (above === undefined || v > above) &&
      (max === undefined || v <= max) && (below === undefined || v < below);
    return ok ? undefined : expected;
  };
}

/** One of `values`. */
export function oneOf(...values: readonly (string | number | boolean)[]): Check {
  const list = values.map((v) => JSON.stringify(v));
  const expected = list.length === 1
    ? list[0]
    : `${list.slice(0, -1).join(", ")} or ${list.at(-1)}`;
  return (v) => (values.includes(v as string) ? undefined : expected);
}

/** Absent (`undefined`), or what `check` takes. */
export function optional(check: Check): Check {
  return (v) => (v === undefined ? undefined : check(v));
}

/** `true` or `false`. */
export const boolean: Check = (v) => (typeof v === "boolean" ? undefined : "true or false");

/** A function. */
export const func: Check = (v) => (typeof v === "function" ? undefined : "a function");

/** A string. */
export const string: Check = (v) => (typeof v === "string" ? undefined : "a string");

/** A non-null object (not an array). */
export const object: Check = (v) =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? undefined : "an object";

/** An array whose every element passes `each`. */
export function arrayOf(each: Check, what = "a list"): Check {
  return (v) => {
    if (!Array.isArray(v)) return what;
    const bad = v.findIndex((x) => each(x) !== undefined);
    return bad < 0
      ? undefined
      : `${what} (element ${bad} is ${show(v[bad])}: expected ${each(v[bad])})`;
  };
}

/** Either of two checks. */
export function either(a: Check, b: Check): Check {
  return (v) => {
    const first = a(v);
    if (first === undefined) return undefined;
    const second = b(v);
    return second === undefined ? undefined : `${first} or ${second}`;
  };
}

/** Images: `{ count, pixels }`, with `labels` for a labeled set (see `lib/data/dataset.ts`). */
export function images(labeled: boolean): Check {
  return (v) => {
    const d = v as { count?: unknown; labels?: unknown; pixels?: unknown } | null;
    const ok = typeof d === "object" && d !== null && Number.isInteger(d.count) &&
      d.pixels instanceof Uint8Array && (!labeled || d.labels instanceof Uint8Array);
    return ok
      ? undefined
      : labeled
      ? "labeled digits ({ count, labels, pixels }, from loadDigits or readLabeledCsv)"
      : "images ({ count, pixels })";
  };
}

/** An `AbortSignal`. */
export const signal: Check = (v) =>
  v instanceof AbortSignal ? undefined : "an AbortSignal (stopSignal() in a notebook)";

/** A value, shortened for a message: `"3"`, `5`, `[1,2,3]`, a function's `function`. */
export function show(value: unknown): string {
  if (typeof value === "function") return "a function";
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 40 ? `${text.slice(0, 37)}…` : text;
}

/**
 * Other spellings a learner brings from elsewhere (Keras, PyTorch, the seed), by the option they
 * mean; the suggestion names the option when the spelling is one of these.
 */
const ALIASES: Record<string, string[]> = {
  lr: ["learningRate", "learning_rate", "alpha", "eta", "rate"],
  batchSize: ["batch_size", "batch", "minibatch", "miniBatch"],
  epochs: ["nEpochs", "n_epochs", "numEpochs", "num_epochs", "iterations", "max_epochs"],
  dev: ["validation", "validationData", "validation_data", "val", "valid"],
  weightDecay: ["weight_decay", "l2", "decay"],
  callbacks: ["callback"],
  layers: ["model", "architecture", "net"],
  augment: ["shift", "shifts", "translate"],
  seed: ["randomSeed", "random_state", "manualSeed"],
};

/** The Levenshtein distance between two strings, ignoring case. */
export function editDistance(a: string, b: string): number {
  a = a.toLowerCase(), b = b.toLowerCase();
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(
        previous[j] + 1,
        row[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = row;
  }
  return previous[b.length];
}

/**
 * The valid name closest to `name`, when one is close enough to be what was meant: a known
 * other spelling of it, a name that differs by case or a `_`, or one within a third of its
 * letters by edit distance.
 */
export function closest(name: string, valid: readonly string[]): string | undefined {
  const plain = (s: string) => s.toLowerCase().replace(/[-_]/g, "");
  const exact = valid.find((v) => plain(v) === plain(name));
  if (exact) return exact;
  const alias = valid.find((v) => ALIASES[v]?.some((a) => plain(a) === plain(name)));
  if (alias) return alias;
  let best: string | undefined, distance = Infinity;
  for (const v of valid) {
    const d = editDistance(name, v);
    if (d < distance) [best, distance] = [v, d];
  }
  return distance <= Math.max(1, Math.floor(Math.max(name.length, best?.length ?? 0) / 3))
    ? best
    : undefined;
}

/** `unknown option "epoch" — did you mean "epochs"?`, or without the question when none is close. */
export function unknownName(kind: string, name: string, valid: readonly string[]): string {
  const near = closest(name, valid);
  return `unknown ${kind} "${name}"` + (near ? ` — did you mean "${near}"?` : "");
}

/**
 * Check an options object against its schema: every key known, every value of the expected
 * form. A key whose value is `undefined` counts as not given.
 *
 * @example
 * ```ts
 * import { checkOptions, integer } from "./options.ts";
 * try {
 *   checkOptions("train", { epoch: 1 }, { epochs: integer(1) });
 * } catch (error) {
 *   console.log((error as Error).message); // Cannot train: unknown option "epoch" — did you mean "epochs"?
 * }
 * ```
 *
 * @param what The action, for the message: `train` gives `Cannot train: …`.
 * @param options What the caller gave.
 * @param schema Each valid option and its check.
 * @throws {RangeError} One sentence naming the first unknown option (and the closest valid one)
 *   or the first value of the wrong form (and what it expects).
 */
export function checkOptions(what: string, options: unknown, schema: Schema): void {
  if (options === undefined) return;
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new RangeError(`Cannot ${what}: the options must be an object, not ${show(options)}`);
  }
  const valid = Object.keys(schema);
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue;
    const check = schema[key];
    if (!check) throw new RangeError(`Cannot ${what}: ${unknownName("option", key, valid)}`);
    const expected = check(value);
    if (expected !== undefined) {
      throw new RangeError(`Cannot ${what}: ${key} is ${show(value)}, expected ${expected}`);
    }
  }
}
