/**
 * What every command-line entry point shares: flags read strictly, an unknown one named with
 * the flag meant (`Unknown option --epoch — did you mean --epochs?`); values read into numbers
 * and choices, each wrong one said in a sentence naming the flag; and an error printed as one
 * sentence on stderr, `error: …`, with exit code 1 — never a stack trace.
 *
 * @module
 */

import { parseArgs, type ParseArgsConfig } from "node:util";
import { closest } from "../lib/options.ts";

/** Run `main` with the command-line arguments; a thrown error becomes one line and exit code 1. */
export async function runMain(main: (args: string[]) => Promise<void>): Promise<void> {
  try {
    await main(Deno.args);
  } catch (error) {
    const message = (error as Error).message.replace(/\.$/, "");
    console.error(`error: ${message}`);
    Deno.exit(1);
  }
}

/**
 * The flags of `args` (`node:util`'s `parseArgs`, strict), an unknown one refused in one
 * sentence that names the closest valid flag.
 *
 * @throws {Error} `Unknown option --epoch — did you mean --epochs?`, or parseArgs' own sentence.
 */
export function parseFlags<T extends NonNullable<ParseArgsConfig["options"]>>(
  args: string[],
  options: T,
  allowNegative = false,
) {
  try {
    return parseArgs({ args, options, strict: true, allowNegative, allowPositionals: false });
  } catch (error) {
    const message = (error as Error).message;
    const unknown = message.match(/^Unknown option '(--?[^']+)'/);
    if (unknown) {
      const flag = unknown[1].replace(/^--?/, "");
      const names = Object.keys(options).flatMap((n) => allowNegative ? [n, `no-${n}`] : [n]);
      const near = closest(flag, names);
      throw new Error(
        `Unknown option ${unknown[1]}` + (near ? ` — did you mean --${near}?` : " (see --help)"),
      );
    }
    throw new Error(message.split(". ")[0]);
  }
}

/** Parse a whole number from `min` (to `max`), or throw a sentence naming the flag. */
export function integer(flag: string, text: string, min = 0, max = Infinity): number {
  const n = Number(text);
  if (text.trim() === "" || !Number.isSafeInteger(n) || n < min || n > max) {
    const range = max < Infinity ? ` from ${min} to ${max}` : min > 0 ? ` ≥ ${min}` : "";
    throw new Error(`--${flag} must be a whole number${range}, not "${text}"`);
  }
  return n;
}

/** Parse a number in [min, max) (or ≥ min), or throw a sentence naming the flag. */
export function decimal(flag: string, text: string, min: number, max = Infinity): number {
  const n = Number(text);
  if (text.trim() === "" || !(n >= min && n < max)) {
    const range = max === Infinity ? `≥ ${min}` : `from ${min} to below ${max}`;
    throw new Error(`--${flag} must be a number ${range}, not "${text}"`);
  }
  return n;
}

/** Parse a positive number, or throw a sentence naming the flag. */
export function positive(flag: string, text: string): number {
  const n = Number(text);
  if (text.trim() === "" || !(n > 0) || !Number.isFinite(n)) {
    throw new Error(`--${flag} must be a positive number, not "${text}"`);
  }
  return n;
}

/** One of `choices`, or throw a sentence naming the flag. */
export function choice<T extends string>(flag: string, text: string, choices: readonly T[]): T {
  if (!choices.includes(text as T)) {
    const list = `${choices.slice(0, -1).join(", ")} or ${choices.at(-1)}`;
    throw new Error(`--${flag} must be ${list}, not "${text}"`);
  }
  return text as T;
}

/** `1 epoch`, `3 epochs`; `many` for a word whose plural is not `word + "s"`. */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n.toLocaleString("en-US")} ${n === 1 ? word : many}`;
}
