/**
 * The convolution engine's WebAssembly kernels (`wasm/conv/kernels.ts`): channels-last im2col
 * and its inverse, max pooling and its backward pass, the ReLU mask, and the mini-batch
 * engine's GEMM micro-kernels, all in one module over a shared memory.
 *
 * The kernels are proven equal to the readable layers of `lib/nn/layers/` by
 * `tests/engine/conv_kernels_test.ts`; `backend_wasm.ts` runs them.
 *
 * @module
 */

import { CONV_WASM_BASE64 } from "./kernels_wasm_binary.ts";

/** The kernels of an instance of `wasm/conv/kernels.ts` (addresses in bytes, sizes in floats). */
export interface ConvKernels {
  im2colU8(
    X: number,
    H: number,
    W: number,
    k: number,
    images: number,
    cols: number,
    ldc: number,
  ): void;
  im2col(
    X: number,
    H: number,
    W: number,
    C: number,
    k: number,
    images: number,
    cols: number,
    ldc: number,
  ): void;
  col2im(
    dcols: number,
    ldc: number,
    H: number,
    W: number,
    C: number,
    k: number,
    images: number,
    dX: number,
  ): void;
  maxPool(
    X: number,
    H: number,
    W: number,
    C: number,
    p: number,
    images: number,
    Y: number,
    argmax: number,
  ): void;
  maxPoolBackward(dY: number, argmax: number, count: number, dX: number, countIn: number): void;
  maskPositive(D: number, M: number, count: number): void;
  gemmNN(...args: (number | boolean)[]): void;
  gemmTN(...args: number[]): void;
  gemmNTMasked(...args: number[]): void;
  softmaxLoss(...args: number[]): void;
  update(...args: number[]): void;
  setStep(...args: (number | boolean)[]): void;
  setScratch(at: number): void;
  zero(ptr: number, bytes: number): void;
  columnSums(R: number, N: number, D: number, ld: number, out: number): void;
}

let compiled: WebAssembly.Module | undefined;

/** The compiled kernels (compiled once per thread). */
export function convModule(): WebAssembly.Module {
  compiled ??= new WebAssembly.Module(
    Uint8Array.from(atob(CONV_WASM_BASE64), (c) => c.charCodeAt(0)),
  );
  return compiled;
}

/** An instance of the kernels over `memory` (shared, at least as large as the data). */
export function convKernels(memory: WebAssembly.Memory): ConvKernels {
  const instance = new WebAssembly.Instance(convModule(), { env: { memory } });
  return instance.exports as unknown as ConvKernels;
}
