import assert from "node:assert/strict";
import { tortureTxnSeed, watchTxnInvariants } from "../../torture/txn_torture.ts";
import { Simulation } from "../../nodes/simulator.ts";
import { healAll, scheduleNemesis, seededSchedule } from "../../nodes/nemesis.ts";
import { createRng } from "../../protocols/random.ts";
import type { AnyProtocol } from "../../protocols/node.ts";
import type { Ops } from "../../torture/txn/harness.ts";
import { paxosCommitWorkload } from "../../torture/txn/paxos_commit.ts";
import { paxosCommit, type PcNode } from "../../protocols/paxos_commit/paxos_commit.ts";
import type { PcMessage } from "../../protocols/paxos_commit/message.ts";

Deno.test("paxos-commit keeps its invariants under coordinator crashes and the nemesis (8 seeds)", () => {
  let committed = 0;
  for (let seed = 1; seed <= 8; seed++) {
    const o = tortureTxnSeed("paxos-commit", seed, { durationMs: 4000 });
    assert.equal(o.violation, null, `seed ${seed}: ${o.violation}`);
    assert.ok(o.checks > 100, `seed ${seed} ran only ${o.checks} checks`);
    committed += o.ops.ok;
  }
  assert.ok(committed > 300, `only ${committed} orders committed`);
});

Deno.test("the workload crashes the coordinator, and other nodes take over and decide while it is down", () => {
  const h = paxosCommitWorkload.harness(paxosCommitWorkload.defaults);
  const sim = new Simulation({ protocol: h.protocol, nodes: h.nodes, seed: 1, options: h.options });
  const watch = watchTxnInvariants(sim, "paxos-commit", h.options);
  let crashes = 0, decidedWithoutN1 = 0;
  sim.onTrace((e) => {
    if (e.kind === "crash" && e.node === "n1") crashes++;
    if (e.kind === "decision" && e.node !== "n1" && !sim.isUp("n1")) decidedWithoutN1++;
  });
  const ops: Ops = { invoked: 0, ok: 0, fail: 0, info: 0 };
  h.start(sim, createRng(1), 3, 6000, ops);
  sim.runFor(8000);
  assert.equal(watch.violation(), null);
  assert.ok(crashes >= 2, `${crashes} coordinator crashes`);
  assert.ok(decidedWithoutN1 >= 1, `${decidedWithoutN1} decisions while n1 was down`);
});

/** A registrar that sends "commit" whatever it decided. */
const commitsOverNo: AnyProtocol = {
  ...paxosCommit,
  create(ctx) {
    if (ctx.id !== "n1") return paxosCommit.create(ctx);
    return paxosCommit.create({
      ...ctx,
      send: (to: string, m: PcMessage) =>
        ctx.send(to, m.type === "decision" ? { ...m, commit: true } : m),
    });
  },
};

/** An RM that drops its locks after every message. */
const dropsLocks: AnyProtocol = {
  ...paxosCommit,
  create(ctx) {
    const node = paxosCommit.create(ctx) as PcNode;
    if (ctx.id !== "n4") return node;
    return {
      ...node,
      message(from: string, m: PcMessage) {
        node.message(from, m);
        (node.locks as Map<string, string>).clear();
      },
    };
  },
};

Deno.test("the paxos-commit checks catch a leader that commits over a no vote", () => {
  const o = tortureTxnSeed("paxos-commit", 1, { durationMs: 4000, protocol: commitsOverNo });
  assert.match(
    o.violation ?? "",
    /committed but|aborted at .* but|chose abort|decided abort at n1 but commit/,
  );
});

Deno.test("the paxos-commit checks catch an RM that releases its locks before the decision", () => {
  const o = tortureTxnSeed("paxos-commit", 2, { durationMs: 4000, protocol: dropsLocks });
  assert.match(o.violation ?? "", /n4 released .* before the decision/);
});

Deno.test("a paxos-commit torture run replays exactly from its seed", () => {
  const a = tortureTxnSeed("paxos-commit", 11, { durationMs: 2000 });
  const b = tortureTxnSeed("paxos-commit", 11, { durationMs: 2000 });
  assert.deepEqual([a.ops, a.stats, a.checks, a.schedule], [b.ops, b.stats, b.checks, b.schedule]);
});

