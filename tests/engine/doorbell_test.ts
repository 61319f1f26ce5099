import assert from "node:assert/strict";
import { ring, waitForChange } from "../../lib/engine/doorbell.ts";

Deno.test("waitForChange() sees a ring from another thread, asleep or spinning", () => {
  const cells = new Int32Array(new SharedArrayBuffer(8));
  const source = `self.onmessage = (e) => {
    const cells = new Int32Array(e.data.buffer);
    setTimeout(() => { Atomics.store(cells, 0, 7); Atomics.notify(cells, 0); }, e.data.delay);
  };`;
  for (const delay of [0, 30]) { // 30 ms: past the 1 ms of spinning, so the waiter sleeps
    cells[0] = 0;
    const worker = new Worker(URL.createObjectURL(new Blob([source])), { type: "module" });
    worker.postMessage({ buffer: cells.buffer, delay });
    const value = waitForChange(cells, 0, 0, { timeoutMs: 10_000 });
    worker.terminate();
    assert.equal(value, 7);
  }
});

Deno.test("waitForChange() gives up after its timeout with the old value", () => {
  const cells = new Int32Array(new SharedArrayBuffer(4));
  const start = performance.now();
  assert.equal(waitForChange(cells, 0, 0, { timeoutMs: 20 }), 0);
  assert.ok(performance.now() - start >= 20);
});

Deno.test("ring() sets the cell; a changed cell returns at once", () => {
  const cells = new Int32Array(new SharedArrayBuffer(8));
  ring(cells, 1, 5);
  assert.equal(cells[1], 5);
  assert.equal(waitForChange(cells, 1, 4), 5);
});
