import assert from "node:assert/strict";
import { type Cluster, startCluster } from "../../nodes/worker_cluster.ts";
import type { TraceEvent } from "../../nodes/trace.ts";
import type { NodeId } from "../../protocols/node.ts";
import { protocolAdmin } from "../../http/protocol_admin.ts";
import { notYet, waitFor as poll } from "../support/deadline.ts";
import { withCluster } from "../support/with_cluster.ts";

const HEARTBEAT = {
  protocol: "heartbeat",
  seed: 42,
  // Fast beats and a fixed timeout: suspicion within a second, trust on the next beat. The
  // timeout is far above the beat so that a busy machine's late tick is not a suspicion.
  options: { intervalMs: 20, timeoutMs: 1000, detector: "fixed" },
} as const;

const COUNTER = {
  module: new URL("./worker_fixtures/counter_protocol.ts", import.meta.url).href,
  export: "counterProtocol",
};

/** Polls `cond` until it holds (the shared, scaled deadline); fails naming `what`. */
async function waitFor(what: string, cond: () => Promise<boolean>): Promise<void> {
  await poll(what, async () => (await cond()) || notYet(false));
}

async function suspects(c: Cluster, node: NodeId): Promise<readonly NodeId[]> {
  return ((await c.status(node)).suspects ?? []) as readonly NodeId[];
}

Deno.test("a crashed node is suspected by the others and trusted again after it restarts", async () => {
  await withCluster({ ...HEARTBEAT, nodes: 3 }, async (c) => {
    const events: TraceEvent[] = [];
    c.onEvent((e) => {
      if (e.kind !== "send" && e.kind !== "deliver") events.push(e);
    });
    await waitFor("everyone trusts everyone", async () => {
      const all = await c.statuses();
      return all.every((n) => n.up && (n.status.suspects as string[]).length === 0);
    });

    c.crash("n3");
    assert.equal(c.isUp("n3"), false);
    assert.deepEqual(await c.status("n3"), { role: "crashed" });
    await waitFor(
      "n1 and n2 suspect n3",
      async () =>
        (await suspects(c, "n1")).includes("n3") && (await suspects(c, "n2")).includes("n3"),
    );
    assert.ok(c.counters().links["n1>n3"]!.dropped > 0, "messages to a crashed node are dropped");

    await c.restart("n3");
    assert.equal(c.isUp("n3"), true);
    await waitFor(
      "n1 and n2 trust n3 again",
      async () =>
        !(await suspects(c, "n1")).includes("n3") && !(await suspects(c, "n2")).includes("n3"),
    );

    const kinds = events.map((e) => `${e.kind} ${e.node}`);
    assert.ok(kinds.includes("crash n3"));
    assert.ok(kinds.includes("restart n3"));
    assert.ok(kinds.indexOf("crash n3") < kinds.indexOf("restart n3"));
    const suspect = events.find((e) =>
      e.kind === "suspect" && e.node === "n1" && (e.data as { peer: string }).peer === "n3"
    );
    assert.deepEqual((suspect?.data as { peer: string }).peer, "n3");
    assert.ok(typeof suspect?.lamport === "number" && suspect.vclock !== undefined);
    assert.ok(events.some((e) => e.kind === "drop" && e.reason === "crashed"));
  });
});

Deno.test("a partition makes both sides suspect each other and healing restores trust", async () => {
  await withCluster({ ...HEARTBEAT, nodes: 3 }, async (c) => {
    await waitFor("no suspicion at start", async () => (await suspects(c, "n1")).length === 0);
    c.network.partition([["n1"], ["n2", "n3"]]);
    assert.equal(c.network.state().blocks.length, 1);
    await waitFor(
      "both sides suspect each other",
      async () =>
        (await suspects(c, "n1")).join() === "n2,n3" &&
        (await suspects(c, "n2")).join() === "n1" &&
        (await suspects(c, "n3")).join() === "n1",
    );

    c.network.heal();
    await waitFor("trust is restored", async () => {
      const all = await c.statuses();
      return all.every((n) => (n.status.suspects as string[]).length === 0);
    });
  });
});

