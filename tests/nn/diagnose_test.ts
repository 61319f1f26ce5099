import assert from "node:assert/strict";
import { trainingProblem } from "../all.ts";

const point = (trainAccuracy: number, loss: number) => ({ trainAccuracy, loss });

Deno.test("trainingProblem() says nothing of a run that learns", () => {
  const history = [point(0.1, 2.31), point(0.47, 1.73), point(0.85, 0.6)];
  assert.equal(trainingProblem(history, { steps: 200, lr: 0.1 }), undefined);
  assert.equal(trainingProblem([], { steps: 0, lr: 0.1 }), undefined);
});

Deno.test("trainingProblem() names chance after many updates, and a rate too large", () => {
  // α = 50 on the seed: the loss jumps to 12, the accuracy stays at 11%.
  const history = [point(0.1002, 2.3147), point(0.1141, 12.2555), point(0.1013, 2.3376)];
  assert.equal(
    trainingProblem(history, { steps: 200, lr: 50 }),
    "Training failed: after 200 updates the train accuracy is 10.1%, about chance (10.0%); " +
      "the learning rate 50 is likely too large (the loss went from 2.31 at the start to 12.26): try one ten times smaller",
  );
  // A loss that blew up says so however few the updates; a flat one at chance is too early.
  assert.match(trainingProblem(history.slice(0, 2), { steps: 99, lr: 50 })!, /likely too large/);
  const flat = [point(0.1, 2.31), point(0.11, 2.3)];
  assert.equal(trainingProblem(flat, { steps: 99, lr: 0.001 }), undefined);
});

Deno.test("trainingProblem() blames a rate too large when the first epoch's batches blew up", () => {
  // Adam at η = 5 on a convnet: the first batch's loss is the guess's, ln 10; the next ones
  // explode, and the first epoch's mean is already 135 — which alone would look like the start.
  const history = [point(0.097, 135.2)];
  const batchLosses = [2.3, 40, 300, 150, 120];
  assert.equal(
    trainingProblem(history, { steps: 5, lr: 5, batchLosses }),
    "Training failed: after 5 updates the train accuracy is 9.7%, about chance (10.0%); " +
      "the learning rate 5 is likely too large (the loss went from 2.30 at the start to 300.00): try one ten times smaller",
  );
  // Above chance, yet worse than guessing at the end: failed too.
  assert.match(
    trainingProblem([point(0.4, 5.2)], { steps: 5, lr: 5, batchLosses })!,
    /^Training failed: the loss ended at 5\.2000, worse than guessing \(ln 10 = 2\.30\); the learning rate 5 is likely too large/,
  );
});

Deno.test("trainingProblem() tells a rate too small from one too large", () => {
  const flat = [point(0.1002, 2.3147), point(0.1002, 2.3146), point(0.1003, 2.3145)];
  assert.match(
    trainingProblem(flat, { steps: 200, lr: 1e-6 })!,
    /about chance \(10\.0%\); the learning rate 0\.000001 may be too small, or the training too short$/,
  );
  // Chance is 1/classes; below a tenth of the way from it to 100% counts: 19% for ten classes.
  const two = [point(0.5, 0.7), point(0.54, 0.69), point(0.54, 0.69)];
  assert.match(trainingProblem(two, { steps: 200, lr: 1e-6, classes: 2 })!, /chance \(50\.0%\)/);
  assert.equal(
    trainingProblem([point(0.1, 2.3), point(0.19, 2.2)], { steps: 200, lr: 0.01 }),
    undefined,
  );
});

Deno.test("trainingProblem() names a loss that grew, above chance", () => {
  const history = [point(0.6, 1.1), point(0.7, 0.9), point(0.5, 1.4)];
  assert.equal(
    trainingProblem(history, { steps: 30, lr: 3 }),
    "Training failed: the loss grew from 1.1000 to 1.4000; the learning rate 3 is likely too " +
      "large (the loss went from 1.10 at the start to 1.40): try one ten times smaller",
  );
  // Two points are not a trend.
  assert.equal(trainingProblem(history.slice(1), { steps: 30, lr: 3 }), undefined);
});
