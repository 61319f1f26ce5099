/**
 * The checker of the notebooks' computed claims: each sentence a code cell writes about its run
 * (a gain, an ordering, a count) is read back and checked against the other outputs of the
 * executed notebook that show the same thing — the table of steps, the gradient check's table,
 * another printed line. A claim that disagrees with them, or is missing, is reported.
 *
 * @module
 */

/** A code cell's outputs, as in an `.ipynb` file. */
export interface NotebookJson {
  cells: {
    cell_type: string;
    outputs?: { output_type: string; text?: string[] | string; data?: Record<string, unknown> }[];
  }[];
}

const join = (s: unknown) => (Array.isArray(s) ? s.join("") : String(s ?? ""));

/** Every output's text, in order: streams, Markdown and plain text. */
export function outputTexts(nb: NotebookJson): string[] {
  return nb.cells.flatMap((c) =>
    (c.outputs ?? []).map((o) =>
      o.output_type === "stream" ? join(o.text) : join(o.data?.["text/markdown"] ?? "")
    )
  ).filter(Boolean);
}

/** The rows of the Markdown table whose header starts with `| first |`, as cells. */
export function tableRows(nb: NotebookJson, first: string): string[][] {
  const table = outputTexts(nb).find((t) => t.startsWith(`| ${first} |`));
  if (!table) return [];
  return table.split("\n").slice(2).map((row) => row.split("|").slice(1, -1).map((c) => c.trim()));
}

const percent = (text: string) => Number(text.replace("%", "").replace("−", "-"));
const pointsOf = (text: string) => Number(text.replace("−", "-").replace("+", ""));
const near = (a: number, b: number, within = 0.0051) => Math.abs(a - b) <= within;

/** The one output matching `pattern`, or a problem saying it is missing. */
function find(texts: string[], pattern: RegExp, what: string, problems: string[]) {
  const found = texts.map((t) => t.match(pattern)).find(Boolean);
  if (!found) problems.push(`missing: ${what}`);
  return found ?? undefined;
}

/** The step table's test and dev accuracies, by step name, in order. */
function stepTests(nb: NotebookJson): { name: string; test: number; dev: number }[] {
  return tableRows(nb, "step").map((row) => ({
    name: row[0],
    test: percent(row[4]),
    dev: percent(row[5]),
  }));
}

/** The gains between consecutive steps, largest first, in points. */
function gains(steps: { name: string; test: number }[]) {
  return steps.slice(1).map((s, i) => ({ name: s.name, gain: s.test - steps[i].test }))
    .sort((a, b) => b.gain - a.gain);
}

/**
 * The beyond notebook: "From A to B: the three largest gains are step X (+g points), …, P% of
 * the whole +T points." against its table; and its share of nonzero pixels.
 */
export function checkBeyond(nb: NotebookJson): string[] {
  const problems: string[] = [], texts = outputTexts(nb), steps = stepTests(nb);
  if (steps.length < 2) return ["missing: the table of steps"];
  const claim = find(
    texts,
    /^From ([\d.]+)% to ([\d.]+)%: the three largest gains are (.*), (\d+)% of the whole ([+−][\d.]+) points\.$/,
    "the sentence of the largest gains",
    problems,
  );
  if (claim) {
    const [, from, to, named, share, total] = claim;
    if (!near(percent(from), steps[0].test)) {
      problems.push(`from ${from}%: the table's first is ${steps[0].test}%`);
    }
    if (!near(percent(to), steps.at(-1)!.test)) {
      problems.push(`to ${to}%: the table's last is ${steps.at(-1)!.test}%`);
    }
    const expected = gains(steps).slice(0, 3);
    const said = [...named.matchAll(/step (.+?) \(([+−][\d.]+) points\)/g)].map((m) => ({
      name: m[1],
      gain: pointsOf(m[2]),
    }));
    if (said.map((s) => s.name).join(" | ") !== expected.map((e) => e.name).join(" | ")) {
      problems.push(
        `the three largest gains named: ${said.map((s) => s.name)}; the table's: ${
          expected.map((e) => e.name)
        }`,
      );
    }
    said.forEach((s, i) => {
      if (expected[i] && !near(s.gain, expected[i].gain, 0.011)) {
        problems.push(
          `step ${s.name}: said ${s.gain} points, the table gives ${expected[i].gain.toFixed(2)}`,
        );
      }
    });
    const whole = steps.at(-1)!.test - steps[0].test;
    if (!near(pointsOf(total), whole, 0.011)) {
      problems.push(`the whole: said ${total}, the table gives ${whole.toFixed(2)}`);
    }
    const sum = expected.reduce((s, e) => s + e.gain, 0);
    if (Math.abs(Number(share) - 100 * sum / whole) > 1.5) {
      problems.push(
        `said ${share}% of the whole; the table gives ${(100 * sum / whole).toFixed(1)}%`,
      );
    }
  }
  return problems;
}

