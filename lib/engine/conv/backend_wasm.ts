/**
 * The convolution engine's WebAssembly backend: one shared memory laid out for a layer-list
 * network, and a chunk's forward and backward passes and the optimizer step run with the
 * kernels of `wasm/conv/kernels.ts`. What it does for each kind of layer is its kernel table,
 * `kernel_table.ts`: the one place in the engine that knows the kinds.
 *
 * Layouts. Activations are channels-last, every channel count and unit count padded to a
 * multiple of 8 (padded weights are 0, get 0 gradients, and so stay 0 under every optimizer).
 * Each conv or dense layer's parameters are `WT` (inputs × outputs, float32 and float64, row
 * `(u·k + v)·C + c` for a k×k convolution over C channels, row `(y·W + x)·C + c` for a dense
 * layer after a flattened C×H×W map — the readable layers' `W` transposed and permuted) then
 * `b`. ReLUs are fused into the products before them; a max pool keeps, per output, where its
 * maximum was.
 *
 * A chunk of R samples (a multiple of 4; rows past the chunk's real samples get dZ = 0, so they
 * add nothing):
 *
 * ```text
 * forward   conv:  cols = im2col(A_in);  A = ReLU(cols·WT + b)       (R·Ho·Wo × F)
 *                  (im2col at the layer's stride, zeros for its padding)
 *           pool:  A = maxpool(A_in), argmax                         (R·Ho·Wo × C)
 *           dropout: A = A_in ⊙ mask (training; scoring: mask = 1)    (R·H·W × C)
 *           bn:    A = (A_in − μ)·γ/√(σ² + ε) + β  (the batch's μ, σ²; scoring: the running ones)
 *           dense: A = ReLU(A_in·WT + b)  (no ReLU for the last: Z)  (R × units)
 * softmax   dZ = softmax(Z) − onehot(y); stats += [right answers, Σ −log a_y]
 * backward  dense: dWT = A_inᵀ·dZ, db = Σ dZ, dA_in = (dZ·WTᵀ) ⊙ [A_in > 0]
 *           conv:  dWT = colsᵀ·dZ, db = Σ dZ, dA_in = col2im(dZ·WTᵀ) ⊙ [A_in > 0]
 *           pool:  dA_in = the gradient of each output at its argmax
 *           dropout: dA_in = dA ⊙ mask  (dA already masked by A > 0, so by A_in > 0)
 *           bn:    dA_in = s·(dA − dβ/N − x̂·dγ/N) ⊙ [A_in > 0]  (the batch's dβ, dγ)
 * ```
 *
 * A layer masks the gradient at its input by input > 0 — the ReLU′ of the product before it —
 * only when that input is a ReLU's output (`KernelLayer.afterRelu`): not after a bn. A bn needs
 * the whole batch's sums, so a step's gradient phase stops at each bn, forward then backward
 * (`rounds`), each chunk keeping its buffers in a scratch area of its own between rounds.
 *
 * The products sum the chunk's rows in order, each chunk into its own gradient buffer; the
 * update adds the chunks' buffers in chunk order (the shared `update` kernel).
 *
 * @module
 */

import type { LayerParams, Network } from "../../nn/layers/network.ts";
import { parameterCount } from "../../nn/layers/network.ts";
import { networkName } from "../../nn/dense_view.ts";
import type { OptimizerOptions } from "../../nn/optimizers.ts";
import { shareOf, type Slice, updateRegions } from "../shared/kernels.ts";
import { align, checkMemory, regions } from "../shared/memory.ts";
import { arrangeImages, type SharedEpoch } from "../shared/arrange.ts";
import { chunkCount, type UpdateStep } from "../shared/phases.ts";
import { convKernels, convModule } from "./kernels_wasm.ts";
import {
  type KernelLayer,
  kernelLayers,
  KERNELS,
  type LayerBuffers,
  type Pass,
} from "./kernel_table.ts";

