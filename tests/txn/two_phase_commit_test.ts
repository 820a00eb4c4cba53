import assert from "node:assert/strict";
import fc from "fast-check";
import { Simulation } from "../../nodes/simulator.ts";
import type { Reply } from "../../protocols/node.ts";
import { twoPhaseCommit } from "../../protocols/txn/two_phase_commit.ts";
import { createParticipant, type ParticipantRecord } from "../../protocols/txn/participant.ts";
import { twoPhaseOptions } from "../../protocols/txn/options.ts";
import type { TxnMessage } from "../../protocols/txn/message.ts";
import { fakeCtx } from "./fake_ctx.ts";

const PARTICIPANTS = ["n2", "n3", "n4"];

function order(id: string, extra: Record<string, unknown> = {}) {
  return { f: "order", id, item: "item-1", qty: 2, amount: 30, ...extra };
}

function cluster(seed: number, options: Record<string, unknown> = {}) {
  const sim = new Simulation({ protocol: twoPhaseCommit, nodes: 4, seed, options, trace: "full" });
  const replies: Reply[] = [];
  const send = (op: unknown) => sim.request("n1", op, 1, (r) => replies.push(r));
  return { sim, replies, send };
}

function records(sim: Simulation, node: string): Record<string, ParticipantRecord["state"]> {
  const out: Record<string, ParticipantRecord["state"]> = {};
  const disk = sim.disk(node);
  for (const k of disk.keys("txn/")) out[k.slice(4)] = (disk.get(k) as ParticipantRecord).state;
  return out;
}

Deno.test("an order commits at every participant and changes every ledger once", () => {
  const { sim, replies, send } = cluster(1);
  send(order("o1"));
  sim.runFor(500);
  assert.deepEqual(replies, [{ type: "ok", value: { txn: "o1", outcome: "committed" } }]);
  for (const n of PARTICIPANTS) assert.deepEqual(records(sim, n), { o1: "committed" });
  assert.equal((sim.status("n2").ledger as Record<string, number>)["stock/item-1"], 98);
  assert.equal((sim.status("n3").ledger as Record<string, number>)["balance/alice"], 970);
  assert.equal((sim.status("n4").ledger as Record<string, number>)["slots/east"], 999);
  assert.equal(sim.disk("n1").get("txn/o1") !== undefined, true);
  for (const n of PARTICIPANTS) assert.deepEqual(sim.status(n).locks, {});
});

Deno.test("one participant voting no aborts the order everywhere and changes nothing", () => {
  const { sim, replies, send } = cluster(2, { refuse: { payment: ["o2"] } });
  send(order("o2"));
  sim.runFor(500);
  assert.equal(replies.length, 1);
  assert.equal(replies[0]!.type, "fail");
  assert.match(
    (replies[0] as { error: string }).error,
    /n3 \(payment\) voted no: payment refused o2/,
  );
  for (const n of PARTICIPANTS) {
    assert.equal(records(sim, n).o2, "aborted");
    assert.deepEqual(sim.status(n).locks, {});
  }
  assert.equal((sim.status("n2").ledger as Record<string, number>)["stock/item-1"], 100);
});

Deno.test("a counter locked by a prepared order makes a second order vote no (no-wait)", () => {
  const { sim, replies, send } = cluster(3);
  send(order("a"));
  send(order("b")); // same item, same account, same region
  sim.runFor(500);
  const outcomes = replies.map((r) => r.type).sort();
  assert.deepEqual(outcomes, ["fail", "ok"]);
  const failed = replies.find((r) => r.type === "fail") as { error: string };
  assert.match(failed.error, /is locked by/);
});

Deno.test("with the coordinator down after every yes vote, participants block holding locks until it returns", () => {
  const { sim, replies, send } = cluster(4);
  let crashedAt = -1;
  sim.afterStep(() => {
    if (crashedAt >= 0) return;
    const allPrepared = PARTICIPANTS.every((n) => records(sim, n).o3 === "prepared");
    if (allPrepared) {
      sim.crash("n1"); // the yes votes are still on their way: no decision was made
      crashedAt = sim.now();
    }
  });
  send(order("o3"));
  sim.runFor(3000);
  assert.ok(crashedAt >= 0);
  assert.deepEqual(replies, []); // the client never hears: the outcome is unknown to it
  for (const n of PARTICIPANTS) {
    const s = sim.status(n);
    assert.deepEqual(s.inDoubt, ["o3"]);
    assert.equal(Object.values(s.locks as Record<string, string>)[0], "o3");
    assert.equal(typeof s.blockedSince, "number");
    assert.deepEqual(s.suspects, ["n1"]);
  }
  // A read at the inventory shows the lock: nobody else can use this stock meanwhile.
  let read: Reply | undefined;
  sim.request("n2", { f: "read", key: "stock/item-1" }, 2, (r) => read = r);
  sim.runFor(10);
  assert.deepEqual(read, { type: "ok", value: { value: 100, lockedBy: "o3" } });

  sim.restart("n1");
  sim.runFor(1000);
  // Presumed abort: the recovered coordinator has no record of o3, so it aborts.
  for (const n of PARTICIPANTS) {
    assert.equal(records(sim, n).o3, "aborted");
    assert.deepEqual(sim.status(n).locks, {});
    assert.equal(sim.status(n).blockedSince, null);
  }
  const unblocked = sim.trace().filter((e) => e.kind === "unblocked");
  assert.equal(unblocked.length, 3);
  for (const e of unblocked) assert.ok((e.data as { waitedMs: number }).waitedMs >= 3000);
});

