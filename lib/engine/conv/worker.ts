/**
 * A convolution-engine worker: attaches to the engine's shared memory, then runs its part of
 * each phase (`shared/phases.ts`).
 *
 * @module
 */

/// <reference lib="deno.worker" />

import type { OptimizerOptions } from "../../nn/optimizers.ts";
import { servePhases } from "../shared/phases.ts";
import { attachConvWasm, type ConvMemoryPlan } from "./backend_wasm.ts";

servePhases((message: { plan: ConvMemoryPlan; optimizer: Required<OptimizerOptions> }, slot) =>
  attachConvWasm(message.plan, message.optimizer, slot)
);