export { convWasmUnfit, type KernelLayer, kernelLayers, KERNELS } from "./kernel_table.ts";

const PAGE = 65536;
const BASE = 65536;
const pad4 = (n: number) => Math.ceil(n / 4) * 4;

/**
 * Layer l's readable parameters written into the kernel layout `out` and the state `S` (padding
 * left 0).
 */
function packLayer(p: LayerParams, layer: KernelLayer, out: Float64Array, S: Float64Array): void {
  const kernels = KERNELS[layer.spec.kind]!;
  if (kernels.pack) return kernels.pack(layer, p, out, S);
  kernels.weights!(layer, (readable, kernel) => out[kernel] = p.W[readable]);
  for (let i = 0; i < layer.realOut; i++) out[layer.b + i] = p.b[i];
}

/** Layer l's readable parameters, read back from the kernel layout and the state. */
function unpackLayer(
  layer: KernelLayer,
  P: Float64Array,
  S: Float64Array,
  shape: LayerParams,
): LayerParams {
  const kernels = KERNELS[layer.spec.kind]!;
  if (kernels.unpack) return kernels.unpack(layer, P, S);
  const W = new Float64Array(shape.W.length), b = new Float64Array(shape.b.length);
  kernels.weights!(layer, (readable, kernel) => W[readable] = P[kernel]);
  for (let i = 0; i < layer.realOut; i++) b[i] = P[layer.b + i];
  return { W, b };
}

/** Where everything sits in the shared memory; cloneable, so workers attach to the same. */
export interface ConvMemoryPlan {
  /** The compiled kernels. */
  module: WebAssembly.Module;
  /** The shared memory. */
  memory: WebAssembly.Memory;
  /** The network's shape (its parameters live in the memory). */
  net: Network;
  /** Its layers as the kernels see them. */
  layers: KernelLayer[];
  /** Parameters in the kernel layout. */
  length: number;
  /** Float64 values of the layers' state (running statistics), and of a chunk's sums. */
  stateLength: number;
  sumsLength: number;
  /**
   * Scratch areas: one per thread, or, for a network whose step runs in rounds, one per chunk
   * (a chunk's buffers outlive a round; chunk c always uses area c).
   */
  areas: number;
  /** Training samples. */
  m: number;
  /**
   * Held-out sets the engine scores (a dev set, a test set), laid after the m training samples:
   * set i is samples `heldOut[i].from … from + count − 1`, scored in chunks of `rows` whose sums
   * start at chunk `heldOut[i].chunk` of the SCORES region.
   */
  heldOut: { from: number; count: number; chunk: number }[];
  /** All held-out sets together: their samples and their score chunks. */
  held: { count: number; chunks: number };
  /** Classes of the output layer (a held-out sample's probabilities). */
  classes: number;
  /** Most rows of a chunk, a multiple of 4. */
  rows: number;
  /** The most chunks a batch is cut into. */
  maxChunks: number;
  /** Bytes between two chunks' gradient buffers. */
  gStride: number;
  /** Bytes of one thread's scratch. */
  scratchBytes: number;
  /** The epochs' plans and the training images they arrange (training only). */
  epoch?: SharedEpoch;
  /** Byte offsets of the regions. */
  at: Record<
    | "P64"
    | "M1"
    | "M2"
    | "P32"
    | "G"
    | "STATS"
    | "NOISE"
    | "STATE"
    | "SUMS"
    | "PIXELS"
    | "LABELS"
    | "SCORES"
    | "PROBABILITIES"
    | "SCRATCH",
    number
  >;
}

/**
 * Bytes of one thread's scratch for chunks of `rows` samples, and each layer's buffers in it (a
 * pass-through layer has none of its own: it uses its input's).
 */
