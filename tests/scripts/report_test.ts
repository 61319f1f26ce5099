/**
 * The product test: execute the three notebooks (short runs, set by environment variables) through
 * the same code as `deno task report`, check their outputs, then open the exported pages in
 * headless Chromium with every network request blocked, and draw digits on their pads with the
 * mouse.
 */

import assert from "node:assert/strict";
import { decode } from "fast-png";
import { denseSizes, layersText, loadModel, readLabeledCsv } from "../all.ts";
import { makeReport } from "../../scripts/report.ts";
import { checkPad, launch, open } from "../browser.ts";
import { runTask } from "../helpers.ts";
import {
  checkBeyond,
  checkConvolutions,
  checkFurther,
  checkMnist,
  type NotebookJson,
} from "../notebook/claims.ts";

type Output = {
  output_type: string;
  data?: Record<string, unknown>;
  text?: string[] | string;
  ename?: string;
  evalue?: string;
};
type Cell = {
  cell_type: string;
  source: string[] | string;
  outputs?: Output[];
  metadata?: { tags?: string[] };
};

const text = (s: string[] | string | undefined) => (Array.isArray(s) ? s.join("") : s ?? "");

// Short runs, yet networks good enough to read a drawn digit.
Deno.env.set("MNIST_ITERATIONS", "300");
Deno.env.set("BEYOND_EPOCHS", "1");
Deno.env.set("BEYOND_FULL_BATCH_STEPS", "20");
Deno.env.set("CONV_EPOCHS", "1");
Deno.env.set("LONG_EPOCHS", "2");
Deno.env.set("CONV_TRAIN_SIZE", "12000");
Deno.env.set("FURTHER_TRAIN_SIZE", "6000");
Deno.env.set("FURTHER_EPOCHS", "1");
const out = await Deno.makeTempDir({ prefix: "mnist-report-test-" });
const { reports, indexPath } = await makeReport({ out });
const [mnist, beyond, convolutions, further] = reports;
const cellsOf = async (path: string) =>
  (JSON.parse(await Deno.readTextFile(path)) as { cells: Cell[] }).cells.filter((c) =>
    c.cell_type === "code"
  );

/**
 * Every code cell but the imports shows something, none raised an error, and none printed a
 * value by accident (a cell ending in an expression shows it: a network's weights, say).
 */
function checkCells(code: Cell[]) {
  const errors = code.flatMap((c) => c.outputs!.filter((o) => o.output_type === "error"));
  assert.deepEqual(errors.map((e) => `${e.ename}: ${e.evalue}`), []);
  const results = code.flatMap((c) => c.outputs!.filter((o) => o.output_type === "execute_result"));
  assert.deepEqual(results.map((o) => String(o.data?.["text/plain"]).slice(0, 80)), []);
  code.forEach((cell, i) => {
    const source = text(cell.source);
    const isImport = /^import /m.test(source) && !/await|console/.test(source);
    // A cell that defines a helper and runs nothing at its top level.
    const isDefinition = /^(async )?function /m.test(source) && !/^(await|console)\b/m.test(source);
    if (!isImport && !isDefinition) {
      assert.ok(
        cell.outputs!.length > 0,
        `code cell ${i + 1} has no output:\n${text(cell.source)}`,
      );
    }
  });
}

const htmlOutputs = (code: Cell[]) =>
  code.flatMap((c) => c.outputs!.map((o) => String(o.data?.["text/html"] ?? "")));

const notebookOf = async (path: string) =>
  JSON.parse(await Deno.readTextFile(path)) as NotebookJson & { cells: Cell[] };

/**
 * Each title once: no Markdown heading repeats a figure's own title, and no two figures share
 * one (a chart shown twice).
 */