/**
 * The convolutions notebook: "The convolutional steps take the test accuracy from A (the line
 * to beat) to B; the largest single gain is step X (g points), and the best test accuracy is C,
 * step Y." against its table.
 */
export function checkConvolutions(nb: NotebookJson, lead = "The convolutional steps"): string[] {
  const problems: string[] = [], texts = outputTexts(nb), steps = stepTests(nb);
  if (steps.length < 2) return ["missing: the table of steps"];
  const claim = find(
    texts,
    new RegExp(
      `^${lead} take the test accuracy from ([\\d.]+)% \\(the line to beat\\) to ([\\d.]+)%; the largest single gain is step (.+) \\(([+−][\\d.]+) points\\), and the best test accuracy is ([\\d.]+)%, step (.+)\\.$`,
    ),
    "the sentence of the largest gain and the best step",
    problems,
  );
  if (claim) {
    const [, from, to, gainName, gain, best, bestName] = claim;
    if (!near(percent(from), steps[0].test)) {
      problems.push(`from ${from}%: the table's first is ${steps[0].test}%`);
    }
    if (!near(percent(to), steps.at(-1)!.test)) {
      problems.push(`to ${to}%: the table's last is ${steps.at(-1)!.test}%`);
    }
    const largest = gains(steps)[0];
    if (gainName !== largest.name || !near(pointsOf(gain), largest.gain, 0.011)) {
      problems.push(
        `largest gain: said ${gainName} (${gain}), the table gives ${largest.name} (${
          largest.gain.toFixed(2)
        })`,
      );
    }
    const top = steps.reduce((a, b) => (b.test > a.test ? b : a));
    if (bestName !== top.name || !near(percent(best), top.test)) {
      problems.push(
        `best: said ${bestName} (${best}%), the table gives ${top.name} (${top.test}%)`,
      );
    }
  }
  return problems;
}

/**
 * The further notebook: the same sentence of the largest gain and the best step, and "The ten
 * times larger rate changed the test accuracy by g points without batch normalisation (step
 * X); with it, step Y is h points against the line to beat." against its table.
 */
export function checkFurther(nb: NotebookJson): string[] {
  const problems = checkConvolutions(nb, "These steps"), steps = stepTests(nb);
  const claim = find(
    outputTexts(nb),
    /^The ten times larger rate changed the test accuracy by ([+−][\d.]+) points without batch normalisation \(step (.+)\); with it, step (.+) is ([+−][\d.]+) points against the line to beat\.$/,
    "the sentence of the larger rate",
    problems,
  );
  if (claim && steps.length >= 3) {
    const [, without, rateName, bnName, withBn] = claim;
    if (
      rateName !== steps[1].name || !near(pointsOf(without), steps[1].test - steps[0].test, 0.011)
    ) {
      problems.push(
        `the larger rate: said ${rateName} ${without}, the table gives ${steps[1].name}`,
      );
    }
    if (bnName !== steps[2].name || !near(pointsOf(withBn), steps[2].test - steps[0].test, 0.011)) {
      problems.push(`with bn: said ${bnName} ${withBn}, the table gives ${steps[2].name}`);
    }
  }
  problems.push(...checkDevChoice(nb));
  return problems;
}

/**
 * The further notebook's sentence on the dev set's resolution — "One dev image is 0.10 points of
 * the 1,000 dev rows, and the steps' dev scores ran from A% to B%: the step chosen on dev is g
 * points on test from the best there, step Y — n of the 10,000 test digits, …" (or "here the step
 * chosen on dev is also the best on test.") — against the table's dev and test columns.
 */
