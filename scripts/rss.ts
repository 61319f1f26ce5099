/**
 * Peak memory of the running process, for `deno task train --json` and the benchmarks.
 *
 * @module
 */

import process from "node:process";

/**
 * Peak resident memory of this process in MB (`getrusage`'s `ru_maxrss`, the same as Linux's
 * `VmHWM`; it needs no permission), or null where the runtime cannot tell.
 */
export function peakRssMb(): number | null {
  try {
    const kb = process.resourceUsage().maxRSS;
    return kb > 0 ? kb / 1024 : null;
  } catch {
    return null;
  }
}
