/**
 * Node processes' logic run in this process (three {@link runTcpNode}s and a control
 * cluster with {@link NodeLinks}), so what control sees can be checked event by event:
 * send / deliver events of the nodes' own links arrive at control while tracing; a
 * partition set at control is pushed to the nodes and dropped by the senders; a paused
 * node holds what arrives until it resumes; a crash ends the node (137) and a new one
 * rejoins on restart; a second node claiming a taken id, a protocol mismatch and a missing
 * peer address are each refused with a reason.
 */

import assert from "node:assert/strict";
import { notYet, waitFor, within } from "../support/deadline.ts";
import { runTcpNode } from "../../nodes/tcp/tcp_node.ts";
import type { Address } from "../../nodes/tcp/peer_transport.ts";
import { type Cluster, startCluster } from "../../nodes/worker_cluster.ts";
import type { TraceEvent } from "../../nodes/trace.ts";
import { HOST } from "./processes.ts";
import { inProcessNodes } from "./in_process_nodes.ts";

interface Setup {
  cluster: Cluster;
  url: string;
  addrs: ReadonlyMap<string, Address>;
  runs: Map<string, Promise<number>>;
  logs: string[];
  start(id: string, extra?: { protocol?: string; peers?: string[] }): Promise<number>;
  close(): Promise<void>;
}

async function setup(protocol = "heartbeat"): Promise<Setup> {
  const ids = ["n1", "n2", "n3"];
  const nodes = inProcessNodes(ids);
  for (const id of ids) nodes.start(id);
  const cluster = await startCluster({
    protocol,
    nodes: ids,
    seed: 3,
    options: protocol === "heartbeat" ? { intervalMs: 20 } : {},
    external: nodes.links,
    network: {},
  });
  return {
    cluster,
    url: nodes.url,
    addrs: nodes.addrs,
    runs: nodes.runs,
    logs: nodes.logs,
    start: nodes.start,
    async close() {
      await cluster.close();
      await nodes.stop();
    },
  };
}

