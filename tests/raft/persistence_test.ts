import assert from "node:assert/strict";
import { Harness } from "./harness.ts";
import { HARD_STATE_KEY } from "../../protocols/raft/durable_state.ts";

Deno.test("term and vote are one durable key, written before any message depends on them", () => {
  const h = new Harness(3, { preVote: false });
  h.elect("n1");
  for (const id of h.ids) {
    assert.deepEqual(h.disks.get(id)!.get(HARD_STATE_KEY), { term: 1, vote: "n1" });
  }
});

Deno.test("an entry is durable on a follower before the follower acknowledges it", () => {
  const h = new Harness(3);
  h.elect("n1");
  h.request("n1", { f: "write", key: "k", value: 1 });
  h.deliver((e) => e.to === "n2"); // n2 appends and acknowledges
  assert.ok(h.inflight.some((e) => e.from === "n2" && e.msg.type === "append-resp"));
  h.crash("n2");
  h.start("n2");
  assert.equal(h.status("n2").lastIndex, 2);
});

Deno.test("after every node crashes, the cluster recovers every committed write", () => {
  const h = new Harness(5, { snapshotThreshold: 8, compactMargin: 1 });
  h.elect("n1");
  for (let i = 0; i < 30; i++) h.request("n1", { f: "write", key: `k${i % 3}`, value: i });
  h.settle();
  const before = h.node("n1").dump();
  for (const id of h.ids) h.crash(id);
  for (const id of h.ids) h.start(id);
  h.run(1000);
  const leader = h.leader()!;
  assert.ok(leader);
  const r = h.request(leader, { f: "read", key: "k2" });
  h.settle();
  assert.deepEqual(h.reply(r), { type: "ok", value: before.k2 });
  for (const id of h.ids) assert.deepEqual(h.node(id).dump(), before);
});

Deno.test("a node that crashed mid-term keeps its term and does not vote again", () => {
  const h = new Harness(3, { preVote: false });
  h.elect("n1");
  h.crash("n2");
  h.start("n2");
  const s = h.status("n2");
  assert.equal(s.term, 1);
  assert.equal(s.votedFor, "n1");
  assert.equal(s.role, "follower");
  assert.equal(s.commitIndex, 0, "the commit index is volatile and relearned");
  h.run(100);
  assert.equal(h.status("n2").commitIndex, 1);
});