Deno.test("pause holds a node's messages and resume delivers them in order", async () => {
  await withCluster({ ...HEARTBEAT, nodes: 3 }, async (c) => {
    const seen: { seq: number; at: number }[] = [];
    c.onEvent((e) => {
      if (e.kind === "deliver" && e.node === "n2" && e.peer === "n1") {
        seen.push({ seq: (e.body as { seq: number }).seq, at: e.time });
      }
    });
    await waitFor("n2 hears from n1", () => Promise.resolve(seen.length > 0));

    c.pause("n2");
    assert.equal(c.isPaused("n2"), true);
    // Suspicion means n2 has been silent (paused) for the timeout: what it took in before
    // the pause is counted by now (with direct links, counts come in reports).
    await waitFor(
      "n1 suspects the paused n2",
      async () => (await suspects(c, "n1")).includes("n2"),
    );
    const held = c.counters().links["n1>n2"]!;
    await waitFor(
      "n1 keeps sending to n2",
      () => Promise.resolve(c.counters().links["n1>n2"]!.sent > held.sent + 3),
    );
    const link = c.counters().links["n1>n2"]!;
    assert.equal(link.delivered, held.delivered, "n2's messages were held, not taken in");
    const info = await c.info("n2");
    assert.equal(info.paused, true);
    assert.equal(info.up, true);

    const before = seen.length;
    c.resume("n2");
    await waitFor("the backlog reaches n2", () => Promise.resolve(seen.length >= before + 3));
    const after = seen.slice(before).map((s) => s.seq);
    assert.deepEqual(after, [...after].sort((a, b) => a - b), "in the order they were sent");
    await waitFor("n1 trusts n2 again", async () => !(await suspects(c, "n1")).includes("n2"));
  });
});

Deno.test("requests: ok when up, fail when down, info when the node dies holding one", async () => {
  await withCluster({ protocol: COUNTER, nodes: 2, seed: 1 }, async (c) => {
    assert.equal(c.protocol, "counter");
    assert.deepEqual(await c.request("n1", "inc", 7), { type: "ok", value: 1 });
    const hanging = c.request("n1", "hang");
    c.crash("n1");
    assert.equal((await hanging).type, "info");
    assert.equal((await c.request("n1", "get")).type, "fail");

    // A node whose protocol throws is taken down and reported as crashed.
    const crashes: TraceEvent[] = [];
    c.onEvent((e) => {
      if (e.kind === "crash") crashes.push(e);
    });
    const boom = await c.request("n2", "boom");
    assert.equal(boom.type, "info");
    assert.equal(c.isUp("n2"), false);
    assert.match(crashes[0]?.reason ?? "", /boom requested/);

    // Requests to a paused node wait for it.
    await c.restart("n2");
    c.pause("n2");
    const held = c.request("n2", "inc");
    c.resume("n2");
    assert.deepEqual(await held, { type: "ok", value: 1 });
  });
});

Deno.test("a restarted node recovers exactly its synced in-memory storage", async () => {
  await withCluster({ protocol: COUNTER, nodes: 1, seed: 3 }, async (c) => {
    for (let i = 1; i <= 5; i++) {
      assert.deepEqual(await c.request("n1", "inc"), { type: "ok", value: i });
    }
    c.crash("n1");
    await c.restart("n1");
    assert.deepEqual(await c.request("n1", "get"), { type: "ok", value: 5 });
    const st = await c.status("n1");
    assert.equal(st.count, 5);
    assert.equal(st.log, 5);
  });
});

