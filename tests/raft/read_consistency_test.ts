import assert from "node:assert/strict";
import { Simulation } from "../../nodes/simulator.ts";
import { raftKv } from "../../protocols/raft/mod.ts";
import type { Reply } from "../../protocols/node.ts";

function call(sim: Simulation, node: string, op: unknown): Reply | undefined {
  let reply: Reply | undefined;
  sim.request(node, op, 7, (r) => reply = r);
  sim.runUntil(() => reply !== undefined, 2000);
  return reply;
}

function setup(
  options: Record<string, unknown> = {},
): { sim: Simulation; leader: string; follower: string } {
  const sim = new Simulation({ protocol: raftKv, nodes: 3, seed: 11, options });
  const leaderOf = () => sim.nodes.find((n) => sim.status(n).role === "leader");
  assert.ok(sim.runUntil(() => leaderOf() !== undefined, 5000));
  const leader = leaderOf()!;
  assert.equal(call(sim, leader, { f: "write", key: "x", value: 1 })?.type, "ok");
  sim.runFor(200);
  return { sim, leader, follower: sim.nodes.find((n) => n !== leader)! };
}

Deno.test("a stale read is answered by a follower from its own state", () => {
  const { sim, follower } = setup();
  assert.deepEqual(call(sim, follower, { f: "read", key: "x", consistency: "stale" }), {
    type: "ok",
    value: 1,
  });
  // Without it, the follower redirects to the leader.
  const r = call(sim, follower, { f: "read", key: "x" });
  assert.equal(r?.type, "fail");
});

Deno.test("a stale read from a partitioned follower can miss a newer committed write", () => {
  const { sim, leader, follower } = setup();
  sim.network.isolate(follower);
  assert.equal(call(sim, leader, { f: "write", key: "x", value: 2 })?.type, "ok");
  assert.deepEqual(call(sim, follower, { f: "read", key: "x", consistency: "stale" }), {
    type: "ok",
    value: 1,
  });
  assert.deepEqual(call(sim, leader, { f: "read", key: "x", consistency: "linearizable" }), {
    type: "ok",
    value: 2,
  });
});

Deno.test("a lease read is served by the leader without a heartbeat round once it holds a lease", () => {
  const { sim, leader } = setup();
  const before = sim.stats.sent;
  assert.deepEqual(call(sim, leader, { f: "read", key: "x", consistency: "lease" }), {
    type: "ok",
    value: 1,
  });
  const leaseCost = sim.stats.sent - before;
  const mid = sim.stats.sent;
  assert.deepEqual(call(sim, leader, { f: "read", key: "x", consistency: "linearizable" }), {
    type: "ok",
    value: 1,
  });
  // The ReadIndex read needed a heartbeat round (one message per follower at least).
  assert.ok(sim.stats.sent - mid >= leaseCost, `${sim.stats.sent - mid} vs ${leaseCost}`);
});

Deno.test("campaign makes a follower start an election now", () => {
  const { sim, leader, follower } = setup({ preVote: false, checkQuorum: false });
  const term = Number(sim.status(leader).term);
  let reply: Reply | undefined;
  sim.request(follower, { f: "campaign" }, 7, (r) => reply = r);
  assert.deepEqual(reply, { type: "ok", value: { role: "candidate", term: term + 1 } });
  assert.ok(sim.runUntil(() => sim.status(follower).role === "leader", 1000));
});

Deno.test("with PreVote, campaigning against a healthy leader changes no term", () => {
  const { sim, leader, follower } = setup();
  const term = Number(sim.status(leader).term);
  assert.equal(call(sim, follower, { f: "campaign" })?.type, "ok");
  sim.runFor(100);
  assert.equal(sim.status(leader).role, "leader");
  assert.equal(Number(sim.status(leader).term), term);
});

Deno.test("status reports the election window and when a follower's timer fires", () => {
  const { sim, leader, follower } = setup({ electionMinMs: 200, electionMaxMs: 400 });
  const f = sim.status(follower);
  assert.deepEqual(f.electionTimeoutMs, [200, 400]);
  assert.ok(typeof f.electionDueInMs === "number" && f.electionDueInMs <= 400);
  assert.equal(sim.status(leader).electionDueInMs, null);
});
