import assert from "node:assert/strict";
import type { TraceEvent } from "../../nodes/trace.ts";
import type { Reply } from "../../protocols/node.ts";
import type { RaftMessage } from "../../protocols/raft/mod.ts";
import {
  checkOneLeader,
  connect,
  disconnect,
  one,
  raftNode,
  type RaftSim,
  raftSim,
} from "./sim_helpers.ts";

/** Every send and reply of a run, with the sender's unsynced writes at that moment. */
interface Seen {
  readonly e: TraceEvent;
  readonly index: number;
  readonly pending: number;
  readonly leader: boolean;
}

function watch(r: RaftSim): Seen[] {
  const seen: Seen[] = [];
  let index = 0;
  r.sim.onTrace((e) => {
    index++;
    if (e.kind !== "send" && e.kind !== "reply" && e.kind !== "sync") return;
    const up = r.sim.isUp(e.node);
    seen.push({
      e,
      index,
      pending: up ? r.sim.disk(e.node).pending : 0,
      leader: up && r.sim.status(e.node).role === "leader",
    });
  });
  return seen;
}

const type = (s: Seen) => (s.e.body as RaftMessage).type;

/** Writes, a leader crash and a partition: elections, appends, acknowledgements, replies. */
function busyRun(parallelWrite: boolean): Seen[] {
  const r = raftSim(3, 11, { parallelWrite }, undefined, { syncMs: 2 });
  const seen = watch(r);
  const first = checkOneLeader(r);
  for (let i = 0; i < 5; i++) one(r, "k", i, 3);
  r.sim.crash(first);
  const second = checkOneLeader(r);
  for (let i = 5; i < 10; i++) one(r, "k", i, 2);
  r.sim.restart(first);
  disconnect(r, second);
  checkOneLeader(r);
  connect(r, second);
  for (let i = 10; i < 15; i++) one(r, "k", i, 3);
  return seen;
}

Deno.test("raft, parallel write: only a leader's appends leave before its sync; votes, acks and replies wait", () => {
  const seen = busyRun(true);
  const early = seen.filter((s) => s.e.kind === "send" && s.pending > 0);
  assert.ok(early.length >= 10, `${early.length} sends before their sync`);
  for (const s of early) {
    assert.equal(type(s), "append", `${s.e.node} sent ${type(s)} before its sync`);
    assert.ok(s.leader, `${s.e.node} sent an early append while not leading`);
  }
  const waited = new Set<string>(
    seen.filter((s) => s.e.kind === "send" && s.pending === 0).map(type),
  );
  for (const t of ["vote", "vote-resp", "append-resp"]) assert.ok(waited.has(t), `no ${t} seen`);
  const replies = seen.filter((s) => s.e.kind === "reply");
  assert.ok(replies.length >= 15);
  for (const s of replies) assert.equal(s.pending, 0, `${s.e.node} replied before its sync`);
});

Deno.test("raft, parallel write: an append with a new entry is in the trace before its leader's sync", () => {
  const seen = busyRun(true);
  const i = seen.findIndex((s) =>
    s.e.kind === "send" && type(s) === "append" && s.pending > 0 &&
    (s.e.body as Extract<RaftMessage, { type: "append" }>).entries.length > 0
  );
  assert.ok(i >= 0, "no append left before its sync");
  const send = seen[i]!;
  const sync = seen.slice(i).find((s) => s.e.kind === "sync" && s.e.node === send.e.node);
  assert.ok(sync !== undefined, "the leader's sync never completed");
  assert.ok(sync.index > send.index && sync.e.time > send.e.time);
});

Deno.test("raft, parallelWrite false: every message waits for its sync (the anchor)", () => {
  const seen = busyRun(false);
  assert.deepEqual(seen.filter((s) => s.pending > 0 || s.e.kind === "sync"), []);
});

Deno.test("raft, parallel write: a leader that crashes before its sync loses nothing acknowledged", () => {
  // The leader's sync takes 40 ms; its follower stores the entry and acknowledges long
  // before. A leader that counted itself before its sync would commit the entry with that
  // one acknowledgement, tell the follower so on its next append, and lose its copy
  // in the crash; an election without that follower then overwrites a committed entry.
  const r = raftSim(["n1", "n2", "n3"], 5, {}, { delay: { kind: "constant", ms: 1 } }, {
    syncMs: 40,
  });
  const { sim } = r;
  const leader = checkOneLeader(r);
  one(r, "x", 0, 3);
  const [f1, f2] = sim.nodes.filter((n) => n !== leader) as [string, string];
  const cut = sim.network.cut(leader, f2);
  let reply: Reply | undefined;
  sim.request(leader, { f: "write", key: "x", value: 1, seq: 1 }, 77, (rep) => reply = rep);
  const entry = raftNode(sim, leader).inspect().entries.at(-1)!;
  assert.deepEqual((entry.data as { op?: unknown }).op, { f: "write", key: "x", value: 1 });
  sim.runFor(30); // the follower acknowledged; heartbeats and appends went out; no sync yet
  assert.ok(
    raftNode(sim, f1).inspect().entries.some((e) => e.index === entry.index),
    "the follower holds the entry",
  );
  assert.ok(raftNode(sim, leader).inspect().commitIndex < entry.index, "counted itself unsynced");
  assert.ok(raftNode(sim, f1).inspect().commitIndex < entry.index, "told of an unsafe commit");
  sim.crash(leader);
  assert.equal(reply, undefined, "nothing was acknowledged");
  sim.network.remove(cut);
  disconnect(r, f1);
  sim.restart(leader);
  checkOneLeader(r); // elected without the only copy of the entry (invariants checked every step)
  connect(r, f1);
  one(r, "y", 1, 3);
  for (const n of sim.nodes) assert.equal(raftNode(sim, n).dump().x, 0, `${n} holds x`);
});
