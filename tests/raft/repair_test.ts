/**
 * The repair of a damaged Raft log, driven by hand: a follower whose log did not verify
 * refuses votes, and votes again only once it holds its leader's log up to the leader's
 * last index — not merely up to the leader's commit index, which after a leader's
 * restart can lag behind an entry committed on the follower's lost acknowledgement.
 */
import assert from "node:assert/strict";
import { Harness } from "./harness.ts";
import { logKey } from "../../protocols/raft/durable_state.ts";

function damagedFollower(): { h: Harness; entries: number } {
  const h = new Harness(3);
  h.elect("n1");
  for (let i = 0; i < 3; i++) h.request("n1", { f: "write", key: "k", value: i, seq: i + 1 }, 7);
  h.settle();
  const entries = h.node("n1").inspect().entries.length;
  assert.equal(h.node("n2").inspect().entries.length, entries);
  assert.ok(h.disks.get("n2")!.corrupt(logKey(2)));
  h.crash("n2");
  h.start("n2");
  assert.equal(h.status("n2").repairing, true);
  assert.equal(h.node("n2").inspect().entries.length, 0, "the damaged log was dropped");
  return { h, entries };
}

Deno.test("a repairing follower refuses its vote, even to an up-to-date candidate", () => {
  const { h } = damagedFollower();
  const since = h.sent.length;
  h.crash("n1");
  h.run(3000); // n3 campaigns, again and again
  const answers = h.sent.slice(since).filter((e) => e.from === "n2" && e.msg.type === "vote-resp");
  assert.ok(answers.length > 0, "n2 was asked");
  assert.ok(answers.every((e) => e.msg.type === "vote-resp" && !e.msg.granted));
  assert.notEqual(h.status("n3").role, "leader");
  assert.notEqual(h.status("n2").role, "leader");
  // The old leader back: it wins with n3's vote and repairs n2.
  h.start("n1");
  h.run(3000);
  h.settle();
  assert.equal(h.status("n2").repairing, undefined);
});

Deno.test("caught up to the leader's commit index is not enough; to its last index is", () => {
  const { h, entries } = damagedFollower();
  const log = h.node("n1").inspect().entries;
  const term = h.node("n1").inspect().term;
  // A leader whose commit index lags its log (as after its own restart).
  h.deliverOne({
    from: "n1",
    to: "n2",
    msg: { type: "append", term, prevIndex: 0, prevTerm: 0, entries: log.slice(0, 2), commit: 1 },
  });
  assert.equal(h.node("n2").inspect().entries.length, 2);
  assert.equal(h.status("n2").repairing, true, "released lacking entries the leader holds");
  h.deliverOne({
    from: "n1",
    to: "n2",
    msg: {
      type: "append",
      term,
      prevIndex: 2,
      prevTerm: log[1]!.term,
      entries: log.slice(2),
      commit: 1,
      upTo: entries,
    },
  });
  assert.equal(h.status("n2").repairing, undefined);
  assert.ok(h.events.some((e) => e.node === "n2" && e.kind === "repaired"));
});

Deno.test("the leader forgets a lost follower's match once, and repairs it by itself", () => {
  const { h, entries } = damagedFollower();
  h.run(2000);
  h.settle();
  assert.equal(h.status("n2").repairing, undefined);
  assert.equal(h.node("n2").inspect().entries.length, entries);
  assert.ok(h.sent.some((e) => e.from === "n2" && "lost" in e.msg && e.msg.lost === true));
});
