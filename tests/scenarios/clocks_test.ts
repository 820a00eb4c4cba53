import assert from "node:assert/strict";
import { collectLines } from "../../scenarios/scenario.ts";
import { runClocks, scenario } from "../../scenarios/clocks.ts";

Deno.test("clocks: the textbook rule reproduces the chapter's Lamport figure", () => {
  const r = runClocks();
  assert.deepEqual(r.multicastAsOneEvent, { A: [1, 2, 5], B: [3, 4], C: [2, 5, 6] });
});

Deno.test("clocks: counting each copy of a multicast, as the node host does, gives C = 2, 6, 7", () => {
  const r = runClocks();
  assert.deepEqual(r.multicastPerCopy, { A: [1, 2, 5], B: [3, 4, 5], C: [2, 6, 7] });
  // The simulator's hosts, running the same exchange, agree with the per-copy replay.
  assert.deepEqual(r.simulator, r.multicastPerCopy);
});

Deno.test("clocks: the chapter's vector comparisons and the figure's pairs", () => {
  const r = runClocks();
  assert.deepEqual(r.chapterComparisons.map((c) => c.ordering), ["concurrent", "before"]);
  const vectors = Object.fromEntries(r.events.map((e) => [e.label.slice(0, 2), e.vector]));
  assert.deepEqual(vectors.a1, { A: 1 });
  assert.deepEqual(vectors.b1, { A: 2, B: 1 });
  assert.deepEqual(vectors.c3, { A: 2, B: 2, C: 3 });
  assert.equal(r.pairs.total, 28);
  assert.equal(r.pairs.happenedBefore + r.pairs.concurrent, 28);
  assert.equal(r.pairs.happenedBeforeButLamportNotLess, 0);
  // c1 (L=2) and b1 (L=3) are concurrent: Lamport order does not imply causality.
  assert.ok(
    r.pairs.concurrentButLamportLess.some((p) => p.a.startsWith("c1") && p.b.startsWith("b1")),
  );
});

Deno.test("clocks: deterministic, and narrated", async () => {
  const lines = await collectLines(scenario);
  assert.deepEqual(await collectLines(scenario), lines);
  assert.deepEqual(runClocks(), runClocks());
  assert.ok(lines.length > 20);
});
