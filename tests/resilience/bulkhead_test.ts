import assert from "node:assert/strict";
import { Bulkhead, BulkheadRejectedError } from "../../resilience/bulkhead.ts";
import { createVirtualClock } from "../../resilience/virtual_clock.ts";

/** A call that stays pending until released, recording when it started. */
function gate(started: string[], name: string): { fn: () => Promise<string>; open: () => void } {
  let open!: () => void;
  const done = new Promise<void>((r) => (open = r));
  return {
    fn: async () => {
      started.push(name);
      await done;
      return name;
    },
    open: () => open(),
  };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await undefined;
}

Deno.test("bulkhead runs at most maxConcurrent calls and refuses the next without a queue", async () => {
  const bulkhead = new Bulkhead({ maxConcurrent: 2 });
  const started: string[] = [];
  const a = gate(started, "a");
  const b = gate(started, "b");
  const pa = bulkhead.execute(a.fn);
  const pb = bulkhead.execute(b.fn);
  let ran = false;
  const refused = await bulkhead.execute(() => {
    ran = true;
    return Promise.resolve("c");
  }).catch((e) => e);
  assert.ok(refused instanceof BulkheadRejectedError);
  assert.equal(refused.reason, "full");
  assert.equal(refused.failureKind, "transient");
  assert.equal(ran, false);
  assert.deepEqual(bulkhead.metrics(), { active: 2, queued: 0, rejected: 1, availableSlots: 0 });
  a.open();
  b.open();
  assert.deepEqual([await pa, await pb], ["a", "b"]);
  assert.equal(bulkhead.active, 0);
});

Deno.test("bulkhead queue is FIFO and bounded: beyond maxQueue calls are refused", async () => {
  const bulkhead = new Bulkhead({ maxConcurrent: 1, maxQueue: 3 });
  const started: string[] = [];
  const gates = ["a", "b", "c", "d"].map((n) => gate(started, n));
  const results = gates.map((g) => bulkhead.execute(g.fn));
  await settle();
  assert.deepEqual(started, ["a"]);
  assert.equal(bulkhead.queued, 3);
  await assert.rejects(bulkhead.execute(() => Promise.resolve("e")), BulkheadRejectedError);
  for (let i = 0; i < 4; i++) {
    gates[i].open();
    assert.equal(await results[i], "abcd"[i]);
    await settle();
  }
  assert.deepEqual(started, ["a", "b", "c", "d"]);
  assert.equal(bulkhead.active, 0);
  assert.equal(bulkhead.queued, 0);
});

Deno.test("a queued call is refused at exactly queueTimeoutMs and never runs", async () => {
  const clock = createVirtualClock();
  const bulkhead = new Bulkhead({ maxConcurrent: 1, maxQueue: 1, queueTimeoutMs: 300, clock });
  const started: string[] = [];
  const a = gate(started, "a");
  const pa = bulkhead.execute(a.fn);
  let settled = false;
  let bRan = false;
  const pb = bulkhead.execute(() => {
    bRan = true;
    return Promise.resolve("b");
  }).catch((e) => e).finally(() => {
    settled = true;
  });
  clock.advance(299);
  await settle();
  assert.equal(settled, false);
  clock.advance(1);
  const outcome = await pb;
  assert.ok(outcome instanceof BulkheadRejectedError);
  assert.equal(outcome.reason, "queue_timeout");
  assert.equal(bulkhead.queued, 0);
  assert.equal(bulkhead.metrics().rejected, 1);
  a.open();
  await pa;
  await settle();
  assert.equal(bRan, false);
  assert.equal(bulkhead.active, 0);
  assert.equal(clock.pending, 0);
});

Deno.test("a queued call that gets its slot in time cancels its queue timer", async () => {
  const clock = createVirtualClock();
  const bulkhead = new Bulkhead({ maxConcurrent: 1, maxQueue: 1, queueTimeoutMs: 300, clock });
  const a = gate([], "a");
  const pa = bulkhead.execute(a.fn);
  const pb = bulkhead.execute(() => Promise.resolve("b"));
  assert.equal(clock.pending, 1);
  a.open();
  await pa;
  assert.equal(await pb, "b");
  assert.equal(clock.pending, 0);
});

Deno.test("aborting a queued call removes it and keeps the others in order", async () => {
  const bulkhead = new Bulkhead({ maxConcurrent: 1, maxQueue: 3 });
  const started: string[] = [];
  const [a, b, c, d] = ["a", "b", "c", "d"].map((n) => gate(started, n));
  const controller = new AbortController();
  const pa = bulkhead.execute(a.fn);
  const pb = bulkhead.execute(b.fn);
  const pc = bulkhead.execute(c.fn, { signal: controller.signal });
  const pd = bulkhead.execute(d.fn);
  controller.abort(new Error("caller gave up"));
  await assert.rejects(pc, /caller gave up/);
  assert.equal(bulkhead.queued, 2);
  a.open();
  b.open();
  d.open();
  await Promise.all([pa, pb, pd]);
  assert.deepEqual(started, ["a", "b", "d"]);
});

Deno.test("a slot is released when the call throws, synchronously or not", async () => {
  const bulkhead = new Bulkhead({ maxConcurrent: 1 });
  await assert.rejects(bulkhead.execute(() => Promise.reject(new Error("async"))), /async/);
  await assert.rejects(
    bulkhead.execute(() => {
      throw new Error("sync");
    }),
    /sync/,
  );
  assert.equal(bulkhead.active, 0);
  assert.equal(await bulkhead.execute(() => Promise.resolve(7)), 7);
});

Deno.test("tryAcquire never queues, and release hands the slot to the oldest waiter", async () => {
  const bulkhead = new Bulkhead({ maxConcurrent: 1, maxQueue: 1 });
  assert.equal(bulkhead.tryAcquire(), true);
  assert.equal(bulkhead.tryAcquire(), false);
  let got = false;
  const waiting = bulkhead.acquire().then(() => (got = true));
  bulkhead.release();
  await waiting;
  assert.equal(got, true);
  assert.equal(bulkhead.active, 1);
  bulkhead.release();
  assert.throws(() => bulkhead.release(), /released more often/);
});

Deno.test("bulkhead options are validated", () => {
  assert.throws(() => new Bulkhead({ maxConcurrent: 0 }), RangeError);
  assert.throws(() => new Bulkhead({ maxConcurrent: 1, maxQueue: -1 }), RangeError);
  assert.throws(() => new Bulkhead({ maxConcurrent: 1, queueTimeoutMs: 5 }), TypeError);
});
