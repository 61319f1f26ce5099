/**
 * Showing results in the Deno Jupyter kernel: HTML figures, Markdown tables, and an output that
 * redraws in place while a loop runs. `Deno.jupyter` exists only inside the kernel, so it is
 * touched inside these functions, never when a module loads.
 *
 * @module
 */

export * from "./display.ts";
