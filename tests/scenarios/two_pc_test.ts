import assert from "node:assert/strict";
import { collectLines } from "../../scenarios/scenario.ts";
import { run2pc, scenario, type TwoPcRow } from "../../scenarios/two_pc.ts";

const r = run2pc();
const of = (txn: string, kind: TwoPcRow["kind"]) =>
  r.events.filter((e) => e.txn === txn && e.kind === kind);

Deno.test("2pc: deterministic", async () => {
  assert.equal(scenario.name, "2pc");
  assert.deepEqual(run2pc(), r);
  assert.deepEqual(await collectLines(scenario), await collectLines(scenario));
});

Deno.test("2pc happy path: prepare, three YES votes, COMMIT, three commits and three ACKs, then the end", () => {
  assert.equal(of("o1", "vote").filter((e) => e.yes).length, 3);
  assert.deepEqual(of("o1", "decision").map((e) => e.decision), ["commit"]);
  const commits = of("o1", "commit");
  const acks = of("o1", "ack");
  assert.deepEqual(commits.map((e) => e.node).sort(), ["n2", "n3", "n4"]);
  assert.deepEqual(acks.map((e) => e.from).sort(), ["n2", "n3", "n4"]);
  assert.ok(acks.every((a) => a.node === "n1"));
  for (const a of acks) {
    const c = commits.find((x) => x.node === a.from)!;
    assert.ok(c.at < a.at, `${a.from}'s ACK follows its commit`);
  }
  const end = of("o1", "end");
  assert.equal(end.length, 1);
  assert.equal(end[0]!.at, Math.max(...acks.map((a) => a.at)), "finished at the last ACK");
  assert.equal(r.clients.o1, "ok: committed");
});

Deno.test("2pc: a NO vote aborts everywhere, and aborts are not acknowledged (presumed abort)", () => {
  assert.deepEqual(of("o2", "vote").filter((e) => !e.yes).map((e) => e.node), ["n3"]);
  assert.deepEqual(of("o2", "decision").map((e) => e.decision), ["abort"]);
  assert.deepEqual(of("o2", "abort").map((e) => e.node).sort(), ["n2", "n4"]);
  assert.equal(of("o2", "ack").length, 0);
  assert.equal(r.clients.o2, "fail: aborted: n3 (payment) voted no: payment refused o2");
});

Deno.test("2pc: participants block with locks held until the coordinator returns and presumes abort", () => {
  const blocked = r.participants["o3 blocked"]!;
  assert.deepEqual(blocked.map((p) => p.locks), [
    ["stock/item-1:o3"],
    ["balance/alice:o3"],
    ["slots/east:o3"],
  ]);
  for (const p of blocked) {
    assert.deepEqual(p.inDoubt, ["o3"]);
    assert.deepEqual(p.suspects, ["n1"]);
  }
  assert.deepEqual(r.blockedRead, { value: 98, lockedBy: "o3" });
  assert.equal(r.clients.o3, "no answer (the outcome is unknown to the client)");
  const d = of("o3", "decision");
  assert.deepEqual(d.map((e) => [e.decision, e.presumed]), [["abort", true]]);
  assert.ok(of("o3", "unblocked").every((e) => e.waitedMs! > 2000));
  assert.equal(of("o3", "unblocked").length, 3);
  for (const p of r.participants["o3 after restart"]!) assert.deepEqual(p.locks, []);
});

Deno.test("2pc: a logged COMMIT is re-sent after recovery and acknowledged by all three", () => {
  assert.equal(r.clients.o4, "ok: committed");
  for (const p of r.participants["o4 blocked"]!) assert.deepEqual(p.inDoubt, ["o4"]);
  assert.ok(r.events.some((e) => e.kind === "recover" && e.node === "n1"));
  assert.equal(of("o4", "commit").length, 3);
  const acks = of("o4", "ack");
  assert.deepEqual([...new Set(acks.filter((a) => !a.late).map((a) => a.from))].sort(), [
    "n2",
    "n3",
    "n4",
  ]);
  const end = of("o4", "end")[0]!;
  assert.ok(acks.filter((a) => a.late).every((a) => a.at >= end.at));
  for (const p of r.participants["o4 after restart"]!) assert.deepEqual(p.locks, []);
  assert.deepEqual(r.totals, { committed: 2, aborted: 2 });
});

Deno.test("2pc vs Paxos Commit: 2PC blocks as long as the coordinator is down, Paxos Commit not at all", () => {
  assert.deepEqual(r.comparison.map((c) => c.downMs), [2000, 4000]);
  for (const c of r.comparison) {
    // 2PC: the locks stay until the coordinator returns and presumes abort.
    assert.equal(c.twoPc.decidedWhileDown, false);
    assert.ok(c.twoPc.blockedMs >= c.downMs, `2PC blocked ${c.twoPc.blockedMs} ms`);
    assert.equal(c.twoPc.blockedMs, c.twoPc.lockHeldMs);
    assert.deepEqual([c.twoPc.decision, c.twoPc.decidedBy], ["abort", "n1"]);
    // Paxos Commit: n2 takes over and commits (every RM prepared) while n1 is down.
    assert.equal(c.paxosCommit.decidedWhileDown, true);
    assert.equal(c.paxosCommit.blockedMs, 0);
    assert.ok(c.paxosCommit.lockHeldMs < 1500, `locks held ${c.paxosCommit.lockHeldMs} ms`);
    assert.deepEqual([c.paxosCommit.decision, c.paxosCommit.decidedBy], ["commit", "n2"]);
  }
  const [short, long] = r.comparison;
  assert.ok(long!.twoPc.blockedMs - short!.twoPc.blockedMs >= 1900, "2PC's window grows");
  assert.equal(
    long!.paxosCommit.lockHeldMs,
    short!.paxosCommit.lockHeldMs,
    "Paxos Commit's does not",
  );
});

Deno.test("2pc vs Paxos Commit: messages per transaction — 12 for 2PC, 19 for Paxos Commit with F = 1", () => {
  for (const c of r.comparison) {
    // prepare, vote, decision and ack to and from each of three participants.
    assert.equal(c.twoPc.messagesPerTxn, 12);
    // 3 prepares, 7 votes to the acceptors on other nodes, 6 acceptances to n1, 3 decisions.
    assert.equal(c.paxosCommit.messagesPerTxn, 19);
  }
});
