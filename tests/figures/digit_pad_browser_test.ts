/**
 * A convolutional network's digit pad in headless Chromium, every request blocked: the page runs
 * the readable layers' own code (the bundled page script) and reads digits drawn with the mouse. (The dense networks'
 * pads are tested in the reports, `tests/scripts/report_test.ts`.)
 */

import assert from "node:assert/strict";
import { digitPad } from "../../lib/figures/digit_pad.ts";
import { fit } from "../all.ts";
import { checkPad, launch, open } from "../browser.ts";
import { mnistTest } from "../helpers.ts";

Deno.test("in Chromium, offline: a convolutional network's pad reads drawn digits", async () => {
  const { network } = await fit(await mnistTest(6000), {
    layers: "conv5x8,pool2,dense32",
    progress: false,
    epochs: 3,
    batchSize: 64,
    optimizer: "adam",
    lr: 0.003,
    augment: 2,
  });
  const dir = await Deno.makeTempDir({ prefix: "conv-pad-" });
  const path = `${dir}/pad.html`;
  await Deno.writeTextFile(path, `<!doctype html><html><body>${digitPad(network)}</body></html>`);
  const browser = await launch();
  try {
    const { page, blocked, problems } = await open(browser, path);
    assert.deepEqual(blocked, [], "requests that tried to leave the page");
    await checkPad(page).catch((error) => {
      throw new Error(`${error.message} (the page reported: ${problems.join("; ") || "nothing"})`);
    });
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
    await Deno.remove(dir, { recursive: true });
  }
});
