/**
 * Peak memory of the running process, for `deno task train --json` and the benchmarks.
 *
 * @module
 */

/** Peak resident memory of this process in MB (Linux `VmHWM`), or null where it cannot be read. */
export function peakRssMb(): number | null {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(Deno.readTextFileSync("/proc/self/status"));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}
