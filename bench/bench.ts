/**
 * `deno task bench`: the project's speed against numpy, measured in the same run.
 *
 * - CSV load: `data/train.csv` (42,000 rows, 76 MB) with the project's parser versus
 *   `numpy.loadtxt`, each in a child process of its own (median of 3 runs, peak RSS).
 *
 * - Training: the seed workload (784-10-10-10, m = 41,000, full batch, α = 0.1) with
 *   `deno task train` on both backends (WebAssembly SIMD and the TypeScript fallback) versus
 *   the seed's own numpy code (`numpy_train.py`) and, where torch imports, the same algorithm
 *   in PyTorch (`torch_train.py`): all run the seed's algorithm, its scalar bias gradient
 *   included, and report milliseconds per iteration, accuracy and peak memory. Each times its
 *   gradient-descent loop alone — after the data is loaded and X built (numpy: `X / 255` and
 *   the transposes; ours: the engine's sparse copies and workers, printed as "setup").
 *
 * - Beyond the seed (`beyond.ts`): a wider network, 784-128-64-10, full batch, against numpy;
 *   and the recipe that reaches 98.5% (784-256-128-10, Adam, batches of 128, a cosine schedule,
 *   shifts) against PyTorch on 1 and 2 threads, with MNIST test accuracy.
 *
 * Flags: `--json` prints one JSON object as the last line; `--repeats N` (default 3);
 * `--iterations N` for the seed workload (default 1000, the seed's); `--wide-iterations N` for
 * the wider network (default 20); `--recipe-epochs N` (default 30); `--conv-epochs N` for the
 * convolutional recipe (default 15); `--conv3-epochs N` for the 3×3 network (default 2);
 * `--further-epochs N` for the further notebook's network (default 2);
 * `--only seed|beyond|conv|conv3|speedrun|further`;
 * `--python PATH` (default `python3`). About fifteen minutes in all, most of it numpy's and
 * PyTorch's.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { flagsOrExit, pythonEnv, pythonHas, repeatChild } from "./run.ts";
import { makeData } from "../lib/mod.ts";
import { benchBeyond, benchConv, benchConv3, benchFurther, benchSpeedrun } from "./beyond.ts";
import { createRng, initParams, saveModel } from "../lib/mod.ts";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

const HELP = `Speed against numpy and PyTorch, measured in the same run (about fifteen minutes).

Usage: deno task bench [flags]

  --only PART             one part: seed (the seed workload and CSV load), beyond (the dense
                          networks beyond it), conv (the convolutional recipe), conv3 (the
                          same recipe on a network of 3×3 convolutions), speedrun (the
                          fastest recipe to 99.0% test) or further (the further notebook's
                          best single network, bn and dropout)
  --repeats N             runs per engine, the median kept (3)
  --iterations N          iterations of the seed workload (1000)
  --wide-iterations N     iterations of the 784-128-64-10 full batch (20)
  --recipe-epochs N       epochs of the 98.5% recipe (30)
  --conv-epochs N         epochs of the convolutional recipe (15)
  --conv3-epochs N        epochs of the 3×3 network (2)
  --further-epochs N      epochs of the further notebook's network (2)
  --python PATH           the Python with numpy (python3); PyTorch is looked for in /usr/bin/python3 first
  --json                  end with one JSON object of every figure
  --help                  this text
`;

function parseFlags() {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      json: { type: "boolean", default: false },
      repeats: { type: "string", default: "3" },
      iterations: { type: "string", default: "1000" },
      "wide-iterations": { type: "string", default: "20" },
      "recipe-epochs": { type: "string", default: "30" },
      "conv-epochs": { type: "string", default: "15" },
      "conv3-epochs": { type: "string", default: "2" },
      "further-epochs": { type: "string", default: "2" },
      only: { type: "string" },
      python: { type: "string", default: "python3" },
      help: { type: "boolean", default: false },
    },
  });
  for (
    const flag of [
      "repeats",
      "iterations",
      "wide-iterations",
      "recipe-epochs",
      "conv-epochs",
      "conv3-epochs",
      "further-epochs",
    ] as const
  ) {
    const n = Number(values[flag]);
    if (!Number.isInteger(n) || n < 1) {
      throw new Error(`--${flag} must be a whole number of at least 1, not "${values[flag]}"`);
    }
  }
  const parts = ["seed", "beyond", "conv", "conv3", "speedrun", "further"];
  if (values.only !== undefined && !parts.includes(values.only)) {
    throw new Error(
      `--only must be seed, beyond, conv, conv3, speedrun or further, not "${values.only}"`,
    );
  }
  return values;
}

const values = flagsOrExit(parseFlags, HELP);
const repeats = Number(values.repeats);
const python = values.python!;
const csv = here("../data/train.csv");
await makeData(here("../data"));

const report: Record<string, unknown> = {};
const line = (s: string) => console.log(s);

const torchPython = (await pythonHas("/usr/bin/python3", "torch"))
  ? "/usr/bin/python3"
  : (await pythonHas(python, "torch"))
  ? python
  : undefined;

if (values.only === undefined || values.only === "seed") {
  line(
    `CSV load: data/train.csv (42,000 rows), median of ${repeats} runs, each in its own process`,
  );
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
      : `  ${name.padEnd(26)} ${r.value.toFixed(3)} s  peak RSS ${
        r.peak_rss_mb.toFixed(0).padStart(4)
      } MB` +
        (base ? `  ${(r.value / base).toFixed(2)}× numpy` : "");
  const base = typeof numpy === "string" ? undefined : numpy.value;
  line(row("numpy.loadtxt", numpy, base));
  line(row("lib/csv.ts readLabeledCsv", ours, base));
  report.csv = {
    ours: typeof ours === "string" ? null : { seconds: ours.value, peak_rss_mb: ours.peak_rss_mb },
    numpy: typeof numpy === "string"
      ? null
      : { seconds: numpy.value, peak_rss_mb: numpy.peak_rss_mb },
    ratio: typeof ours !== "string" && base ? ours.value / base : null,
  };

  const iterations = Number(values.iterations);
  line("");
  line(`Training: the seed workload (784-10-10-10, m = 41,000, full batch, α = 0.1, the seed's`);
  line(
    `algorithm with its scalar bias gradient), ${iterations} iterations, median of ${repeats} runs;`,
  );
  line(`all from the same initial weights and the file's row order (dev: its first 1,000 rows)`);
  // One starting point for every engine, so that their accuracies can be compared too.
  const init = await Deno.makeTempFile({ prefix: "bench-init-", suffix: ".json" });
  await saveModel(init, initParams(createRng(0)));
  const trainArgs = (backend: string) => [
    "run",
    "--allow-all",
    here("../scripts/train.ts"),
    "--init",
    init,
    "--no-shuffle",
    "--iterations",
    String(iterations),
    "--original-bias-gradient",
    "--backend",
    backend,
    "--json",
  ];

  type Engine = {
    name: string;
    cmd?: string;
    args: string[];
    env?: Record<string, string>;
    key: string;
    why?: string;
  };
  const engines: Engine[] = [
    {
      name: "numpy, the seed (float64)",
      cmd: typeof numpy === "string" ? undefined : python,
      why: typeof numpy === "string" ? numpy : undefined,
      args: [here("numpy_train.py"), csv, String(iterations), init],
      env: pythonEnv(),
      key: "ms_per_iteration",
    },
    {
      name: "PyTorch, 1 thread (float32)",
      cmd: torchPython,
      why: "no Python with torch (Debian: apt-get install python3-torch)",
      args: [here("torch_train.py"), csv, String(iterations), init],
      env: pythonEnv(),
      key: "ms_per_iteration",
    },
    {
      name: "ours: wasm SIMD engine",
      cmd: Deno.execPath(),
      args: trainArgs("wasm"),
      key: "ms_per_iteration",
    },
    {
      name: "ours: TypeScript fallback",
      cmd: Deno.execPath(),
      args: trainArgs("typescript"),
      key: "ms_per_iteration",
    },
  ];
  line(
    `  ${"engine".padEnd(30)} ${"ms/iter".padStart(8)} ${"× numpy".padStart(8)} ${
      "train acc".padStart(10)
    } ` +
      `${"dev acc".padStart(8)} ${"peak RSS".padStart(9)}`,
  );
  const results: Record<string, unknown> = {};
  let numpyMs: number | undefined;
  for (const engine of engines) {
    const r = engine.cmd
      ? await repeatChild(repeats, engine.cmd, engine.args, engine.env, engine.key)
      : engine.why!;
    if (typeof r === "string") {
      line(`  ${engine.name.padEnd(30)} skipped: ${r}`);
      continue;
    }
    const ms = r.value;
    if (engine.name.startsWith("numpy")) numpyMs = ms;
    const ratio = numpyMs ? ms / numpyMs : null;
    const train = r.last.train_accuracy as number, dev = r.last.dev_accuracy as number;
    const extra = r.last.threads
      ? `  (${r.last.threads} threads; setup ${(r.last.setup_seconds as number).toFixed(2)} s)`
      : "";
    line(
      `  ${engine.name.padEnd(30)} ${ms.toFixed(1).padStart(8)} ${
        (ratio ? ratio.toFixed(3) + "×" : "—").padStart(8)
      } ` +
        `${train.toFixed(4).padStart(10)} ${dev.toFixed(4).padStart(8)} ${
          (r.peak_rss_mb.toFixed(0) + " MB").padStart(9)
        }${extra}`,
    );
    results[engine.name] = {
      ms_per_iteration: ms,
      ratio_to_numpy: ratio,
      train_accuracy: train,
      dev_accuracy: dev,
      peak_rss_mb: r.peak_rss_mb,
    };
  }
  await Deno.remove(init);
  report.training = { iterations, engines: results };
}
const beyond = {
  csv,
  testCsv: here("../data/mnist_test.csv"),
  repeats,
  iterations: Number(values["wide-iterations"]),
  epochs: Number(values["recipe-epochs"]),
  numpy: (await pythonHas(python, "numpy")) ? python : undefined,
  torch: torchPython,
  here,
  line,
};
if (values.only === undefined || values.only === "beyond") {
  report.beyond = await benchBeyond(beyond);
}
if (values.only === undefined || values.only === "conv") {
  report.conv = await benchConv({ ...beyond, convEpochs: Number(values["conv-epochs"]) });
}
if (values.only === undefined || values.only === "conv3") {
  report.conv3 = await benchConv3({ ...beyond, epochs: Number(values["conv3-epochs"]) });
}
if (values.only === undefined || values.only === "speedrun") {
  report.speedrun = await benchSpeedrun(beyond);
}
if (values.only === undefined || values.only === "further") {
  report.further = await benchFurther({ ...beyond, epochs: Number(values["further-epochs"]) });
}
if (values.json) console.log(JSON.stringify(report));
