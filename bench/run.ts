/**
 * Helpers for the benchmarks: read the flags, run a child process that prints one JSON line,
 * repeat it, and take the median, so that numbers from a noisy shared machine can be compared
 * within one run.
 *
 * @module
 */

/**
 * A benchmark's flags from `parse`, or the end of the program: a flag `parse` rejects is one
 * sentence on stderr and exit 1; `--help` prints `help` and exits 0.
 */
export function flagsOrExit<T extends { help?: boolean }>(parse: () => T, help: string): T {
  let flags: T;
  try {
    flags = parse();
  } catch (error) {
    console.error(`error: ${(error as Error).message.replace(/\.$/, "")} (see --help)`);
    Deno.exit(1);
  }
  if (flags.help) {
    console.log(help);
    Deno.exit(0);
  }
  return flags;
}

/** What a benchmark child prints on its last stdout line. */
export interface ChildResult {
  seconds: number;
  peak_rss_mb: number;
  [key: string]: unknown;
}

/** The environment for Python children: OpenBLAS hints set on these machines slow numpy. */
export function pythonEnv(): Record<string, string> {
  const env = Deno.env.toObject();
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  return env;
}

/**
 * Run `cmd args…` (in exactly the environment `env`, if given) and parse the last line of its
 * stdout as JSON.
 *
 * @returns The parsed line, or `null` with the reason when the child fails.
 */
export async function runChild(
  cmd: string,
  args: string[],
  env?: Record<string, string>,
): Promise<ChildResult | string> {
  try {
    // `env`, when given, is the child's whole environment: without clearEnv, Deno.Command only
    // adds it to the inherited one, and what pythonEnv() removed would still be there.
    const out = await new Deno.Command(cmd, {
      args,
      env,
      clearEnv: env !== undefined,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout).trim().split("\n").at(-1) ?? "";
    if (!out.success) {
      const err = new TextDecoder().decode(out.stderr).trim().split("\n").at(-1);
      return `${cmd} failed: ${err}`;
    }
    return JSON.parse(text) as ChildResult;
  } catch (error) {
    return `${cmd} could not run: ${(error as Error).message}`;
  }
}

/** The median of some numbers. */
export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * Run a child `repeats` times and summarise; `key` names the field of its JSON to take
 * the median of.
 *
 * @returns The median of that field and the largest peak RSS, or the first failure's reason.
 */
export async function repeatChild(
  repeats: number,
  cmd: string,
  args: string[],
  env?: Record<string, string>,
  key = "seconds",
): Promise<{ value: number; peak_rss_mb: number; last: ChildResult } | string> {
  const runs: ChildResult[] = [];
  for (let r = 0; r < repeats; r++) {
    const result = await runChild(cmd, args, env);
    if (typeof result === "string") return result;
    runs.push(result);
  }
  return {
    value: median(runs.map((r) => r[key] as number)),
    peak_rss_mb: Math.max(...runs.map((r) => r.peak_rss_mb)),
    last: runs.at(-1)!,
  };
}

/** Whether `python3 -c "import MODULE"` works. */
export async function pythonHas(python: string, module: string): Promise<boolean> {
  const r = await runChild(python, ["-c", `import ${module}; print(1)`], pythonEnv());
  return typeof r !== "string";
}
