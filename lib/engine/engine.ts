/**
 * What an engine is, to the training loop: one interface for all of them. An engine holds a
 * network and the training images in its own layout; between epochs it lays the epoch out (the
 * images in the epoch's order, each shifted or distorted as planned), then takes one optimizer
 * step per batch, a range of the arranged epoch. `choose.ts` picks the engine and its kernels,
 * once; each engine's `start` function takes what it was given.
 *
 * @module
 */

import type { Digits } from "../data/dataset.ts";
import type { Network } from "../nn/layers/network.ts";
import type { EpochPlan } from "../nn/minibatch.ts";
import type { OptimizerOptions } from "../nn/optimizers.ts";
import type { Backend, Evaluation, StepResult } from "./shared/backend.ts";

/**
 * The engines: the seed's fused per-sample kernels, the mini-batch matrix products for dense
 * networks, and the convolution engine for layer lists (whose TypeScript backend is the
 * readable layers themselves).
 */
export type EngineName = "fused" | "batch" | "conv";

/** A running engine. Call `close()` when done: it releases its workers and memory. */
export interface Engine {
  /** Which engine. */
  readonly name: EngineName;
  /** Threads in use, the main thread included. */
  readonly threads: number;
  /** The kernels in use. */
  readonly backend: Backend;
  /** Lay out an epoch: the images in the plan's order, each shifted (and distorted) as planned. */
  arrange(plan: EpochPlan): void;
  /**
   * One optimizer step on samples `from … to−1` of the arranged epoch at learning rate `lr`:
   * the batch's accuracy and mean loss, from the forward pass before the step.
   */
  step(from: number, to: number, lr: number): StepResult | Promise<StepResult>;
  /** A copy of the current network. */
  network(): Network;
  /**
   * Score held-out set `set` of {@link EngineSettings.heldOut} under the current network, in
   * evaluation mode, on the engine's own threads: what `evaluate(engine.network(), set)` gives,
   * without copying the network or starting a thread. Engines that cannot leave it out; the
   * training loop then calls `evaluate`.
   */
  score?(set: number): Evaluation;
  /** Release the workers and memory. */
  close(): void;
}

/** What an engine is started with, every choice made. */
export interface EngineSettings {
  /** The most images in a step. */
  batchSize: number;
  /** The optimizer, its defaults filled in. */
  optimizer: Required<OptimizerOptions>;
  /** The seed's scalar bias gradient (the fused engine only). */
  originalBiasGradient: boolean;
  /** Threads, the main thread included (default: the cores, at most 8). */
  threads?: number;
  /** The kernels, as `chooseEngine` picked them. */
  backend: Backend;
  /** Sets to score between steps ({@link Engine.score}): a dev set, a test set. */
  heldOut?: readonly Digits[];
}

/** Starts an engine on a training set from a network. */
export type StartEngine = (
  train: Digits,
  network: Network,
  settings: EngineSettings,
) => Promise<Engine>;