Deno.test("with a data dir, storage survives a crash and a whole new cluster", async () => {
  const dir = await Deno.makeTempDir({ prefix: "distlab_cluster_" });
  try {
    await withCluster({ protocol: COUNTER, nodes: 2, seed: 3, dataDir: dir }, async (c) => {
      for (let i = 0; i < 3; i++) await c.request("n2", "inc");
      c.crash("n2");
      await c.restart("n2");
      assert.deepEqual(await c.request("n2", "get"), { type: "ok", value: 3 });
      await c.request("n2", "inc");
    });
    const files = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    assert.deepEqual(files, ["n1.log", "n2.log"]);
    await withCluster({ protocol: COUNTER, nodes: 2, seed: 3, dataDir: dir }, async (c) => {
      assert.deepEqual(await c.request("n2", "get"), { type: "ok", value: 4 });
      assert.deepEqual(await c.request("n1", "get"), { type: "ok", value: 0 });
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("setClock skews one node's clock and keeps it across a restart", async () => {
  await withCluster({ protocol: COUNTER, nodes: 2, seed: 5 }, async (c) => {
    const now = async (n: NodeId): Promise<number> => {
      const r = await c.request(n, "now");
      assert.equal(r.type, "ok");
      return (r as { value: number }).value;
    };
    // n1's clock read before and after n2's brackets the skew, however long each takes.
    const skewBracket = async (): Promise<[number, number]> => {
      const before = await now("n1");
      const skewed = await now("n2");
      const after = await now("n1");
      return [skewed - after - 1, skewed - before + 1];
    };
    c.setClock("n2", { skew: 60_000 });
    let [lo, hi] = await skewBracket();
    assert.ok(lo <= 60_000 && 60_000 <= hi, `skew applied (between ${lo} and ${hi})`);
    c.crash("n2");
    await c.restart("n2");
    [lo, hi] = await skewBracket();
    assert.ok(lo <= 60_000 && 60_000 <= hi, `skew kept (between ${lo} and ${hi})`);
  });
});

Deno.test("a drop rule on one link loses its messages and counts them", async () => {
  await withCluster({ ...HEARTBEAT, nodes: 2 }, async (c) => {
    c.network.addRule("n1", "n2", { drop: 1 });
    await c.faultsInForce();
    // Suspicion means silence for the detector's timeout: what was in flight has landed.
    await waitFor("n2 suspects n1", async () => (await suspects(c, "n2")).includes("n1"));
    const start = c.counters().links;
    const dropped = () => c.counters().links["n1>n2"]?.dropped ?? 0;
    await waitFor(
      "more of n1's messages are dropped",
      () => Promise.resolve(dropped() > (start["n1>n2"]?.dropped ?? 0) + 3),
    );
    const links = c.counters().links;
    assert.equal(links["n1>n2"]!.delivered, start["n1>n2"]?.delivered ?? 0, "none crossed");
    assert.equal(links["n2>n1"]!.dropped, 0);
    assert.ok(links["n2>n1"]!.delivered > (start["n2>n1"]?.delivered ?? 0), "the other way works");
  });
});

Deno.test("unknown node ids throw a clear error", async () => {
  await withCluster({ ...HEARTBEAT, nodes: 2 }, async (c) => {
    assert.throws(() => c.crash("n9"), /unknown node 'n9' \(nodes: n1, n2\)/);
    assert.throws(() => c.pause("n9"), /unknown node 'n9'/);
    assert.throws(() => c.setClock("n9", { skew: 1 }), /unknown node 'n9'/);
    await assert.rejects(c.restart("n9"), /unknown node 'n9'/);
    assert.throws(() => c.request("n9", null), /unknown node 'n9'/);
  });
});

Deno.test("startCluster rejects a bad protocol or options with a one-line reason", async () => {
  await assert.rejects(
    startCluster({ protocol: "nope", nodes: 2, seed: 1 }),
    (e: Error) => /unknown protocol 'nope'/.test(e.message) && !e.message.includes("\n"),
  );
  await assert.rejects(
    startCluster({ protocol: "heartbeat", nodes: 2, seed: 1, options: { intervalMs: -1 } }),
    /option intervalMs must be a positive number/,
  );
  await assert.rejects(
    startCluster({ protocol: { module: COUNTER.module, export: "missing" }, nodes: 1, seed: 1 }),
    /has no protocol export 'missing'/,
  );
});

Deno.test("close() settles what is pending and leaves nothing running", async () => {
  const c = await startCluster({ protocol: COUNTER, nodes: 2, seed: 9 });
  assert.deepEqual(c.activity().workers, 2);
  const pending = c.request("n1", "hang");
  c.pause("n2");
  const held = c.request("n2", "inc");
  await c.close();
  assert.equal((await pending).type, "info");
  assert.equal((await held).type, "fail");
  assert.equal(c.isUp("n1"), false);
  assert.deepEqual(await c.request("n1", "get"), {
    type: "fail",
    code: 1004,
    error: "the cluster is closed",
  });
  assert.deepEqual(c.activity(), { workers: 0, routerTimer: false });
  await c.close(); // idempotent
});

Deno.test("a live node takes its protocol's live defaults; options given win over them", async () => {
  await withCluster({ protocol: "raft-kv", nodes: 1, seed: 2 }, async (c) => {
    assert.deepEqual((await c.status("n1")).electionTimeoutMs, [1000, 2000]);
  });
  await withCluster(
    { protocol: "raft-kv", nodes: 1, seed: 2, options: { electionMinMs: 300, electionMaxMs: 500 } },
    async (c) => {
      assert.deepEqual((await c.status("n1")).electionTimeoutMs, [300, 500]);
    },
  );
});

Deno.test("a cluster refuses more nodes than the limit at start", async () => {
  await assert.rejects(
    startCluster({ protocol: COUNTER, nodes: 257, seed: 1 }),
    /a cluster has at most 256 nodes/,
  );
});

Deno.test("node ids that would make two links share a key are refused before any Worker starts", async () => {
  await assert.rejects(
    startCluster({ protocol: COUNTER, nodes: ["a>b", "c"], seed: 1 }),
    /node id 'a>b' must not contain '>'/,
  );
  await assert.rejects(startCluster({ protocol: COUNTER, nodes: [""], seed: 1 }), /non-empty/);
});

Deno.test("a protocol loaded from a module brings its descriptor to the main thread", async () => {
  const raftFile = {
    module: new URL("../../protocols/raft/mod.ts", import.meta.url).href,
    export: "raftKv",
  };
  await withCluster({ protocol: raftFile, nodes: 1, seed: 1 }, async (c) => {
    assert.equal((await c.status("n1")).role !== undefined, true);
    assert.equal(c.descriptor?.name, "raft-kv");
    assert.ok(protocolAdmin(c.descriptor).transfer !== undefined, "its declared abilities");
    assert.ok(c.descriptor?.events?.includes("election"));
  });
});

Deno.test("a paused node holds at most maxBacklog messages and requests, dropping the oldest and saying so", async () => {
  await withCluster({ protocol: COUNTER, nodes: 2, seed: 5, maxBacklog: 5 }, async (c) => {
    const drops: TraceEvent[] = [];
    const delivered: number[] = [];
    c.onEvent((e) => {
      if (e.kind === "drop" && e.reason === "backlog") drops.push(e);
      if (e.kind === "deliver" && e.node === "n2") delivered.push((e.body as { i: number }).i);
    });
    c.pause("n2");
    // 40 times the limit: only the newest 5 stay held.
    for (let i = 0; i < 200; i++) c.inject("n2", "n1", { i });
    const held = Array.from({ length: 5 }, () => c.request("n2", "inc"));
    const refused = await Promise.all(Array.from({ length: 3 }, () => c.request("n2", "inc")));
    for (const r of refused) {
      assert.equal(r.type, "fail");
      assert.match(JSON.stringify(r), /paused with 5 requests held/);
    }
    assert.deepEqual(c.backlog(), { messages: 5, requests: 5, limit: 5, dropped: 195, refused: 3 });
    assert.equal(c.counters().links["n1>n2"]!.dropped, 195);
    assert.equal(drops.length, 195);
    assert.deepEqual((drops[0]!.body as { i: number }).i, 0, "the oldest is dropped first");

    c.resume("n2");
    assert.deepEqual((await Promise.all(held)).map((r) => r.type), Array(5).fill("ok"));
    await waitFor("the held messages arrive", () => Promise.resolve(delivered.length >= 5));
    assert.deepEqual(delivered, [195, 196, 197, 198, 199]);
    assert.deepEqual(c.backlog(), { messages: 0, requests: 0, limit: 5, dropped: 195, refused: 3 });
  });
});
