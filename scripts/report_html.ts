/**
 * Post-processing of the HTML that nbconvert exports: equations to MathML, and a check that
 * the file is self-contained.
 *
 * nbconvert leaves a markdown cell's `$…$` and `$$…$$` in place for MathJax, which would have to
 * be loaded from somewhere. Here Temml turns each into MathML, which browsers render natively:
 * the report shows its equations with the network off.
 *
 * @module
 */

import temml from "temml";

const MARKDOWN_START = 'data-mime-type="text/markdown">';

function unescapeHtml(text: string): string {
  return text.replace(
    /&(amp|lt|gt|quot|#39|#x27);/g,
    (_, e: string) => ({ amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'", "#x27": "'" })[e]!,
  );
}

function toMathMl(tex: string, displayMode: boolean): string {
  try {
    return temml.renderToString(unescapeHtml(tex), { displayMode, throwOnError: true });
  } catch (error) {
    throw new Error(
      `Cannot render the equation "${tex.trim().slice(0, 60)}": ${(error as Error).message}`,
    );
  }
}

/**
 * Replace the TeX in every markdown cell of an nbconvert HTML export with MathML.
 *
 * @returns The new HTML and how many equations were rendered.
 * @throws {Error} `Cannot render the equation "…": …` for TeX that Temml rejects.
 */
export function renderMath(html: string): { html: string; equations: number } {
  let equations = 0;
  const parts = html.split(MARKDOWN_START);
  for (let i = 1; i < parts.length; i++) {
    const end = parts[i].indexOf("</div>");
    const body = parts[i].slice(0, end), rest = parts[i].slice(end);
    const rendered = body
      .replace(/\$\$([\s\S]+?)\$\$/g, (_, tex: string) => (equations++, toMathMl(tex, true)))
      .replace(/\$([^$\n]+?)\$/g, (_, tex: string) => (equations++, toMathMl(tex, false)));
    parts[i] = rendered + rest;
  }
  return { html: parts.join(MARKDOWN_START), equations };
}

/**
 * The external resources an HTML file would load: `src`/`href` attributes of scripts, links,
 * images and frames pointing anywhere but `data:` URIs and anchors in the page.
 */
export function externalResources(html: string): string[] {
  const found = new Set<string>();
  for (
    const match of html.matchAll(
      /<(script|link|img|iframe|source|image|use)\b[^>]*?\b(?:src|href)\s*=\s*["']([^"']*)["']/gi,
    )
  ) {
    const url = match[2];
    if (!url.startsWith("data:") && !url.startsWith("#")) found.add(`<${match[1]}> ${url}`);
  }
  for (const match of html.matchAll(/@import\s+(?:url\()?["']?([^"')]+)/gi)) {
    found.add(`@import ${match[1]}`);
  }
  return [...found];
}
