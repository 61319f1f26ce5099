/**
 * `deno task train`: train the network headless, as the seed's notebook does, and print its
 * progress. Run with `--help` for the flags.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import {
  createRng,
  type HistoryPoint,
  initParams,
  loadParams,
  type Params,
  readLabeledCsv,
  saveParams,
  SEED_SIZES,
  shuffleDigits,
  splitDev,
  train,
} from "../lib/mod.ts";
import { makeData } from "../lib/mod.ts";
import { peakRssMb } from "./rss.ts";

const HELP = `Train the seed's network by full-batch gradient descent.

Usage: deno task train [flags]

  --data PATH               Kaggle-form CSV (default data/train.csv, created if missing)
  --iterations N            gradient-descent steps (default 1000)
  --alpha A                 learning rate (default 0.1)
  --dev-size N              rows held out as the dev set after shuffling (default 1000)
  --seed S                  seed for the shuffle and the initial weights (default 0)
  --hidden 10,10            hidden layer sizes (default 10,10: the seed's 784-10-10-10)
  --no-shuffle              keep the file's order
  --original-bias-gradient  the seed's bias gradient, 1/m·np.sum(dZ) over everything
  --init FILE               start from a model file instead of random weights
  --save FILE               write the trained parameters to a model file
  --threads N               threads for the engine (default: CPU cores)
  --backend B               wasm (WebAssembly SIMD, the default where it runs) or
                            typescript (the pure-TypeScript fallback)
  --json                    end with one JSON line of results
  --help                    this text
`;

const DEFAULT_DATA = fileURLToPath(new URL("../data/train.csv", import.meta.url));

/** Parse a whole number ≥ min, or throw a sentence naming the flag. */
function integer(flag: string, text: string, min = 0): number {
  const n = Number(text);
  if (text.trim() === "" || !Number.isSafeInteger(n) || n < min) {
    throw new Error(`--${flag} must be a whole number${min > 0 ? ` ≥ ${min}` : ""}, not "${text}"`);
  }
  return n;
}

