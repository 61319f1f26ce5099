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
 * @module
 */

/** The schedules. */
export type ScheduleName = "constant" | "step" | "cosine";

/** The names {@link ScheduleName} takes, for parsing and help texts. */
export const SCHEDULES: readonly ScheduleName[] = ["constant", "step", "cosine"];

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
 * The learning rate of epoch `epoch` (from 0) of `epochs`, from the base rate `lr`.
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
    default:
      throw new RangeError(
        `Cannot use schedule "${schedule}": expected one of ${SCHEDULES.join(", ")}`,
      );
  }
}
