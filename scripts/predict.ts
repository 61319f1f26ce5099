/**
 * `deno task predict --model FILE [--data PATH] [--out PATH]`: run a trained network on a
 * Kaggle-form CSV and write a submission (`ImageId,Label`). For a labeled file it also prints the
 * accuracy. Run with `--help` for the flags.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import {
  evaluate,
  LABELED_HEADER,
  layersText,
  loadModel,
  makeData,
  predict,
  readLabeledCsv,
  readUnlabeledCsv,
  sizeOf,
  withFileBytes,
  writeSubmission,
} from "../lib/mod.ts";
import { runMain } from "./cli.ts";

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

/** Whether the CSV at `path` starts with the labeled header. */
function isLabeled(path: string): Promise<boolean> {
  const header = new TextEncoder().encode(LABELED_HEADER.slice(0, 6)); // "label,"
  return withFileBytes(path, (bytes) => {
    const bom = bytes[0] === 0xef ? 3 : 0;
    return header.every((b, k) => bytes[bom + k] === b);
  });
}

async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      model: { type: "string" },
      data: { type: "string" },
      out: { type: "string", default: "submission.csv" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  if (values.model === undefined) {
    throw new Error("--model FILE is required: a model file from `deno task train --save FILE`");
  }
  const { model, training } = await loadModel(values.model);
  const inputs = "layers" in model ? sizeOf(model.input) : model.sizes[0];
  if (inputs !== 784) {
    throw new Error(
      `Cannot use ${values.model} on MNIST: its network takes ${inputs} inputs, not 784`,
    );
  }
  const name = "layers" in model ? layersText(model.layers) : model.sizes.join("-");
  const path = values.data ?? DEFAULT_DATA;
  if (values.data === undefined) await makeData(fileURLToPath(new URL("../data", import.meta.url)));
  const labeled = await isLabeled(path);
  let predictions: Uint8Array, accuracy: number | undefined;
  if (labeled) {
    const digits = await readLabeledCsv(path);
    const scores = evaluate(model, digits);
    predictions = scores.predictions;
    accuracy = scores.accuracy;
  } else {
    predictions = predict(model, await readUnlabeledCsv(path));
  }
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
      ...("sizes" in model && { sizes: model.sizes }),
    }));
  }
}

if (import.meta.main) await runMain(main);
