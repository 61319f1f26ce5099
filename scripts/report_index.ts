/**
 * The reports' index page: one card per executed notebook, linking its page, with its headline
 * figures (test and dev accuracy, seconds of training). Self-contained, like the reports.
 *
 * @module
 */

/** The summary a notebook's last cell publishes (`application/x-mnist-summary+json`). */
export interface ReportSummary {
  test_accuracy: number;
  dev_accuracy: number;
  [key: string]: unknown;
}

/** The index page: one card per report, with its headline accuracy and time. */
export function indexHtml(
  entries: { name: string; blurb: string; summary: ReportSummary }[],
): string {
  const pct = (v: number) => `${(100 * v).toFixed(2)}%`;
  const cards = entries.map(({ name, blurb, summary }) => {
    const seconds = Number(summary.seconds ?? summary.train_seconds);
    const facts = [
      `test accuracy <b>${pct(summary.test_accuracy)}</b>`,
      `dev ${pct(summary.dev_accuracy)}`,
      Number.isFinite(seconds) ? `${seconds.toFixed(1)} s of training` : "",
    ].filter(Boolean).join(" · ");
    return `<a class="card" href="${name}.html"><h2>${name}.html</h2><p>${blurb}</p>` +
      `<p class="facts" data-testid="facts-${name}">${facts}</p></a>`;
  }).join("\n");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>MNIST from scratch — reports</title><style>
body { font: 16px/1.5 system-ui, sans-serif; max-width: 760px; margin: 48px auto; padding: 0 16px; color: #222; }
.card { display: block; border: 1px solid #ccc; border-radius: 8px; padding: 12px 20px; margin: 16px 0; color: inherit; text-decoration: none; }
.card:hover { border-color: #4269d0; }
.card h2 { margin: 0; color: #4269d0; font-size: 20px; }
.facts { color: #555; }
</style></head><body>
<h1>MNIST from scratch, in TypeScript</h1>
<p>A neural network learns to read handwritten digits, every equation written out as code. Each report is one executed notebook, with its figures and a digit pad to draw on; it works offline.</p>
${cards}
</body></html>
`;
}
