import assert from "node:assert/strict";
import { Harness } from "./harness.ts";

Deno.test("a follower that hears from no leader becomes candidate and a majority elects it", () => {
  const h = new Harness(3);
  h.run(1000);
  const leader = h.leader();
  assert.ok(leader);
  const roles = h.ids.map((id) => h.status(id).role).sort();
  assert.deepEqual(roles, ["follower", "follower", "leader"]);
  const elections = h.events.filter((e) => e.kind === "election" && e.data?.pre === false);
  assert.ok(elections.length >= 1);
  assert.ok(h.events.some((e) => e.kind === "role" && e.data?.role === "leader"));
});

Deno.test("each server will vote for at most one candidate in a given term", () => {
  const h = new Harness(3, { preVote: false });
  h.now = 1000;
  h.tick("n1", "n2"); // two candidates in term 1
  h.deliver((e) => e.from === "n1" && e.to === "n3");
  h.deliver((e) => e.from === "n2" && e.to === "n3");
  const answers = h.sent.filter((e) => e.from === "n3" && e.msg.type === "vote-resp");
  assert.deepEqual(answers.map((e) => [e.to, e.msg.type === "vote-resp" && e.msg.granted]), [
    ["n1", true],
    ["n2", false],
  ]);
});

Deno.test("a vote is on disk before it is granted, so a restart cannot vote twice", () => {
  const h = new Harness(3, { preVote: false });
  h.now = 1000;
  h.tick("n1", "n2");
  h.deliver((e) => e.from === "n1" && e.to === "n3");
  const second = h.inflight.find((e) => e.from === "n2" && e.to === "n3")!;
  h.crash("n3");
  h.start("n3");
  assert.equal(h.status("n3").votedFor, "n1");
  h.deliverOne(second);
  const last = h.sent.filter((e) => e.from === "n3" && e.to === "n2").at(-1)!;
  assert.ok(last.msg.type === "vote-resp" && !last.msg.granted);
});

Deno.test("the voter denies its vote if its own log is more up-to-date than the candidate's", () => {
  const h = new Harness(3, { preVote: false, checkQuorum: false });
  h.elect("n1");
  h.isolate("n3");
  h.request("n1", { f: "write", key: "x", value: 1 });
  h.settle();
  h.heal();
  h.elect("n3"); // n3 misses the write
  assert.notEqual(h.leader(), "n3");
  const denials = h.sent.filter((e) =>
    e.to === "n3" && e.msg.type === "vote-resp" && !e.msg.granted
  );
  assert.equal(denials.length, 2);
  assert.ok(h.events.some((e) => e.kind === "vote" && e.data?.granted === false));
});

Deno.test("with PreVote a partitioned node does not increase its term and cannot disrupt", () => {
  const h = new Harness(3);
  h.elect("n1");
  const term = h.status("n1").term;
  h.isolate("n3");
  h.run(3000);
  assert.equal(h.status("n3").term, term, "pre-votes do not bump the term");
  assert.equal(h.status("n3").role, "pre-candidate");
  h.heal();
  h.run(500);
  assert.equal(h.leader(), "n1");
  assert.equal(h.status("n1").term, term);
  assert.equal(h.status("n3").role, "follower");
});

Deno.test("without PreVote a rejoining partitioned node forces the leader to step down", () => {
  const h = new Harness(3, { preVote: false, checkQuorum: false });
  h.elect("n1");
  const term = h.status("n1").term as number;
  h.isolate("n3");
  h.run(3000);
  assert.ok((h.status("n3").term as number) > term + 3, "terms grow while partitioned");
  h.heal();
  h.run(1000);
  assert.ok((h.status("n1").term as number) > term, "the old leader was deposed");
});

