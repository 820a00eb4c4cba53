import assert from "node:assert/strict";
import { fakeApi, json, problemOf } from "./fake_cluster.ts";
import { notYet, waitFor } from "../support/deadline.ts";
import type { Reply } from "../../protocols/node.ts";

/** A fake whose leader holds every write until `release()`. */
function heldWrites(options: Parameters<typeof fakeApi>[0] = {}) {
  const t = fakeApi(options);
  const held: (() => void)[] = [];
  let holding = true;
  t.fake.handler = (node, op) => {
    if (!holding || node !== t.fake.leader || op.f !== "write") return t.fake.kv(node, op);
    const { promise, resolve } = Promise.withResolvers<Reply>();
    held.push(() => resolve(t.fake.kv(node, op)));
    return promise;
  };
  const release = () => held.splice(0).forEach((r) => r());
  const stopHolding = () => {
    holding = false;
    release();
  };
  return { ...t, held, release, stopHolding };
}

Deno.test("overload: past --max-in-flight a request is shed at once with 503 + Retry-After", async () => {
  const { api, req, held, stopHolding } = heldWrites({ options: { maxInFlight: 4 } });
  try {
    const accepted = Array.from({ length: 4 }, (_, i) => req(`/api/v1/kv/k${i}`, json(i, "PUT")));
    await waitFor(
      "4 writes are held at the leader",
      () => held.length === 4 || notYet(held.length),
    );
    assert.equal(api.shedder.inFlight, 4);
    const shed = await req("/api/v1/kv/extra", json(9, "PUT"));
    assert.equal(shed.headers.get("retry-after"), "1");
    const p = await problemOf(shed, 503);
    assert.equal(p.title, "Overloaded");
    assert.equal(api.shedder.shed, 1);
    // Shed before it reached anything: not in the history, not at a node.
    assert.equal(held.length, 4);
    assert.ok(!api.context.history.jsonl().includes('"extra"'));
    stopHolding();
    for (const res of await Promise.all(accepted)) {
      assert.equal(res.status, 200);
      await res.body?.cancel();
    }
    assert.equal(api.shedder.inFlight, 0);
    const again = await req("/api/v1/kv/extra", json(9, "PUT"));
    assert.equal(again.status, 200, "room again once the accepted ones finished");
    await again.body?.cancel();
  } finally {
    stopHolding();
    api.close();
  }
});

Deno.test("overload: a node's full bulkhead queue answers 503 + Retry-After, accepted calls finish", async () => {
  const { api, req, held, release, stopHolding } = heldWrites({
    options: { maxInFlight: 100, gateway: { maxConcurrent: 2, maxQueue: 1 } },
  });
  try {
    const accepted = Array.from({ length: 3 }, (_, i) => req(`/api/v1/kv/k${i}`, json(i, "PUT")));
    await waitFor("2 writes running and 1 queued at n1", () => {
      const l = api.context.gateway.load("n1");
      return (l.active === 2 && l.queued === 1) || false;
    });
    const shed = await req("/api/v1/kv/extra", json(9, "PUT"));
    assert.ok(Number(shed.headers.get("retry-after")) >= 1);
    await problemOf(shed, 503);
    assert.equal(held.length, 2);
    release();
    await waitFor("the queued write reaches the leader", () => held.length === 1 || false);
    release();
    for (const res of await Promise.all(accepted)) {
      assert.equal(res.status, 200);
      await res.body?.cancel();
    }
    assert.deepEqual(api.context.gateway.load("n1"), { active: 0, queued: 0 });
  } finally {
    stopHolding();
    api.close();
  }
});
