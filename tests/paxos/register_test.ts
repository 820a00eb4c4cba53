import assert from "node:assert/strict";
import fc from "fast-check";
import { Simulation } from "../../nodes/simulator.ts";
import type { Reply } from "../../protocols/node.ts";
import { checkAgreementAfterEveryStep } from "../../protocols/paxos/agreement.ts";
import { paxosRegister } from "../../protocols/paxos/register.ts";

function cluster(seed: number, options: Record<string, unknown> = {}, nodes = 5) {
  const sim = new Simulation({ protocol: paxosRegister, nodes, seed, options });
  const checker = checkAgreementAfterEveryStep(sim);
  const replies = new Map<string, Reply>();
  const propose = (node: string, value: unknown) =>
    sim.request(node, { f: "propose", value }, 1, (r) => replies.set(node, r));
  const learned = () => sim.nodes.map((n) => sim.status(n).learned);
  const allDecided = () => sim.nodes.every((n) => sim.status(n).decided === true);
  return { sim, checker, replies, propose, learned, allDecided };
}

Deno.test("a single proposer gets its value chosen and every node learns it", () => {
  const c = cluster(1);
  c.propose("n2", "only");
  assert.ok(c.sim.runUntil(c.allDecided, 1000));
  assert.deepEqual(c.learned(), ["only", "only", "only", "only", "only"]);
  assert.deepEqual(c.replies.get("n2"), { type: "ok", value: "only" });
  assert.equal(c.sim.status("n2").rounds, 1, "no competition: one ballot");
});

Deno.test("many proposers with the same value agree on it", () => {
  const c = cluster(2);
  for (const n of c.sim.nodes) c.propose(n, "same");
  assert.ok(c.sim.runUntil(c.allDecided, 2000));
  assert.deepEqual(new Set(c.learned()), new Set(["same"]));
  assert.deepEqual(c.checker.check(), []);
});

Deno.test("many proposers with different values agree on exactly one of them", () => {
  for (let seed = 1; seed <= 10; seed++) {
    const c = cluster(seed);
    for (const n of c.sim.nodes) c.propose(n, `v-${n}`);
    assert.ok(c.sim.runUntil(() => c.replies.size === 5 && c.allDecided(), 5000), `seed ${seed}`);
    const chosen = new Set(c.learned());
    assert.equal(chosen.size, 1, `seed ${seed}: one value`);
    const [value] = chosen;
    assert.ok(c.sim.nodes.map((n) => `v-${n}`).includes(value as string), "a proposed value");
    for (const r of c.replies.values()) assert.deepEqual(r, { type: "ok", value });
  }
});

Deno.test("a deaf node never learns the decision until its links are healed", () => {
  const c = cluster(3);
  for (const n of c.sim.nodes) if (n !== "n5") c.sim.network.cut(n, "n5");
  c.propose("n1", "x");
  c.sim.runFor(1000);
  assert.deepEqual(c.learned(), ["x", "x", "x", "x", null]);
  c.propose("n5", "y"); // it can send but hears nothing back
  c.sim.runFor(1000);
  assert.equal(c.sim.status("n5").learned, null);
  assert.equal(c.replies.has("n5"), false);
  c.sim.network.heal();
  assert.ok(c.sim.runUntil(c.allDecided, 2000));
  assert.equal(c.sim.status("n5").learned, "x");
  assert.deepEqual(c.replies.get("n5"), { type: "ok", value: "x" });
});

Deno.test("a minority partition never decides; the majority does; after the heal all agree", () => {
  const c = cluster(4);
  c.sim.network.partition([["n1", "n2"], ["n3", "n4", "n5"]]);
  c.propose("n1", "minority");
  c.sim.runFor(2000);
  assert.ok((c.sim.status("n1").rounds as number) > 3, "it keeps trying");
  assert.ok(c.sim.nodes.every((n) => c.sim.status(n).decided === false));
  c.propose("n4", "majority");
  c.sim.runFor(500);
  assert.deepEqual(c.learned().slice(2), ["majority", "majority", "majority"]);
  assert.deepEqual(c.learned().slice(0, 2), [null, null]);
  c.sim.network.heal();
  assert.ok(c.sim.runUntil(() => c.replies.has("n1"), 3000));
  assert.deepEqual(c.replies.get("n1"), { type: "ok", value: "majority" });
  assert.deepEqual(c.checker.check(), []);
});

