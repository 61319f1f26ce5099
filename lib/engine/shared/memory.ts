/**
 * Refusing, before training starts, a network whose engine would need more memory than there
 * is: one sentence with the network, its parameter count and the bytes, instead of an
 * allocation failure deep inside an engine or minutes of swapping.
 *
 * @module
 */

/** The most bytes a WebAssembly (wasm32) memory holds: 65,536 pages of 64 KiB, 4 GiB. */
export const WASM_MEMORY_MAX: number = 65536 * 65536;

/** `bytes` rounded up to a whole cache line (64 bytes). */
export const align = (bytes: number): number => Math.ceil(bytes / 64) * 64;

/**
 * A bump allocator of cache-line-aligned regions from `base` on, for laying out a shared
 * WebAssembly memory: `take(bytes)` returns where the next region starts, `end()` where the
 * last one ends.
 */
export function regions(base: number): { take(bytes: number): number; end(): number } {
  let end = base;
  return {
    take(bytes) {
      const start = end;
      end += align(bytes);
      return start;
    },
    end: () => end,
  };
}

/** The share of the machine's memory a training may take. */
const MACHINE_SHARE = 0.8;

/** A dense network of layer sizes `sizes`, for {@link checkMemory}: its name and parameters. */
export function denseNetwork(sizes: readonly number[]): { name: string; parameters: number } {
  let parameters = 0;
  for (let l = 0; l + 1 < sizes.length; l++) parameters += (sizes[l] + 1) * sizes[l + 1];
  return { name: sizes.join("-"), parameters };
}

const gb = (bytes: number) => `${(bytes / 1e9).toFixed(1)} GB`;

/**
 * Throw when `bytes` — what an engine needs to train `network` — is more than a WebAssembly
 * memory holds (for `"wasm"`) or than {@link MACHINE_SHARE} of the machine's memory.
 *
 * @param network The network's name (`784-5000-5000-10`, `conv5x32,pool2,dense256,dense10`)
 * and its number of parameters, for the message.
 * @param engine The engine and its kernels, for the message: "the mini-batch engine".
 * @throws {RangeError} `Cannot train 784-5000-5000-10 (29,065,010 parameters): …`.
 */
export function checkMemory(
  network: { name: string; parameters: number },
  bytes: number,
  engine: string,
  backend: "wasm" | "typescript",
): void {
  const limits = [];
  // Without the permission to ask (`--allow-sys`), only WebAssembly's own limit is known.
  if (Deno.permissions.querySync({ name: "sys", kind: "systemMemoryInfo" }).state === "granted") {
    const machine = MACHINE_SHARE * Deno.systemMemoryInfo().total;
    limits.push({ bytes: machine, what: `this machine's ${gb(machine / MACHINE_SHARE)}` });
  }
  if (backend === "wasm") {
    limits.push({ bytes: WASM_MEMORY_MAX, what: "the 4.3 GB (4 GiB) a WebAssembly memory holds" });
  }
  const over = limits.find((limit) => bytes > limit.bytes);
  if (over) {
    throw new RangeError(
      `Cannot train ${network.name} (${
        network.parameters.toLocaleString("en-US")
      } parameters): ${engine} needs ${gb(bytes)} for it, more than ${over.what}`,
    );
  }
}