async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    strict: true,
    allowNegative: true,
    options: {
      data: { type: "string" },
      iterations: { type: "string", default: "1000" },
      alpha: { type: "string", default: "0.1" },
      "dev-size": { type: "string", default: "1000" },
      seed: { type: "string", default: "0" },
      hidden: { type: "string" },
      shuffle: { type: "boolean", default: true },
      "original-bias-gradient": { type: "boolean", default: false },
      init: { type: "string" },
      save: { type: "string" },
      threads: { type: "string" },
      backend: { type: "string", default: "auto" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const iterations = integer("iterations", values.iterations!);
  const alpha = Number(values.alpha);
  if (!(alpha > 0) || !Number.isFinite(alpha)) {
    throw new Error(`--alpha must be a positive number, not "${values.alpha}"`);
  }
  const devSize = integer("dev-size", values["dev-size"]!);
  const seed = integer("seed", values.seed!);
  const threads = values.threads === undefined ? undefined : integer("threads", values.threads, 1);
  const hidden = values.hidden === undefined
    ? undefined
    : values.hidden.split(",").map((h) => integer("hidden", h.trim(), 1));

  const backend = values.backend as "wasm" | "typescript" | "auto";
  if (!["wasm", "typescript", "auto"].includes(backend)) {
    throw new Error(`--backend must be wasm, typescript or auto, not "${values.backend}"`);
  }
  const path = values.data ?? DEFAULT_DATA;
  if (values.data === undefined) await makeData(fileURLToPath(new URL("../data", import.meta.url)));
  const t0 = performance.now();
  const all = await readLabeledCsv(path);
  const loadSeconds = (performance.now() - t0) / 1000;

  // The seed's order: shuffle, split, then draw the weights from the same generator.
  const rng = createRng(seed);
  const { dev, train: trainSet } = splitDev(
    values.shuffle ? shuffleDigits(all, rng) : all,
    devSize,
  );
  let params: Params;
  if (values.init) {
    params = await loadParams(values.init);
    if (hidden && params.sizes.slice(1, -1).join(",") !== hidden.join(",")) {
      throw new Error(
        `--hidden ${hidden} does not match ${values.init}, whose layers are ${
          params.sizes.join("-")
        }`,
      );
    }
  } else {
    params = initParams(rng, hidden ? [784, ...hidden, 10] : SEED_SIZES);
  }

  const bar = Deno.stderr.isTerminal() ? progressBar(iterations) : undefined;
  const result = await train(trainSet, {
    iterations,
    alpha,
    params,
    threads,
    backend,
    dev: devSize > 0 ? dev : undefined,
    originalBiasGradient: values["original-bias-gradient"],
    onProgress(point: HistoryPoint) {
      if (point.iteration % 100 === 0 && point.iteration < iterations) {
        bar?.clear();
        console.log(
          `Iteration: ${String(point.iteration).padStart(5)}   Accuracy: ${
            point.trainAccuracy.toFixed(4)
          }` +
            `   Loss: ${point.loss.toFixed(4)}` +
            (point.devAccuracy !== undefined
              ? `   Dev accuracy: ${point.devAccuracy.toFixed(4)}`
              : ""),
        );
      }
      bar?.update(point);
    },
  });
  bar?.clear();
  const final = result.history.at(-1)!;
  console.log(
    `Trained ${result.params.sizes.join("-")} for ${iterations} iterations in ${
      result.seconds.total.toFixed(1)
    } s ` +
      `(${result.backend}, ${result.threads} thread${result.threads > 1 ? "s" : ""}): ` +
      `train accuracy ${final.trainAccuracy.toFixed(4)}` +
      (final.devAccuracy !== undefined ? `, dev accuracy ${final.devAccuracy.toFixed(4)}` : ""),
  );
  if (values.save) {
    await saveParams(values.save, result.params);
    console.log(`Saved the parameters to ${values.save}`);
  }
  if (values.json) {
    console.log(JSON.stringify({
      iterations,
      alpha,
      train_accuracy: final.trainAccuracy,
      dev_accuracy: final.devAccuracy ?? null,
      loss: final.loss,
      train_seconds: result.seconds.total,
      load_seconds: loadSeconds,
      setup_seconds: result.seconds.setup,
      // the gradient-descent steps alone, as the seed's loop is timed in bench/numpy_train.py
      ms_per_iteration: iterations > 0 ? (1000 * result.seconds.steps) / iterations : null,
      sizes: result.params.sizes,
      seed,
      threads: result.threads,
      backend: result.backend,
      train_size: trainSet.count,
      dev_size: devSize,
      original_bias_gradient: values["original-bias-gradient"],
      peak_rss_mb: peakRssMb(),
    }));
  }
}

/** A one-line progress bar on stderr: iteration, accuracy, ETA, redrawn at most 10 times a second. */
function progressBar(total: number) {
  const encoder = new TextEncoder();
  const start = performance.now();
  let last = 0;
  const write = (text: string) => Deno.stderr.writeSync(encoder.encode(text));
  return {
    update(point: HistoryPoint) {
      const now = performance.now();
      if (now - last < 100 && point.iteration < total) return;
      last = now;
      const done = total === 0 ? 1 : point.iteration / total;
      const width = 30, filled = Math.round(done * width);
      const eta = done > 0 ? ((now - start) / 1000) * (1 / done - 1) : NaN;
      write(
        `\r[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${point.iteration}/${total}` +
          `  accuracy ${point.trainAccuracy.toFixed(4)}  ETA ${
            Number.isFinite(eta) ? eta.toFixed(1) + " s" : "…"
          }  `,
      );
    },
    clear() {
      write("\r\x1b[K");
    },
  };
}

if (import.meta.main) {
  try {
    await main(Deno.args);
  } catch (error) {
    const message = (error as Error).message.replace(/\.$/, "");
    console.error(`error: ${message}`);
    Deno.exit(1);
  }
}
