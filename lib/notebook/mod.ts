/**
 * The Deno Jupyter kernel's side of the notebooks: HTML figures, Markdown tables, an output that
 * redraws in place while a loop runs, the live progress line `fit` shows by default
 * ({@link progressLine}), a notebook's steps one change at a time ({@link createSteps}), and
 * {@link stopSignal}, which makes Jupyter's Stop button stop a training instead of killing the
 * kernel. `Deno.jupyter` and the SIGINT listener are touched inside these functions, never when
 * a module loads.
 *
 * @module
 */

export * from "./display.ts";
export * from "./progress.ts";
export * from "./steps.ts";
export * from "./stop.ts";
