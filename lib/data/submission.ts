/**
 * Kaggle's submission form for the digit recognizer: a header `ImageId,Label`, then one line per
 * image of its test file, `ImageId` counting from 1 in file order.
 *
 * @module
 */

/** The header of a submission file. */
export const SUBMISSION_HEADER = "ImageId,Label";

/**
 * The text of a submission for `predictions` (one digit per image, in file order).
 *
 * @example
 * ```ts
 * import { submissionCsv } from "./submission.ts";
 * console.log(submissionCsv([7, 2, 1]));
 * // ImageId,Label
 * // 1,7
 * // 2,2
 * // 3,1
 * ```
 */
export function submissionCsv(predictions: ArrayLike<number>): string {
  const lines = [SUBMISSION_HEADER];
  for (let i = 0; i < predictions.length; i++) lines.push(`${i + 1},${predictions[i]}`);
  return lines.join("\n") + "\n";
}

/** Write {@link submissionCsv} of `predictions` to `path`. */
export async function writeSubmission(path: string, predictions: ArrayLike<number>): Promise<void> {
  await Deno.writeTextFile(path, submissionCsv(predictions));
}