Deno.test("a value chosen but learned by nobody is the one a later proposer must propose", () => {
  const c = cluster(6);
  c.propose("n1", "a");
  assert.ok(c.sim.runUntil(() => c.sim.status("n1").phase === "accept", 1000));
  // The Accepts are on their way; every Accepted they trigger will be lost.
  c.sim.network.partition([["n1"], ["n2"], ["n3"], ["n4"], ["n5"]]);
  c.sim.runFor(50);
  assert.ok(c.sim.nodes.every((n) => c.sim.status(n).accepted === "a"), "chosen: all accepted");
  assert.ok(c.sim.nodes.every((n) => c.sim.status(n).decided === false), "but nobody learned");
  c.sim.crash("n1");
  c.sim.network.heal();
  c.propose("n5", "b");
  assert.ok(c.sim.runUntil(() => c.replies.has("n5"), 2000));
  assert.deepEqual(c.replies.get("n5"), { type: "ok", value: "a" });
});

Deno.test("an acceptor's promise survives its crash: a restarted node still refuses the old ballot", () => {
  const c = cluster(5, {}, 3);
  c.propose("n1", "a");
  assert.ok(c.sim.runUntil(c.allDecided, 1000));
  c.sim.crash("n1");
  c.sim.restart("n1");
  const st = c.sim.status("n1");
  assert.equal(st.learned, "a");
  assert.equal(st.promised, "1.1");
  assert.equal(st.accepted, "a");
});

Deno.test("without backoff duelling proposers take many more rounds than with it", () => {
  const rounds = (backoff: boolean) => {
    let total = 0;
    for (let seed = 1; seed <= 8; seed++) {
      const s = new Simulation({
        protocol: paxosRegister,
        nodes: 5,
        seed,
        options: { backoff },
        network: { delay: { kind: "uniform", min: 1, max: 10 } },
      });
      for (const n of ["n1", "n3", "n5"]) s.request(n, { f: "propose", value: n }, 1);
      assert.ok(s.runUntil(() => s.nodes.every((n) => s.status(n).decided === true), 20_000));
      total += s.nodes.reduce((a, n) => a + (s.status(n).rounds as number), 0);
    }
    return total / 8;
  };
  const without = rounds(false);
  const withBackoff = rounds(true);
  assert.ok(without > 2 * withBackoff, `rounds without ${without}, with ${withBackoff}`);
});

Deno.test("agreement and validity hold under loss, duplication and reordering (random runs)", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 1_000_000 }),
      fc.subarray(["n1", "n2", "n3", "n4", "n5"], { minLength: 1 }),
      fc.double({ min: 0, max: 0.4, noNaN: true }),
      fc.double({ min: 0, max: 0.4, noNaN: true }),
      fc.boolean(),
      (seed, proposers, drop, duplicate, backoff) => {
        const c = cluster(seed, { backoff });
        c.sim.network.addRule("*", "*", { drop, duplicate, reorder: 0.3 });
        for (const n of proposers) c.propose(n, `v-${n}`);
        c.sim.runFor(3000);
        c.sim.network.heal();
        c.sim.runUntil(() => c.replies.size === proposers.length, 5000);
        const values = new Set(c.learned().filter((v) => v !== null));
        assert.ok(values.size <= 1);
        for (const v of values) assert.ok(proposers.map((n) => `v-${n}`).includes(v as string));
        assert.equal(c.replies.size, proposers.length, "every proposer finishes after the heal");
      },
    ),
    { seed: 42, numRuns: 30 },
  );
});
