/**
 * `deno task predict --model FILE [--data PATH] [--out PATH]`: run a trained network on a
 * Kaggle-form CSV and write a submission (`ImageId,Label`). For a labeled file it also prints the
 * accuracy. Several `--model`s average their probabilities (an ensemble); `--tta` averages each
 * image's as given and shifted a pixel each way. Run with `--help` for the flags.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import {
  loadModel,
  makeData,
  networkName,
  predictFile,
  TTA_SHIFTS,
  writeSubmission,
} from "../lib/mod.ts";
import { denseSizes } from "../lib/nn/dense_view.ts";
import { sizeOf } from "../lib/nn/layers/batch.ts";
import { classCount } from "../lib/nn/layers/network.ts";
import { parseFlags, runMain } from "./cli.ts";

const HELP = `Run a trained network on a Kaggle-form CSV and write a submission.

Usage: deno task predict --model FILE [flags]

  --model FILE   a model file from \`deno task train --save FILE\` (required); several
                 (--model A --model B, or --model A,B) average their probabilities: an
                 ensemble
  --tta          also score each image moved one pixel right, left, down and up, and average
                 the five (test-time augmentation)
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
    model: { type: "string", multiple: true },
    data: { type: "string" },
    out: { type: "string", default: "submission.csv" },
    json: { type: "boolean", default: false },
    tta: { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const files = (values.model ?? []).flatMap((m) => m.split(",")).filter((m) => m !== "");
  if (files.length === 0) {
    throw new Error("--model FILE is required: a model file from `deno task train --save FILE`");
  }
  const models: (Awaited<ReturnType<typeof loadModel>> & { file: string; classes: number })[] = [];
  for (const file of files) {
    const model = await loadModel(file);
    const inputs = sizeOf(model.network.input);
    if (inputs !== 784) {
      throw new Error(`Cannot use ${file} on MNIST: its network takes ${inputs} inputs, not 784`);
    }
    const classes = classCount(model.network), first = models[0];
    if (first && classes !== first.classes) {
      throw new Error(
        `Cannot average ${file} with ${first.file}: its network has ${classes} classes, not ${first.classes}`,
      );
    }
    models.push({ file, classes, ...model });
  }
  const names = [...new Set(models.map((m) => networkName(m.network)))];
  const shifts = values.tta ? TTA_SHIFTS : [[0, 0] as const];
  const name =
    (models.length === 1
      ? names[0]
      : `the mean of ${models.length} networks (${names.join("; ")})`) +
    (values.tta ? `, each image at ${shifts.length} shifts` : "");
  const path = values.data ?? DEFAULT_DATA;
  if (values.data === undefined) await makeData(fileURLToPath(new URL("../data", import.meta.url)));
  const passes = models.length * shifts.length;
  if (passes > 1) {
    console.log(
      `Scoring ${path}: ${passes} passes over its images (${models.length} × ${shifts.length})…`,
    );
  }
  const { labels: predictions, accuracy } = await predictFile(
    models.map((m) => m.network),
    path,
    shifts,
  );
  const labeled = accuracy !== undefined;
  await writeSubmission(values.out!, predictions);
  const stopped = models.filter((m) => m.training?.stoppedEarly).map(({ file, training }) =>
    (models.length > 1 ? `${file}: ` : "") +
    `its training was stopped early, after ${training!.unit} ${training!.done} of ${
      training!.total
    }`
  );
  console.log(
    `Wrote ${
      predictions.length.toLocaleString("en")
    } predictions of ${name} for ${path} to ${values.out}` +
      (stopped.length ? ` (${stopped.join("; ")})` : ""),
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
      models: models.length,
      shifts: shifts.length,
      sizes: models.length === 1 ? denseSizes(models[0].network) ?? null : null,
    }));
  }
}

if (import.meta.main) await runMain(main);
