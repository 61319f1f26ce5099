import assert from "node:assert/strict";
import { createSteps, lastEpoch, type Step } from "../../lib/notebook/steps.ts";

const point = (trainAccuracy: number, devAccuracy: number) => ({
  epoch: 1,
  lr: 0.001,
  trainAccuracy,
  loss: 0.1,
  devAccuracy,
  seconds: 1,
});

Deno.test("lastEpoch gives a trained step's last epoch, train and dev", () => {
  const step = { name: "1", history: [point(0.9, 0.8), point(1, 0.914)] } as unknown as Step;
  assert.equal(lastEpoch(step), "train 100.00%, dev 91.40%");
});

Deno.test("lastEpoch gives nothing for an ensemble or an epoch without a training accuracy", () => {
  const ensemble = { name: "9", members: [], history: [point(NaN, 0.99)] } as unknown as Step;
  assert.equal(lastEpoch(ensemble), undefined);
  const none = { name: "0", history: [] } as unknown as Step;
  assert.equal(lastEpoch(none), undefined);
});

Deno.test("the steps' table gives each step's dev loss beside its dev accuracy", () => {
  const digits = { count: 0, labels: new Uint8Array(0), pixels: new Uint8Array(0) };
  const steps = createSteps({ train: digits, dev: digits, test: digits });
  const trained = {
    name: "0 · a line",
    settings: { name: "784-10", epochs: 1, batchSize: 0, optimizer: "sgd", lr: 0.1 },
    history: [point(0.9, 0.8)],
    testAccuracy: 0.81,
    devAccuracy: 0.8,
    devLoss: 0.51234,
    seconds: 1,
    parameters: 7850,
  };
  const stopped = { ...trained, name: "1 · stopped", testAccuracy: undefined, devLoss: undefined };
  steps.runs.push(trained as unknown as Step, stopped as unknown as Step);
  const [header, , first, second] = steps.table().split("\n");
  const cells = (row: string) => row.split("|").slice(1, -1).map((c) => c.trim());
  const at = cells(header).indexOf("dev loss");
  assert.equal(cells(header)[at - 1], "dev");
  assert.deepEqual([cells(first)[at - 1], cells(first)[at]], ["80.00%", "0.5123"]);
  assert.equal(cells(second)[at], "—");
  assert.equal(steps.summary()[0].dev_loss, 0.51234);
});