function scratchOf(
  layers: KernelLayer[],
  rows: number,
): { bytes: number; offsets: LayerBuffers[] } {
  let bytes = 0;
  const take = (n: number) => {
    const at = bytes;
    bytes += align(n);
    return at;
  };
  const offsets = layers.map((layer): LayerBuffers => {
    const kernels = KERNELS[layer.spec.kind]!;
    if (kernels.passThrough) {
      return {
        A: 0,
        D: 0,
        cols: -1,
        dcols: -1,
        panels: -1,
        argmax: -1,
        mask: -1,
        coef: -1,
        tmp: -1,
      };
    }
    const [H, W, C] = layer.output, n = rows * H * W * C;
    const A = take(n * 4), D = take(n * 4);
    const own = kernels.scratch?.(layer, rows) ?? {};
    const cols = own.cols ? take(own.cols) : -1, dcols = own.dcols ? take(own.dcols) : -1;
    const panels = own.panels ? take(own.panels) : -1;
    const argmax = own.argmax ? take(own.argmax) : -1;
    const mask = own.mask ? take(own.mask) : -1;
    const coef = own.coef ? take(own.coef) : -1, tmp = own.tmp ? take(own.tmp) : -1;
    return { A, D, cols, dcols, panels, argmax, mask, coef, tmp };
  });
  return { bytes: bytes + 1024, offsets }; // + 512 bytes of update sums, aligned
}

/**
 * Allocate the shared memory for training `net` on m samples in chunks of `rows`, on `threads`
 * threads, in batches of at most `maxChunks` chunks (of which, with a batch normalisation, each
 * gets a scratch area: `chunks` of them for the largest batch) — and for held-out sets of
 * `heldOut` samples each, scored in chunks of `rows`.
 */
export function allocateConvWasm(
  net: Network,
  m: number,
  rows: number,
  threads: number,
  maxChunks: number,
  chunks = 1,
  heldOut: readonly number[] = [],
): ConvMemoryPlan {
  const { layers, length, stateLength, sumsLength } = kernelLayers(net);
  const areas = sumsLength > 0 ? Math.max(threads, chunks) : threads;
  rows = pad4(rows);
  const memoryRegions = regions(BASE), region = memoryRegions.take;
  const gStride = align(length * 4);
  const pixels = layers[0].input[0] * layers[0].input[1];
  const scratch = scratchOf(layers, rows).bytes;
  const classes = layers.at(-1)!.realOut;
  // Each set after the one before it, its chunks' sums after the one before it's.
  const sets: ConvMemoryPlan["heldOut"] = [];
  let held = 0, scoreChunks = 0;
  for (const count of heldOut) {
    sets.push({ from: m + held, count, chunk: scoreChunks });
    held += count;
    scoreChunks += Math.ceil(count / rows);
  }
  const at = {
    ...updateRegions(region, length, maxChunks),
    NOISE: region(8), // the arranged epoch's noise seed (a dropout's masks), uint32
    STATE: region(stateLength * 8),
    SUMS: region(maxChunks * sumsLength * 8),
    // The training samples, then the held-out ones, then a chunk of padding rows to read past
    // the end.
    PIXELS: region((m + held + rows) * pixels),
    LABELS: region(m + held + rows),
    SCORES: region(scoreChunks * 16), // a held-out chunk's [right answers, loss sum]
    PROBABILITIES: region(held * classes * 4), // float32, a held-out sample's row of classes
    SCRATCH: region(areas * scratch),
  };
  const end = memoryRegions.end();
  checkMemory(
    { name: networkName(net), parameters: parameterCount(net) },
    end,
    "the convolution engine on WebAssembly",
    "wasm",
  );
  const pages = Math.ceil(end / PAGE);
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  const plan: ConvMemoryPlan = {
    module: convModule(),
    memory,
    net: { input: [...net.input], layers: net.layers.map((l) => ({ ...l })), params: [] },
    layers,
    length,
    stateLength,
    sumsLength,
    areas,
    m,
    heldOut: sets,
    held: { count: held, chunks: scoreChunks },
    classes,
    rows,
    maxChunks,
    gStride,
    scratchBytes: scratch,
    at,
  };
  const P64 = new Float64Array(memory.buffer, at.P64, length);
  const S = new Float64Array(memory.buffer, at.STATE, stateLength);
  layers.forEach((layer, l) => {
    if (layer.wt >= 0) packLayer(net.params[l]!, layer, P64, S);
  });
  new Float32Array(memory.buffer, at.P32, length).set(P64);
  return plan;
}

