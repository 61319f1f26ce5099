/**
 * The project's module graph has no import circles: a circle makes a module's exports
 * `undefined` while it loads and hides which file depends on which. The graph comes from
 * `deno info --json` over every TypeScript file of the project (type-only imports included).
 */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { relative } from "node:path";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** Every `.ts` file under the project's source folders. */
async function sources(): Promise<string[]> {
  const files: string[] = [];
  async function walk(dir: string) {
    for await (const entry of Deno.readDir(dir)) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory) await walk(path);
      else if (entry.name.endsWith(".ts")) files.push(path);
    }
  }
  for (const dir of ["lib", "scripts", "bench", "tests"]) await walk(`${root}${dir}`);
  return files;
}

/** The local import edges of the modules reachable from `files`, as file paths. */
async function importGraph(files: string[]): Promise<Map<string, string[]>> {
  // `deno info` takes one module: one that imports them all (it is read, never run).
  const entry = await Deno.makeTempFile({ suffix: ".ts" });
  await Deno.writeTextFile(entry, files.map((f) => `import "file://${f}";\n`).join(""));
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", "--config", `${root}deno.json`, entry],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).output();
  await Deno.remove(entry);
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  const info = JSON.parse(new TextDecoder().decode(out.stdout));
  const graph = new Map<string, string[]>();
  for (const module of info.modules) {
    if (!module.specifier?.startsWith("file:")) continue;
    const dependencies: { code?: { specifier?: string }; type?: { specifier?: string } }[] =
      module.dependencies ?? [];
    const edges = dependencies
      .flatMap((d) => [d.code?.specifier, d.type?.specifier])
      .filter((s): s is string => s?.startsWith("file:") ?? false);
    graph.set(fileURLToPath(module.specifier), [...new Set(edges.map((s) => fileURLToPath(s)))]);
  }
  return graph;
}

/** Every circle of `graph`, each as the list of files around it (depth-first search). */
export function findCircles(graph: Map<string, string[]>): string[][] {
  const circles: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, "open");
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === "open") circles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, "done");
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return circles;
}

Deno.test("findCircles() finds a circle of three and none in a chain", () => {
  const circle = new Map([["a", ["b"]], ["b", ["c"]], ["c", ["a"]]]);
  assert.deepEqual(findCircles(circle), [["a", "b", "c", "a"]]);
  assert.deepEqual(findCircles(new Map([["a", ["b"]], ["b", ["c"]], ["c", []]])), []);
});

Deno.test("the project's modules import each other without circles", async () => {
  const graph = await importGraph(await sources());
  assert.ok(graph.size > 50, `only ${graph.size} modules in the graph`);
  const circles = findCircles(graph).map((c) => c.map((f) => relative(root, f)).join(" → "));
  assert.deepEqual(circles, []);
});
