/**
 * The benchmark's sections beyond the seed, each engine reading the same bytes (the 41,000
 * training rows of `data/train.csv` after the seed's shuffle and dev split, and the 10,000 MNIST
 * test images), written once to a temporary folder:
 *
 * - a wider network, 784-128-64-10, full-batch gradient descent: `numpy_mlp.py` (the seed's
 *   algorithm generalised, float64) against ours (`mlp_child.ts`), milliseconds per iteration;
 * - the recipe, 784-256-128-10, Adam (η = 0.001), batches of 128, a cosine schedule, shifts of
 *   up to 2 pixels: `torch_recipe.py` on 1 and 2 threads against ours, with time, seconds per
 *   epoch and MNIST test accuracy; the best PyTorch is the baseline;
 * - the convolutional recipe (`benchConv`), conv 5×5×32 → pool → conv 5×5×64 → pool → dense 256,
 *   raced the same way, and TensorFlow.js's CPU backend on the same network for one batch
 *   (`tfjs_child.ts`), the peer in the same runtime.
 * - the speedrun (`benchSpeedrun`): the fastest recipe found to 99.0% on MNIST's test set from
 *   scratch, timed from reading the images to the test score, against PyTorch running the same
 *   network and recipe.
 *
 * @module
 */

import { createRng, readLabeledCsv, shuffleDigits, splitDev } from "../lib/mod.ts";
import { pythonEnv, repeatChild, runChild } from "./run.ts";

/** What the sections need to know. */
export interface BeyondOptions {
  /** Paths of data/train.csv and data/mnist_test.csv. */
  csv: string;
  /** The labeled test set. */
  testCsv: string;
  /** Runs per engine for the wider network (median). */
  repeats: number;
  /** Iterations of the wider network. */
  iterations: number;
  /** Epochs of the recipe (30). */
  epochs: number;
  /** A Python with numpy, or undefined. */
  numpy?: string;
  /** A Python with torch, or undefined. */
  torch?: string;
  /** Resolve a path next to this file. */
  here: (path: string) => string;
  /** Print a line. */
  line: (text: string) => void;
}

/** How both recipes train: Adam (η = 0.001), batches of 128, cosine, shifts of ±2, seed 0. */
/** `1 epoch`, `15 epochs`. */
const epochs = (n: number) => `${n} epoch${n === 1 ? "" : "s"}`;

const ADAM_COSINE = {
  batch_size: 128,
  lr: 0.001,
  optimizer: "adam",
  schedule: "cosine",
  augment: 2,
  seed: 0,
};

/** Write the shared bytes; returns the folder. */
async function writeData(csv: string, testCsv: string): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "bench-beyond-" });
  const { train } = splitDev(shuffleDigits(await readLabeledCsv(csv), createRng(0)), 1000);
  const test = await readLabeledCsv(testCsv);
  await Deno.writeFile(`${dir}/train.u8`, train.pixels);
  await Deno.writeFile(`${dir}/train.labels`, train.labels);
  await Deno.writeFile(`${dir}/test.u8`, test.pixels);
  await Deno.writeFile(`${dir}/test.labels`, test.labels);
  return dir;
}

