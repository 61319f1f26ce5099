/**
 * What a layer kind is: everything about one kind of layer in one module, as convnetjs's layers
 * and PyTorch's modules own theirs — its word in the short form (`conv5x32`), its JSON fields,
 * the shape of what it gives for what it gets, its parameters (their sizes and how they start),
 * and its forward pass beside its backward pass. The network (`network.ts`), the short form
 * (`text.ts`), model files and the digit pad ask the layer; none of them knows the kinds.
 *
 * A new kind is a module that exports a {@link LayerKind}, one line in `registry.ts`, its
 * kernels in the engines that run it, and its tests.
 *
 * @module
 */

import type { Rng } from "../../data/random.ts";
import type { Check } from "../../options.ts";
import type { Batch } from "./batch.ts";

/** One sample's shape: `[C, H, W]` for an image (channels, rows, columns), `[n]` for a vector. */
export type Shape = readonly number[];

/** A layer's parameters by name: `W` and `b` for a convolution or a dense layer. */
export type LayerParams = Record<string, Float64Array>;

/** One parameter array of a layer. */
export interface ParamInfo {
  /** Its name in {@link LayerParams}: `W`, `b`. */
  name: string;
  /** Its number of values. */
  length: number;
  /** Whether L2 weight decay applies (weights: yes; biases: no). */
  decay: boolean;
  /**
   * `false` for a buffer: state the forward pass keeps (batch normalisation's running mean and
   * variance), stored in model files but not stepped by the optimizer and without a gradient —
   * what PyTorch calls a module's buffers. Absent: a trained parameter.
   */
  trained?: false;
}

/**
 * How a forward pass runs. In **training** a batch normalisation normalises by the batch's own
 * statistics (and updates its running averages) and a dropout drops; in **evaluation** — scoring,
 * the ensemble, the digit pad, `deno task predict` — the first uses its running averages and the
 * second passes its input through.
 */
export interface LayerMode {
  /** Training (`true`) or evaluation (`false`). */
  training: boolean;
  /** The epoch's noise seed, which dropout's masks are drawn from (0 in evaluation). */
  seed: number;
  /**
   * Where the batch's first sample stands in the epoch: a sample's mask depends on its place in
   * the epoch, not on how the epoch is cut into batches or chunks.
   */
  first: number;
  /** The layer's place in the network, so that two dropouts draw different masks. */
  layer: number;
}

/** Evaluation mode: no batch statistics, no dropout. */
export const EVALUATION: LayerMode = { training: false, seed: 0, first: 0, layer: 0 };

/** What a forward pass gives: the output, and what the backward pass needs of it. */
export interface LayerForward {
  /** The layer's output. */
  Y: Batch;
  /** What the backward pass reads besides the input (a max pool's argmax, say). */
  cache?: unknown;
}

/** What a backward pass gives: the gradient at the input, and the parameters' gradients. */
export interface LayerBackward {
  /** ∂L/∂X, shaped like the input. */
  dX: Batch;
  /** ∂L/∂p for each parameter array (none for a layer without parameters). */
  grads?: LayerParams;
}

/**
 * One kind of layer. `S` is its description, plain data such as `{ kind: "conv", size: 5,
 * filters: 32 }`: the same object is its JSON form.
 */
export interface LayerKind<S extends { kind: string } = { kind: string }> {
  /** Its `kind` in a description and in model files: `"conv"`. */
  readonly kind: S["kind"];
  /** Its word in the short form, for help texts: `convKxC`. */
  readonly word: string;
  /** What the word means, for help texts: `a K×K convolution to C channels, then a ReLU`. */
  readonly about: string;
  /** The fields of its description besides `kind`, each with the check of its value. */
  readonly fields: Readonly<Record<string, Check>>;
  /** What it takes: images (`[C, H, W]`), vectors (`[n]`) or either. */
  readonly takes: "image" | "vector" | "any";
  /**
   * A layer the short form implies where it goes without saying (a ReLU after `convKxC`, the
   * flatten before the first `denseN`): a word help texts need not list.
   */
  readonly implied?: boolean;
  /**
   * The layers a word of the short form stands for (`conv5x32` is a convolution then a ReLU),
   * or `undefined` when the word is not this kind's.
   */
  read(word: string): { kind: string }[] | undefined;
  /** Its word in the short form: `conv5x32`. */
  write(spec: S): string;
  /**
   * The shape of its output for an input of shape `input`.
   *
   * @throws {LayerShapeError} When the input does not fit, saying why.
   */
  outputShape(spec: S, input: Shape): number[];
  /** Its parameter arrays for an input of shape `input`, in order (none: `[]`). */
  params(spec: S, input: Shape): ParamInfo[];
  /**
   * Fresh parameters, drawn from `rng` in the order of {@link LayerKind.params} (He for
   * weights: `N·√(2 / fan_in)`; biases 0), or `null` for a layer without parameters.
   */
  init(spec: S, input: Shape, rng: Rng): LayerParams | null;
  /**
   * A layer that draws noise in training (dropout): each epoch's plan then draws a seed for it
   * ({@link LayerMode.seed}).
   */
  readonly noisy?: boolean;
  /**
   * The forward pass over a batch, in training or evaluation mode (the kinds that differ:
   * batch normalisation, dropout). In training it may update the layer's buffers in `p`.
   */
  forward(spec: S, X: Batch, p: LayerParams | null, mode: LayerMode): LayerForward;
  /**
   * The backward pass of a training forward pass: from ∂L/∂Y to ∂L/∂X and the trained
   * parameters' gradients (none for buffers).
   */
  backward(spec: S, X: Batch, p: LayerParams | null, dY: Batch, cache: unknown): LayerBackward;
}

/** Why a layer does not fit its input, as a phrase: `needs at least 5×5 inputs, and gets 4×4`. */
export class LayerShapeError extends Error {
  /** `"LayerShapeError"`. */
  override name = "LayerShapeError";
}

/**
 * He initialisation of a weight array: `length` values `N·√(2 / fanIn)` drawn from `rng` in
 * order, N a standard normal — what keeps a ReLU network's signal from fading layer after layer.
 */
export function heWeights(length: number, fanIn: number, rng: Rng): Float64Array {
  const scale = Math.sqrt(2 / fanIn);
  return new Float64Array(length).map(() => rng.normal() * scale);
}

/** The check of an image input: a `[C, H, W]` shape of at least `k×k`, or a phrase why not. */
export function imageAtLeast(input: Shape, k: number): void {
  if (input.length !== 3) {
    throw new LayerShapeError("needs images, and comes after a flatten or dense layer");
  }
  if (input[1] < k || input[2] < k) {
    throw new LayerShapeError(
      `needs at least ${k}×${k} inputs, and gets ${input[1]}×${input[2]}`,
    );
  }
}