function checkTitles(cells: Cell[]) {
  const headings = cells.filter((c) => c.cell_type === "markdown").flatMap((c) =>
    [...text(c.source).matchAll(/^#+ (.+)$/gm)].map((m) => m[1].trim())
  );
  const titles = htmlOutputs(cells.filter((c) => c.cell_type === "code"))
    .filter((h) => h.startsWith("<figure"))
    .flatMap((h) => [...h.matchAll(/<h2[^>]*>([^<]+)<\/h2>/g)].map((m) => m[1].trim()));
  assert.deepEqual(
    headings.filter((h) => titles.includes(h)),
    [],
    "a heading repeats a figure's title",
  );
  assert.deepEqual(
    titles.filter((t, i) => titles.indexOf(t) !== i),
    [],
    "figures with the same title",
  );
}

/** The figures of `code`, after checking that each of `titles` is in one of them. */
function figuresWith(code: Cell[], titles: string[]): string[] {
  const figures = htmlOutputs(code).filter((h) => h.startsWith("<figure"));
  for (const title of titles) {
    assert.ok(figures.some((f) => f.includes(title)), `a figure titled "${title}"`);
  }
  return figures;
}

/** Every step's line is in both dev-accuracy charts' legends. */
function checkStepCharts(figures: string[], steps: { name: string }[]) {
  const charts = figures.filter((f) => f.includes("Dev accuracy against"));
  assert.equal(charts.length, 2, "against epochs and against seconds");
  for (const chart of charts) {
    for (const s of steps) assert.ok(chart.includes(s.name), `${s.name} in the chart`);
  }
}

/**
 * A Kaggle submission's accuracy on MNIST's test digits, after checking its form: a header and
 * 28,000 rows. The last 10,000 rows of test.csv are MNIST's test set (data/README.md).
 */
async function submissionAccuracy(path: string): Promise<number> {
  const lines = (await Deno.readTextFile(path)).trimEnd().split("\n");
  assert.equal(lines[0], "ImageId,Label");
  assert.equal(lines.length, 28001);
  assert.match(lines[1], /^1,\d$/);
  assert.match(lines[28000], /^28000,\d$/);
  const known = await readLabeledCsv("data/mnist_test.csv");
  const right = known.labels.filter((y, j) => Number(lines[18001 + j].split(",")[1]) === y);
  return right.length / known.count;
}

/** Each title once, and the notebook's computed claims agree with its other outputs. */
async function checkTitlesAndClaims(
  executed: string,
  check: (nb: NotebookJson) => string[],
) {
  const nb = await notebookOf(executed);
  checkTitles(nb.cells);
  assert.deepEqual(check(nb), []);
}

Deno.test("the seed notebook executes and shows what it should", async (t) => {
  const report = mnist;
  assert.equal(report.name, "mnist");
  const code = await cellsOf(report.executed);

  await t.step("no cell raised an error; every code cell but the imports shows something", () => {
    checkCells(code);
  });

  await t.step(
    "the training cell prints the seed's lines and keeps the live curve's final state",
    () => {
      const cell = code.find((c) => text(c.source).includes("liveOutput()"))!;
      const printed = cell.outputs!.filter((o) => o.output_type === "stream").map((o) =>
        text(o.text)
      ).join("");
      assert.match(printed, /^Iteration: 0\nAccuracy: 0\.\d{4}\n/);
      assert.equal(cell.outputs![0].output_type, "display_data", "the displays above the lines");
      const html = cell.outputs!.filter((o) => o.data?.["text/html"]).map((o) =>
        String(o.data!["text/html"])
      );
      const live = html.filter((h) => h.includes("Accuracy while training"));
      assert.equal(live.length, 1, "one curve, updated in place");
      // fit's progress line, settled on its last iteration.
      const progress = html.filter((h) => h.startsWith("<pre>"));
      assert.equal(progress.length, 1, "one progress line, updated in place");
      assert.match(
        progress[0],
        /^<pre>784-10-10-10: iteration 300 of 300 · loss \d\.\d{4} · dev \d+\.\d{2}% · /,
      );
    },
  );

  await t.step("the figures are there, as HTML, never as bare SVG", () => {
    const figures = figuresWith(code, [
      "Accuracy while training",
      "Loss: train and dev",
      "Misclassified digits",
      "Confusion matrix",
      "First-layer weights",
      "correct vs original bias gradient",
      "Draw a digit",
    ]);
    assert.ok(figures.length >= 8, `${figures.length} figures`);
    const svgOutputs = code.flatMap((c) => c.outputs!.filter((o) => o.data?.["image/svg+xml"]));
    assert.equal(svgOutputs.length, 0);
  });

  await t.step(
    "the gradient checks: the right gradient passes, the original's fails on biases",
    () => {
      const tables = code.flatMap((c) =>
        c.outputs!.map((o) => String(o.data?.["text/markdown"] ?? ""))
      ).filter((t) => t.startsWith("| parameter | checked"));
      assert.equal(tables.length, 2, "one table for each gradient");
      const errors = (table: string) =>
        Object.fromEntries(
          table.split("\n").slice(2).map((row) => row.split("|").map((c) => c.trim()))
            .map((cells) => [cells[1], Number(cells[7])]),
        );
      const [right, original] = tables.map(errors);
      assert.deepEqual(Object.keys(right), ["W1", "b1", "W2", "b2", "W3", "b3"]);
      for (const [name, error] of Object.entries(right)) {
        assert.ok(
          error <= 1e-6,
          `${name}: ${error}`,
        );
      }
      for (const [name, error] of Object.entries(original)) {
        if (name.startsWith("b")) assert.ok(error >= 1e-1, `original ${name}: ${error}`);
        else assert.ok(error <= 1e-6, `original ${name}: ${error}`);
      }
    },
  );

  await t.step("each title once; the computed claims agree with the outputs", async () => {
    const beyondNb = await notebookOf(beyond.executed);
    await checkTitlesAndClaims(report.executed, (nb) => checkMnist(nb, beyondNb));
  });

  await t.step("the summary holds the three accuracies", () => {
    for (const key of ["train_accuracy", "dev_accuracy", "test_accuracy"] as const) {
      const value = report.summary[key] as number;
      // 300 iterations: 0.85, 0.83 and 0.85 here; a broken loop stays near chance, 0.1.
      assert.ok(value > 0.8 && value <= 1, `${key} = ${value}`);
    }
    assert.equal(report.summary.iterations, 300);
  });
});

Deno.test("the beyond notebook executes: every step, the table, the curves, a model and a submission", async (t) => {
  assert.equal(beyond.name, "beyond");
  const code = await cellsOf(beyond.executed);
  const steps = beyond.summary.steps as { name: string; test_accuracy: number }[];

  await t.step("no cell raised an error; every code cell but the imports shows something", () => {
    checkCells(code);
  });

  await t.step("eight steps, from the seed to shifts, each trained and scored", () => {
    assert.deepEqual(
      steps.map((s) => s.name.split(" · ")[0]),
      Array.from({ length: 8 }, (_, i) => String(i)),
    );
    // 20 full-batch steps, then one epoch each: short, but every step learns. Here the seed's
    // 20 steps reach 0.21 and He's 0.36 (chance: 0.1), an epoch of mini-batches 0.85 and more,
    // the wide network's epoch 0.96.
    assert.ok(steps[0].test_accuracy > 0.18, steps[0].name);
    assert.ok(steps[1].test_accuracy > 0.33, steps[1].name);
    for (const s of steps.slice(2)) {
      assert.ok(s.test_accuracy > 0.8 && s.test_accuracy <= 1, s.name);
    }
    for (const s of steps.slice(5)) assert.ok(s.test_accuracy > 0.93, s.name);
    // Even one epoch of the wide network beats 20 full-batch steps of the seed's.
    assert.ok(steps[7].test_accuracy > steps[0].test_accuracy + 0.1);
    assert.equal(beyond.summary.test_accuracy, steps[7].test_accuracy);
  });

  await t.step("the table of all steps and the curves against epochs and seconds", () => {
    const table = code.flatMap((c) =>
      c.outputs!.map((o) => String(o.data?.["text/markdown"] ?? ""))
    )
      .find((m) => m.startsWith("| step |"))!;
    assert.ok(table, "a table of the steps");
    const rows = table.split("\n").slice(2);
    assert.equal(rows.length, 8);
    assert.match(rows[0], /784-10-10-10 \| full batch, sgd, lr 0\.1, constant, seed init \| 20 \|/);
    assert.match(
      rows[7],
      /784-256-128-10 \| batch 128, adam, lr 0\.003, cosine, ±1 px, He \| 1 \|/,
    );
    const figures = figuresWith(code, [
      "Confusion matrix",
      "Misclassified digits",
      "Draw a digit",
      "a random shift of each",
    ]);
    checkStepCharts(figures, steps);
  });

  await t.step("each title once; the computed claims agree with the outputs", async () => {
    await checkTitlesAndClaims(beyond.executed, checkBeyond);
  });

  await t.step("no page or executed notebook shows a path of this machine", async () => {
    // An absolute path starts a token: after a quote, a space, `=`, `(` or `>`. (A relative one,
    // such as the notebook's `../reports`, is the user's own choice of folder.)
    const roots = [new URL("../..", import.meta.url).pathname, out, Deno.env.get("HOME") ?? "/root"]
      .map((p) => p.split("/")[1]);
    const absolute = new RegExp(
      `(?:^|[\\s"'=(>;]|&#34;)(/(?:${
        [...new Set([...roots, "tmp", "home"])].join("|")
      })/[^\\s"'<]*)`,
      "m",
    );
    const names = ["mnist", "beyond", "convolutions", "further"].flatMap((
      n,
    ) => [`${n}.html`, `${n}.ipynb`]);
    for (const name of [...names, "index.html"]) {
      const content = await Deno.readTextFile(`${out}/${name}`);
      const found = content.match(absolute);
      assert.equal(found, null, `${name} shows the local path ${found?.[1]}`);
      assert.doesNotMatch(content, /file:\/\/\//, `${name} links a local file`);
    }
  });

  await t.step("the saved model is the final network; the submission has 28,000 rows", async () => {
    const { network } = await loadModel(`${out}/beyond_model.json`);
    assert.deepEqual(denseSizes(network), [784, 256, 128, 10]);
    const accuracy = await submissionAccuracy(`${out}/submission.csv`);
    assert.ok(Math.abs(accuracy - beyond.summary.test_accuracy) < 1e-9, `${accuracy}`);
  });
});

Deno.test("the convolutions notebook executes: every step, the table, the curves, kernels, a model and a submission", async (t) => {
  assert.equal(convolutions.name, "convolutions");
  const code = await cellsOf(convolutions.executed);
  const steps = convolutions.summary.steps as {
    name: string;
    test_accuracy: number;
    dev_accuracy: number;
  }[];

  await t.step("no cell raised an error; every code cell but the imports shows something", () => {
    checkCells(code);
  });

  await t.step("eleven steps, from the line to beat to test-time shifts, each scored", () => {
    assert.deepEqual(
      steps.map((s) => s.name.split(" · ")[0]),
      Array.from({ length: 11 }, (_, i) => String(i)),
    );
    // One epoch of 12,000 images: every step reads 92% to 97% of the test digits here; step 8's
    // two epochs 98%.
    for (const s of steps) assert.ok(s.test_accuracy > 0.9 && s.test_accuracy <= 1, s.name);
    assert.ok(steps[8].test_accuracy > 0.97, steps[8].name);
    // The final answer is the step best on dev, and the summary gives its scores.
    const best = Math.max(...steps.map((s) => s.dev_accuracy));
    const final = steps.findLast((s) => s.dev_accuracy === best)!;
    assert.equal(convolutions.summary.final, final.name);
    assert.equal(convolutions.summary.test_accuracy, final.test_accuracy);
  });

  await t.step("the table has a row per step; the charts name every step", () => {
    const markdown = code.flatMap((c) =>
      c.outputs!.map((o) => String(o.data?.["text/markdown"] ?? ""))
    );
    const table = markdown.find((m) => m.startsWith("| step |"))!;
    assert.ok(table, "a table of the steps");
    const rows = table.split("\n").slice(2);
    assert.equal(rows.length, steps.length);
    assert.match(
      rows[0],
      /\| 784-256-128-10 \| batch 128, adam, lr 0\.003, cosine, ±1 px, He \| 1 \|/,
    );
    assert.match(rows[1], /\| conv5x16 \| batch 64, adam, lr 0\.001, cosine, He \| 1 \|/);
    assert.match(
      rows[8],
      /conv5x32,pool2,conv5x64,pool2,dense256 \| batch 64, adam, lr 0\.001, cosine, ±2 px, ±10°, ±10%, He \| 2 \|/,
    );
    assert.match(rows[10], /mean of 3 networks × 5 shifts/);
    const figures = figuresWith(code, [
      "Four kernels written by hand",
      "Their feature maps of the first test digit",
      "rotated, scaled and shifted at random",
      "32 kernels, 5×5 each",
      "What the network sees",
      "Confusion matrix",
      "Misclassified digits",
      "Draw a digit",
    ]);
    checkStepCharts(figures, steps);
  });

  await t.step("each title once; the computed claims agree with the outputs", async () => {
    await checkTitlesAndClaims(convolutions.executed, checkConvolutions);
  });

  await t.step(
    "the model file holds step 8's network; the submission has 28,000 rows",
    async () => {
      const { network } = await loadModel(`${out}/convolutions_model.json`);
      assert.equal(layersText(network.layers), "conv5x32,pool2,conv5x64,pool2,dense256");
      // Step 8's network wrote it: its predictions score as step 8 did.
      const accuracy = await submissionAccuracy(`${out}/convolutions_submission.csv`);
      assert.ok(Math.abs(accuracy - steps[8].test_accuracy) < 1e-9, `${accuracy}`);
    },
  );
});

Deno.test("the further notebook executes: every step, the bn figure, the table, a model and a submission", async (t) => {
  assert.equal(further.name, "further");
  const code = await cellsOf(further.executed);
  const steps = further.summary.steps as {
    name: string;
    test_accuracy: number;
    dev_accuracy: number;
  }[];

  await t.step("no cell raised an error; every code cell but the imports shows something", () => {
    checkCells(code);
  });

  await t.step("nine steps, from the line to beat to the ensemble, each scored", () => {
    assert.deepEqual(
      steps.map((s) => s.name.split(" · ")[0]),
      Array.from({ length: 9 }, (_, i) => String(i)),
    );
    // One epoch of 6,000 images: 93% to 98% here; a broken bn or dropout reads near chance.
    for (const s of steps) assert.ok(s.test_accuracy > 0.9 && s.test_accuracy <= 1, s.name);
    const best = Math.max(...steps.map((s) => s.dev_accuracy));
    const final = steps.findLast((s) => s.dev_accuracy === best)!;
    assert.equal(further.summary.final, final.name);
    assert.equal(further.summary.test_accuracy, final.test_accuracy);
    const singles = steps.slice(0, 8), bestSingle = Math.max(...singles.map((s) => s.dev_accuracy));
    assert.equal(
      further.summary.single,
      singles.findLast((s) => s.dev_accuracy === bestSingle)!.name,
    );
  });

  await t.step("the table has a row per step; the figures are there", () => {
    const markdown = code.flatMap((c) =>
      c.outputs!.map((o) => String(o.data?.["text/markdown"] ?? ""))
    );
    const table = markdown.find((m) => m.startsWith("| step |"))!;
    assert.ok(table, "a table of the steps");
    const rows = table.split("\n").slice(2);
    assert.equal(rows.length, steps.length);
    assert.match(rows[1], /conv5x32,pool2,conv5x64,pool2,dense256 \| batch 64, adam, lr 0\.01,/);
    assert.match(rows[2], /conv5x32,bn,pool2,conv5x64,bn,pool2,dense256,bn \|/);
    assert.match(rows[8], /mean of 3 networks × 5 shifts/);
    const figures = figuresWith(code, [
      "What the second convolution reads, as training goes",
      "each bent, rotated, scaled and shifted at random",
      "Confusion matrix",
      "Misclassified digits",
      "Draw a digit",
    ]);
    checkStepCharts(figures, steps);
  });

  await t.step("each title once; the computed claims agree with the outputs", async () => {
    await checkTitlesAndClaims(further.executed, checkFurther);
  });

  await t.step("the model file holds the best single network, bn statistics included", async () => {
    const { network } = await loadModel(`${out}/further_model.json`);
    const single = steps.find((s) => s.name === further.summary.single)!;
    assert.ok(network.params.some((p) => p?.runningMean?.some((v) => v !== 0)));
    const accuracy = await submissionAccuracy(`${out}/further_submission.csv`);
    assert.ok(Math.abs(accuracy - single.test_accuracy) < 1e-9, `${accuracy}`);
  });
});

Deno.test("the index page links the four reports with their headline figures", async () => {
  const html = await Deno.readTextFile(indexPath);
  const pct = (v: number) => `${(100 * v).toFixed(2)}%`;
  for (const report of [mnist, beyond, convolutions, further]) {
    assert.match(html, new RegExp(`href="${report.name}\\.html"`));
    assert.ok(html.includes(`test accuracy <b>${pct(report.summary.test_accuracy)}</b>`));
  }
  assert.equal(html.match(/\d s of training/g)?.length, 4, "each with its training time");
});

Deno.test("in Chromium, offline: the reports render, and their digit pads read drawn digits", async (t) => {
  const browser = await launch();
  try {
    await t.step("the seed's report: equations, figures, digits, a working pad", async () => {
      const { page, blocked, problems } = await open(browser, mnist.htmlPath);
      assert.deepEqual(blocked, [], "requests that tried to leave the page");
      assert.deepEqual(problems, []);
      assert.ok(await page.locator("math").count() >= 30, "equations rendered as MathML");
      const mathBox = await page.locator("math[display=block]").first().boundingBox();
      assert.ok(mathBox && mathBox.height > 60, "the forward equations take real space on screen");
      assert.ok(await page.locator("figure").count() >= 8);
      assert.ok(await page.locator("figure svg image").count() >= 50, "digit images");
      assert.match(
        await page.locator("body").innerText(),
        /\d→\d \d+%/,
        "mistakes captioned true→predicted",
      );
      const png = decode(await page.screenshot({ fullPage: true }));
      let ink = 0;
      for (let p = 0; p < png.data.length; p += png.channels) if (png.data[p] < 200) ink++;
      const share = ink / (png.width * png.height);
      assert.ok(png.height > 5000, `a long page (${png.height}px)`);
      assert.ok(share > 0.01 && share < 0.6, `not blank: ${(100 * share).toFixed(1)}% dark`);
      await checkPad(page);
      assert.deepEqual(problems, [], "nothing went wrong while drawing");
      assert.deepEqual(blocked, []);
    });

    await t.step("the beyond report: equations, the curves, a working pad", async () => {
      const { page, blocked, problems } = await open(browser, beyond.htmlPath);
      assert.deepEqual(blocked, []);
      assert.deepEqual(problems, []);
      assert.ok(await page.locator("math").count() >= 15, "equations rendered as MathML");
      assert.ok(await page.locator("figure svg path").count() >= 16, "the curves are drawn");
      await checkPad(page);
      assert.deepEqual(problems, []);
      assert.deepEqual(blocked, []);
    });

    await t.step(
      "the convolutions report: equations, kernels, the curves, a working pad",
      async () => {
        const { page, blocked, problems } = await open(browser, convolutions.htmlPath);
        assert.deepEqual(blocked, []);
        assert.deepEqual(problems, []);
        assert.ok(await page.locator("math").count() >= 10, "equations rendered as MathML");
        assert.ok(await page.locator("figure svg path").count() >= 22, "the curves are drawn");
        await checkPad(page);
        assert.deepEqual(problems, []);
        assert.deepEqual(blocked, []);
      },
    );

    await t.step("the further report: equations, the bn figure, a working pad", async () => {
      const { page, blocked, problems } = await open(browser, further.htmlPath);
      assert.deepEqual(blocked, []);
      assert.deepEqual(problems, []);
      assert.ok(await page.locator("math").count() >= 10, "equations rendered as MathML");
      assert.ok(await page.locator("figure svg path").count() >= 20, "the bands and curves");
      await checkPad(page);
      assert.deepEqual(problems, []);
      assert.deepEqual(blocked, []);
    });

    await t.step("the index links the four", async () => {
      const { page, blocked, problems } = await open(browser, indexPath);
      assert.equal(await page.getByRole("link", { name: /further\.html/ }).count(), 1);
      await page.getByRole("link", { name: /beyond\.html/ }).click();
      await page.waitForLoadState("load");
      assert.ok(page.url().endsWith("/beyond.html"));
      assert.deepEqual(blocked, []);
      assert.deepEqual(problems, []);
    });
  } finally {
    await browser.close();
  }
});

Deno.test("makeReport() names the notebooks it knows when --only names another", async () => {
  await assert.rejects(
    () => makeReport({ out, only: "seed" as "mnist" }),
    /^Error: Cannot report notebook "seed": expected one of mnist, beyond, convolutions, further$/,
  );
});

Deno.test("deno task report --help prints its flags and the full settings, and runs nothing", async () => {
  const { code, stdout } = await runTask("report", ["--help"]);
  assert.equal(code, 0);
  assert.match(
    stdout,
    /^Usage: deno task report \[--only mnist\|beyond\|convolutions\|further\] \[--full\]/m,
  );
  assert.match(stdout, /CONV_EPOCHS=15/);
  assert.doesNotMatch(stdout, /executed in/);
});

Deno.test({
  name: "(cleanup)",
  fn: () => Deno.remove(out, { recursive: true }),
});
