/**
 * Display helpers for the Deno Jupyter kernel (see `mod.ts`).
 *
 * @module
 */

/** Whether this code runs in the Deno Jupyter kernel (where `Deno.jupyter` answers). */
export function inJupyter(): boolean {
  try {
    return typeof Deno.jupyter?.display === "function";
  } catch {
    return false; // outside the kernel, reading Deno.jupyter throws
  }
}

/** Show HTML (a figure from `lib/figures`) as a cell output. */
export async function show(html: string): Promise<void> {
  await Deno.jupyter.display({ "text/html": html }, { raw: true });
}

/** Show Markdown (a table, say) as a cell output. */
export async function showMarkdown(markdown: string): Promise<void> {
  await Deno.jupyter.display({ "text/markdown": markdown, "text/plain": markdown }, { raw: true });
}

/**
 * An output that can be redrawn in place, for a figure that grows while a loop runs. Each
 * `update` is awaited, so the frontend sees it before the loop goes on.
 */
export function liveOutput(): { update(html: string): Promise<void> } {
  const display_id = `live-${crypto.randomUUID()}`;
  let shown = false;
  return {
    async update(html: string) {
      await Deno.jupyter.display({ "text/html": html }, { raw: true, display_id, update: shown });
      shown = true;
    },
  };
}

/** Text made safe inside HTML: `&`, `<`, `>` and `"` as entities. */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"]/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!,
  );
}

/** A Markdown table from a header row and data rows. */
export function markdownTable(header: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

/**
 * A notebook's summary: a table of `rows` for the reader, and `summary` as JSON for
 * `deno task report` (which reads its headline figures from it).
 */
export async function showSummary(
  summary: Record<string, unknown>,
  rows: (string | number)[][],
): Promise<void> {
  await Deno.jupyter.display({
    "text/markdown": markdownTable(["", "value"], rows),
    "application/x-mnist-summary+json": summary, // read by `deno task report`
  }, { raw: true });
}
