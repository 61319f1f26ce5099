/**
 * The confusion matrix as a heatmap.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { plotDocument, toHtml } from "./dom.ts";

/**
 * A heatmap of `C[truth][predicted]` with the count in each cell; the diagonal holds the right
 * answers. Colour grows with the square root of the count so the off-diagonal errors show.
 */
export function confusionHeatmap(
  C: number[][],
  options: { title?: string; subtitle?: string } = {},
): string {
  const cells = C.flatMap((row, truth) =>
    row.map((count, predicted) => ({ truth, predicted, count }))
  );
  type Cell = (typeof cells)[number];
  const max = Math.max(...cells.map((c) => c.count));
  const fig = Plot.plot({
    document: plotDocument(),
    title: options.title ?? "Confusion matrix",
    subtitle: options.subtitle ?? "Rows: the true digit; columns: the prediction",
    width: 520,
    height: 500,
    marginLeft: 50,
    padding: 0.04,
    x: { label: "Predicted", axis: "top", type: "band" },
    y: { label: "True", type: "band" },
    color: { type: "sqrt", scheme: "blues", domain: [0, max] },
    marks: [
      Plot.cell(cells, {
        x: "predicted",
        y: "truth",
        fill: "count",
        inset: 0.5,
        title: (c: Cell) => `${c.truth} predicted as ${c.predicted}: ${c.count}`,
      }),
      Plot.text(cells, {
        x: "predicted",
        y: "truth",
        text: (c: Cell) => (c.count ? String(c.count) : ""),
        fill: (c: Cell) => (c.count > max / 3 ? "white" : "black"),
        fontSize: 11,
      }),
    ],
  });
  return toHtml(fig as unknown as Element);
}