/** The network in the plan's float64 parameters. */
export function readConvNetwork(plan: ConvMemoryPlan, shape: Network): Network {
  const P64 = new Float64Array(plan.memory.buffer, plan.at.P64, plan.length);
  const S = new Float64Array(plan.memory.buffer, plan.at.STATE, plan.stateLength);
  return {
    input: [...shape.input],
    layers: shape.layers.map((l) => ({ ...l })),
    params: plan.layers.map((layer, l) =>
      layer.wt >= 0 ? unpackLayer(layer, P64, S, shape.params[l]!) : null
    ),
  };
}

/** One thread's view: its jobs on the shared memory. */
export interface ConvWasmBackend {
  /** Per chunk: [correct, loss sum]. */
  stats: Float64Array;
  /** The arranged epoch's images (grey bytes). */
  pixels: Uint8Array;
  /** The arranged epoch's labels. */
  labels: Uint8Array;
  /** The arranged epoch's noise seed (`[seed]`), which a dropout's masks are drawn from. */
  noise: Uint32Array;
  /** Gradient rounds of a step: 2 per batch normalisation, + 1. */
  rounds: number;
  /**
   * Forward and backward over samples from … to−1 of the epoch (in the batch batchFrom …
   * batchTo−1) into chunk c's buffers: round `round`'s part of them.
   */
  runChunk(
    c: number,
    from: number,
    to: number,
    batchFrom: number,
    batchTo: number,
    round: number,
  ): void;
  /**
   * Score samples from … to−1 (no gradient): stats[0..1] = [right answers, loss sum], and the
   * byte address of their probabilities, (to − from) × classes float32.
   */
  score(from: number, to: number): number;
  /**
   * This thread's share of scoring held-out set `set`: its chunks of `rows` samples k = slot,
   * slot + threads, …, each into its own [right answers, loss sum] of {@link scores} and its
   * rows of {@link probabilities} — the same numbers whatever thread scores a chunk.
   */
  scoreShare(slot: number, threads: number, set: number): void;
  /** Per held-out chunk, the sets' chunks one after another: [right answers, loss sum]. */
  scores: Float64Array;
  /** Every held-out sample's probabilities, one row of `classes` each, the sets in order. */
  probabilities: Float32Array;
  /** This thread's share of the optimizer step, from the chunks' sums. */
  updateShare(slot: number, threads: number, step: UpdateStep): void;
  /** This thread's share of the next epoch's images, from the plan's `epoch` (when it has one). */
  arrangeShare(slot: number, threads: number): void;
}

