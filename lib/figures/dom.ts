/**
 * Observable Plot needs a DOM to draw into; outside a browser, linkedom provides one. Every
 * figure is returned as an HTML string (a `<figure>`), which Jupyter shows as `text/html`:
 * Debian's nbconvert strips the children of `image/svg+xml` outputs, so SVG is never sent bare.
 *
 * @module
 */

import { parseHTML } from "linkedom";

let cached: Document | undefined;

/** A shared DOM document for `Plot.plot({ document })`. */
export function plotDocument(): Document {
  cached ??= parseHTML("<!doctype html><html><body></body></html>").document as unknown as Document;
  return cached;
}

/** The outer HTML of a figure, wrapped in a `<figure>` when Plot returned a bare `<svg>`. */
export function toHtml(node: Element): string {
  const html = node.outerHTML;
  return node.tagName.toLowerCase() === "figure" ? html : `<figure>${html}</figure>`;
}
