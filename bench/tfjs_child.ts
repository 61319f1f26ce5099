/**
 * A benchmark child: the convolutional recipe's network on TensorFlow.js's CPU backend — the
 * library a TypeScript user would reach for, in the same runtime — for a fixed number of batches
 * (a whole epoch takes far too long: over ten minutes for 32 batches on this machine). Its
 * WebAssembly backend cannot train a convolution at all (`Conv2DBackpropFilter` is not
 * registered for it). Prints one JSON line: seconds per batch, and the epoch time they imply.
 *
 * Usage: tfjs_child.ts DIR SPEC, where DIR holds `train.u8` / `train.labels` (bench/beyond.ts
 * writes them) and SPEC is JSON: { layers, batch_size, lr, batches }.
 *
 * TensorFlow.js is fetched from npm when this runs (`deno run --no-lock`), not a dependency of
 * the project: the specifier is built at run time so that no lock or type check sees it.
 *
 * @module
 */

import { peakRssMb } from "../scripts/rss.ts";

const [dir, specText] = Deno.args;
const spec = JSON.parse(specText);
const TFJS = ["npm:@tensorflow/tfjs", "4.22.0"].join("@");
// deno-lint-ignore no-explicit-any
const tf: any = await import(TFJS);
await tf.setBackend("cpu");

/** The layers of a `--layers` text as TF.js layers, He-initialised, on 28×28×1 images. */
// deno-lint-ignore no-explicit-any
function model(text: string): any {
  const net = tf.sequential();
  let first = true, flat = false;
  const input = () => (first ? { inputShape: [28, 28, 1] } : {});
  for (const word of text.split(",")) {
    const conv = word.match(/^conv(\d+)x(\d+)$/), pool = word.match(/^pool(\d+)$/);
    const dense = word.match(/^dense(\d+)$/);
    if (conv) {
      net.add(tf.layers.conv2d({
        ...input(),
        kernelSize: Number(conv[1]),
        filters: Number(conv[2]),
        activation: "relu",
        kernelInitializer: "heNormal",
      }));
    } else if (pool) {
      net.add(tf.layers.maxPooling2d({ ...input(), poolSize: Number(pool[1]) }));
    } else if (dense) {
      if (!flat) net.add(tf.layers.flatten());
      flat = true;
      net.add(tf.layers.dense({
        units: Number(dense[1]),
        activation: "relu",
        kernelInitializer: "heNormal",
      }));
    }
    first = false;
  }
  if (!flat) net.add(tf.layers.flatten());
  net.add(tf.layers.dense({ units: 10, activation: "softmax", kernelInitializer: "heNormal" }));
  return net;
}

const net = model(spec.layers);
net.compile({ optimizer: tf.train.adam(spec.lr), loss: "sparseCategoricalCrossentropy" });
const B = spec.batch_size, count = (spec.batches + 1) * B;
const pixels = (await Deno.readFile(`${dir}/train.u8`)).subarray(0, count * 784);
const labels = (await Deno.readFile(`${dir}/train.labels`)).subarray(0, count);
const X = tf.tensor4d(Float32Array.from(pixels, (v) => v / 255), [count, 28, 28, 1]);
const Y = tf.tensor1d(Float32Array.from(labels));
const batch = (i: number) => [X.slice([i * B, 0, 0, 0], [B]), Y.slice([i * B], [B])];
await net.trainOnBatch(...batch(0)); // the first batch builds the graph: not timed
const t0 = performance.now();
for (let i = 1; i <= spec.batches; i++) await net.trainOnBatch(...batch(i));
const seconds = (performance.now() - t0) / 1000;
const batches = Math.ceil(41000 / B);
console.log(JSON.stringify({
  seconds,
  seconds_per_batch: seconds / spec.batches,
  seconds_per_epoch: (seconds / spec.batches) * batches,
  batches: spec.batches,
  backend: tf.getBackend(),
  peak_rss_mb: peakRssMb(),
}));
