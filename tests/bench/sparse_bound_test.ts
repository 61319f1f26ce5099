import assert from "node:assert/strict";
import { readMnist } from "../all.ts";
import { mnistSourceDir } from "../../lib/data/mnist_files.ts";
import { runScript } from "../helpers.ts";

const script = new URL("../../bench/sparse_bound.ts", import.meta.url);

async function run(args: string[]) {
  const out = await runScript(script, args);
  return { code: out.code, stdout: out.stdout.trim(), stderr: out.stderr.trim() };
}

Deno.test("sparse_bound: times the kernel on the real nonzeros and on the folded ones", async () => {
  const { code, stdout, stderr } = await run([
    "--images",
    "300",
    "--units",
    "40",
    "--repeats",
    "2",
    "--json",
  ]);
  assert.equal(code, 0, stderr);
  const result = JSON.parse(stdout.split("\n").at(-1)!);
  const dir = mnistSourceDir();
  const mnist = await readMnist(`${dir}/train-images-idx3-ubyte`, `${dir}/train-labels-idx1-ubyte`);
  const nonzeros = mnist.pixels.subarray(0, 300 * 784).reduce((n, g) => n + (g > 0 ? 1 : 0), 0);
  assert.equal(result.images, 300);
  assert.equal(result.units, 40);
  assert.equal(result.nonzeros, nonzeros, "every nonzero pixel of the first 300 images");
  assert.ok(result.real_ms > 0 && result.folded_ms > 0);
  assert.equal(result.ratio, result.folded_ms / result.real_ms);
  assert.match(stdout, /the real pixels \(W1ᵀ: 123 KB\)/);
});

for (
  const [args, message] of [
    [
      ["--units", "12"],
      'error: --units must be a whole number from 8 to 1024 in steps of 8, not "12" (see --help)',
    ],
    [
      ["--images", "0"],
      'error: --images must be a whole number from 1 to 60000, not "0" (see --help)',
    ],
    [["--nope"], "error: Unknown option '--nope' (see --help)"],
  ] as const
) {
  Deno.test(`sparse_bound: ${args.join(" ")} is one sentence and exit 1`, async () => {
    const { code, stdout, stderr } = await run([...args]);
    assert.equal(code, 1);
    assert.equal(stderr, message);
    assert.equal(stdout, "");
  });
}

Deno.test("sparse_bound: --help names every flag and exits 0", async () => {
  const { code, stdout } = await run(["--help"]);
  assert.equal(code, 0);
  for (const flag of ["--images", "--units", "--repeats", "--json", "--help"]) {
    assert.ok(stdout.includes(flag), flag);
  }
});
