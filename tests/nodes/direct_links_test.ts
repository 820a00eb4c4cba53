import assert from "node:assert/strict";
import { createApi } from "../../http/app.ts";
import { type Cluster, startCluster } from "../../nodes/worker_cluster.ts";
import type { TraceEvent } from "../../nodes/trace.ts";
import { SendFirst } from "../../nodes/worker/send_first.ts";
import { serveDirectNode } from "../../nodes/worker/direct_node.ts";
import type { FromWorker, OutputMessage, WireDelivery } from "../../nodes/worker_protocol.ts";
import { notYet, waitFor } from "../support/deadline.ts";

const HEARTBEAT = { protocol: "heartbeat", options: { intervalMs: 10, timeoutMs: 10_000 } };

async function withCluster(
  o: Partial<Parameters<typeof startCluster>[0]>,
  fn: (c: Cluster) => Promise<void>,
): Promise<void> {
  const c = await startCluster({ ...HEARTBEAT, nodes: 3, seed: 5, ...o });
  try {
    await fn(c);
  } finally {
    await c.close();
  }
}

const delivered = (c: Cluster, link: string) => c.counters().links[link]?.delivered ?? 0;
const dropped = (c: Cluster, link: string) => c.counters().links[link]?.dropped ?? 0;

Deno.test("direct links: node-to-node messages never pass through the main thread's router", async () => {
  await withCluster({}, async (c) => {
    assert.equal(c.directLinks, true);
    await waitFor("heartbeats delivered on n1>n2", () => {
      const n = delivered(c, "n1>n2");
      return n >= 20 || notYet(n);
    });
    assert.equal(c.batches, 0, "the main thread's router handed on no batch");
  });
  // The same cluster routed: the router carries every message (so the check above can fail).
  await withCluster({ links: "routed" }, async (c) => {
    assert.equal(c.directLinks, false);
    await waitFor("heartbeats delivered on n1>n2", () => {
      const n = delivered(c, "n1>n2");
      return n >= 20 || notYet(n);
    });
    assert.ok(c.batches > 0);
  });
});

Deno.test("direct links: once the API acknowledged a partition no message sent after it crosses; after heal they cross again", async () => {
  await withCluster({ nodes: 4 }, async (c) => {
    const api = createApi(c);
    const events: TraceEvent[] = [];
    const stop = c.onEvent((e) => {
      if (e.kind === "send" || e.kind === "deliver" || e.kind === "drop") events.push(e);
    });
    try {
      const side = (n: string) => (n === "n1" || n === "n2" ? 0 : 1);
      const crosses = (e: TraceEvent) => e.peer !== undefined && side(e.node) !== side(e.peer);
      await waitFor("messages cross n1→n3", () => {
        const n = delivered(c, "n1>n3");
        return n >= 5 || notYet(n);
      });
      let res = await api.app.request("/api/v1/faults/partition", {
        method: "POST",
        body: JSON.stringify({ groups: [["n1", "n2"], ["n3", "n4"]] }),
      });
      assert.equal(res.status, 201, await res.text());
      const ackAt = c.now();
      assert.equal(c.faultsUnacknowledged, 0, "answered once every node acknowledged");
      // Every node sent across the cut after the acknowledgement (and was refused).
      await waitFor("each node tries to cross after the partition", () => {
        const after = new Set(
          events.filter((e) => e.kind === "send" && crosses(e) && e.time > ackAt + 1).map((e) =>
            e.node
          ),
        );
        return after.size === 4 || notYet([...after]);
      });
      const healFrom = c.now();
      res = await api.app.request("/api/v1/faults/heal", { method: "POST" });
      assert.equal(res.status, 200, await res.text());
      const healAt = c.now();
      await waitFor("a message sent after heal crosses", () => {
        const seqs = new Set(
          events.filter((e) => e.kind === "send" && crosses(e) && e.time > healAt + 1)
            .map((e) => key(e.node, e.peer!, e.body)),
        );
        const crossed = events.filter((e) =>
          e.kind === "deliver" && crosses(e) && seqs.has(key(e.peer!, e.node, e.body))
        ).length;
        return crossed >= 4 || notYet(crossed);
      });
      // Pair sends and deliveries by link and heartbeat number.
      const sentAt = new Map<string, number>();
      for (const e of events) {
        if (e.kind === "send" && crosses(e)) sentAt.set(key(e.node, e.peer!, e.body), e.time);
      }
      // Between the acknowledgement and the heal request nothing sent may cross (1 ms:
      // the threads' clocks agree to within it).
      const cutFrom = ackAt + 1, cutTo = healFrom - 1;
      for (const e of events) {
        if (e.kind !== "deliver" || !crosses(e)) continue;
        const t = sentAt.get(key(e.peer!, e.node, e.body));
        assert.ok(
          t === undefined || t < cutFrom || t > cutTo,
          `a message sent at ${t} (partition acknowledged at ${ackAt}, healed at ${healAt}) ` +
            `crossed: ${e.peer}→${e.node}`,
        );
      }
      const refusedAfterHeal = events.filter((e) =>
        e.kind === "drop" && crosses(e) && e.reason === "partition" && e.time > healAt + 1
      );
      assert.deepEqual(refusedAfterHeal, [], "nothing is refused for the partition after heal");
    } finally {
      stop();
      api.close();
    }
  });
});

