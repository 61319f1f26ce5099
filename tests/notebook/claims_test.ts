import assert from "node:assert/strict";
import {
  checkBeyond,
  checkConvolutions,
  checkDevChoice,
  checkMnist,
  type NotebookJson,
} from "./claims.ts";

/** A notebook whose code cells show these Markdown outputs and printed lines. */
function notebook(outputs: ({ markdown: string } | { printed: string })[]): NotebookJson {
  return {
    cells: [{
      cell_type: "code",
      outputs: outputs.map((o) =>
        "markdown" in o
          ? { output_type: "display_data", data: { "text/markdown": o.markdown } }
          : { output_type: "stream", text: o.printed }
      ),
    }],
  };
}

const table = (tests: number[]) =>
  ["| step | network | recipe | epochs | test | dev | seconds | parameters |", "| --- |"]
    .concat(
      tests.map((t, i) => `| ${i} · s${i} | n | r | 1 | ${t.toFixed(2)}% | 90.00% | 1.0 | 10 |`),
    )
    .join("\n");

Deno.test("checkBeyond() passes a true sentence of gains and fails a doctored one", () => {
  const steps = table([90, 91, 95, 95.5, 98]);
  // Gains: +1, +4, +0.5, +2.5; the three largest +4, +2.5, +1 = 7.5 of 8 points: 94%.
  const sentence =
    "From 90.00% to 98.00%: the three largest gains are step 2 · s2 (+4.00 points), step 4 · s4 (+2.50 points), step 1 · s1 (+1.00 points), 94% of the whole +8.00 points.";
  assert.deepEqual(checkBeyond(notebook([{ markdown: steps }, { markdown: sentence }])), []);
  // The table says another thing: step 4 gained less than the sentence says.
  const doctored = table([90, 91, 95, 95.5, 97]);
  const problems = checkBeyond(notebook([{ markdown: doctored }, { markdown: sentence }]));
  assert.ok(problems.some((p) => p.startsWith("to 98.00%")), problems.join("\n"));
  assert.ok(
    problems.some((p) => p.startsWith("step 4 · s4: said 2.5 points")),
    problems.join("\n"),
  );
  assert.deepEqual(checkBeyond(notebook([{ markdown: steps }])), [
    "missing: the sentence of the largest gains",
  ]);
});

Deno.test("checkConvolutions() passes a true sentence and fails a wrong best step", () => {
  const steps = table([98.5, 98, 99.1, 99.4, 99.3]);
  const sentence = (best: string) =>
    `The convolutional steps take the test accuracy from 98.50% (the line to beat) to 99.30%; the largest single gain is step 2 · s2 (+1.10 points), and the best test accuracy is ${best}.`;
  assert.deepEqual(
    checkConvolutions(
      notebook([{ markdown: steps }, { markdown: sentence("99.40%, step 3 · s3") }]),
    ),
    [],
  );
  const problems = checkConvolutions(
    notebook([{ markdown: steps }, { markdown: sentence("99.30%, step 4 · s4") }]),
  );
  assert.deepEqual(problems, ["best: said 4 · s4 (99.30%), the table gives 3 · s3 (99.4%)"]);
});