Deno.test("tcp control: events, a partition at the senders, pause, crash and restart", async () => {
  const s = await setup();
  const { cluster } = s;
  try {
    const events: TraceEvent[] = [];
    const off = cluster.onEvent((e) => events.push(e), { messages: true });
    await waitFor(
      "n1's sends and n2's deliveries reach control",
      () =>
        (events.some((e) => e.kind === "send" && e.node === "n1" && e.peer === "n2") &&
          events.some((e) => e.kind === "deliver" && e.node === "n2" && e.peer === "n1")) ||
        notYet(events.length),
    );

    // A partition made at control is applied where the messages leave.
    cluster.network.isolate("n1");
    await cluster.faultsInForce();
    assert.equal(cluster.faultsUnacknowledged, 0, "each node acknowledged the new rules");
    await waitFor(
      "n1 drops its own messages as partitioned",
      () =>
        events.some((e) => e.kind === "drop" && e.node === "n1" && e.reason === "partition") ||
        notYet(events.filter((e) => e.kind === "drop").length),
    );
    // What n1 sent before the partition may still be on its way (and n2 reports its
    // counts now and then): let ten drops pass before counting.
    const first = cluster.counters().links["n1>n2"]!;
    await waitFor("ten of n1's messages dropped", () => {
      const now = cluster.counters().links["n1>n2"]!;
      return now.dropped >= first.dropped + 10 || notYet(now);
    });
    const before = cluster.counters().links["n1>n2"]!;
    await waitFor("ten more of n1's messages dropped", () => {
      const now = cluster.counters().links["n1>n2"]!;
      return now.dropped >= before.dropped + 10 || notYet(now);
    });
    assert.equal(
      cluster.counters().links["n1>n2"]!.delivered,
      before.delivered,
      "nothing from n1 arrives at n2 while it is isolated",
    );
    await waitFor("n2 suspects n1", async () => {
      const st = await cluster.status("n2");
      return (st.suspects as string[] | undefined)?.includes("n1") || notYet(st);
    });
    cluster.network.heal();
    await waitFor("n2 trusts n1 again", async () => {
      const st = await cluster.status("n2");
      return !(st.suspects as string[]).includes("n1") || notYet(st);
    });
    off();

    // Paused, n3 takes nothing in; on resume it gets what was held.
    cluster.pause("n3");
    // Reports come every 50 ms: let those of deliveries before the pause come in first.
    const paused = cluster.counters().links["n1>n3"]!;
    await waitFor("n1 sends on (reports of before the pause are in)", () => {
      const now = cluster.counters().links["n1>n3"]!;
      return now.sent >= paused.sent + 5 || notYet(now);
    });
    const held = cluster.counters().links["n1>n3"]!;
    await waitFor("n1 keeps sending to the paused n3", () => {
      const now = cluster.counters().links["n1>n3"]!;
      return now.sent >= held.sent + 10 || notYet(now);
    });
    assert.equal(
      cluster.counters().links["n1>n3"]!.delivered,
      held.delivered,
      "a paused node takes nothing in",
    );
    await waitFor("control's backlog counts what n3 holds", () => {
      const b = cluster.backlog();
      return b.messages >= 10 || notYet(b);
    });
    cluster.resume("n3");
    await waitFor("n3 gets what was held", () => {
      const now = cluster.counters().links["n1>n3"]!;
      return now.delivered >= held.delivered + 10 || notYet(now);
    });

    // Byzantine at control, rewritten at the node: silent sends nothing to even peers.
    cluster.setByzantine("n1", "silent");
    const link = (l: string) => cluster.counters().links[l]!;
    const settle = link("n1>n3").sent;
    await waitFor(
      "n1 sends on to n3 (the mode has arrived, reports caught up)",
      () => link("n1>n3").sent >= settle + 5 || notYet(link("n1>n3")),
    );
    const toN2 = link("n1>n2").sent;
    const toN3 = link("n1>n3").sent;
    await waitFor(
      "ten more of n1's messages to n3",
      () => link("n1>n3").sent >= toN3 + 10 || notYet(link("n1>n3")),
    );
    assert.ok(
      link("n1>n2").sent <= toN2 + 2,
      `silent n1 still sent to n2: ${link("n1>n2").sent - toN2}`,
    );
    cluster.setByzantine("n1", null);
    await waitFor(
      "n1 talks to n2 again",
      () => link("n1>n2").sent >= toN2 + 10 || notYet(link("n1>n2")),
    );

    // A crash ends the node; a new one rejoins on restart.
    cluster.crash("n2");
    assert.equal(await within("n2 ends", s.runs.get("n2")!, "short"), 137);
    assert.ok(s.logs.includes("node n2: crashed by control"));
    s.start("n2");
    await within("n2 restarts", cluster.restart("n2"), "cluster");
    assert.equal((await cluster.info("n2")).up, true);
    await waitFor("n2 hears n1 again", () => {
      const now = cluster.counters().links["n1>n2"]!;
      return now.delivered > before.delivered + 5 || notYet(now);
    });
  } finally {
    await s.close();
  }
});

Deno.test("tcp control: a taken id, a protocol mismatch and a missing peer address are refused with a reason", async () => {
  const s = await setup();
  try {
    // A second n1 while n1 is connected.
    const twin = await within(
      "the twin gives up",
      runTcpNode({
        id: "n1",
        listen: { hostname: HOST, port: 0 },
        peers: new Map(),
        control: s.url,
        log: (l) => s.logs.push(l),
      }),
      "short",
    );
    assert.equal(twin, 1);
    assert.ok(
      s.logs.some((l) => /control refused this node: node id 'n1' collides/.test(l)),
      s.logs.join("\n"),
    );
    // A node control has no slot for.
    const stranger = await runTcpNode({
      id: "n9",
      listen: { hostname: HOST, port: 0 },
      peers: new Map(),
      control: s.url,
      log: (l) => s.logs.push(l),
    });
    assert.equal(stranger, 1);
    assert.ok(s.logs.some((l) => /node id 'n9' is not in this cluster/.test(l)));

    // n3 restarted with the wrong protocol, then with a peer missing: it fails to start.
    s.cluster.crash("n3");
    await s.runs.get("n3");
    s.start("n3", { protocol: "raft-kv" });
    await assert.rejects(
      s.cluster.restart("n3"),
      /was started with --protocol raft-kv but the cluster runs heartbeat/,
    );
    await within("n3 (wrong protocol) ends", s.runs.get("n3")!, "short");
    s.start("n3", { peers: ["n1"] });
    await assert.rejects(
      s.cluster.restart("n3"),
      /has no address for peer n2 \(give them in --peers\)/,
    );
  } finally {
    await s.close();
  }
});
