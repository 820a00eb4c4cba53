import assert from "node:assert/strict";
import { ClusterModel } from "../../dashboard/cluster_model.ts";
import type { ClusterShape, NodeViewShape } from "../../http/api_schemas.ts";
import { DEFAULT_DISPLAY } from "../../protocols/display.ts";

/** A node of `GET /cluster` whose status declares an election window and a log. */
function nodeView(
  id: string,
  role: string,
  extra: Record<string, unknown> = {},
  over: Partial<NodeViewShape> = {},
): NodeViewShape {
  return {
    id,
    up: true,
    paused: false,
    byzantine: null,
    role,
    term: 2,
    commitIndex: 5,
    leader: "n1",
    lastSeenMs: 3,
    suspects: [],
    suspectedBy: [],
    breaker: "closed",
    status: {
      role,
      term: 2,
      commitIndex: 5,
      lastIndex: 6,
      applied: 5,
      electionTimeoutMs: [150, 300],
      ...extra,
    },
    ...over,
  };
}

function state(over: Record<string, Partial<NodeViewShape>> = {}) {
  const node = (id: string, role: string, extra: Record<string, unknown> = {}) =>
    nodeView(id, role, extra, over[id]);
  const data: ClusterShape = {
    protocol: "any-protocol",
    display: { ...DEFAULT_DISPLAY, leaderMessages: ["append", "heartbeat", "snapshot"] },
    leader: "n1",
    term: 2,
    clocks: {},
    wallClockMs: 1_000_000,
    nodes: [
      node("n1", "leader", { progress: { n2: { match: 6, next: 7, state: "replicate" } } }),
      node("n2", "follower"),
      node("n3", "follower"),
    ],
    network: { rules: [], blocks: [{ id: 1, kind: "isolate", description: "n3" }] },
    counters: { sent: 10, delivered: 9, dropped: 1, duplicated: 0 },
  };
  return { time: 100, kind: "cluster-state", node: "*", data };
}

Deno.test("model: a poll sets every node, the leader, the network and the counters", () => {
  const m = new ClusterModel();
  m.apply(state());
  assert.deepEqual(m.nodes, ["n1", "n2", "n3"]);
  assert.equal(m.leader, "n1");
  assert.equal(m.timers, true, "the nodes declare an election window");
  assert.equal(m.logs, true, "the nodes declare a log");
  const n1 = m.node("n1")!;
  assert.equal(n1.lastIndex, 6);
  assert.deepEqual(n1.progress, { n2: { match: 6, next: 7, state: "replicate" } });
  assert.equal(m.node("n2")!.progress, null);
  assert.equal(m.network.blocks.length, 1);
  assert.equal(m.counters.dropped, 1);
});

Deno.test("model: a poll carries each node's Byzantine mode", () => {
  const m = new ClusterModel();
  m.apply(state({ n3: { byzantine: "replay" } }));
  assert.deepEqual(m.all().map((n) => n.byzantine), [null, null, "replay"]);
  m.apply(state());
  assert.equal(m.node("n3")!.byzantine, null, "honest again at the next poll");
});

Deno.test("model: trace events move the view between polls: elections, roles, commits, crashes", () => {
  const m = new ClusterModel();
  m.apply(state());
  const v0 = m.version;
  m.apply({ time: 110, kind: "crash", node: "n1" });
  assert.equal(m.node("n1")!.role, "crashed");
  assert.equal(m.node("n1")!.up, false);
  assert.equal(m.leader, null);
  m.apply({ time: 120, kind: "election", node: "n2", data: { term: 3, pre: true } });
  assert.equal(m.node("n2")!.role, "pre-candidate");
  assert.equal(m.node("n2")!.term, 2, "a pre-vote does not change the term");
  m.apply({ time: 125, kind: "election", node: "n2", data: { term: 3, pre: false } });
  assert.equal(m.node("n2")!.role, "candidate");
  assert.equal(m.node("n2")!.term, 3);
  m.apply({ time: 130, kind: "role", node: "n2", data: { role: "leader", term: 3 } });
  assert.equal(m.leader, "n2");
  m.apply({ time: 131, kind: "commit", node: "n2", data: { index: 8, term: 3 } });
  assert.equal(m.node("n2")!.commitIndex, 8);
  assert.equal(m.node("n2")!.lastIndex, 8, "a commit beyond the known log extends it");
  m.apply({ time: 140, kind: "pause", node: "n3" });
  assert.equal(m.node("n3")!.paused, true);
  m.apply({ time: 141, kind: "resume", node: "n3" });
  assert.equal(m.node("n3")!.paused, false);
  m.apply({ time: 150, kind: "restart", node: "n1" });
  assert.equal(m.node("n1")!.role, "follower");
  assert.ok(m.version > v0);
  m.apply({ time: 151, kind: "role", node: "n9", data: { role: "leader" } });
  assert.equal(m.leader, "n2", "unknown nodes are ignored");
});

