import assert from "node:assert/strict";
import { type Cluster, startCluster } from "../../nodes/worker_cluster.ts";

// Requests are posted to a Worker together, once per turn of the event loop; these tests
// pin down that nothing else about them changes: order, and order against other messages.

const COUNTER = {
  module: new URL("./worker_fixtures/counter_protocol.ts", import.meta.url).href,
  export: "counterProtocol",
};

async function withCounter(fn: (c: Cluster) => Promise<void>): Promise<void> {
  const c = await startCluster({ protocol: COUNTER, nodes: 1, seed: 5 });
  try {
    await fn(c);
  } finally {
    await c.close();
  }
}

Deno.test("requests sent in one turn are applied in the order they were sent", async () => {
  await withCounter(async (c) => {
    const replies = await Promise.all(Array.from({ length: 40 }, () => c.request("n1", "inc")));
    assert.deepEqual(
      replies.map((r) => r.type === "ok" ? r.value : r.error),
      Array.from({ length: 40 }, (_, i) => i + 1),
    );
  });
});

Deno.test("a status asked right after a request sees that request applied", async () => {
  await withCounter(async (c) => {
    const inc = c.request("n1", "inc");
    const status = await c.status("n1");
    assert.equal(status.count, 1);
    assert.deepEqual(await inc, { type: "ok", value: 1 });
  });
});

Deno.test("a request sent just before a pause reaches the node; one sent after is held", async () => {
  await withCounter(async (c) => {
    const before = c.request("n1", "inc");
    c.pause("n1");
    const after = c.request("n1", "inc");
    assert.deepEqual(await before, { type: "ok", value: 1 });
    assert.equal((await c.status("n1")).count, 1);
    c.resume("n1");
    assert.deepEqual(await after, { type: "ok", value: 2 });
  });
});

Deno.test("a request not yet posted when its node crashes is answered info", async () => {
  await withCounter(async (c) => {
    const lost = c.request("n1", "inc");
    c.crash("n1");
    assert.equal((await lost).type, "info");
  });
});
