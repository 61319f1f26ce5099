import assert from "node:assert/strict";
import { median, pythonEnv, runChild } from "../../bench/run.ts";

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