Deno.test("a coordinator that logged commit before crashing re-sends it when it recovers", () => {
  const { sim, replies, send } = cluster(5);
  sim.onTrace((e) => {
    if (e.kind === "decision" && e.node === "n1" && sim.isUp("n1")) {
      sim.network.isolate("n1"); // the commit messages of this very step are lost
      sim.after(0, () => sim.crash("n1"));
    }
  });
  send(order("o4"));
  sim.runFor(2000);
  assert.deepEqual(replies.map((r) => r.type), ["ok"]); // the decision was durable first
  for (const n of PARTICIPANTS) assert.equal(records(sim, n).o4, "prepared");
  sim.network.heal();
  sim.restart("n1");
  sim.runFor(1000);
  for (const n of PARTICIPANTS) {
    assert.equal(records(sim, n).o4, "committed");
    assert.deepEqual(sim.status(n).locks, {});
  }
  assert.ok(sim.trace().some((e) => e.kind === "recover" && e.node === "n1"));
  assert.equal((sim.disk("n1").get("txn/o4") as { ended: boolean }).ended, true);
});

Deno.test("a participant that crashes after voting yes re-takes its lock and learns the outcome", () => {
  const { sim, replies, send } = cluster(6);
  sim.onTrace((e) => {
    if (e.kind === "vote" && e.node === "n3" && sim.isUp("n3")) sim.after(0, () => sim.crash("n3"));
  });
  send(order("o5"));
  sim.runFor(500);
  assert.deepEqual(replies.map((r) => r.type), ["ok"]);
  assert.equal(records(sim, "n3").o5, "prepared");
  sim.restart("n3");
  assert.deepEqual(sim.status("n3").locks, { "balance/alice": "o5" }); // from the log
  sim.runFor(1000);
  assert.equal(records(sim, "n3").o5, "committed");
  assert.equal((sim.status("n3").ledger as Record<string, number>)["balance/alice"], 970);
  assert.ok(sim.trace().some((e) => e.kind === "recover" && e.node === "n3"));
});

Deno.test("a participant that never votes makes the coordinator abort after the vote timeout", () => {
  const { sim, replies, send } = cluster(7, { voteTimeoutMs: 400 });
  sim.crash("n4");
  send(order("o6"));
  sim.runFor(1000);
  assert.equal(replies.length, 1);
  assert.match((replies[0] as { error: string }).error, /vote timeout: no vote from n4/);
  assert.equal(records(sim, "n2").o6, "aborted");
  assert.deepEqual(sim.status("n2").locks, {});
});

Deno.test("a retried order gets the recorded outcome instead of running again", () => {
  const { sim, replies, send } = cluster(8);
  send(order("o7"));
  sim.runFor(300);
  send(order("o7"));
  sim.runFor(300);
  assert.deepEqual(replies.map((r) => r.type), ["ok", "ok"]);
  assert.equal((sim.status("n2").ledger as Record<string, number>)["stock/item-1"], 98);
});

Deno.test("a participant answers reads, and points orders to the coordinator", () => {
  const { sim } = cluster(9);
  const got: Reply[] = [];
  sim.request("n2", order("x"), 1, (r) => got.push(r));
  sim.request("n1", { f: "order", id: "" }, 1, (r) => got.push(r));
  sim.runFor(5);
  assert.equal(got[0]!.type, "fail");
  assert.equal((got[0] as { leader?: string }).leader, "n1");
  assert.equal((got[1] as { error: string }).error, "order needs a non-empty string id");
});

Deno.test("whatever order prepares and aborts arrive in, an aborted transaction keeps no lock and changes nothing", () => {
  const txns = ["t1", "t2", "t3"];
  const message = fc.oneof(
    fc.constantFrom(...txns).map((txn) => ({ kind: "prepare" as const, txn })),
    fc.constantFrom(...txns).map((txn) => ({ kind: "abort" as const, txn })),
  );
  fc.assert(
    fc.property(fc.array(message, { maxLength: 30 }), (msgs) => {
      const f = fakeCtx<TxnMessage>("n2", ["n1", "n3"], { stock: { a: 3 } });
      const node = createParticipant(f.ctx, "inventory", "n1", twoPhaseOptions({}));
      const abortedAt = new Map<string, number>(); // txn → messages sent before its abort
      for (const m of msgs) {
        const o = { id: m.txn, item: "a", qty: 2, amount: 1, account: "x", region: "east" };
        if (m.kind === "prepare") node.message("n1", { type: "prepare", txn: m.txn, order: o });
        else {
          node.message("n1", { type: "decision", txn: m.txn, commit: false });
          if (!abortedAt.has(m.txn)) abortedAt.set(m.txn, f.sent.length);
        }
      }
      // Every vote sent after an abort arrived for that transaction is a no.
      f.sent.forEach((s, i) => {
        if (s.m.type !== "vote") return;
        const at = abortedAt.get(s.m.txn);
        if (at !== undefined && i >= at) assert.equal(s.m.yes, false);
      });
      const aborted = new Set(abortedAt.keys());
      for (const [, txn] of node.locks) assert.ok(!aborted.has(txn));
      assert.ok(node.locks.size <= 1); // one counter, one lock
      assert.equal((node.status().ledger as Record<string, number>)["stock/a"], 3);
    }),
    { seed: 42, numRuns: 300 },
  );
});
