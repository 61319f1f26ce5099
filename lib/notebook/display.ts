/**
 * Display helpers for the Deno Jupyter kernel (see `mod.ts`).
 *
 * @module
 */

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

/** A Markdown table from a header row and data rows. */
export function markdownTable(header: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}
