import assert from "node:assert/strict";
import { lastEpoch, type Step } from "../../lib/notebook/steps.ts";

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
