import assert from "node:assert/strict";
import {
  checkWritable,
  createRng,
  denseLayers,
  initNetwork,
  initParams,
  loadModel,
  networkForward,
  networkFromParams,
  type Params,
  parseLayers,
  parseModel,
  saveModel,
  serializeModel,
  toParams,
} from "../all.ts";

/** The seed's Params of a model file's text. */
const parseParams = (text: string, file?: string) => toParams(parseModel(text, file).network);

Deno.test("saveModel() and loadModel() round-trip float64 weights exactly", async () => {
  const params = initParams(createRng(11), [784, 10, 10, 10]);
  params.W[1].data[0] = 0.1 + 0.2; // a double with a long decimal form
  params.b[2].data[3] = -5e-324; // the smallest subnormal
  const dir = await Deno.makeTempDir();
  await saveModel(`${dir}/m.json`, params);
  assert.deepEqual(toParams((await loadModel(`${dir}/m.json`)).network), params);
  assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["m.json"]);
  await Deno.remove(dir, { recursive: true });
});

/** A version 1 file, as the project wrote them before layer lists: sizes, W, b. */
function version1(params: Params): Record<string, unknown> {
  return {
    format: "mnist-from-scratch.params",
    version: 1,
    sizes: params.sizes,
    W: params.W.map((W) => Array.from(W.data)),
    b: params.b.map((b) => Array.from(b.data)),
  };
}

Deno.test("a dense model file holds its layer list (version 2); a version 1 file still loads", () => {
  const params = initParams(createRng(4), [784, 16, 12, 10]);
  const json = JSON.parse(serializeModel(params));
  assert.equal(json.version, 2);
  assert.deepEqual(json.input, [784]);
  assert.deepEqual(json.layers, denseLayers([784, 16, 12, 10]));
  assert.deepEqual(json.params[1], null, "a ReLU has no parameters");
  assert.deepEqual(parseParams(JSON.stringify(json)), params);
  assert.deepEqual(parseParams(JSON.stringify(version1(params))), params);
});

Deno.test("parseModel() rejects broken version 1 files naming what is wrong", () => {
  const good = version1(initParams(createRng(1), [784, 3, 10]));
  const reject = (change: (o: Record<string, unknown>) => void, message: string) => {
    const o = structuredClone(good);
    change(o);
    assert.throws(() => parseParams(JSON.stringify(o), "m.json"), {
      message: `Cannot load m.json: ${message}`,
    });
  };
  assert.throws(() => parseParams("{", "m.json"), {
    message: /^Cannot load m\.json: it is not JSON \(.+\)$/,
  });
  assert.throws(() => parseParams("[]", "m.json"), {
    message: "Cannot load m.json: expected a JSON object",
  });
  reject((o) => {
    o.format = "other";
  }, 'format is "other", expected "mnist-from-scratch.params"');
  reject((o) => {
    o.version = 3;
  }, "version is 3, expected 1 or 2");
  reject((o) => {
    o.sizes = [784];
  }, "sizes must be a list of at least two positive integers");
  reject((o) => {
    o.sizes = [784, 2.5, 10];
  }, "sizes must be a list of at least two positive integers");
  reject((o) => {
    o.W = [];
  }, "W must be a list of 2 arrays, one per layer");
  reject((o) => {
    (o.W as number[][])[1] = [1, 2];
  }, "W2 has 2 numbers, expected 30 (10×3)");
  reject((o) => {
    (o.b as unknown[][])[0][2] = null;
  }, "b1[2] is null, not a finite number");
  reject((o) => {
    (o.W as unknown[][])[0][5] = "1";
  }, 'W1[5] is "1", not a finite number');
});

Deno.test("loadModel() names a missing file", async () => {
  await assert.rejects(loadModel("no/such.json"), {
    message: "Cannot read no/such.json: no such file",
  });
});

Deno.test("saveModel() records how the network was trained; loadModel() reads it back", async () => {
  const params = initParams(createRng(2), [784, 4, 10]);
  const network = networkFromParams(params);
  const dir = await Deno.makeTempDir();
  const training = { unit: "epoch" as const, done: 3, total: 30, stoppedEarly: true };
  await saveModel(`${dir}/m.json`, params, training);
  assert.deepEqual(await loadModel(`${dir}/m.json`), { network, training });
  assert.deepEqual(
    JSON.parse(await Deno.readTextFile(`${dir}/m.json`)).training,
    { unit: "epoch", done: 3, total: 30, stopped_early: true },
  );
  await saveModel(`${dir}/plain.json`, network); // files without it still load
  assert.deepEqual(await loadModel(`${dir}/plain.json`), { network });
  await Deno.remove(dir, { recursive: true });
});

