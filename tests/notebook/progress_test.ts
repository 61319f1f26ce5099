import assert from "node:assert/strict";
import { duration } from "../../lib/notebook/progress.ts";

Deno.test("duration() rounds before it splits minutes: no '60 s', tenths only below ten seconds", () => {
  const cases: [number, string][] = [
    [0, "0.0 s"],
    [4.24, "4.2 s"],
    [9.94, "9.9 s"],
    [9.96, "10 s"],
    [12.4, "12 s"],
    [59.4, "59 s"],
    [59.6, "1 min 0 s"],
    [200, "3 min 20 s"],
    [239.7, "4 min 0 s"],
    [3599.6, "60 min 0 s"],
  ];
  for (const [seconds, words] of cases) assert.equal(duration(seconds), words, `${seconds} s`);
});
