import assert from "node:assert/strict";
import { moves } from "../../partitioning/partitioner.ts";
import { ringPartitioner } from "../../partitioning/ring.ts";
import { planRebalance, supersedes } from "../../protocols/quorum/membership.ts";

const keys = Array.from({ length: 500 }, (_, i) => `key-${i}`);
const before = ringPartitioner(["n1", "n2", "n3", "n4"], { vnodes: 32 });

/** Every node's plan, with each node holding the keys it replicates before the change. */
function plans(after: typeof before, n: number) {
  return before.nodes.map((self) => ({
    self,
    plan: planRebalance(
      before,
      after,
      self,
      keys.filter((k) => before.preferenceList(k, n).includes(self)),
      n,
    ),
  }));
}

Deno.test("N=1: a joining node receives exactly the keys moves() says, from their old owners", () => {
  const after = before.withNode("n5");
  const sent = new Map<string, { from: string; to: string[] }>();
  for (const { self, plan } of plans(after, 1)) {
    for (const [k, to] of plan.send) sent.set(k, { from: self, to });
    assert.deepEqual(plan.dropNow, []);
    assert.deepEqual(plan.dropAfterSend, [...plan.send.keys()]);
  }
  const expected = moves(before, after, keys).moved;
  assert.ok(expected.length > 0);
  assert.deepEqual(
    [...sent].map(([key, s]) => ({ key, from: s.from, to: s.to })).sort((a, b) =>
      a.key < b.key ? -1 : 1
    ),
    expected.map((m) => ({ key: m.key, from: m.from, to: [m.to] })).sort((a, b) =>
      a.key < b.key ? -1 : 1
    ),
  );
});

Deno.test("N=3: each key entering the new node's preference lists is sent once, only to it", () => {
  const after = before.withNode("n5");
  const received = new Map<string, number>();
  for (const { plan } of plans(after, 3)) {
    for (const [k, to] of plan.send) {
      assert.deepEqual(to, ["n5"]);
      received.set(k, (received.get(k) ?? 0) + 1);
    }
  }
  const expected = keys.filter((k) => after.preferenceList(k, 3).includes("n5"));
  assert.deepEqual([...received.keys()].sort(), expected.sort());
  assert.ok([...received.values()].every((c) => c === 1));
  // Keys whose preference list did not change neither move nor get dropped.
  for (const { self, plan } of plans(after, 3)) {
    for (const k of [...plan.dropNow, ...plan.dropAfterSend]) {
      assert.ok(!after.preferenceList(k, 3).includes(self));
    }
  }
});

Deno.test("N=3: removing a node sends its keys to their next replica from a surviving one", () => {
  const after = before.withoutNode("n2");
  const received = new Map<string, string[]>();
  for (const { self, plan } of plans(after, 3)) {
    if (self === "n2") {
      assert.equal(plan.send.size, 0); // it is leaving the ring: the others send
      assert.equal(
        plan.dropNow.length,
        keys.filter((k) => before.preferenceList(k, 3).includes("n2")).length,
      );
      continue;
    }
    for (const [k, to] of plan.send) received.set(k, to);
  }
  const expected = keys.filter((k) => before.preferenceList(k, 3).includes("n2"));
  assert.deepEqual([...received.keys()].sort(), expected.sort());
  for (const [k, to] of received) {
    assert.equal(to.length, 1);
    assert.ok(!before.preferenceList(k, 3).includes(to[0]!));
    assert.ok(after.preferenceList(k, 3).includes(to[0]!));
  }
});

Deno.test("a higher epoch wins; an equal epoch breaks ties the same way everywhere", () => {
  assert.ok(supersedes({ epoch: 1, nodes: ["n1"] }, { epoch: 2, nodes: ["n1"] }));
  assert.ok(!supersedes({ epoch: 2, nodes: ["n1"] }, { epoch: 1, nodes: ["n1", "n2"] }));
  const a = { epoch: 3, nodes: ["n1", "n2"] };
  const b = { epoch: 3, nodes: ["n1", "n3"] };
  assert.notEqual(supersedes(a, b), supersedes(b, a));
  assert.ok(!supersedes({ epoch: 0, nodes: ["n1"] }, { epoch: 0, nodes: ["n1", "n2"] }));
  // The same list (a copy, or the very array) never replaces the current one.
  assert.ok(!supersedes(a, { epoch: 3, nodes: [...a.nodes] }));
  assert.ok(!supersedes(a, a));
  // A list and a longer one starting with it: still one winner, by their texts.
  const c = { epoch: 3, nodes: ["n1", "n2", "n4"] };
  assert.ok(supersedes(c, a) && !supersedes(a, c));
});