Deno.test("parseModel() rejects a training field of the wrong form in one sentence", () => {
  const o = JSON.parse(serializeModel(initParams(createRng(1), [784, 3, 10])));
  o.training = { unit: "batch", done: 1, total: 2, stopped_early: false };
  assert.throws(() => parseModel(JSON.stringify(o), "m.json"), {
    message: 'Cannot load m.json: training must be { "unit": "iteration" or "epoch", "done": N, ' +
      '"total": N, "stopped_early": true or false }',
  });
});

Deno.test("saveModel() writes a layer-list network as version 2; loadModel() reads it back exactly", async () => {
  const network = initNetwork(parseLayers("conv3x4,pool2,dense16"), createRng(3));
  network.params[0]!.W[0] = 0.1 + 0.2;
  const dir = await Deno.makeTempDir();
  await saveModel(`${dir}/conv.json`, network);
  assert.deepEqual(await loadModel(`${dir}/conv.json`), { network });
  assert.equal(JSON.parse(await Deno.readTextFile(`${dir}/conv.json`)).version, 2);
  assert.throws(() => toParams(network), {
    message: "Cannot view this network as the seed's W and b: it is not a chain of dense layers",
  });
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a model file keeps batch normalisation's running statistics, and stride, padding and dropout", async () => {
  const network = initNetwork(parseLayers("conv3x4s2p1,bn,dropout0.4,dense8,bn"), createRng(5));
  const X = { m: 4, shape: [1, 28, 28], data: new Float64Array(4 * 784).map((_, k) => k % 7) };
  networkForward(network, X, { training: true, seed: 1, first: 0 }); // moves the running statistics
  assert.ok(network.params[2]!.runningVar.some((v) => v !== 1));
  const dir = await Deno.makeTempDir();
  await saveModel(`${dir}/bn.json`, network);
  const loaded = (await loadModel(`${dir}/bn.json`)).network;
  assert.deepEqual(loaded, network);
  assert.deepEqual(
    networkForward(loaded, X).probabilities,
    networkForward(network, X).probabilities,
  );
  // A file without a buffer is refused, naming it.
  const text = JSON.parse(await Deno.readTextFile(`${dir}/bn.json`));
  delete text.params[2].runningVar;
  assert.throws(() => parseModel(JSON.stringify(text), "bn.json"), {
    message: "Cannot load bn.json: params[2].runningVar must be a list of 4 numbers",
  });
  await Deno.remove(dir, { recursive: true });
});

Deno.test("parseModel() rejects broken version 2 files naming what is wrong", () => {
  const good = JSON.parse(
    serializeModel(initNetwork(parseLayers("conv3x2,pool2,dense4"), createRng(1))),
  );
  const reject = (change: (o: Record<string, unknown>) => void, message: string) => {
    const o = structuredClone(good);
    change(o);
    assert.throws(() => parseModel(JSON.stringify(o), "c.json"), {
      message: `Cannot load c.json: ${message}`,
    });
  };
  reject(
    (o) => {
      o.input = [1, 28];
    },
    "its layers conv3x2,relu,pool2,flatten,dense4,relu,dense10 on 1×28-vectors: conv3x2 (layer 1) needs images, and comes after a flatten or dense layer",
  );
  reject(
    (o) => {
      (o.layers as unknown[])[0] = { kind: "conv", size: 3 };
    },
    "layers[0] (conv) has filters undefined: expected a whole number ≥ 1",
  );
  reject(
    (o) => {
      (o.layers as unknown[])[0] = { kind: "convolution", size: 3 };
    },
    'layers[0] has kind "convolution": expected one of conv, maxPool, dense, batchNorm, dropout, relu, flatten',
  );
  reject(
    (o) => {
      (o.layers as unknown[])[4] = { kind: "dense", units: 4, unit: 4 };
    },
    'layers[4] (dense) has an unknown field "unit": its fields are units',
  );
  reject((o) => {
    (o.params as { W: number[] }[])[0].W.pop();
  }, "params[0].W has 17 numbers, expected 18");
  reject((o) => {
    (o.params as unknown[])[1] = { W: [], b: [] };
  }, "params[1] must be null: a relu layer has no parameters");
  reject((o) => {
    (o.params as { b: unknown[] }[])[0].b[1] = "x";
  }, 'params[0].b[1] is "x", not a finite number');
});

Deno.test("checkWritable() and saveModel() say in one sentence why a place takes no file", async () => {
  const dir = await Deno.makeTempDir();
  await checkWritable(`${dir}/m.json`);
  assert.deepEqual([...Deno.readDirSync(dir)], [], "the probe leaves nothing");
  await assert.rejects(checkWritable("/nonexistent/dir/m.json"), {
    message:
      "Cannot save a model to /nonexistent/dir/m.json: the folder /nonexistent/dir does not exist",
  });
  await assert.rejects(checkWritable(dir), {
    message: `Cannot save a model to ${dir}: it is a folder`,
  });
  await assert.rejects(saveModel("/nonexistent/m.json", initParams(createRng(1))), {
    message: "Cannot save a model to /nonexistent/m.json: the folder /nonexistent does not exist",
  });
  await Deno.remove(dir, { recursive: true });
});
