/**
 * `deno task report`: the main job. From a clean clone it makes the data, executes the four
 * notebooks — `notebooks/mnist.ipynb` (the seed), `notebooks/beyond.ipynb` (one change at a
 * time), `notebooks/convolutions.ipynb` (convolutions) and `notebooks/further.ipynb` (batch
 * normalisation, dropout, strides, elastic distortions) — on a project-local Deno kernelspec (the
 * user's Jupyter setup is never touched), exports each as one self-contained HTML file, writes
 * `index.html` linking them with their headline figures, and prints the paths and accuracies.
 * Each training step's progress line is printed as it runs.
 *
 * Flags: `--out DIR` (default `reports/`), `--only mnist|beyond|convolutions|further` (one notebook; the
 * index still lists the others' last reports), `--full` (every notebook at its full settings,
 * {@link FULL_SETTINGS}: tens of minutes). Environment variables `MNIST_ITERATIONS`,
 * `MNIST_ALPHA`, `MNIST_SEED`, `BEYOND_EPOCHS`, `BEYOND_FULL_BATCH_STEPS`, `CONV_EPOCHS`,
 * `LONG_EPOCHS`, `CONV_TRAIN_SIZE`, `FURTHER_TRAIN_SIZE` and `FURTHER_EPOCHS` pass through to
 * the notebooks' parameters cells (the tests use them for short runs); `BEYOND_OUT` is set to the
 * output folder, where the last three notebooks save their models and Kaggle submissions.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { basename, join, relative } from "node:path";
import { makeData } from "../lib/mod.ts";
import { externalResources, renderMath } from "./report_html.ts";
import { indexHtml, type ReportSummary } from "./report_index.ts";

const root = fileURLToPath(new URL("..", import.meta.url));

/** The first Python that can import nbclient and nbconvert: Debian's, then the one on PATH. */
export async function findJupyterPython(): Promise<string> {
  for (const python of ["/usr/bin/python3", "python3"]) {
    try {
      const { success } = await new Deno.Command(python, {
        args: ["-c", "import nbclient, nbconvert"],
        stdout: "null",
        stderr: "null",
      }).output();
      if (success) return python;
    } catch { /* not there */ }
  }
  throw new Error(
    "Cannot execute the notebook: no Python with nbclient and nbconvert " +
      "(apt-get install jupyter-nbconvert python3-nbclient jupyter-client, or pip install nbclient nbconvert)",
  );
}

/**
 * A kernelspec folder for `JUPYTER_PATH` whose `deno` kernel runs this very Deno binary.
 * Written to a temporary folder: nothing under the user's Jupyter directories changes.
 */
export async function writeKernelspec(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "mnist-kernel-" });
  await Deno.mkdir(join(dir, "kernels", "deno"), { recursive: true });
  const spec = {
    argv: [Deno.execPath(), "jupyter", "--kernel", "--quiet", "--conn", "{connection_file}"],
    display_name: "Deno",
    language: "typescript",
    env: { NO_COLOR: "1", DENO_V8_FLAGS: "--max-old-space-size=3072" },
  };
  await Deno.writeTextFile(
    join(dir, "kernels", "deno", "kernel.json"),
    JSON.stringify(spec, null, 1),
  );
  return dir;
}

async function run(
  cmd: string,
  args: string[],
  env: Record<string, string> = {},
  stdout: "piped" | "inherit" = "piped",
): Promise<void> {
  const out = await new Deno.Command(cmd, { args, env, stdout, stderr: "piped" }).output();
  if (!out.success) {
    const err = new TextDecoder().decode(out.stderr).trim().split("\n").filter((l) => l.trim()).at(
      -1,
    );
    throw new Error(err ?? `${basename(cmd)} failed`);
  }
}

export type { ReportSummary };

/** The notebooks `deno task report` runs, in order, and what their index entry says. */
export const NOTEBOOKS = {
  mnist: "The seed: a 784-10-10-10 network by full-batch gradient descent, equation by equation",
  beyond:
    "One change at a time from the seed: He initialisation, mini-batches, Adam, width, a schedule, shifts; a digit pad and a Kaggle submission",
  convolutions:
    "Convolutions and pooling from scratch, distorted digits, an ensemble, test-time shifts; a convnet in the page and a Kaggle submission",
  further:
    "Batch normalisation, dropout, strided convolutions, a deeper 3×3 network, one-cycle, elastic distortions, an ensemble with test-time shifts; the best single network in the page",
} as const;

/**
 * The environment of `--full`: every notebook at its full settings — the seed's 1,000
 * iterations (its default), the beyond notebook's steps at 30 epochs and its full-batch steps at
 * the seed's 1,000, the convolutional steps (the line to beat included) at 15 epochs on all
 * 41,000 training images, the longer one at 30; the further notebook's at 8 on all 41,000.
 */
