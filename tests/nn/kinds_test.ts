/**
 * What every registered layer kind owns, checked kind by kind: its word reads back as itself,
 * its description passes its own JSON check, its parameters are what it initialises, and the
 * short form round-trips through any list of them.
 */

import assert from "node:assert/strict";
import {
  createRng,
  initNetwork,
  LAYER_KINDS,
  layerParamInfos,
  layerProblem,
  layerShapes,
  layersText,
  parseLayers,
  toLayers,
} from "../all.ts";

/** One description of each kind, placed where it fits (the output layer of 10 follows). */
const EXAMPLES: Record<string, string> = {
  conv: "conv5x6",
  maxPool: "conv3x4,pool2",
  dense: "dense16",
  relu: "dense16,relu",
  flatten: "conv3x4,flatten,dense8",
  batchNorm: "conv3x4,bn",
  dropout: "dense16,dropout0.4",
};

Deno.test("every layer kind has an example here (a new kind needs one)", () => {
  assert.deepEqual(LAYER_KINDS.map((k) => k.kind).sort(), Object.keys(EXAMPLES).sort());
});

for (const kind of LAYER_KINDS) {
  Deno.test(`the ${kind.kind} kind: its word, its JSON, its parameters`, () => {
    const layers = parseLayers(EXAMPLES[kind.kind]);
    const spec = layers.find((l) => l.kind === kind.kind)!;
    assert.ok(spec, `${EXAMPLES[kind.kind]} holds a ${kind.kind}`);
    // Its word reads back as the layers it stands for, itself first.
    const word = kind.write(spec as never);
    assert.deepEqual(kind.read(word)![0], spec);
    // Other kinds do not read its word.
    for (const other of LAYER_KINDS.filter((k) => k !== kind)) {
      assert.equal(other.read(word), undefined, `${other.kind} reads ${word}`);
    }
    // Its description is its JSON form, and passes its own check.
    assert.equal(layerProblem(JSON.parse(JSON.stringify(spec)), "layer"), undefined);
    // Its parameters are what it draws, of the lengths it says.
    const net = initNetwork(layers, createRng(1));
    const shapes = layerShapes(layers);
    layers.forEach((_, i) => {
      const infos = layerParamInfos(layers)[i];
      if (infos.length === 0) return assert.equal(net.params[i], null);
      for (const info of infos) assert.equal(net.params[i]![info.name].length, info.length);
      assert.ok(shapes[i + 1].every((n) => n > 0));
    });
  });
}

Deno.test("the short form round-trips: layersText(parseLayers(t)) is t; a list reads as the text", () => {
  for (
    const text of [
      "conv5x32,pool2,conv5x64,pool2,dense256",
      "dense256,dense128",
      "conv3x8,conv3x8,pool2,dense16",
      "pool2,conv3x8",
      "conv3x8,bn,conv5x8s2p2,bn,dropout0.4,conv3x16p1,dense32,bn,dropout0.25",
      "",
    ]
  ) {
    const layers = parseLayers(text);
    assert.equal(layersText(layers), text);
    assert.deepEqual(toLayers(layers), layers);
    assert.deepEqual(toLayers(text), layers);
  }
  // A word the short form implies anyway stays a word of its own: a second ReLU.
  assert.equal(layersText(parseLayers("dense16,relu")), "dense16,relu");
  assert.throws(() => toLayers([{ kind: "conv", size: 3 }] as never), {
    message:
      "Cannot use the layers: layers[0] (conv) has filters undefined: expected a whole number ≥ 1",
  });
  assert.throws(() => toLayers(42 as never), {
    message:
      'Cannot read the layers 42: expected the short form ("conv5x32,pool2,dense256") or a list of layers',
  });
});