export function checkDevChoice(nb: NotebookJson): string[] {
  const problems: string[] = [], texts = outputTexts(nb);
  const rows = stepTests(nb);
  const claim = find(
    texts,
    /^One dev image is ([\d.]+) points of the ([\d,]+) dev rows, and the steps' dev scores ran from ([\d.]+)% to ([\d.]+)%: (?:(here the step chosen on dev is also the best on test\.)|the step chosen on dev is ([+−][\d.]+) points on test from the best there, step (.+) — (\d+) of the ([\d,]+) test digits, a difference a choice made on dev rows cannot see\.)$/,
    "the sentence on the dev set's resolution",
    problems,
  );
  if (!claim || rows.length === 0) return problems;
  const [, image, devRows, low, high, same, gap, bestName, digits, testRows] = claim;
  const devs = rows.map((r) => r.dev).filter((d) => !Number.isNaN(d));
  if (!near(Number(image), 100 / Number(devRows.replace(/,/g, "")), 0.0051)) {
    problems.push(`one dev image: said ${image} points of ${devRows} rows`);
  }
  if (!near(Number(low), Math.min(...devs)) || !near(Number(high), Math.max(...devs))) {
    problems.push(
      `dev range: said ${low}–${high}%, the table gives ${Math.min(...devs)}–${Math.max(...devs)}%`,
    );
  }
  // The choice: the best dev score, the later step on a tie; the best on test, the earlier.
  const chosen = rows.reduce((a, b) => (b.dev >= a.dev ? b : a));
  const onTest = rows.reduce((a, b) => (b.test > a.test ? b : a));
  if (same !== undefined) {
    if (chosen !== onTest) {
      problems.push(`said the dev choice is the best on test: ${chosen.name} is not`);
    }
    return problems;
  }
  if (bestName !== onTest.name || !near(pointsOf(gap), chosen.test - onTest.test, 0.011)) {
    problems.push(`the best on test: said ${bestName} ${gap}, the table gives ${onTest.name}`);
  }
  // Each percentage is rounded to 0.005 points, half a digit of 10,000: within one digit.
  const wrongMore = Math.round(
    ((onTest.test - chosen.test) / 100) * Number(testRows.replace(/,/g, "")),
  );
  if (Math.abs(Number(digits) - wrongMore) > 1) {
    problems.push(`said ${digits} test digits apart, the table gives ${wrongMore}`);
  }
  return problems;
}

/**
 * The seed's notebook: the dead units printed under the gradient check against the weights the
 * check skipped (each dead unit of layer l zeroes the 10 inputs of W(l+1) it feeds); the recall
 * line's order; the share of zero pixels against the beyond notebook's nonzero share, when given.
 */
export function checkMnist(nb: NotebookJson, beyond?: NotebookJson): string[] {
  const problems: string[] = [], texts = outputTexts(nb);
  const dead = find(
    texts,
    /layer 1: (\d+) dead units?(?: \([\d, ]+\))?; layer 2: (\d+) dead units?(?: \([\d, ]+\))? on these 100 images/,
    "the dead units",
    problems,
  );
  const rows = tableRows(nb, "parameter");
  if (dead && rows.length >= 6) {
    const skipped = Object.fromEntries(rows.slice(0, 6).map((r) => [r[0], Number(r[2])]));
    for (const [layer, W] of [[1, "W2"], [2, "W3"]] as const) {
      if (skipped[W] !== 10 * Number(dead[layer])) {
        problems.push(
          `${W}: ${skipped[W]} weights skipped, but layer ${layer} has ${dead[layer]} dead units`,
        );
      }
    }
  }
  const recall = find(
    texts,
    /^Recall, best first: (.*)\. It reads (.*) best, (.*) worst\.$/,
    "the recall of each digit",
    problems,
  );
  if (recall) {
    const all = [...recall[1].matchAll(/(\d) \(([\d.]+)%\)/g)].map((m) => ({
      d: m[1],
      r: Number(m[2]),
    }));
    const text = (list: typeof all) => list.map((x) => `${x.d} (${x.r.toFixed(1)}%)`).join(", ");
    if (all.length !== 10) problems.push(`recall of ${all.length} digits`);
    if (all.some((x, i) => i > 0 && x.r > all[i - 1].r)) problems.push("recall not best first");
    if (recall[2] !== text(all.slice(0, 3))) problems.push(`best three: ${recall[2]}`);
    if (recall[3] !== text(all.slice(-3))) problems.push(`worst three: ${recall[3]}`);
  }
  const zeros = find(
    texts,
    /pixels that are 0: ([\d.]+)% of the training images'/,
    "the share of zeros",
    problems,
  );
  if (zeros && beyond) {
    const nonzero = find(
      outputTexts(beyond),
      /nonzero pixels: ([\d.]+)% of the training images' pixels/,
      "beyond's share of nonzero pixels",
      problems,
    );
    if (nonzero && !near(Number(zeros[1]) + Number(nonzero[1]), 100, 0.06)) {
      problems.push(`zeros ${zeros[1]}% and nonzero ${nonzero[1]}% do not add up to 100%`);
    }
  }
  return problems;
}
