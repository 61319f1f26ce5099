import assert from "node:assert/strict";
import { ring, spinBudgetMs, waitForChange } from "../../lib/engine/shared/doorbell.ts";

Deno.test("waitForChange() sees a ring from another thread, asleep or spinning", async () => {
  const cells = new Int32Array(new SharedArrayBuffer(8));
  const source = `self.onmessage = (e) => {
    if (e.data === "ready?") return self.postMessage("ready");
    const cells = new Int32Array(e.data.buffer);
    setTimeout(() => {
      Atomics.store(cells, 0, 7);
      if (e.data.notify) Atomics.notify(cells, 0);
    }, 30);
  };`;
  // spinMs 0: the waiter sleeps at once, and the ring's notify wakes it. spinMs 60 s (longer
  // than the timeout), a store without notify: only spinning reads see it at once — a waiter
  // that slept would wake at the end of its 100 ms sleep.
  for (
    const { spinMs, notify } of [{ spinMs: 0, notify: true }, { spinMs: 60_000, notify: false }]
  ) {
    cells[0] = 0;
    const worker = new Worker(URL.createObjectURL(new Blob([source])), { type: "module" });
    await new Promise((ready) => {
      worker.onmessage = ready;
      worker.postMessage("ready?");
    });
    worker.postMessage({ buffer: cells.buffer, notify });
    const start = performance.now();
    const value = waitForChange(cells, 0, 0, { spinMs, timeoutMs: 10_000 });
    const waited = performance.now() - start;
    worker.terminate();
    assert.equal(value, 7, `spinning ${spinMs} ms`);
    assert.ok(waited >= 25, `rung after the worker's 30 ms: ${waited} ms`);
    if (!notify) assert.ok(waited < 90, `seen while spinning, not after a sleep: ${waited} ms`);
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

Deno.test("waitForChange() spins less after waits that slept, and more after rings that came in time", () => {
  const cells = new Int32Array(new SharedArrayBuffer(4));
  for (let i = 0; i < 10; i++) waitForChange(cells, 0, 0, { timeoutMs: 2 }); // each sleeps
  assert.equal(spinBudgetMs(), 0.02, "down to the floor");
  cells[0] = 1;
  waitForChange(cells, 0, 0); // changed already: no sleep
  assert.equal(spinBudgetMs(), 0.04);
  for (let i = 0; i < 10; i++) waitForChange(cells, 0, 0);
  assert.equal(spinBudgetMs(), 1, "back to a millisecond, no more");
  waitForChange(cells, 0, 0, { spinMs: 0, timeoutMs: 2 }); // an explicit spin leaves it alone
  assert.equal(spinBudgetMs(), 1);
});