export const FULL_SETTINGS: Readonly<Record<string, string>> = {
  BEYOND_EPOCHS: "30",
  BEYOND_FULL_BATCH_STEPS: "1000",
  CONV_TRAIN_SIZE: "41000",
  CONV_EPOCHS: "15",
  LONG_EPOCHS: "30",
  FURTHER_TRAIN_SIZE: "41000",
  FURTHER_EPOCHS: "8",
};

/**
 * Minutes the two long notebooks each took at `--full` on the 2-core machine this project is
 * developed on: the convolutions notebook 23 (AVX-512, 5 December: 1,381 s), the further notebook
 * 40 (AVX2, 7 December: 2,368 s, other jobs sharing the machine); the other two add a few
 * minutes, an AVX2 core more.
 */
export const FULL_MINUTES = { convolutions: 23, further: 40 } as const;

/** `deno task report --help`. */
export const REPORT_HELP = `Execute the notebooks and write their HTML reports and an index.

Usage: deno task report [--only mnist|beyond|convolutions|further] [--full] [--out DIR]

  --only NAME   one notebook (the index still lists the others' last reports)
  --full        every notebook at its full settings; the convolutions notebook took
                ${FULL_MINUTES.convolutions} minutes on a 2-core machine, the further notebook ${FULL_MINUTES.further}. They are:
                ${Object.entries(FULL_SETTINGS).map(([k, v]) => `${k}=${v}`).join(" ")}
  --out DIR     where the reports, models and submissions go (default reports/)
  --help        this text

MNIST_SEED, MNIST_ITERATIONS, MNIST_ALPHA, BEYOND_EPOCHS, BEYOND_FULL_BATCH_STEPS, CONV_EPOCHS,
LONG_EPOCHS, CONV_TRAIN_SIZE, FURTHER_TRAIN_SIZE and FURTHER_EPOCHS in the environment set the
notebooks' parameters.`;

/** A notebook's name in {@link NOTEBOOKS}. */
export type NotebookName = keyof typeof NOTEBOOKS;

/** One executed, exported notebook. */
export interface NotebookReport {
  name: NotebookName;
  htmlPath: string;
  executed: string;
  summary: ReportSummary;
  equations: number;
  bytes: number;
  executeSeconds: number;
}

/** Execute one notebook into `out/NAME.ipynb` and export `out/NAME.html`. */
async function reportNotebook(
  name: NotebookName,
  out: string,
  python: string,
  settings: { progress: boolean; env: Record<string, string> },
): Promise<NotebookReport> {
  const notebook = join(root, "notebooks", `${name}.ipynb`);
  const executed = join(out, `${name}.ipynb`);
  const kernels = await writeKernelspec();
  const t0 = performance.now();
  try {
    const progress = settings.progress ? ["--progress", name] : [];
    await run(
      python,
      [join(root, "scripts", "execute_notebook.py"), notebook, executed, ...progress],
      {
        ...settings.env,
        JUPYTER_PATH: kernels,
        // Relative to the notebook, so that no page or notebook prints this machine's paths.
        BEYOND_OUT: relative(join(root, "notebooks"), out),
      },
      settings.progress ? "inherit" : "piped",
    );
  } finally {
    await Deno.remove(kernels, { recursive: true });
  }
  const executeSeconds = (performance.now() - t0) / 1000;

  const exportDir = await Deno.makeTempDir({ prefix: "mnist-export-" });
  try {
    await run(python, [
      "-m",
      "nbconvert",
      "--to",
      "html",
      "--template",
      "mnist",
      `--TemplateExporter.extra_template_basedirs=${join(root, "scripts", "report_template")}`,
      "--output-dir",
      exportDir,
      "--output",
      name,
      executed,
    ]);
    const exported = await Deno.readTextFile(join(exportDir, `${name}.html`));
    const { html, equations } = renderMath(exported);
    const htmlPath = join(out, `${name}.html`);
    await writeSelfContained(htmlPath, html);
    const summary = readSummary(JSON.parse(await Deno.readTextFile(executed)));
    return { name, htmlPath, executed, summary, equations, bytes: html.length, executeSeconds };
  } finally {
    await Deno.remove(exportDir, { recursive: true });
  }
}

/** Write `html` to `path` (atomically), refusing a page that would load anything from outside. */
async function writeSelfContained(path: string, html: string): Promise<void> {
  const external = externalResources(html);
  if (external.length) {
    throw new Error(`Cannot make a self-contained report: it would load ${external.join(", ")}`);
  }
  await Deno.writeTextFile(`${path}.tmp`, html);
  await Deno.rename(`${path}.tmp`, path);
}

