/**
 * Learning-rate schedules: the learning rate η of epoch e (counted from 0) out of E, from the
 * base rate η₀, as PyTorch's `StepLR` and `CosineAnnealingLR` (η_min = 0) compute it when
 * stepped once per epoch:
 *
 * ```text
 * constant:  ηₑ = η₀
 * step:      ηₑ = η₀·γ^⌊e / s⌋                 every s epochs, multiply by γ
 * cosine:    ηₑ = η₀·½·(1 + cos(π·e / E))      from η₀ down towards 0
 * ```
 *
 * and one schedule that changes at every batch, Smith and Topin's one cycle (as PyTorch's
 * `OneCycleLR` with linear annealing, stepped once per batch): with t = the share of all the
 * run's batches done before this one,
 *
 * ```text
 * onecycle:  η = η₀·(1/25 + (1 − 1/25)·t/0.3)      t < 0.3: up from η₀/25 to η₀
 *            η = η₀·(1 − (t − 0.3)/0.7)            then down to 0 at the end
 * ```
 *
 * @module
 */

/** The schedules. */
export type ScheduleName = "constant" | "step" | "cosine" | "onecycle";

/** The names {@link ScheduleName} takes, for parsing and help texts. */
export const SCHEDULES: readonly ScheduleName[] = ["constant", "step", "cosine", "onecycle"];

/** The share of a one-cycle run spent warming up, and the warm-up's first rate over η₀. */
const ONE_CYCLE_WARM_UP = 0.3, ONE_CYCLE_START = 1 / 25;

/** Options of {@link learningRate}. */
export interface ScheduleOptions {
  /** Which schedule ("constant"). */
  schedule?: ScheduleName;
  /** s, the step schedule's period in epochs (default: a third of the epochs, at least 1). */
  stepSize?: number;
  /** γ, the step schedule's factor (0.1). */
  gamma?: number;
}

/**
 * The learning rate of batch `batch` (from 0) of `batches` in epoch `epoch` (from 0) of
 * `epochs`, from the base rate `lr`: the epoch's rate, but for a schedule that changes at every
 * batch (onecycle).
 *
 * @example
 * ```ts
 * import { batchRate } from "./schedules.ts";
 * console.log(batchRate(0.01, 0, 30, 100, 1, { schedule: "onecycle" })); // 0.01: the peak
 * ```
 */
export function batchRate(
  lr: number,
  epoch: number,
  batch: number,
  batches: number,
  epochs: number,
  options: ScheduleOptions = {},
): number {
  if (options.schedule !== "onecycle") return learningRate(lr, epoch, epochs, options);
  const t = (epoch * batches + batch) / (epochs * batches);
  return t < ONE_CYCLE_WARM_UP
    ? lr * (ONE_CYCLE_START + (1 - ONE_CYCLE_START) * t / ONE_CYCLE_WARM_UP)
    : lr * (1 - (t - ONE_CYCLE_WARM_UP) / (1 - ONE_CYCLE_WARM_UP));
}

/**
 * The learning rate of epoch `epoch` (from 0) of `epochs`, from the base rate `lr` (for
 * onecycle, the rate at the epoch's first batch: {@link batchRate} gives every batch's).
 *
 * @example
 * ```ts
 * import { learningRate } from "./schedules.ts";
 * console.log(learningRate(0.1, 5, 10, { schedule: "cosine" })); // 0.05: half-way down
 * ```
 *
 * @throws {RangeError} For an unknown schedule, or a step size or γ out of range.
 */
export function learningRate(
  lr: number,
  epoch: number,
  epochs: number,
  options: ScheduleOptions = {},
): number {
  const { schedule = "constant", stepSize = Math.max(1, Math.floor(epochs / 3)), gamma = 0.1 } =
    options;
  switch (schedule) {
    case "constant":
      return lr;
    case "step":
      if (!(Number.isInteger(stepSize) && stepSize >= 1)) {
        throw new RangeError(`Cannot use step size ${stepSize}: expected a whole number ≥ 1`);
      }
      if (!(gamma > 0 && gamma <= 1)) {
        throw new RangeError(`Cannot use gamma ${gamma}: expected 0 < gamma ≤ 1`);
      }
      return lr * gamma ** Math.floor(epoch / stepSize);
    case "cosine":
      return lr * 0.5 * (1 + Math.cos((Math.PI * epoch) / epochs));
    case "onecycle":
      return batchRate(lr, epoch, 0, 1, epochs, options);
    default:
      throw new RangeError(
        `Cannot use schedule "${schedule}": expected one of ${SCHEDULES.join(", ")}`,
      );
  }
}
