import assert from "node:assert/strict";
import { tortureTxnSeed, watchTxnInvariants } from "../../torture/txn_torture.ts";
import { Simulation } from "../../nodes/simulator.ts";
import { twoPhaseCommit } from "../../protocols/txn/two_phase_commit.ts";
import type { AnyProtocol } from "../../protocols/node.ts";
import type { ParticipantNode } from "../../protocols/txn/participant.ts";
import type { TxnMessage } from "../../protocols/txn/message.ts";

const SEEDS = Array.from({ length: 20 }, (_, i) => i + 1);

Deno.test("2pc keeps atomicity, locks and ledgers under crashes, partitions, loss and duplication (20 seeds)", () => {
  let committed = 0;
  for (const seed of SEEDS) {
    const o = tortureTxnSeed("2pc", seed, { durationMs: 4000 });
    assert.equal(o.violation, null, `seed ${seed}: ${o.violation}`);
    assert.ok(o.checks > 100, `seed ${seed} ran only ${o.checks} checks`);
    committed += o.ops.ok;
  }
  assert.ok(committed > 1000, `only ${committed} orders committed`);
});

Deno.test("the 2pc checks catch a coordinator that commits over a no vote", () => {
  const broken: AnyProtocol = {
    ...twoPhaseCommit,
    create(ctx) {
      const node = twoPhaseCommit.create(ctx);
      if (ctx.id !== "n1") return node;
      return {
        ...node,
        message: (from: string, m: TxnMessage) =>
          node.message(from, m.type === "vote" ? { ...m, yes: true } : m),
      };
    },
  };
  const o = tortureTxnSeed("2pc", 1, { durationMs: 4000, protocol: broken });
  assert.match(
    o.violation ?? "",
    /committed at .* but|aborted at .* but the coordinator decided commit/,
  );
});

Deno.test("the 2pc checks catch a participant that releases its lock before the decision", () => {
  const broken: AnyProtocol = {
    ...twoPhaseCommit,
    create(ctx) {
      const node = twoPhaseCommit.create(ctx) as ParticipantNode;
      if (ctx.id !== "n2") return node;
      return {
        ...node,
        message(from: string, m: TxnMessage) {
          node.message(from, m);
          (node.locks as Map<string, string>).clear();
        },
      };
    },
  };
  const o = tortureTxnSeed("2pc", 2, { durationMs: 4000, protocol: broken });
  assert.match(o.violation ?? "", /n2 released .* before the decision/);
});

Deno.test("a torture run replays exactly from its seed", () => {
  const a = tortureTxnSeed("2pc", 11, { durationMs: 2000 });
  const b = tortureTxnSeed("2pc", 11, { durationMs: 2000 });
  assert.deepEqual([a.ops, a.stats, a.checks, a.schedule], [b.ops, b.stats, b.checks, b.schedule]);
});

Deno.test("the invariants can watch any simulation step by step", () => {
  const sim = new Simulation({ protocol: twoPhaseCommit, nodes: 4, seed: 1 });
  const watch = watchTxnInvariants(sim, "2pc", {});
  sim.request("n1", { f: "order", id: "o1", item: "item-1", qty: 1, amount: 5 }, 1);
  sim.runFor(300);
  assert.equal(watch.violation(), null);
  assert.ok(watch.checks() >= 6); // prepare ×3, decision, commit ×3 changed state
  // Tamper with a participant's ledger behind the protocol's back: caught at the next step.
  sim.disk("n2").set("res/stock/item-1", 1);
  sim.request("n1", { f: "order", id: "o2", item: "item-2", qty: 1, amount: 5 }, 1);
  sim.runFor(300);
  assert.match(watch.violation() ?? "", /n2: stock\/item-1 is 1, expected 99/);
  assert.equal(typeof watch.violationAt(), "number");
});