Deno.test("model: the election timer restarts when a node hears its leader, votes or campaigns", () => {
  const m = new ClusterModel();
  m.apply(state());
  assert.equal(m.electionWindow("n2", 200), null, "unknown until something resets it");
  m.apply({
    time: 200,
    kind: "deliver",
    node: "n2",
    peer: "n1",
    body: { type: "heartbeat", term: 2, commit: 5, round: 1 },
  });
  assert.deepEqual(m.electionWindow("n2", 260), { elapsed: 60, min: 150, max: 300 });
  assert.equal(m.node("n2")!.leader, "n1");
  // A stale leader's message does not reset it.
  m.apply({
    time: 250,
    kind: "deliver",
    node: "n2",
    peer: "n3",
    body: { type: "append", term: 1, entries: [] },
  });
  assert.equal(m.electionWindow("n2", 260)!.elapsed, 60);
  m.apply({
    time: 280,
    kind: "vote",
    node: "n2",
    data: { to: "n3", granted: true, term: 3, pre: false },
  });
  assert.equal(m.electionWindow("n2", 300)!.elapsed, 20);
  assert.equal(m.node("n2")!.votedFor, "n3");
  m.apply({ time: 290, kind: "vote", node: "n2", data: { to: "n3", granted: false, term: 3 } });
  assert.equal(m.electionWindow("n2", 300)!.elapsed, 20, "a refusal does not reset it");
  assert.equal(m.electionWindow("n1", 300), null, "a leader has no election timer");
  m.apply({ time: 300, kind: "crash", node: "n2" });
  assert.equal(m.electionWindow("n2", 310), null);
});

Deno.test("model: a leader's appends tell its log's length before the next poll", () => {
  const m = new ClusterModel();
  m.apply(state());
  m.apply({
    time: 200,
    kind: "send",
    node: "n1",
    peer: "n2",
    body: {
      type: "append",
      term: 2,
      prevIndex: 6,
      entries: [{ index: 7, term: 2 }, { index: 8, term: 2 }],
    },
  });
  assert.equal(m.node("n1")!.lastIndex, 8);
});

Deno.test("model: nodes that declare no election window have no timer and keep their roles", () => {
  const m = new ClusterModel();
  m.apply({
    time: 0,
    kind: "cluster-state",
    node: "*",
    data: {
      ...state().data,
      leader: null,
      term: null,
      nodes: [{ ...nodeView("a", "member"), term: null, commitIndex: null, status: {} }],
    } satisfies ClusterShape,
  });
  m.apply({ time: 5, kind: "deliver", node: "a", peer: "b", body: { type: "heartbeat", term: 1 } });
  assert.equal(m.node("a")!.role, "member");
  assert.equal(m.electionWindow("a", 10), null);
  assert.equal(m.timers, false);
  assert.equal(m.logs, false);
});

Deno.test("model: the election window is the one the nodes' status reports", () => {
  const m = new ClusterModel();
  m.apply(state({
    n2: {
      status: { role: "follower", term: 2, electionTimeoutMs: [400, 800], electionDueInMs: 120 },
    },
  }));
  m.apply({
    time: 200,
    kind: "deliver",
    node: "n2",
    peer: "n1",
    body: { type: "heartbeat", term: 2, commit: 5, round: 1 },
  });
  assert.deepEqual(m.electionWindow("n2", 260), { elapsed: 60, min: 400, max: 800 });
});

Deno.test("model: only the messages the display names as the leader's restart a follower's timer", () => {
  const m = new ClusterModel();
  const s = state();
  const data = s.data as { display: unknown };
  data.display = { ...DEFAULT_DISPLAY, leaderMessages: ["beat"] };
  m.apply(s);
  const deliver = (time: number, type: string) =>
    m.apply({ time, kind: "deliver", node: "n2", peer: "n1", body: { type, term: 2 } });
  deliver(200, "heartbeat");
  assert.equal(m.electionWindow("n2", 260), null, "heartbeat is not this protocol's");
  deliver(210, "beat");
  assert.equal(m.electionWindow("n2", 260)!.elapsed, 50);
});
