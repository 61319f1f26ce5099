/**
 * A scoring thread of `parallel.ts`: for each message `{ model, digits }` it answers with
 * `evaluate(model, digits)` (or `{ error }`), the probabilities' buffer transferred.
 *
 * @module
 */

import { evaluate } from "./evaluate.ts";

self.onmessage = (event: MessageEvent) => {
  try {
    const { model, digits } = event.data;
    const scores = evaluate(model, digits);
    const buffer = scores.probabilities.data.buffer;
    self.postMessage({ scores }, { transfer: [buffer as ArrayBuffer] });
  } catch (error) {
    self.postMessage({ error: (error as Error).message });
  }
};