/** Both checks after every changed step, as in tests/torture/incremental_agreement_test.ts. */
function compare(seed: number, protocol?: AnyProtocol) {
  const h = paxosCommitWorkload.harness(paxosCommitWorkload.defaults);
  const sim = new Simulation({
    protocol: protocol ?? h.protocol,
    nodes: h.nodes,
    seed,
    options: h.options,
  });
  scheduleNemesis(
    sim,
    seededSchedule(seed, {
      kinds: ["partition", "kill", "pause", "loss", "duplicate", "reorder", "delay"],
      nodes: sim.nodes,
      durationMs: 3000,
    }),
  );
  let compared = 0, found: string | null = null, last = "";
  sim.afterStep(() => {
    if (found !== null) return;
    const fp = h.fingerprint(sim);
    if (fp === last) return;
    last = fp;
    compared++;
    const incremental = h.check(sim), exhaustive = h.exhaustive(sim);
    if (exhaustive !== null && incremental === null) {
      assert.fail(`seed ${seed} at ${sim.now()}: exhaustive found ${exhaustive}, incremental not`);
    }
    if (incremental !== null && exhaustive === null && !/chosen value changed/.test(incremental)) {
      assert.fail(`seed ${seed} at ${sim.now()}: incremental found ${incremental}, exhaustive not`);
    }
    found = incremental;
  });
  const ops: Ops = { invoked: 0, ok: 0, fail: 0, info: 0 };
  h.start(sim, createRng(seed * 31 + 7), 3, 3000, ops);
  sim.runUntil(() => found !== null, 3000);
  if (found === null) {
    healAll(sim);
    sim.runUntil(() => found !== null, 3000);
  }
  return { compared, found };
}

Deno.test("paxos-commit: incremental and exhaustive checks agree after every step (3 seeds)", () => {
  for (const seed of [1, 2, 3]) {
    const r = compare(seed);
    assert.equal(r.found, null, `seed ${seed}: ${r.found}`);
    assert.ok(r.compared > 50, `seed ${seed}: only ${r.compared} steps compared`);
  }
});

Deno.test("paxos-commit: both checks catch a commit over a no vote at the same step", () => {
  const r = compare(1, commitsOverNo);
  assert.match(
    String(r.found),
    /committed but|aborted at .* but|chose abort|decided abort at n1 but commit/,
  );
});

/**
 * Runs o1 until acceptors n2 and n3 have accepted every RM's "prepared" at ballot 0 (so
 * it is chosen), crashes n1, and overwrites `tampered` acceptors' records with "aborted"
 * at ballot 102 — what a leader that skipped phase 1 would have them accept.
 */
function rewriteChosen(tampered: string[]): string | null {
  const sim = new Simulation({ protocol: paxosCommit, nodes: 4, seed: 7 });
  const watch = watchTxnInvariants(sim, "paxos-commit", {});
  let done = false;
  sim.afterStep(() => {
    if (done) return;
    const acc = (n: string) => sim.disk(n).get("acc/o1") as { accepted: object } | undefined;
    if (!["n2", "n3"].every((n) => Object.keys(acc(n)?.accepted ?? {}).length === 3)) return;
    done = true;
    sim.crash("n1");
    const no = { ballot: 102, prepared: false };
    for (const n of tampered) {
      sim.disk(n).set("acc/o1", { promised: 102, accepted: { n2: no, n3: no, n4: no } });
    }
  });
  sim.request("n1", { f: "order", id: "o1", item: "item-1", qty: 1, amount: 5 }, 1);
  sim.runFor(500);
  assert.ok(done);
  return watch.violation();
}

Deno.test("paxos-commit checks: an acceptance above a chosen value with another value is caught", () => {
  assert.match(
    String(rewriteChosen(["n3"])),
    /prepared was chosen at ballot 0, but n3 accepted aborted at 102/,
  );
});

Deno.test("paxos-commit checks: a chosen value that changes is caught, though the disks alone look consistent", () => {
  assert.match(
    String(rewriteChosen(["n2", "n3"])),
    /o1\/n\d: the chosen value changed from true to false/,
  );
});