/** Attach thread `slot` to the shared memory of `plan`. */
export function attachConvWasm(
  plan: ConvMemoryPlan,
  o: Required<OptimizerOptions>,
  slot: number,
): ConvWasmBackend {
  const x = convKernels(plan.memory);
  const { layers, at, gStride, rows } = plan;
  const { offsets, bytes } = scratchOf(layers, rows);
  /** Each layer's buffers in scratch area `area`. */
  function buffersOf(area: number): LayerBuffers[] {
    const base = at.SCRATCH + area * plan.scratchBytes;
    const bufs = offsets.map((b) => ({
      A: base + b.A,
      D: base + b.D,
      cols: base + b.cols,
      dcols: base + b.dcols,
      panels: base + b.panels,
      argmax: base + b.argmax,
      mask: base + b.mask,
      coef: base + b.coef,
      tmp: base + b.tmp,
    }));
    // A ReLU is fused into the product before it and a flatten changes no float: such a
    // layer's output is its input's buffer, and the gradient at its output is its input's.
    for (let l = 1; l < layers.length; l++) {
      if (KERNELS[layers[l].spec.kind]!.passThrough) {
        bufs[l] = { ...bufs[l], A: bufs[l - 1].A, D: bufs[l - 1].D };
      }
    }
    return bufs;
  }
  // The layers that need their batch's statistics: the step's gradient phase runs in rounds
  // that stop at each of them, forward then backward, and each chunk keeps its own buffers.
  const gathering = layers.flatMap((layer, l) => KERNELS[layer.spec.kind]!.sumsLength ? [l] : []);
  const n = gathering.length, rounds = 2 * n + 1;
  const own = buffersOf(slot);
  const areas = Array.from({ length: n > 0 ? plan.areas : 0 }, (_, a) => buffersOf(a));
  x.setScratch(at.SCRATCH + slot * plan.scratchBytes + bytes - 512);
  const p32 = (offset: number) => at.P32 + offset * 4;
  // Each layer's weights (decayed, but for batch normalisation's γ) and biases (not), the ranges
  // the update shares out.
  const slices: Slice[] = layers.flatMap((layer) =>
    layer.wt < 0 ? [] : [
      { from: layer.wt, to: layer.b, decay: !KERNELS[layer.spec.kind]!.undecayed },
      { from: layer.b, to: layer.b + layer.output[2], decay: false },
    ]
  );
  const last = layers.length - 1;
  const pixels = layers[0].input[0] * layers[0].input[1];
  const buffer = plan.memory.buffer;
  const noise = new Uint32Array(plan.memory.buffer, at.NOISE, 1);
  /** Where a chunk is: its rows from sample `from`, its batch, its gradient buffer G. */
  interface Place {
    from: number;
    rows: number;
    batch: number;
    chunk: number;
    G: number;
    training: boolean;
    bufs: LayerBuffers[];
  }
  /** Layer l's passes over a chunk. */
  const pass = (l: number, c: Place): Pass => ({
    x,
    layer: layers[l],
    l,
    last,
    R: pad4(c.rows),
    buf: c.bufs[l],
    input: l === 0 ? at.PIXELS + c.from * pixels : c.bufs[l - 1].A,
    dInput: l > 0 ? c.bufs[l - 1].D : 0,
    p32,
    g: (offset) => c.G + offset * 4,
    training: c.training,
    seed: noise[0],
    first: c.from,
    rows: c.rows,
    batch: c.batch,
    chunk: c.chunk,
    chunks: chunkCount(c.batch),
    sums: (chunk) => at.SUMS + (chunk * plan.sumsLength + layers[l].sums) * 8,
    state: at.STATE + layers[l].state * 8,
    buffer,
  });
  const forward = (lo: number, hi: number, c: Place) => {
    for (let l = lo; l < hi; l++) KERNELS[layers[l].spec.kind]!.forward?.(pass(l, c));
  };
  // Backward: D[l] is the gradient at layer l's output, ReLU′ applied where it has one.
  const backward = (hi: number, lo: number, c: Place) => {
    for (let l = hi; l > lo; l--) KERNELS[layers[l].spec.kind]!.backward?.(pass(l, c));
  };
  /** softmax, loss and dZ (or, scoring, the probabilities) of the rows from … to−1. */
  const softmax = (c: Place, stats: number, probabilities: number) =>
    x.softmaxLoss({
      Z: c.bufs[last].A,
      rows: c.rows,
      R: pad4(c.rows),
      stride: layers[last].output[2],
      classes: layers[last].realOut,
      labels: at.LABELS + c.from,
      dZ: c.bufs[last].D,
      stats,
      probabilities,
    });

  /** Evaluation mode over samples from … to−1: [right, loss sum] at `stats`, probabilities. */
  const scoreRows = (from: number, to: number, stats: number, probabilities: number) => {
    const place: Place = {
      from,
      rows: to - from,
      batch: to - from,
      chunk: 0,
      G: at.G,
      training: false,
      bufs: own,
    };
    forward(0, layers.length, place);
    x.zero(stats, 16);
    softmax(place, stats, probabilities);
  };

  return {
    stats: new Float64Array(buffer, at.STATS, 2 * plan.maxChunks),
    pixels: new Uint8Array(buffer, at.PIXELS, at.LABELS - at.PIXELS),
    labels: new Uint8Array(buffer, at.LABELS, at.SCORES - at.LABELS),
    noise,
    rounds,
    runChunk(c, from, to, batchFrom, batchTo, round) {
      const place: Place = {
        from,
        rows: to - from,
        batch: batchTo - batchFrom,
        chunk: c,
        G: at.G + c * gStride,
        training: true,
        bufs: n > 0 ? areas[c] : own,
      };
      const kernels = (l: number) => KERNELS[layers[l].spec.kind]!;
      if (round <= n) {
        // Forward from the last gathering layer (or the first layer) to the next one's sums…
        const lo = round === 0 ? 0 : gathering[round - 1];
        const hi = round < n ? gathering[round] : layers.length;
        forward(lo, hi, place);
        if (round < n) return kernels(hi).forwardSums!(pass(hi, place));
        // …or on to the scores, the loss, and back to the last gathering layer's sums.
        const stats = at.STATS + c * 16;
        x.zero(stats, 16);
        softmax(place, stats, 0);
        const stop = n > 0 ? gathering[n - 1] : -1;
        backward(last, stop, place);
        if (n > 0) kernels(stop).backwardSums!(pass(stop, place));
        return;
      }
      // Back from gathering layer i to the one before it (or the first layer).
      const i = 2 * n - round, stop = i > 0 ? gathering[i - 1] : -1;
      backward(gathering[i], stop, place);
      if (i > 0) kernels(stop).backwardSums!(pass(stop, place));
    },
    score(from, to) {
      scoreRows(from, to, at.STATS, own[last].D);
      return own[last].D;
    },
    scoreShare(slot, threads, set) {
      const { from, count, chunk } = plan.heldOut[set];
      for (let k = slot; k * rows < count; k += threads) {
        const lo = from + k * rows, hi = Math.min(from + count, lo + rows);
        const probabilities = at.PROBABILITIES + (lo - plan.m) * plan.classes * 4;
        scoreRows(lo, hi, at.SCORES + (chunk + k) * 16, probabilities);
      }
    },
    scores: new Float64Array(buffer, at.SCORES, 2 * plan.held.chunks),
    probabilities: new Float32Array(buffer, at.PROBABILITIES, plan.held.count * plan.classes),
    updateShare(slot, threads, step) {
      for (const slice of slices) {
        const [lo, hi] = shareOf(slice.from, slice.to, slot, threads);
        if (hi <= lo) continue;
        x.setStep(o, step, slice.decay);
        x.update({
          from: lo,
          to: hi,
          P64: at.P64,
          P32: at.P32,
          G: at.G,
          gStride,
          chunks: step.chunks,
          M1: at.M1,
          M2: at.M2,
        });
      }
      if (slot !== 0) return;
      const place: Place = {
        from: step.from,
        rows: 0,
        batch: step.to - step.from,
        chunk: 0,
        G: at.G,
        training: true,
        bufs: own,
      };
      for (const l of gathering) KERNELS[layers[l].spec.kind]!.afterStep?.(pass(l, place));
    },
    arrangeShare(slot, threads) {
      if (!plan.epoch) throw new Error("Cannot arrange an epoch: the engine was given no images");
      arrangeImages(plan.epoch, slot, threads, new Uint8Array(buffer, at.PIXELS, plan.m * pixels));
    },
  };
}
