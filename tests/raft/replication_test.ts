import assert from "node:assert/strict";
import { Harness } from "./harness.ts";
import type { Entry } from "../../protocols/raft/entry.ts";

const terms = (h: Harness, id: string): number[] =>
  h.node(id).inspect().entries.map((e: Entry) => e.term);

Deno.test("a new leader appends a no-op entry of its own term and commits it", () => {
  const h = new Harness(3);
  h.elect("n1");
  h.run(10); // followers learn the commit index within a tick
  for (const id of h.ids) {
    const v = h.node(id).inspect();
    assert.equal(v.commitIndex, 1);
    assert.deepEqual(v.entries[0], { index: 1, term: 1, data: { type: "noop" } });
  }
});

Deno.test("once a majority stores an entry it is committed, applied and answered", () => {
  const h = new Harness(5);
  h.elect("n1");
  h.isolate("n4");
  h.isolate("n5");
  const rid = h.request("n1", { f: "write", key: "x", value: "v" });
  h.settle();
  assert.deepEqual(h.reply(rid), { type: "ok" });
  h.run(10);
  for (const id of ["n1", "n2", "n3"]) assert.equal(h.node(id).dump().x, "v");
  assert.equal(h.node("n4").dump().x, undefined);
});

Deno.test("a leader never commits an entry from a previous term by counting replicas (Figure 8)", () => {
  const h = new Harness(5, { preVote: false, maxEntriesPerAppend: 1 });
  h.elect("n1"); // term 1: [1:1] committed everywhere
  // (a) n1 replicates a write (index 2, term 1) to n2 only, then crashes.
  h.request("n1", { f: "write", key: "x", value: "from-term-1" });
  h.deliver((e) => e.from === "n1" && e.to === "n2" && e.msg.type === "append");
  h.dropAll();
  h.crash("n1");
  // (b) n5 wins term 2 with n3 and n4, appends its no-op at index 2, and crashes.
  h.isolate("n2");
  h.now += 1000;
  h.tick("n5");
  h.deliver(); // vote requests
  h.deliver(); // votes
  assert.equal(h.leader(), "n5");
  h.dropAll(); // its no-op at index 2 never leaves n5
  h.crash("n5");
  h.heal();
  // (c) n1 restarts and wins a later term with n2, n3 and n4.
  h.start("n1");
  h.blocked.add("n1->n5");
  const votesOnly = (e: { msg: { type: string } }) => e.msg.type.startsWith("vote");
  for (let i = 0; i < 5 && h.leader() !== "n1"; i++) {
    h.now += 1000;
    h.tick("n1");
    while (h.deliver(votesOnly) > 0);
  }
  assert.equal(h.leader(), "n1");
  h.inflight = h.inflight.filter((e) => e.to === "n2" || e.to === "n3");
  const term = h.status("n1").term as number;
  assert.deepEqual(terms(h, "n1"), [1, 1, term]);
  // n1 replicates index 2 (term 1) to n2 and n3, but nothing of its own term (those
  // entries are cut from its appends): index 2 is now on n1, n2 and n3, a majority.
  const trio = new Set(["n1", "n2", "n3"]);
  for (let i = 0; i < 10; i++) {
    h.inflight = h.inflight.filter((e) => trio.has(e.from) && trio.has(e.to)).map((e) =>
      e.msg.type === "append"
        ? { ...e, msg: { ...e.msg, entries: e.msg.entries.filter((x) => x.term !== term) } }
        : e
    );
    h.deliver();
  }
  const progress = h.status("n1").progress as Record<string, { match: number }>;
  assert.equal(progress.n2.match, 2);
  assert.equal(progress.n3.match, 2);
  assert.deepEqual(terms(h, "n3"), [1, 1]);
  assert.ok((h.status("n1").commitIndex as number) < 2, "index 2 is on a majority, not committed");
  // (d) n1 crashes; n5 can still win (its last term is 2) and overwrite index 2.
  h.crash("n1");
  h.dropAll();
  h.start("n5");
  for (let i = 0; i < 5 && h.leader() !== "n5"; i++) h.elect("n5");
  assert.equal(h.leader(), "n5");
  h.settle();
  assert.deepEqual(terms(h, "n3").slice(0, 2), [1, 2], "index 2 was safely overwritten");
  h.run(200);
  assert.equal(h.node("n3").dump().x, undefined);
});

Deno.test("the leader backs up over 50 conflicting entries in a few round trips", () => {
  const h = new Harness(5);
  h.elect("n1");
  for (let i = 0; i < 10; i++) h.request("n1", { f: "write", key: "a", value: i });
  h.settle();
  // n1 and n2 are cut off; n2 receives 50 entries that will never commit.
  h.partition(["n1", "n2"], ["n3", "n4", "n5"]);
  for (let i = 0; i < 50; i++) h.request("n1", { f: "write", key: "a", value: 100 + i });
  h.settle();
  assert.equal(h.status("n2").lastIndex, 61);
  h.elect("n3");
  for (let i = 0; i < 50; i++) h.request("n3", { f: "write", key: "b", value: i });
  h.settle();
  // n4 takes over with a long log, while n2 cannot hear it yet.
  h.heal();
  h.isolate("n2");
  h.request("n3", { f: "transfer", node: "n4" });
  h.settle();
  assert.equal(h.leader(), "n4");
  const before = h.sent.length;
  h.heal();
  h.run(300);
  const rejects =
    h.sent.slice(before).filter((e) =>
      e.from === "n2" && e.msg.type === "append-resp" && e.msg.reject
    ).length;
  assert.ok(
    rejects >= 1 && rejects <= 2,
    `one conflicting term costs one rejection, got ${rejects}`,
  );
  assert.deepEqual(h.node("n2").dump(), h.node("n4").dump());
  assert.equal(h.node("n2").dump().a, 9);
  assert.equal(h.node("n2").dump().b, 49);
});

