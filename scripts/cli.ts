/**
 * What every command-line entry point does with an error: print it as one sentence on stderr,
 * `error: …`, and exit 1 — never a stack trace.
 *
 * @module
 */

/** Run `main` with the command-line arguments; a thrown error becomes one line and exit code 1. */
export async function runMain(main: (args: string[]) => Promise<void>): Promise<void> {
  try {
    await main(Deno.args);
  } catch (error) {
    const message = (error as Error).message.replace(/\.$/, "");
    console.error(`error: ${message}`);
    Deno.exit(1);
  }
}