function key(from: string, to: string, body: unknown): string {
  return `${from}>${to}#${(body as { seq?: number }).seq}`;
}

Deno.test("direct links: a crashed peer's messages are dropped as crashed; after its restart they flow on new ports", async () => {
  await withCluster({}, async (c) => {
    await waitFor("heartbeats delivered on n1>n2", () => {
      const n = delivered(c, "n1>n2");
      return n >= 5 || notYet(n);
    });
    c.crash("n2");
    const before = dropped(c, "n1>n2");
    await waitFor("sends to the crashed n2 are counted dropped", () => {
      const n = dropped(c, "n1>n2");
      return n > before + 3 || notYet(n);
    });
    await c.restart("n2");
    const now = delivered(c, "n1>n2");
    await waitFor("n2 hears n1 again after its restart", () => {
      const n = delivered(c, "n1>n2");
      return n > now + 3 || notYet(n);
    });
    await waitFor("n1 hears the restarted n2", () => {
      const n = delivered(c, "n2>n1");
      return n > 3 || notYet(n);
    });
  });
});

Deno.test("direct links: a paused node holds what arrives up to the backlog bound, drops the oldest, and takes the rest when resumed", async () => {
  await withCluster({ maxBacklog: 5 }, async (c) => {
    await waitFor("heartbeats delivered on n1>n2", () => {
      const n = delivered(c, "n1>n2");
      return n >= 5 || notYet(n);
    });
    c.pause("n2");
    const held = delivered(c, "n1>n2");
    await waitFor("the paused n2's backlog overflows", () => {
      const n = dropped(c, "n1>n2") + dropped(c, "n3>n2");
      return n > 5 || notYet(n);
    });
    c.resume("n2");
    await waitFor("the held messages are delivered on resume", () => {
      const n = delivered(c, "n1>n2");
      return n > held || notYet(n);
    });
  });
});

Deno.test("send first: a delivery waits for its send, and its node's later events with it", () => {
  const out: string[] = [];
  const order = new SendFirst((e) => out.push(`${e.kind}@${e.node}`), () => 0, 100);
  order.deliver({ time: 1, kind: "deliver", node: "n2", peer: "n1", lamport: 5 }, 4);
  order.push({ time: 1, kind: "trust", node: "n2" });
  order.push({ time: 1, kind: "send", node: "n3", peer: "n1", lamport: 1 });
  assert.deepEqual(out, ["send@n3"], "n2 waits; n3 does not");
  assert.equal(order.held, 2);
  order.push({ time: 1, kind: "send", node: "n1", peer: "n2", lamport: 3 });
  assert.deepEqual(out, ["send@n3", "send@n1"], "an older send does not release it");
  order.push({ time: 1, kind: "send", node: "n1", peer: "n2", lamport: 4 });
  assert.deepEqual(out, ["send@n3", "send@n1", "send@n1", "deliver@n2", "trust@n2"]);
  assert.equal(order.held, 0);
  order.deliver({ time: 2, kind: "deliver", node: "n2", peer: "n1", lamport: 6 }, 4);
  assert.equal(out.at(-1), "deliver@n2", "a delivery whose send was seen goes at once");
  order.close();
});