Deno.test("flow control bounds the appends in flight to a slow follower", () => {
  const h = new Harness(3, { maxInflight: 3, maxEntriesPerAppend: 2 });
  h.elect("n1");
  const slow = (e: { to: string }) => e.to === "n3";
  for (let i = 0; i < 40; i++) {
    h.request("n1", { f: "write", key: "x", value: i });
    h.deliver((e) => !slow(e));
  }
  const toSlow = h.inflight.filter((e) =>
    e.to === "n3" && e.msg.type === "append" && e.msg.entries.length > 0
  );
  assert.equal(toSlow.length, 3, "no more than maxInflight appends with entries");
  // Released, the follower is caught up in batches of maxEntriesPerAppend.
  const before = h.sent.length;
  h.settle();
  assert.equal(h.status("n3").lastIndex, 41);
  const batches = h.sent.slice(before).filter((e) =>
    e.to === "n3" && e.msg.type === "append" && e.msg.entries.length > 0
  );
  assert.ok(batches.every((e) => e.msg.type === "append" && e.msg.entries.length <= 2));
  assert.ok(batches.length <= 20, `40 entries in batches of 2, got ${batches.length} appends`);
});

Deno.test("an idle leader sends one heartbeat per follower per heartbeat interval and nothing else", () => {
  const h = new Harness(3, { heartbeatMs: 50 });
  h.elect("n1");
  h.run(100);
  const before = h.sent.length;
  h.run(1000);
  const out = h.sent.slice(before).filter((e) => e.from === "n1");
  for (const f of ["n2", "n3"]) {
    const to = out.filter((e) => e.to === f);
    assert.ok(to.every((e) => e.msg.type === "heartbeat"), "no appends when idle");
    assert.ok(to.length <= 1000 / 50 + 1, `${to.length} messages to ${f} in 1 s`);
    assert.ok(to.length >= 1000 / 50 - 1);
  }
});

Deno.test("a new commit index rides on the next append, or one message per follower at the next tick", () => {
  const h = new Harness(3);
  h.elect("n1");
  h.run(10);
  h.request("n1", { f: "write", key: "k", value: 1 });
  h.settle();
  h.request("n1", { f: "write", key: "k", value: 2 }); // its append carries commit 2
  h.deliver((e) => e.msg.type === "append");
  assert.equal(h.status("n2").commitIndex, 2);
  h.settle();
  assert.equal(h.status("n1").commitIndex, 3);
  assert.equal(h.status("n2").commitIndex, 2, "not told yet: no message just for that");
  const before = h.sent.length;
  h.now += 10;
  h.tick("n1");
  assert.equal(h.sent.length - before, 2, "one commit update per follower");
  h.settle();
  for (const id of h.ids) assert.equal(h.status(id).commitIndex, 3);
});

Deno.test("duplicated and reordered appends leave the follower's log intact", () => {
  const h = new Harness(3);
  h.elect("n1");
  for (let i = 0; i < 5; i++) h.request("n1", { f: "write", key: "k", value: i });
  const copies = [...h.inflight];
  h.settle();
  for (const e of copies.reverse()) h.deliverOne(e); // replay every message backwards
  h.settle();
  h.run(10);
  assert.equal(h.status("n2").lastIndex, 6);
  assert.equal(h.node("n2").dump().k, 4);
  assert.equal(h.leader(), "n1");
});

Deno.test("a batch of requests leaves as one append per follower, and each is answered in order", () => {
  const ops = Array.from({ length: 10 }, (_, i) => ({ f: "write", key: "k", value: i }) as const);
  // One by one: each of the first proposals sends its own append, up to the window (4).
  const single = new Harness(3);
  single.elect("n1");
  const before = single.count("append", "n1");
  for (const op of ops) single.request("n1", op);
  const oneByOne = single.count("append", "n1") - before;
  // As a batch: every proposal is in the log first, then one append per follower.
  const h = new Harness(3);
  h.elect("n1");
  const start = h.count("append", "n1");
  const rids = h.requests("n1", ops);
  const appends = h.sent.slice(-2).filter((e) => e.msg.type === "append");
  assert.equal(h.count("append", "n1") - start, 2);
  assert.equal(oneByOne, 8);
  for (const e of appends) {
    assert.equal(e.msg.type === "append" && e.msg.entries.length, 10);
  }
  h.settle();
  assert.deepEqual(rids.map((r) => h.reply(r)?.type), Array(10).fill("ok"));
  h.request("n1", { f: "read", key: "k" });
  h.settle();
  const read = h.reply(rids.at(-1)! + 1);
  assert.deepEqual(read, { type: "ok", value: 9 });
});