Deno.test("CheckQuorum: a leader that hears from no majority for an election timeout steps down", () => {
  const h = new Harness(5);
  h.elect("n1");
  h.partition(["n1", "n2"], ["n3", "n4", "n5"]);
  h.now += 10;
  h.tick("n1");
  h.run(400);
  assert.equal(h.status("n1").role, "follower");
  assert.ok(
    h.events.some((e) => e.node === "n1" && e.kind === "role" && e.data?.role === "follower"),
  );
});

Deno.test("a server that heard from its leader within the minimum election timeout ignores candidates", () => {
  const h = new Harness(3, { preVote: false });
  h.elect("n1");
  const term = h.status("n1").term as number;
  // n2 loses the leader but n3 does not: n2 campaigns, n3 must ignore it.
  h.blocked.add("n1->n2");
  h.blocked.add("n2->n1");
  h.run(600);
  assert.ok((h.status("n2").term as number) > term);
  assert.equal(h.status("n3").term, term, "n3 never adopted the candidate's term");
  assert.equal(h.leader(), "n1");
  assert.ok(h.events.some((e) => e.node === "n3" && e.kind === "vote" && e.data?.lease === true));
});

Deno.test("a candidate that learns of a leader in its term returns to follower", () => {
  const h = new Harness(3, { preVote: false });
  h.elect("n1");
  h.now += 1000;
  h.tick("n2"); // n2 campaigns in term 2; deliver nothing yet
  const term = h.status("n2").term as number;
  assert.equal(h.status("n2").role, "candidate");
  h.dropAll();
  h.node("n1").message("n3", { type: "vote-resp", term, pre: false, granted: false });
  // n1 adopts term 2 as follower; then let n3 win term 3 and tell n2.
  h.elect("n3");
  assert.equal(h.leader(), "n3");
  assert.equal(h.status("n2").role, "follower");
  assert.equal(h.status("n2").leader, "n3");
});

Deno.test("leadership transfer: the target, once caught up, is told to campaign at once", () => {
  const h = new Harness(3);
  h.elect("n1");
  h.isolate("n3");
  for (let i = 0; i < 5; i++) h.request("n1", { f: "write", key: "x", value: i });
  h.settle();
  h.heal();
  const rid = h.request("n1", { f: "transfer", node: "n3" });
  const blocked = h.request("n1", { f: "write", key: "x", value: 99 });
  assert.equal(h.reply(blocked)?.type, "fail", "proposals are refused during a transfer");
  h.run(100); // the next heartbeat response lets the leader catch n3 up
  assert.equal(h.leader(), "n3");
  assert.deepEqual(h.reply(rid), { type: "ok", value: { leader: "n3" } });
  assert.ok(h.count("timeout-now", "n1") === 1);
  assert.equal(h.node("n3").dump().x, 4, "the target had every entry before campaigning");
});

Deno.test("a leadership transfer to an unreachable node times out and the leader resumes", () => {
  const h = new Harness(3);
  h.elect("n1");
  h.isolate("n3");
  h.request("n1", { f: "write", key: "x", value: 1 });
  const rid = h.request("n1", { f: "transfer", node: "n3" });
  h.run(200);
  assert.deepEqual(h.reply(rid), { type: "fail", code: 11, error: "transfer timed out" });
  const w = h.request("n1", { f: "write", key: "x", value: 2 });
  h.settle();
  assert.equal(h.reply(w)?.type, "ok");
  assert.equal(h.leader(), "n1");
});

Deno.test("a restarted server refuses votes for an election timeout, keeping leader leases safe", () => {
  const h = new Harness(3, { preVote: false });
  h.elect("n1");
  h.crash("n3");
  h.start("n3");
  h.now += 50;
  h.node("n3").message("n2", { type: "vote", term: 9, pre: false, lastIndex: 9, lastTerm: 9 });
  assert.equal(h.status("n3").term, 1, "ignored within the election timeout after restart");
  h.now += 200;
  h.node("n3").message("n2", { type: "vote", term: 9, pre: false, lastIndex: 9, lastTerm: 9 });
  assert.equal(h.status("n3").term, 9);
  assert.equal(h.status("n3").votedFor, "n2");
});
