/**
 * `deno task bench`: the project's speed against numpy, measured in the same run.
 *
 * - CSV load: `data/train.csv` (42,000 rows, 76 MB) with the project's parser versus
 *   `numpy.loadtxt`, each in a child process of its own (median of 3 runs, peak RSS).
 *
 * - Training: the seed workload (784-10-10-10, m = 41,000, full batch, α = 0.1) with
 *   `deno task train` versus the seed's own numpy code (`numpy_train.py`), both running the
 *   seed's algorithm (its scalar bias gradient included), in milliseconds per iteration.
 *
 * Flags: `--json` prints one JSON object as the last line; `--repeats N` (default 3);
 * `--iterations N` for training (default 200); `--python PATH` (default `python3`).
 *
 * @module
 */

import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { pythonEnv, pythonHas, repeatChild } from "./run.ts";
import { makeData } from "../scripts/data.ts";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

const { values } = parseArgs({
  args: Deno.args,
  options: {
    json: { type: "boolean", default: false },
    repeats: { type: "string", default: "3" },
    iterations: { type: "string", default: "200" },
    python: { type: "string", default: "python3" },
  },
});
const repeats = Number(values.repeats);
const python = values.python!;
const csv = here("../data/train.csv");
await makeData(here("../data"));

const report: Record<string, unknown> = {};
const line = (s: string) => console.log(s);

line(`CSV load: data/train.csv (42,000 rows), median of ${repeats} runs, each in its own process`);
const ours = await repeatChild(repeats, Deno.execPath(), [
  "run",
  "--allow-all",
  here("csv_child.ts"),
  csv,
]);
const numpy = await pythonHas(python, "numpy")
  ? await repeatChild(repeats, python, [here("numpy_csv.py"), csv], pythonEnv())
  : `${python} has no numpy`;
const row = (name: string, r: typeof ours, base?: number) =>
  typeof r === "string"
    ? `  ${name.padEnd(26)} skipped: ${r}`
    : `  ${name.padEnd(26)} ${r.seconds.toFixed(3)} s  peak RSS ${
      r.peak_rss_mb.toFixed(0).padStart(4)
    } MB` +
      (base ? `  ${(r.seconds / base).toFixed(2)}× numpy` : "");
const base = typeof numpy === "string" ? undefined : numpy.seconds;
line(row("numpy.loadtxt", numpy, base));
line(row("lib/csv.ts readLabeledCsv", ours, base));
report.csv = {
  ours: typeof ours === "string" ? null : { seconds: ours.seconds, peak_rss_mb: ours.peak_rss_mb },
  numpy: typeof numpy === "string"
    ? null
    : { seconds: numpy.seconds, peak_rss_mb: numpy.peak_rss_mb },
  ratio: typeof ours !== "string" && base ? ours.seconds / base : null,
};

const iterations = Number(values.iterations);
line("");
line(
  `Training: seed workload, ${iterations} iterations, median of ${repeats} runs (ms per iteration)`,
);
const trainArgs = (extra: string[]) => [
  "run",
  "--allow-all",
  here("../scripts/train.ts"),
  "--iterations",
  String(iterations),
  "--original-bias-gradient",
  "--json",
  ...extra,
];
const engines: [string, string, string[], Record<string, string> | undefined, string][] = [
  [
    "numpy (the seed, float64)",
    python,
    [here("numpy_train.py"), csv, String(iterations)],
    pythonEnv(),
    "seconds",
  ],
  ["TypeScript engine", Deno.execPath(), trainArgs([]), undefined, "train_seconds"],
];
const hasNumpy = typeof numpy !== "string";
const results: Record<string, unknown> = {};
let numpyMs: number | undefined;
for (const [name, cmd, args, env, key] of engines) {
  if (name.startsWith("numpy") && !hasNumpy) {
    line(`  ${name.padEnd(28)} skipped: ${numpy}`);
    continue;
  }
  const r = await repeatChild(repeats, cmd, args, env, key);
  if (typeof r === "string") {
    line(`  ${name.padEnd(28)} skipped: ${r}`);
    continue;
  }
  const ms = (1000 * r.seconds) / iterations;
  numpyMs ??= name.startsWith("numpy") ? ms : undefined;
  const accuracy = r.last.train_accuracy as number;
  line(
    `  ${name.padEnd(28)} ${ms.toFixed(1).padStart(6)} ms  ` +
      `${numpyMs ? (ms / numpyMs).toFixed(2) + "× numpy" : "          "}  ` +
      `train accuracy ${accuracy.toFixed(4)}  peak RSS ${(r.peak_rss_mb ?? NaN).toFixed(0)} MB`,
  );
  results[name] = {
    ms_per_iteration: ms,
    ratio_to_numpy: numpyMs ? ms / numpyMs : null,
    train_accuracy: accuracy,
  };
}
report.training = { iterations, engines: results };
if (values.json) console.log(JSON.stringify(report));
