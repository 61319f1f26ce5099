import assert from "node:assert/strict";
import {
  createRng,
  denseLayers,
  initNetwork,
  initParams,
  loadModel,
  loadParams,
  type Params,
  parseLayers,
  parseModel,
  parseParams,
  saveModel,
  saveParams,
  serializeModel,
  serializeParams,
} from "../../lib/mod.ts";

Deno.test("saveParams() and loadParams() round-trip float64 weights exactly", async () => {
  const params = initParams(createRng(11), [784, 10, 10, 10]);
  params.W[1].data[0] = 0.1 + 0.2; // a double with a long decimal form
  params.b[2].data[3] = -5e-324; // the smallest subnormal
  const dir = await Deno.makeTempDir();
  await saveParams(`${dir}/m.json`, params);
  assert.deepEqual(await loadParams(`${dir}/m.json`), params);
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
  const json = JSON.parse(serializeParams(params));
  assert.equal(json.version, 2);
  assert.deepEqual(json.input, [784]);
  assert.deepEqual(json.layers, denseLayers([784, 16, 12, 10]));
  assert.deepEqual(json.params[1], null, "a ReLU has no parameters");
  assert.deepEqual(parseParams(JSON.stringify(json)), params);
  assert.deepEqual(parseParams(JSON.stringify(version1(params))), params);
});

Deno.test("parseParams() rejects broken version 1 files naming what is wrong", () => {
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

Deno.test("loadParams() names a missing file", async () => {
  await assert.rejects(loadParams("no/such.json"), {
    message: "Cannot read no/such.json: no such file",
  });
});

Deno.test("saveParams() records how the parameters were trained; loadModel() reads it back", async () => {
  const params = initParams(createRng(2), [784, 4, 10]);
  const dir = await Deno.makeTempDir();
  const training = { unit: "epoch" as const, done: 3, total: 30, stoppedEarly: true };
  await saveParams(`${dir}/m.json`, params, training);
  assert.deepEqual(await loadModel(`${dir}/m.json`), { model: params, training });
  assert.deepEqual(
    JSON.parse(await Deno.readTextFile(`${dir}/m.json`)).training,
    { unit: "epoch", done: 3, total: 30, stopped_early: true },
  );
  await saveParams(`${dir}/plain.json`, params); // files without it still load
  assert.deepEqual(await loadModel(`${dir}/plain.json`), { model: params });
  await Deno.remove(dir, { recursive: true });
});

Deno.test("parseModel() rejects a training field of the wrong form in one sentence", () => {
  const o = JSON.parse(serializeParams(initParams(createRng(1), [784, 3, 10])));
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
  assert.deepEqual(await loadModel(`${dir}/conv.json`), { model: network });
  assert.equal(JSON.parse(await Deno.readTextFile(`${dir}/conv.json`)).version, 2);
  await assert.rejects(loadParams(`${dir}/conv.json`), {
    message: `Cannot load ${dir}/conv.json as a dense network: it holds the layers ` +
      "conv3x4,pool2,dense16,dense10 (read it with loadModel)",
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
    "its layers conv3x2,relu,pool2,flatten,dense4,relu,dense10 on 28 images: conv3x2 (layer 1) needs images, and comes after a flatten or dense layer",
  );
  reject(
    (o) => {
      (o.layers as unknown[])[0] = { kind: "conv", size: 3 };
    },
    'layers[0] is {"kind":"conv","size":3}, not a layer (conv with size and filters, maxPool with size, relu, flatten, dense with units)',
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
