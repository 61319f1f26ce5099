/**
 * A notebook's steps, one change at a time: each trains a recipe (`fit`) or averages earlier
 * steps (an ensemble), shows its progress live and then one line — its test accuracy, the change
 * from the step before, its dev accuracy and seconds — and stays in the list for the table, the
 * charts and the sentences computed from them. Jupyter's Stop ends a step's training: the step
 * stays in the list, marked *stopped*, with its last dev score and no test score.
 *
 * @module
 */

import type { Digits } from "../data/dataset.ts";
import { averageRuns, type EnsembleRun } from "../train/ensemble.ts";
import { fit, type FitResult } from "../train/fit.ts";
import { describeRecipe, type Recipe } from "../train/recipe.ts";
import type { Callback } from "../train/callbacks.ts";
import { TrainingStopped } from "../train/stop.ts";
import { markdownTable } from "./display.ts";
import { progressLine } from "./progress.ts";
import { stopSignal } from "./stop.ts";

/** A step: a training or an ensemble, by its name. */
export type Step = (FitResult | EnsembleRun) & { name: string };

/** A fraction as a percentage, `98.67%`; `—` for none (a stopped step has no test score). */
export function pct(x: number | undefined): string {
  return x === undefined ? "—" : `${(100 * x).toFixed(2)}%`;
}

/** A change of accuracy in points, `+0.42 points`, `−1.40 points`. */
export function points(d: number): string {
  return `${d >= 0 ? "+" : "−"}${Math.abs(100 * d).toFixed(2)} points`;
}

/** Whether a step is an ensemble. */
export function isEnsemble(step: Step): step is EnsembleRun & { name: string } {
  return "members" in step;
}

/**
 * A trained step's last epoch, `train 100.00%, dev 91.40%` — a training accuracy far above the
 * dev accuracy says the network learned its training images rather than the digits; undefined
 * for an ensemble or a step without a training accuracy.
 */
export function lastEpoch(step: Step): string | undefined {
  const point = isEnsemble(step) ? undefined : step.history.at(-1);
  if (!point || !Number.isFinite(point.trainAccuracy)) return undefined;
  return `train ${pct(point.trainAccuracy)}, dev ${pct(point.devAccuracy)}`;
}

/** A notebook's steps and how to add one. */
export interface Steps {
  /** Every step so far, in order. */
  readonly runs: Step[];
  /**
   * Train `recipe` as the step `name`, kept as the last of {@link Steps.runs} (nothing is
   * returned, so that a cell ending with it shows its line alone); throws `TrainingStopped` on
   * Stop. The recipe's own callbacks run after the progress line's.
   */
  train(name: string, recipe: Recipe & { callbacks?: Callback[] }): Promise<void>;
  /** Average earlier steps' networks (and `shifts` of each image) as the step `name`. */
  average(
    name: string,
    members: FitResult[],
    shifts?: readonly (readonly [number, number])[],
  ): Promise<void>;
  /**
   * The table of every step: network, recipe, epochs, test and dev accuracy, dev loss, seconds,
   * parameters.
   */
  table(): string;
  /** Each step's name and scores, for the notebook's summary. */
  summary(): {
    name: string;
    test_accuracy?: number;
    dev_accuracy?: number;
    dev_loss?: number;
    seconds: number;
  }[];
}

/**
 * The steps of a notebook over one training set, dev set and test set.
 *
 * @example
 * ```ts ignore
 * const steps = createSteps({ train, dev, test });
 * await steps.train("1 · one conv layer", { layers: "conv5x16", epochs: 1, optimizer: "adam" });
 * await showMarkdown(steps.table());
 * ```
 */
export function createSteps(sets: { train: Digits; dev: Digits; test: Digits }): Steps {
  const runs: Step[] = [];
  /** `name: test 98.67%, +0.42 points · dev 98.10% · 35.1 s`, and the step kept. */
  const keep = <R extends FitResult | EnsembleRun>(name: string, run: R) => {
    const before = runs.findLast((r) => r.testAccuracy !== undefined);
    const gain = before && run.testAccuracy !== undefined
      ? `, ${points(run.testAccuracy - before.testAccuracy!)}`
      : "";
    runs.push({ ...run, name });
    return {
      line: `${name}: test ${pct(run.testAccuracy)}${gain} · dev ${pct(run.devAccuracy)} · ${
        run.seconds.toFixed(1)
      } s`,
    };
  };
  return {
    runs,
    async train(name, recipe) {
      const line = progressLine(name);
      const { dev, test } = sets;
      const options = { ...recipe, dev, test, name, progress: false, signal: stopSignal() };
      const callbacks = [line, ...(recipe.callbacks ?? [])];
      const run = await fit(sets.train, { ...options, callbacks }).catch((error) => {
        // Stop: keep the epochs trained, marked as stopped, and end the cell.
        if (error instanceof TrainingStopped) {
          runs.push({ ...error.result, name: `${name} (stopped)` });
        }
        throw error;
      });
      const { line: text } = keep(name, run);
      await line.show(text + (run.problem ? `\n${name}: warning: ${run.problem}` : ""));
    },
    async average(name, members, shifts = [[0, 0]]) {
      const run = await averageRuns(members, sets, shifts);
      const { line } = keep(name, run);
      const times = members.length * shifts.length;
      console.log(line);
      console.log(
        `scoring ${sets.dev.count + sets.test.count} images ${times} times: ${
          run.scoringSeconds.toFixed(1)
        } s`,
      );
    },
    table() {
      const m = sets.train.count;
      return markdownTable(
        ["step", "network", "recipe", "epochs", "test", "dev", "dev loss", "seconds", "parameters"],
        runs.map((r) => {
          const what = isEnsemble(r)
            ? [
              "—",
              `mean of ${r.members.length} networks × ${r.shifts.length} shift${
                r.shifts.length > 1 ? "s" : ""
              }`,
              "—",
            ]
            : [r.settings.name, describeRecipe(r.settings, m), r.settings.epochs];
          return [
            r.name,
            ...what,
            pct(r.testAccuracy),
            pct(r.devAccuracy),
            r.devLoss === undefined ? "—" : r.devLoss.toFixed(4),
            r.seconds.toFixed(1),
            r.parameters.toLocaleString("en-US"),
          ];
        }),
      );
    },
    summary: () =>
      runs.map((r) => ({
        name: r.name,
        test_accuracy: r.testAccuracy,
        dev_accuracy: r.devAccuracy,
        dev_loss: r.devLoss,
        seconds: r.seconds,
      })),
  };
}
