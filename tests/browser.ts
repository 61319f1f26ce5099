/**
 * Headless Chromium for the tests, as a person's browser with no network: launch it, open a
 * local page with every request but `file:` and `data:` blocked, and draw digits on a digit pad
 * with the mouse.
 */

import assert from "node:assert/strict";
import { type Browser, chromium, type Page } from "playwright-core";
import { digitStrokes } from "./figures/strokes.ts";

const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Start Chromium headless, or fail with one sentence saying how to install it. */
export async function launch(): Promise<Browser> {
  return await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS }).catch(
    (error: Error) => {
      throw new Error(
        `Cannot start Chromium at ${CHROMIUM} (apt-get install chromium): ${
          error.message.split("\n")[0]
        }`,
      );
    },
  );
}

/** Open `path` with every request but `file:` and `data:` blocked; collect what went wrong. */
export async function open(browser: Browser, path: string) {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const blocked: string[] = [], problems: string[] = [];
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith("file:") || url.startsWith("data:")) return route.continue();
    blocked.push(url);
    return route.abort();
  });
  page.on("console", (m) => m.type() === "error" && problems.push(`console: ${m.text()}`));
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  await page.goto(`file://${path}`, { waitUntil: "load" });
  return { page, blocked, problems };
}

/** Draw digit `digit` on the pad with the mouse, in the box at (x, y) of height `size`. */
export async function draw(page: Page, digit: "0" | "1" | "7", x: number, y: number, size: number) {
  const pad = page.getByTestId("digit-pad");
  await pad.scrollIntoViewIfNeeded();
  const box = (await pad.boundingBox())!;
  for (const stroke of digitStrokes(digit, x, y, size)) {
    await page.mouse.move(box.x + stroke[0][0], box.y + stroke[0][1]);
    await page.mouse.down();
    for (const [px, py] of stroke.slice(1)) await page.mouse.move(box.x + px, box.y + py);
    await page.mouse.up();
  }
}

/** The pad's answer once it has settled: its text and the ten bars' probabilities. */
export async function answer(page: Page) {
  // The pad answers on the next animation frame after a stroke, and says when it has.
  await page.locator('[data-testid="digit-pad"][data-settled="true"]').waitFor();
  const prediction = await page.getByTestId("digit-prediction").textContent();
  const probabilities = await page.getByTestId("digit-probabilities").locator("[data-digit]")
    .evaluateAll((rows) => rows.map((r) => Number((r as HTMLElement).dataset.probability)));
  return { prediction, probabilities };
}

/**
 * The page's one digit pad: empty at first, then reads a large 1, 0 and 7 and a small 7 in a
 * corner, each cleared after.
 */
export async function checkPad(page: Page) {
  assert.equal(await page.getByTestId("digit-pad").count(), 1);
  assert.equal((await answer(page)).prediction, "", "an empty pad predicts nothing");
  for (
    const [digit, x, y, size, where] of [
      ["1", 60, 40, 200, "large, centred"],
      ["0", 60, 40, 200, "large, centred"],
      ["7", 60, 40, 200, "large, centred"],
      ["7", 8, 225, 45, "small, bottom-left corner"],
    ] as const
  ) {
    await draw(page, digit, x, y, size);
    const { prediction, probabilities } = await answer(page);
    assert.equal(prediction, digit, `a ${digit}, ${where}: read as ${prediction}`);
    const sum = probabilities.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - 1) < 1e-9, `probabilities sum to ${sum}`);
    assert.equal(probabilities.indexOf(Math.max(...probabilities)), Number(digit));

    await page.getByTestId("digit-clear").click();
    const cleared = await answer(page);
    assert.equal(cleared.prediction, "", "clear empties the prediction");
    assert.deepEqual(cleared.probabilities, new Array(10).fill(0));
    const inked = await page.getByTestId("digit-pad").evaluate((canvas) => {
      const c = canvas as HTMLCanvasElement;
      const data = c.getContext("2d")!.getImageData(0, 0, c.width, c.height).data;
      return data.filter((_, k) => k % 4 === 3 && data[k] > 0).length;
    });
    assert.equal(inked, 0, "clear empties the pad");
  }
}
