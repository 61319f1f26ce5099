/**
 * The product test: execute the notebook (short: MNIST_ITERATIONS=60) through the same code as
 * `deno task report`, check its outputs, then open the exported HTML in headless Chromium with
 * every network request blocked.
 */

import assert from "node:assert/strict";
import { decode } from "fast-png";
import { chromium } from "playwright-core";
import { makeReport } from "../../scripts/report.ts";

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

const CHROMIUM = "/usr/bin/chromium";
const text = (s: string[] | string | undefined) => (Array.isArray(s) ? s.join("") : s ?? "");

Deno.test("the notebook executes, and its report renders offline in Chromium", async (t) => {
  Deno.env.set("MNIST_ITERATIONS", "60");
  const out = await Deno.makeTempDir({ prefix: "mnist-report-test-" });
  const report = await makeReport({ out });
  const nb = JSON.parse(await Deno.readTextFile(report.executed)) as { cells: Cell[] };
  const code = nb.cells.filter((c) => c.cell_type === "code");

  await t.step("no cell raised an error", () => {
    const errors = code.flatMap((c) => c.outputs!.filter((o) => o.output_type === "error"));
    assert.deepEqual(errors.map((e) => `${e.ename}: ${e.evalue}`), []);
  });

  await t.step("every code cell but the imports shows something", () => {
    code.forEach((cell, i) => {
      const isImport = /^import /m.test(text(cell.source)) &&
        !/await|console/.test(text(cell.source));
      if (!isImport) {
        assert.ok(
          cell.outputs!.length > 0,
          `code cell ${i + 1} has no output:\n${text(cell.source)}`,
        );
      }
    });
  });

  await t.step(
    "the training cell prints the seed's lines and keeps the live curve's final state",
    () => {
      const cell = code.find((c) => text(c.source).includes("liveOutput()"))!;
      const printed = cell.outputs!.filter((o) => o.output_type === "stream").map((o) =>
        text(o.text)
      ).join("");
      assert.match(printed, /^Iteration: 0\nAccuracy: 0\.\d{4}\n/);
      assert.equal(cell.outputs![0].output_type, "display_data", "the curve above the lines");
      const live = cell.outputs!.filter((o) => o.data?.["text/html"]);
      assert.equal(live.length, 1, "one display, updated in place");
      assert.match(String(live[0].data!["text/html"]), /Accuracy while training/);
    },
  );

  await t.step("the figures are there, as HTML, never as bare SVG", () => {
    const html = code.flatMap((c) => c.outputs!.map((o) => String(o.data?.["text/html"] ?? "")));
    const figures = html.filter((h) => h.startsWith("<figure"));
    assert.ok(figures.length >= 8, `${figures.length} figures`);
    for (
      const title of [
        "Accuracy: train and dev",
        "Loss: train and dev",
        "Misclassified digits",
        "Confusion matrix",
        "First-layer weights",
        "correct vs original bias gradient",
      ]
    ) {
      assert.ok(figures.some((f) => f.includes(title)), `a figure titled "${title}"`);
    }
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

  await t.step("the summary holds the three accuracies", () => {
    for (const key of ["train_accuracy", "dev_accuracy", "test_accuracy"] as const) {
      assert.ok(
        report.summary[key] > 0.3 && report.summary[key] <= 1,
        `${key} = ${report.summary[key]}`,
      );
    }
    assert.equal(report.summary.iterations, 60);
  });

  await t.step(
    "Chromium shows the report with the network off: no request, no console error",
    async () => {
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: [
          "--no-sandbox",
          "--disable-gpu",
          "--disable-quic",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
        ],
      }).catch((error: Error) => {
        throw new Error(
          `Cannot start Chromium at ${CHROMIUM} (apt-get install chromium): ${
            error.message.split("\n")[0]
          }`,
        );
      });
      try {
        const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
        const blocked: string[] = [], problems: string[] = [];
        await page.route("**/*", (route) => {
          const url = route.request().url();
          if (url.startsWith("file:") || url.startsWith("data:")) return route.continue();
          blocked.push(url);
          return route.abort();
        });
        page.on("console", (m) => m.type() === "error" && problems.push(`console: ${m.text()}`));
        page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
        await page.goto(`file://${report.htmlPath}`, { waitUntil: "load" });
        assert.deepEqual(blocked, [], "requests that tried to leave the page");
        assert.deepEqual(problems, []);

        assert.ok(await page.locator("math").count() >= 30, "equations rendered as MathML");
        const mathBox = await page.locator("math[display=block]").first().boundingBox();
        assert.ok(
          mathBox && mathBox.height > 60,
          "the forward equations take real space on screen",
        );
        assert.ok(await page.locator("figure").count() >= 8);
        assert.ok(await page.locator("figure svg image").count() >= 50, "digit images");
        assert.match(
          await page.locator("body").innerText(),
          /\d→\d \d+%/,
          "mistakes captioned true→predicted",
        );

        const png = decode(await page.screenshot({ fullPage: true }));
        const channels = png.channels;
        let ink = 0;
        for (let p = 0; p < png.data.length; p += channels) if (png.data[p] < 200) ink++;
        const share = ink / (png.width * png.height);
        assert.ok(png.height > 5000, `a long page (${png.height}px)`);
        assert.ok(
          share > 0.01 && share < 0.6,
          `screenshot is not blank: ${(100 * share).toFixed(1)}% dark pixels`,
        );
      } finally {
        await browser.close();
      }
    },
  );
  await Deno.remove(out, { recursive: true });
});
