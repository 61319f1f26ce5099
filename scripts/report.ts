/**
 * `deno task report`: the main job. From a clean clone it makes the data, executes
 * `notebooks/mnist.ipynb` on a project-local Deno kernelspec (the user's Jupyter setup is never
 * touched), exports one self-contained HTML file and prints its path and the final accuracies.
 *
 * Flags: `--out DIR` (default `reports/`), `--notebook PATH`. Environment variables
 * `MNIST_ITERATIONS`, `MNIST_ALPHA` and `MNIST_SEED` pass through to the notebook's parameters
 * cell (the tests use them for a short run).
 *
 * @module
 */

import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { basename, join } from "node:path";
import { makeData } from "../lib/mod.ts";
import { externalResources, renderMath } from "./report_html.ts";

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

async function run(cmd: string, args: string[], env: Record<string, string> = {}): Promise<void> {
  const out = await new Deno.Command(cmd, { args, env, stdout: "piped", stderr: "piped" }).output();
  if (!out.success) {
    const err = new TextDecoder().decode(out.stderr).trim().split("\n").filter((l) => l.trim()).at(
      -1,
    );
    throw new Error(err ?? `${basename(cmd)} failed`);
  }
}

/** The summary the notebook's last cell publishes. */
export interface ReportSummary {
  train_accuracy: number;
  dev_accuracy: number;
  test_accuracy: number;
  [key: string]: unknown;
}

/**
 * Execute the notebook and export the report.
 *
 * @returns Paths written, the summary and timings.
 */
export async function makeReport(options: { out?: string; notebook?: string } = {}) {
  const out = options.out ?? join(root, "reports");
  const notebook = options.notebook ?? join(root, "notebooks", "mnist.ipynb");
  const name = basename(notebook, ".ipynb");
  await Deno.mkdir(out, { recursive: true });
  await makeData(join(root, "data"));
  const python = await findJupyterPython();
  const kernels = await writeKernelspec();
  const executed = join(out, `${name}.ipynb`);
  const t0 = performance.now();
  try {
    await run(python, [join(root, "scripts", "execute_notebook.py"), notebook, executed], {
      JUPYTER_PATH: kernels,
    });
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
    const external = externalResources(html);
    if (external.length) {
      throw new Error(`Cannot make a self-contained report: it would load ${external.join(", ")}`);
    }
    const htmlPath = join(out, `${name}.html`);
    await Deno.writeTextFile(`${htmlPath}.tmp`, html);
    await Deno.rename(`${htmlPath}.tmp`, htmlPath);
    const summary = readSummary(JSON.parse(await Deno.readTextFile(executed)));
    return { htmlPath, executed, summary, equations, bytes: html.length, executeSeconds };
  } finally {
    await Deno.remove(exportDir, { recursive: true });
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
      options: { out: { type: "string" }, notebook: { type: "string" } },
    });
    console.log("Executing notebooks/mnist.ipynb on the Deno kernel…");
    const r = await makeReport(values);
    const pct = (v: number) => `${(100 * v).toFixed(2)}%`;
    console.log(`Executed in ${r.executeSeconds.toFixed(1)} s → ${r.executed}`);
    console.log(
      `Report: ${r.htmlPath} (${
        (r.bytes / 1e6).toFixed(2)
      } MB, ${r.equations} equations, self-contained)`,
    );
    console.log(
      `Accuracy after ${r.summary.iterations} iterations: train ${
        pct(r.summary.train_accuracy)
      }, ` +
        `dev ${pct(r.summary.dev_accuracy)}, test ${pct(r.summary.test_accuracy)}`,
    );
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    Deno.exit(1);
  }
}