/** Run both sections; returns their figures for the JSON report. */
export async function benchBeyond(o: BeyondOptions): Promise<Record<string, unknown>> {
  const recipe = { sizes: [784, 256, 128, 10], epochs: o.epochs, ...ADAM_COSINE };
  const dir = await writeData(o.csv, o.testCsv);
  const ours = (spec: object) => [
    "run",
    "--allow-all",
    o.here("mlp_child.ts"),
    dir,
    JSON.stringify(spec),
  ];
  const report: Record<string, unknown> = {};
  try {
    // ---- the wider network, full batch
    o.line("");
    o.line(
      `A wider network: 784-128-64-10, full batch (m = 41,000), α = 0.1, He initialisation, ` +
        `${o.iterations} iterations, median of ${o.repeats} runs`,
    );
    const sizes = "784,128,64,10";
    const numpy = o.numpy
      ? await repeatChild(
        o.repeats,
        o.numpy,
        [o.here("numpy_mlp.py"), dir, String(o.iterations), sizes],
        pythonEnv(),
        "ms_per_iteration",
      )
      : "no Python with numpy";
    const mine = await repeatChild(
      o.repeats,
      Deno.execPath(),
      ours({ sizes: sizes.split(",").map(Number), epochs: o.iterations, lr: 0.1, seed: 0 }),
      undefined,
      "ms_per_iteration",
    );
    const base = typeof numpy === "string" ? undefined : numpy.value;
    for (
      const [name, r] of [["numpy (float64)", numpy], ["ours: wasm SIMD engine", mine]] as const
    ) {
      if (typeof r === "string") {
        o.line(`  ${name.padEnd(30)} skipped: ${r}`);
        continue;
      }
      const ratio = base ? r.value / base : undefined;
      o.line(
        `  ${name.padEnd(30)} ${r.value.toFixed(1).padStart(8)} ms/iter ${
          (ratio ? ratio.toFixed(3) + "× numpy" : "").padStart(14)
        }  peak RSS ${r.peak_rss_mb.toFixed(0)} MB` +
          (r.last.threads ? `  (${r.last.engine} engine, ${r.last.threads} threads)` : ""),
      );
    }
    report.wide_full_batch = {
      sizes,
      iterations: o.iterations,
      numpy_ms_per_iteration: base ?? null,
      ours_ms_per_iteration: typeof mine === "string" ? null : mine.value,
      ratio: base && typeof mine !== "string" ? mine.value / base : null,
    };

    // ---- the recipe
    report.recipe = await raceRecipe(
      o,
      dir,
      recipe,
      `The recipe: 784-256-128-10, Adam (η = 0.001), batches of 128, ${epochs(o.epochs)}, cosine ` +
        `schedule, shifts of ±2 pixels; one run each; MNIST test accuracy`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  return report;
}

/**
 * Train `recipe` with PyTorch on 1 and 2 threads and with ours, one run each, on the bytes in
 * `dir`; print a line per engine (time, seconds per epoch, ratio to PyTorch's best, test
 * accuracy, peak memory) and return the figures.
 */
export async function raceRecipe(
  o: BeyondOptions,
  dir: string,
  recipe: Record<string, unknown>,
  title: string,
): Promise<Record<string, unknown>> {
  await Deno.writeTextFile(`${dir}/recipe.json`, JSON.stringify(recipe));
  o.line("");
  o.line(title);
  const runs: [string, Awaited<ReturnType<typeof repeatChild>>][] = [];
  for (const threads of [1, 2]) {
    runs.push([
      `PyTorch, ${threads} thread${threads > 1 ? "s" : ""} (float32)`,
      o.torch
        ? await repeatChild(
          1,
          o.torch,
          [o.here("torch_recipe.py"), dir, String(threads)],
          pythonEnv(),
        )
        : "no Python with torch (Debian: apt-get install python3-torch)",
    ]);
  }
  const ours = ["run", "--allow-all", o.here("mlp_child.ts"), dir, JSON.stringify(recipe)];
  runs.push(["ours: wasm SIMD engine", await repeatChild(1, Deno.execPath(), ours)]);
  const torchTimes = runs.slice(0, 2).flatMap(([, r]) => (typeof r === "string" ? [] : [r.value]));
  const best = torchTimes.length ? Math.min(...torchTimes) : undefined;
  const rows: Record<string, unknown> = {};
  for (const [name, r] of runs) {
    if (typeof r === "string") {
      o.line(`  ${name.padEnd(30)} skipped: ${r}`);
      continue;
    }
    const ratio = best ? r.value / best : undefined;
    o.line(
      `  ${name.padEnd(30)} ${r.value.toFixed(1).padStart(7)} s ${
        (r.last.seconds_per_epoch as number).toFixed(3).padStart(7)
      } s/epoch ${(ratio ? ratio.toFixed(3) + "× PyTorch's best" : "").padStart(20)}  test ${
        ((r.last.test_accuracy as number) * 100).toFixed(2)
      }%  peak RSS ${r.peak_rss_mb.toFixed(0)} MB` +
        (r.last.engine ? `  (${r.last.engine} engine, ${r.last.threads} threads)` : ""),
    );
    rows[name] = {
      seconds: r.value,
      seconds_per_epoch: r.last.seconds_per_epoch,
      test_accuracy: r.last.test_accuracy,
      ratio_to_best_pytorch: ratio ?? null,
      peak_rss_mb: r.peak_rss_mb,
    };
  }
  return { ...recipe, engines: rows };
}

/**
 * The convolutional recipe: conv 5×5×32 → pool 2 → conv 5×5×64 → pool 2 → dense 256 → 10, Adam
 * (η = 0.001), batches of 128, a cosine schedule, shifts of ±2 pixels, against PyTorch.
 */
export async function benchConv(o: BeyondOptions & { convEpochs: number }) {
  const dir = await writeData(o.csv, o.testCsv);
  try {
    const layers = "conv5x32,pool2,conv5x64,pool2,dense256";
    const recipe = { layers, epochs: o.convEpochs, ...ADAM_COSINE };
    const race = await raceRecipe(
      o,
      dir,
      recipe,
      `The convolutional recipe: conv5x32,pool2,conv5x64,pool2,dense256, Adam (η = 0.001), ` +
        `batches of 128, ${epochs(o.convEpochs)}, cosine schedule, shifts of ±2 pixels; one run ` +
        `each; MNIST test accuracy`,
    );
    // The same-runtime peer, for one batch after a warm-up one (an epoch would take hours).
    const spec = { layers: recipe.layers, batch_size: 128, lr: 0.001, batches: 1 };
    const tfjs = await runChild(Deno.execPath(), [
      "run",
      "--allow-all",
      "--no-lock",
      o.here("tfjs_child.ts"),
      dir,
      JSON.stringify(spec),
    ]);
    const name = "TensorFlow.js 4.22, CPU backend";
    if (typeof tfjs === "string") {
      o.line(`  ${name.padEnd(30)} skipped: ${tfjs}`);
    } else {
      const ours = (race.engines as Record<string, { seconds_per_epoch: number }>)[
        "ours: wasm SIMD engine"
      ];
      o.line(
        `  ${name.padEnd(30)} ${
          (tfjs.seconds_per_batch as number).toFixed(1)
        } s per batch of 128 ` +
          `→ about ${(tfjs.seconds_per_epoch as number).toFixed(0)} s per epoch` +
          (ours
            ? ` (${((tfjs.seconds_per_epoch as number) / ours.seconds_per_epoch).toFixed(0)}× ours)`
            : "") +
          `  peak RSS ${tfjs.peak_rss_mb.toFixed(0)} MB`,
      );
    }
    return { ...race, tfjs_cpu: tfjs };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** The 3×3 network of issue 24's second target, the kind the further notebook's networks are. */
export const CONV3_LAYERS = "conv3x32,conv3x32,pool2,conv3x64,conv3x64,pool2,dense256";

/**
 * The convolutional recipe on {@link CONV3_LAYERS}: 3×3 convolutions, the second, third and
 * fourth on Winograd F(2×2, 3×3) in the engine — against PyTorch on 1 and 2 threads.
 */
export async function benchConv3(o: BeyondOptions): Promise<Record<string, unknown>> {
  const dir = await writeData(o.csv, o.testCsv);
  try {
    return await raceRecipe(
      o,
      dir,
      { layers: CONV3_LAYERS, epochs: o.epochs, ...ADAM_COSINE },
      `The 3×3 network: ${CONV3_LAYERS}, Adam (η = 0.001), batches of 128, ` +
        `${
          epochs(o.epochs)
        }, cosine schedule, shifts of ±2 pixels; one run each; MNIST test accuracy`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/**
 * The speedrun: a small convolutional network to ≥ 99.0% on MNIST's test set as fast as it goes
 * — a one-cycle schedule, Adam with β = (0.7, 0.9), batches of 256, after tuomaso/train_mnist_fast
 * — timed from reading the images to the test score (the time-to-accuracy of DAWNBench and
 * airbench), against PyTorch running the same network and recipe.
 */
export const SPEEDRUN = {
  layers: "conv5x24,pool2,conv5x32,pool2,dense256",
  epochs: 2,
  batch_size: 256,
  lr: 0.02,
  optimizer: "adam",
  beta1: 0.7,
  beta2: 0.9,
  schedule: "onecycle",
  augment: 0,
  seed: 0,
  time_to_accuracy: true,
};

/** Race {@link SPEEDRUN}; returns its figures. */
export async function benchSpeedrun(o: BeyondOptions): Promise<Record<string, unknown>> {
  const dir = await writeData(o.csv, o.testCsv);
  try {
    const r = SPEEDRUN;
    return await raceRecipe(
      o,
      dir,
      r,
      `The speedrun to 99.0%: ${r.layers}, Adam (η = ${r.lr}, β = (${r.beta1}, ${r.beta2})), ` +
        `batches of ${r.batch_size}, ${epochs(r.epochs)}, one-cycle schedule, no shifts; one run ` +
        `each, seconds from reading the images to the test score; MNIST test accuracy`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/**
 * The further notebook's best single recipe's network — Deotte's 3×3 network with batch
 * normalisation and dropout — on one-cycle Adam in batches of 64, shifts of ±2 pixels (the
 * rotations, scalings and elastic fields left out: PyTorch's side has none of them).
 */
export const FURTHER = {
  layers: "conv3x32,bn,conv3x32,bn,conv5x32s2p2,bn,dropout0.4,conv3x64,bn,conv3x64,bn," +
    "conv5x64s2p2,bn,dropout0.4,conv4x128,bn,dropout0.4",
  batch_size: 64,
  lr: 0.01,
  optimizer: "adam",
  schedule: "onecycle",
  augment: 2,
  seed: 0,
};

/** Race {@link FURTHER} for `o.epochs` epochs; returns its figures. */
export async function benchFurther(o: BeyondOptions): Promise<Record<string, unknown>> {
  const dir = await writeData(o.csv, o.testCsv);
  try {
    return await raceRecipe(
      o,
      dir,
      { ...FURTHER, epochs: o.epochs },
      `The further notebook's network: ${FURTHER.layers}, Adam (η = 0.01, one cycle), ` +
        `batches of 64, ${
          epochs(o.epochs)
        }, shifts of ±2 pixels; one run each; MNIST test accuracy`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