Deno.test("checkMnist() ties the dead units to the skipped weights, and the recall line to itself", () => {
  const check = (skippedW2: number) =>
    [
      "| parameter | checked | skipped (input 0 in every image) | example | bp | cd | error |",
      "| --- |",
      "| W1 | 20 of 7840 | 600 | W1[0] | 1 | 1 | 1e-9 |",
      "| b1 | 10 of 10 | 0 | b1[0] | 1 | 1 | 1e-9 |",
      `| W2 | 20 of 100 | ${skippedW2} | W2[0] | 1 | 1 | 1e-9 |`,
      "| b2 | 10 of 10 | 0 | b2[0] | 1 | 1 | 1e-9 |",
      "| W3 | 20 of 100 | 0 | W3[0] | 1 | 1 | 1e-9 |",
      "| b3 | 10 of 10 | 0 | b3[0] | 1 | 1 | 1e-9 |",
    ].join("\n");
  const dead = "layer 1: 1 dead unit (4); layer 2: 0 dead units on these 100 images\n";
  const recall = (order: string) =>
    `Recall, best first: ${order}. It reads 1 (98.0%), 0 (97.0%), 6 (95.0%) best, 3 (85.0%), 8 (84.0%), 5 (80.0%) worst.`;
  const right =
    "1 (98.0%), 0 (97.0%), 6 (95.0%), 7 (92.0%), 4 (91.0%), 2 (90.0%), 9 (88.0%), 3 (85.0%), 8 (84.0%), 5 (80.0%)";
  const zeros = { printed: "pixels that are 0: 80.9% of the training images'\n" };
  const beyond = notebook([{ printed: "nonzero pixels: 19.10% of the training images' pixels\n" }]);
  const good = notebook([
    { markdown: check(10) },
    { printed: dead },
    { markdown: recall(right) },
    zeros,
  ]);
  assert.deepEqual(checkMnist(good, beyond), []);
  const badSkip = notebook([
    { markdown: check(0) },
    { printed: dead },
    { markdown: recall(right) },
    zeros,
  ]);
  assert.deepEqual(checkMnist(badSkip, beyond), [
    "W2: 0 weights skipped, but layer 1 has 1 dead units",
  ]);
  const unsorted = right.replace("7 (92.0%), 4 (91.0%)", "4 (91.0%), 7 (92.0%)");
  const badOrder = notebook([{ markdown: check(10) }, { printed: dead }, {
    markdown: recall(unsorted),
  }, zeros]);
  assert.deepEqual(checkMnist(badOrder, beyond), ["recall not best first"]);
  const otherBeyond = notebook([{
    printed: "nonzero pixels: 25.00% of the training images' pixels\n",
  }]);
  assert.deepEqual(checkMnist(good, otherBeyond), [
    "zeros 80.9% and nonzero 25.00% do not add up to 100%",
  ]);
});

Deno.test("checkDevChoice() ties the dev set's sentence to the table's dev and test columns", () => {
  // Dev 99.70, 99.90, 99.90 (the later tie, step 2, is chosen), test 99.50, 99.61, 99.56.
  const rows = [[99.5, 99.7], [99.61, 99.9], [99.56, 99.9]];
  const steps = [
    "| step | network | recipe | epochs | test | dev | seconds | parameters |",
    "| --- |",
  ]
    .concat(rows.map(([t, d], i) => `| ${i} · s${i} | n | r | 1 | ${t}% | ${d}% | 1.0 | 10 |`))
    .join("\n");
  const sentence = (gap: string, best: string, digits: number) =>
    `One dev image is 0.10 points of the 1,000 dev rows, and the steps' dev scores ran from 99.70% to 99.90%: the step chosen on dev is ${gap} points on test from the best there, step ${best} — ${digits} of the 10,000 test digits, a difference a choice made on dev rows cannot see.`;
  const check = (text: string) =>
    checkDevChoice(notebook([{ markdown: steps }, { markdown: text }]));
  assert.deepEqual(check(sentence("−0.05", "1 · s1", 5)), []);
  // The earlier of the tied steps said to be chosen: the gap and the digits are wrong.
  assert.deepEqual(check(sentence("−0.00", "1 · s1", 0)), [
    "the best on test: said 1 · s1 −0.00, the table gives 1 · s1",
    "said 0 test digits apart, the table gives 5",
  ]);
  assert.deepEqual(
    check(
      "One dev image is 0.10 points of the 1,000 dev rows, and the steps' dev scores ran from 99.70% to 99.90%: here the step chosen on dev is also the best on test.",
    ),
    ["said the dev choice is the best on test: 2 · s2 is not"],
  );
  assert.deepEqual(checkDevChoice(notebook([{ markdown: steps }])), [
    "missing: the sentence on the dev set's resolution",
  ]);
});
