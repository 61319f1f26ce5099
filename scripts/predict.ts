/**
 * `deno task predict --model FILE [--data PATH] [--out PATH]`: run a trained network on a
 * Kaggle-form CSV and write a submission (`ImageId,Label`). For a labeled file it also prints the
 * accuracy. Run with `--help` for the flags.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import { loadModel, makeData, networkName, predictFile, writeSubmission } from "../lib/mod.ts";
import { denseSizes } from "../lib/nn/dense_view.ts";
import { sizeOf } from "../lib/nn/layers/batch.ts";
import { parseFlags, runMain } from "./cli.ts";

const HELP = `Run a trained network on a Kaggle-form CSV and write a submission.

Usage: deno task predict --model FILE [flags]

  --model FILE   a model file from \`deno task train --save FILE\` (required)
  --data PATH    the images: Kaggle's unlabeled test.csv (pixel0,…) or a labeled file
                 (label,pixel0,…), whose accuracy is printed too (default data/test.csv,
                 created if missing)
  --out PATH     where to write the submission, ImageId,Label (default submission.csv)
  --json         end with one JSON line of results
  --help         this text
`;

const DEFAULT_DATA = fileURLToPath(new URL("../data/test.csv", import.meta.url));

async function main(args: string[]): Promise<void> {
  const { values } = parseFlags(args, {
    model: { type: "string" },
    data: { type: "string" },
    out: { type: "string", default: "submission.csv" },
    json: { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  if (values.model === undefined) {
    throw new Error("--model FILE is required: a model file from `deno task train --save FILE`");
  }
  const { network, training } = await loadModel(values.model);
  const inputs = sizeOf(network.input);
  if (inputs !== 784) {
    throw new Error(
      `Cannot use ${values.model} on MNIST: its network takes ${inputs} inputs, not 784`,
    );
  }
  const name = networkName(network);
  const path = values.data ?? DEFAULT_DATA;
  if (values.data === undefined) await makeData(fileURLToPath(new URL("../data", import.meta.url)));
  const { labels: predictions, accuracy } = await predictFile(network, path);
  const labeled = accuracy !== undefined;
  await writeSubmission(values.out!, predictions);
  console.log(
    `Wrote ${
      predictions.length.toLocaleString("en")
    } predictions of ${name} for ${path} to ${values.out}` +
      (training?.stoppedEarly
        ? ` (its training was stopped early, after ${training.unit} ${training.done} of ${training.total})`
        : ""),
  );
  if (accuracy !== undefined) {
    const right = Math.round(accuracy * predictions.length);
    console.log(`Accuracy: ${accuracy.toFixed(4)} (${right} of ${predictions.length} right)`);
  }
  if (values.json) {
    console.log(JSON.stringify({
      rows: predictions.length,
      labeled,
      accuracy: accuracy ?? null,
      out: values.out,
      network: name,
      sizes: denseSizes(network) ?? null,
    }));
  }
}

if (import.meta.main) await runMain(main);
