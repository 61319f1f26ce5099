/**
 * Jupyter's Stop button, as a person presses it: the Deno kernel started through
 * `jupyter_client` (as Jupyter starts it, SIGINT at its default), a notebook's own cells run in
 * order, a long training cell interrupted after 5 s. The cell must end soon after with its one
 * line, the kernel must live, earlier variables must answer, and the next training must run.
 */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { findJupyterPython, writeKernelspec } from "../../scripts/report.ts";

const notebooks = fileURLToPath(new URL("../../notebooks", import.meta.url));
const driver = fileURLToPath(new URL("./kernel_session.py", import.meta.url));

/** What `kernel_session.py` reports of a cell. */
interface CellRun {
  status: string;
  outputs: { type: string; text?: string; ename?: string; evalue?: string; traceback?: string[] }[];
  seconds: number;
  after_interrupt: number | null;
}

/** Run `cells` on a fresh Deno kernel, pressing Stop where a cell says so. */
async function session(
  cells: { code: string; interrupt_after?: number }[],
  env: Record<string, string>,
): Promise<{ cells: CellRun[]; alive: boolean }> {
  const kernels = await writeKernelspec();
  try {
    const child = new Deno.Command(await findJupyterPython(), {
      args: [driver],
      env: { ...env, JUPYTER_PATH: kernels },
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(JSON.stringify({ cwd: notebooks, cells })));
    await writer.close();
    const out = await child.output();
    const stdout = new TextDecoder().decode(out.stdout);
    assert.ok(out.success, new TextDecoder().decode(out.stderr));
    return JSON.parse(stdout.trim().split("\n").at(-1)!);
  } finally {
    await Deno.remove(kernels, { recursive: true });
  }
}

/** The code of the notebook's code cells, by their index among all its cells. */
async function cellsOf(name: string): Promise<string[]> {
  const nb = JSON.parse(await Deno.readTextFile(`${notebooks}/${name}.ipynb`));
  return nb.cells.map((c: { source: string[] | string }) =>
    Array.isArray(c.source) ? c.source.join("") : c.source
  );
}

/** The index of the one cell of `cells` whose code contains `marker`. */
function cellWith(cells: string[], marker: string): number {
  const found = cells.flatMap((code, i) => code.includes(marker) ? [i] : []);
  assert.equal(found.length, 1, `cells containing ${JSON.stringify(marker)}: ${found}`);
  return found[0];
}

/** The stopped cell: an error reply, one line, soon after Stop, naming what stopped. */
function assertStopped(cell: CellRun, what: RegExp) {
  assert.equal(cell.status, "error");
  const errors = cell.outputs.filter((o) => o.type === "error");
  assert.equal(errors.length, 1, JSON.stringify(cell.outputs));
  assert.equal(errors[0].ename, "TrainingStopped");
  assert.match(errors[0].evalue!, what);
  assert.deepEqual(errors[0].traceback, [`TrainingStopped: ${errors[0].evalue}`], "one line");
  // The stop is checked between steps and the event loop runs every 250 ms of training: well
  // under the second the issue asks for; 2 s leaves room for a loaded machine.
  assert.ok(cell.after_interrupt! < 2, `the cell ended ${cell.after_interrupt} s after Stop`);
  console.log(`  stopped ${cell.after_interrupt!.toFixed(2)} s after Stop: ${errors[0].evalue}`);
}

const result = (cell: CellRun) =>
  cell.outputs.filter((o) => o.type === "execute_result").map((o) => o.text).join("");

Deno.test("Stop ends the seed notebook's training cell; the kernel keeps its variables", async () => {
  const nb = await cellsOf("mnist");
  const setup = [1, 2, cellWith(nb, "await makeData"), cellWith(nb, "splitDev("), 9];
  const training = cellWith(nb, "const result = await fit(");
  const run = await session([
    ...setup.map((i) => ({ code: nb[i] })),
    { code: nb[training], interrupt_after: 5 },
    { code: "[trainSet.count, params0.sizes.join('-'), historySoFar.length > 0]" },
    { code: "lastStop().result.history.length === historySoFar.length" },
    {
      code:
        "(await fit(trainSet, { network: params0, batchSize: 'all', epochs: 2, lr: alpha })).history.length",
    },
  ], { MNIST_ITERATIONS: "100000" });
  assert.ok(run.cells.slice(0, setup.length).every((c) => c.status === "ok"));
  assertStopped(
    run.cells[setup.length],
    /^Stopped training 784-10-10-10 after iteration \d+ of 100000;/,
  );
  const [variables, partial, next] = run.cells.slice(setup.length + 1);
  assert.equal(result(variables), '[ 41000, "784-10-10-10", true ]');
  assert.equal(result(partial), "true");
  assert.equal(result(next), "2", "the next training runs");
  assert.ok(run.alive);
});

Deno.test("Stop ends a beyond notebook step; its epochs stay in runs, marked stopped", async () => {
  const nb = await cellsOf("beyond");
  const setup = [1, 2, cellWith(nb, "await loadDigits")]; // the data, and the steps
  const run = await session([
    ...setup.map((i) => ({ code: nb[i] })),
    { code: nb[cellWith(nb, "const seedRecipe = {")] }, // full batch, the fused engine
    { code: nb[cellWith(nb, 'await steps.train("1 · He initialisation"')], interrupt_after: 5 },
    {
      code: nb[cellWith(nb, "recipe = { ...recipe, batchSize: 128, epochs };")],
      interrupt_after: 5,
    },
    { code: "runs.map((r) => r.name).join(' | ')" },
    { code: "await steps.train('after Stop', { ...recipe, epochs: 1 }); runs.length" },
  ], { BEYOND_FULL_BATCH_STEPS: "5", BEYOND_EPOCHS: "1000" });
  assert.ok(run.cells.slice(0, setup.length + 1).every((c) => c.status === "ok"));
  // He initialisation takes 5 full-batch steps: done before the Stop.
  assert.equal(run.cells[setup.length + 1].status, "ok");
  assertStopped(
    run.cells[setup.length + 2],
    /^Stopped training 784-10-10-10 (during epoch \d+ of 1000, after batch \d+ of 321|after epoch \d+ of 1000);/,
  );
  const [names, next] = run.cells.slice(setup.length + 3);
  assert.equal(
    result(names),
    '"0 · the seed | 1 · He initialisation | 2 · mini-batches of 128 (stopped)"',
  );
  assert.equal(result(next), "4", "the next training runs");
  assert.ok(run.alive);
});

Deno.test("Stop ends a convolutions notebook step; its epochs stay in runs, marked stopped", async () => {
  const nb = await cellsOf("convolutions");
  const setup = [1, 2, cellWith(nb, "await loadDigits")]; // the data, and the steps
  const run = await session([
    ...setup.map((i) => ({ code: nb[i] })),
    { code: nb[cellWith(nb, 'await steps.train("1 · one conv layer')], interrupt_after: 5 },
    { code: "runs.map((r) => `${r.name}: ${r.history.length > 0}`).join(' | ')" },
    { code: "await steps.train('after Stop', { ...recipe, epochs: 1 }); runs.length" },
  ], { CONV_EPOCHS: "1000", CONV_TRAIN_SIZE: "3000" });
  assert.ok(run.cells.slice(0, setup.length).every((c) => c.status === "ok"));
  assertStopped(
    run.cells[setup.length],
    /^Stopped training conv5x16 (during epoch \d+ of 1000, after batch \d+ of 47|after epoch \d+ of 1000);/,
  );
  const [names, next] = run.cells.slice(setup.length + 1);
  assert.equal(result(names), '"1 · one conv layer: conv5x16 (stopped): true"');
  assert.equal(result(next), "2", "the next training runs");
  assert.ok(run.alive);
});