/**
 * Execute the notebooks (all, or `only` one) and export their reports and the index page.
 *
 * @returns The reports made now, and the index's path.
 */
export async function makeReport(
  options: { out?: string; only?: NotebookName; full?: boolean; progress?: boolean } = {},
): Promise<{ reports: NotebookReport[]; indexPath: string }> {
  const out = options.out ?? join(root, "reports");
  if (options.only !== undefined && !(options.only in NOTEBOOKS)) {
    throw new Error(
      `Cannot report notebook "${options.only}": expected one of ${
        Object.keys(NOTEBOOKS).join(", ")
      }`,
    );
  }
  const names = options.only ? [options.only] : Object.keys(NOTEBOOKS) as NotebookName[];
  await Deno.mkdir(out, { recursive: true });
  await makeData(join(root, "data"));
  const python = await findJupyterPython();
  // One after the other, though two at once would take less time: the notebooks compare their
  // steps' seconds, which a notebook running beside them would distort.
  const reports: NotebookReport[] = [];
  const settings = {
    progress: options.progress ?? false,
    env: options.full ? { ...FULL_SETTINGS } : {},
  };
  for (const name of names) reports.push(await reportNotebook(name, out, python, settings));
  const indexPath = join(out, "index.html");
  await writeSelfContained(indexPath, indexHtml(await indexEntries(out, reports)));
  return { reports, indexPath };
}

/**
 * Each notebook whose report is in `out`, with its summary: from this run's reports, or else
 * from the executed copy an earlier run left (`--only` makes one of them).
 */
async function indexEntries(out: string, made: NotebookReport[]) {
  const entries = [];
  for (const [name, blurb] of Object.entries(NOTEBOOKS)) {
    const summary = made.find((r) => r.name === name)?.summary ?? await earlierSummary(out, name);
    if (summary) entries.push({ name, blurb, summary });
  }
  return entries;
}

/** The summary of `out/NAME.ipynb` when `out/NAME.html` exists too, else undefined. */
async function earlierSummary(out: string, name: string): Promise<ReportSummary | undefined> {
  try {
    await Deno.stat(join(out, `${name}.html`));
    return readSummary(JSON.parse(await Deno.readTextFile(join(out, `${name}.ipynb`))));
  } catch {
    return undefined; // not made yet
  }
}

/** The `application/x-mnist-summary+json` output of the executed notebook. */
export function readSummary(
  nb: { cells: { outputs?: { data?: Record<string, unknown> }[] }[] },
): ReportSummary {
  for (const cell of nb.cells) {
    for (const output of cell.outputs ?? []) {
      const summary = output.data?.["application/x-mnist-summary+json"];
      if (summary) return summary as ReportSummary;
    }
  }
  throw new Error("Cannot find the summary in the executed notebook: its last cell did not run");
}

if (import.meta.main) {
  try {
    const { values } = parseArgs({
      args: Deno.args,
      options: {
        out: { type: "string" },
        only: { type: "string" },
        full: { type: "boolean" },
        help: { type: "boolean" },
      },
    });
    if (values.help) {
      console.log(REPORT_HELP);
      Deno.exit(0);
    }
    if (values.full) {
      const settings = Object.entries(FULL_SETTINGS).map(([k, v]) => `${k}=${v}`).join(" ");
      console.log(
        `--full: every notebook at its full settings (${settings}); the convolutions notebook ` +
          `took ${FULL_MINUTES.convolutions} minutes on a 2-core machine, the further notebook ` +
          `${FULL_MINUTES.further}, the others add to them.`,
      );
    }
    const t0 = performance.now();
    const { reports, indexPath } = await makeReport({
      out: values.out,
      only: values.only as NotebookName | undefined,
      full: values.full,
      progress: true,
    });
    const pct = (v: number) => `${(100 * v).toFixed(2)}%`;
    for (const r of reports) {
      console.log(
        `${r.name}: executed in ${r.executeSeconds.toFixed(1)} s → ${r.htmlPath} (${
          (r.bytes / 1e6).toFixed(2)
        } MB, ${r.equations} equations, self-contained)`,
      );
      console.log(
        `  test ${pct(r.summary.test_accuracy)}, dev ${pct(r.summary.dev_accuracy)}` +
          (r.summary.train_accuracy !== undefined
            ? `, train ${pct(r.summary.train_accuracy as number)}`
            : ""),
      );
    }
    console.log(`Index: ${indexPath} (${((performance.now() - t0) / 1000).toFixed(0)} s in all)`);
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    Deno.exit(1);
  }
}
