import assert from "node:assert/strict";
import { type Cluster, defaultNodesPerWorker } from "../../nodes/worker_cluster.ts";
import { withCluster } from "../support/with_cluster.ts";
import type { TraceEvent } from "../../nodes/trace.ts";
import { notYet, waitFor } from "../support/deadline.ts";

async function leaderOf(c: Cluster): Promise<string> {
  return await waitFor("a leader", async () => {
    for (const id of c.nodes) {
      const s = await c.status(id) as { role?: string };
      if (s.role === "leader") return id;
    }
    return notYet("no leader yet");
  });
}

Deno.test("nodes per Worker: one each up to 32 nodes, about 16 Workers beyond", () => {
  assert.deepEqual([1, 5, 32, 33, 64, 256].map(defaultNodesPerWorker), [1, 1, 1, 3, 4, 16]);
});

Deno.test("nodes sharing Workers: Raft elects and commits; a crash stops one node, not its Worker's others; a restart recovers it", async () => {
  await withCluster({ protocol: "raft-kv", nodes: 6, seed: 3, nodesPerWorker: 3 }, async (c) => {
    assert.equal(c.threads, 2, "six nodes on two Workers");
    const write = async (value: number) => {
      await waitFor(`write ${value} is acknowledged`, async () => {
        const r = await c.request(await leaderOf(c), { f: "write", key: "x", value });
        return r.type === "ok" || notYet(r);
      });
    };
    await write(1);
    // n2 shares its Worker with n1 and n3 (nodes 1-3: the first Worker).
    c.crash("n2");
    assert.equal((await c.status("n2")).role, "crashed");
    assert.notEqual((await c.status("n1")).role, "crashed", "its Worker's other nodes run on");
    assert.notEqual((await c.status("n3")).role, "crashed");
    await write(2);
    await c.restart("n2");
    await waitFor("the restarted n2 catches up", async () => {
      const s = await c.status("n2") as { commitIndex?: number };
      const l = await c.status(await leaderOf(c)) as { commitIndex?: number };
      return (s.commitIndex ?? -1) >= (l.commitIndex ?? 0) || notYet([s, l]);
    });
    assert.equal(c.threads, 2, "a crash and a restart start no Worker");
  });
});

Deno.test("nodes sharing a Worker: the fault model stands between them (a partition within one Worker)", async () => {
  await withCluster({
    protocol: "heartbeat",
    nodes: 4,
    seed: 9,
    nodesPerWorker: 4,
    options: { intervalMs: 10, timeoutMs: 10_000 },
  }, async (c) => {
    assert.equal(c.threads, 1);
    const events: TraceEvent[] = [];
    const stop = c.onEvent((e) => {
      if (e.kind === "send" || e.kind === "deliver") events.push(e);
    });
    try {
      const link = (from: string, to: string) => c.counters().links[`${from}>${to}`];
      await waitFor("n1's heartbeats reach n2", () => {
        const n = link("n1", "n2")?.delivered ?? 0;
        return n >= 5 || notYet(n);
      });
      c.network.partition([["n1"], ["n2", "n3", "n4"]]);
      await c.faultsInForce();
      const ackAt = c.now();
      const before = link("n1", "n2")?.dropped ?? 0;
      await waitFor("n1's heartbeats to n2 are dropped", () => {
        const n = link("n1", "n2")?.dropped ?? 0;
        return n >= before + 5 || notYet(n);
      });
      const sentAfter = new Set(
        events.filter((e) => e.kind === "send" && e.node === "n1" && e.time > ackAt + 1)
          .map((e) => `${e.peer}#${(e.body as { seq: number }).seq}`),
      );
      assert.ok(sentAfter.size > 0, "n1 kept sending");
      const crossed = events.filter((e) =>
        e.kind === "deliver" && e.peer === "n1" &&
        sentAfter.has(`${e.node}#${(e.body as { seq: number }).seq}`)
      );
      assert.deepEqual(crossed, [], "nothing n1 sent after the partition reached the others");
      const deliveredN2N3 = link("n2", "n3")?.delivered ?? 0;
      await waitFor("n2 and n3 (same side) still talk", () => {
        const n = link("n2", "n3")?.delivered ?? 0;
        return n > deliveredN2N3 || notYet(n);
      });
    } finally {
      stop();
    }
  });
});
