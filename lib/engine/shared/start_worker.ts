/**
 * Starting the engines' Web Workers: post the set-up message and wait for the worker's first
 * answer, `{ ok }` or `{ error }`.
 *
 * @module
 */

/**
 * Start the module worker at `url` with `message`, and wait until it has set up; `error` then
 * settles with the message of the first error it reports.
 *
 * @throws {Error} `Training worker failed: …` when it fails to set up.
 */
export async function startWorker(
  url: URL,
  message: unknown,
): Promise<{ worker: Worker; error: Promise<string> }> {
  const worker = new Worker(url, { type: "module" });
  try {
    await new Promise<void>((resolve, reject) => {
      worker.onmessage = (event: MessageEvent) => {
        if (event.data?.error) reject(new Error(`Training worker failed: ${event.data.error}`));
        else resolve();
      };
      worker.onerror = (event: ErrorEvent) => {
        event.preventDefault();
        reject(new Error(`Training worker failed: ${event.message}`));
      };
      worker.postMessage(message);
    });
  } catch (error) {
    worker.terminate();
    throw error;
  }
  const error = new Promise<string>((resolve) => {
    worker.onmessage = (event: MessageEvent) => resolve(String(event.data?.error));
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      resolve(event.message);
    };
  });
  return { worker, error };
}