Deno.test("send first: a delivery with no send to wait for (sent before anyone traced) goes after the wait", async () => {
  let now = 0;
  const out: string[] = [];
  const order = new SendFirst((e) => out.push(e.kind), () => now, 20);
  order.deliver({ time: 0, kind: "deliver", node: "n2", peer: "n1" }, 9);
  assert.deepEqual(out, []);
  now = 25;
  await waitFor("the held delivery is released", () => out.length === 1 || notYet(out));
  order.push({ time: 0, kind: "deliver", node: "n3", peer: "n1" });
  order.deliver({ time: 0, kind: "deliver", node: "n4", peer: "n1" }, 9);
  order.close();
  assert.deepEqual(out, ["deliver", "deliver", "deliver"], "close emits what is held");
});

Deno.test("direct links in memory: a message sent after a write leaves only once the main thread holds the write", async () => {
  const posted: FromWorker[] = [];
  const node = serveDirectNode((m) => posted.push(m));
  const { port1, port2 } = new MessageChannel();
  const heard: WireDelivery[] = [];
  port2.onmessage = (e: MessageEvent<WireDelivery[]>) => heard.push(...e.data);
  node.handle({
    type: "init",
    id: "n1",
    peers: ["n2"],
    protocol: {
      module: new URL("./worker_fixtures/tell_protocol.ts", import.meta.url).href,
      export: "tellProtocol",
    },
    options: {},
    seed: 1,
    clock: { skew: 0, drift: 0, anchor: 0 },
    storage: { kind: "memory", entries: [] },
    paused: false,
    tracing: false,
    direct: { epoch: performance.timeOrigin, maxBacklog: 100 },
  });
  node.handle({ type: "peer", peer: "n2", port: port1 });
  try {
    await waitFor(
      "the node is ready",
      () => posted.some((m) => m.type === "ready") || notYet(posted),
    );
    node.handle({ type: "inputs", deliveries: [], requests: [{ id: 1, client: 0, op: "tell" }] });
    const out = await waitFor(
      "the write reaches the main thread",
      () =>
        posted.find((m): m is OutputMessage => m.type === "output" && m.mirror !== undefined) ??
          notYet(posted.map((m) => m.type)),
    );
    assert.deepEqual(out.messages, [], "the message is not in the output");
    assert.deepEqual(out.replies.map((r) => r.reply.type), ["ok"]);
    // Several turns of the event loop: a message not held would have crossed by now.
    for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
    assert.equal(heard.length, 0, "held until the write is mirrored");
    node.handle({ type: "mirrored", id: out.mirror! });
    await waitFor("the message leaves", () => heard.length === 1 || notYet(heard));
    assert.deepEqual(heard[0]!.body, { type: "told", n: 1 });
  } finally {
    node.handle({ type: "close" });
    await waitFor("closed", () => posted.some((m) => m.type === "closed") || notYet(null));
    port2.close();
  }
});

Deno.test("direct links: what a paused node holds in its Worker counts in the cluster's backlog, bounded, and is taken in on resume", async () => {
  await withCluster({ nodes: 2, maxBacklog: 5 }, async (c) => {
    assert.equal(c.directLinks, true);
    c.pause("n2");
    await waitFor("n2 holds 5 heartbeats and dropped older ones", () => {
      const b = c.backlog();
      return (b.messages === 5 && b.dropped > 0) || notYet(b);
    });
    assert.ok(dropped(c, "n1>n2") >= c.backlog().dropped);
    c.resume("n2");
    assert.equal(c.backlog().messages, 0);
    const after = delivered(c, "n1>n2");
    await waitFor("heartbeats reach n2 again", () => {
      const n = delivered(c, "n1>n2");
      return n > after + 5 || notYet(n);
    });
    assert.equal(c.backlog().messages, 0);
  });
});
