import assert from "node:assert/strict";
import { median, pythonEnv, runChild } from "../../bench/run.ts";
import { runScript } from "../helpers.ts";

const bench = new URL("../../bench/bench.ts", import.meta.url);
const profile = new URL("../../bench/profile.ts", import.meta.url);

Deno.test("runChild() gives the child exactly the environment it is passed", async () => {
  Deno.env.set("OPENBLAS_CORETYPE", "Haswell");
  try {
    const script = "console.log(JSON.stringify({ seconds: 0, peak_rss_mb: 0, " +
      "coretype: Deno.env.get('OPENBLAS_CORETYPE') ?? null }))";
    const inherited = await runChild(Deno.execPath(), ["eval", script]);
    const cleaned = await runChild(Deno.execPath(), ["eval", script], pythonEnv());
    assert.equal(typeof inherited === "string" ? inherited : inherited.coretype, "Haswell");
    assert.equal(typeof cleaned === "string" ? cleaned : cleaned.coretype, null);
  } finally {
    Deno.env.delete("OPENBLAS_CORETYPE");
  }
});

Deno.test("median() of odd and even counts", () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
});

for (
  const [script, args, message] of [
    [bench, ["--nope"], /^error: Unknown option '--nope' \(see --help\)$/],
    [bench, ["--repeats", "0"], /^error: --repeats must be a whole number of at least 1, not "0"/],
    [
      bench,
      ["--only", "all"],
      /^error: --only must be seed, beyond, conv, conv3, speedrun or further, not "all" \(see --help\)$/,
    ],
    [profile, ["--bogus"], /^error: Unknown option '--bogus' \(see --help\)$/],
    [profile, [], /^error: expected one LAYERS argument\. Usage: .*profile\.ts LAYERS/],
    [profile, ["conv3x8,wat"], /^error: Cannot read the layer "wat" of "conv3x8,wat": expected /],
    [
      profile,
      ["conv3x8", "--images", "0"],
      /^error: --images must be a whole number from 1 to 10000, not "0"/,
    ],
    [
      profile,
      ["conv3x8", "--batch-size", "x"],
      /^error: --batch-size must be a whole number of at least 1/,
    ],
  ] as const
) {
  const name = script === bench ? "bench" : "bench/profile.ts";
  Deno.test(`${name}: ${args.join(" ") || "no arguments"} exits 1 with one line, before measuring anything`, async () => {
    const out = await runScript(script, [...args]);
    const stderr = out.stderr.trim();
    assert.equal(out.code, 1);
    assert.match(stderr, message);
    assert.equal(stderr.split("\n").length, 1, "one line, no stack trace");
    assert.equal(out.stdout.length, 0);
  });
}

Deno.test("bench: --help lists every flag and exits 0", async () => {
  const out = await runScript(bench, ["--help"]);
  const help = out.stdout;
  assert.equal(out.code, 0);
  for (
    const flag of [
      "--only",
      "--repeats",
      "--iterations",
      "--wide-iterations",
      "--recipe-epochs",
      "--conv-epochs",
      "--conv3-epochs",
      "--further-epochs",
    ]
  ) {
    assert.ok(help.includes(flag), flag);
  }
});
