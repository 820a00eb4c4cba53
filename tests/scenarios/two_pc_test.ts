import assert from "node:assert/strict";
import { collectLines } from "../../scenarios/scenario.ts";
import { scenario } from "../../scenarios/two_pc.ts";

Deno.test("the 2pc scenario prints the same lines every run", async () => {
  assert.deepEqual(await collectLines(scenario), await collectLines(scenario));
  assert.equal(scenario.name, "2pc");
});

Deno.test("the 2pc scenario shows commit, a no vote, blocking with locks held, presumed abort and recovery", async () => {
  const text = (await collectLines(scenario)).join("\n");
  assert.match(text, /client: ok: committed/);
  assert.match(text, /votes NO on o2 \(payment refused o2\)/);
  assert.match(text, /client: fail: aborted: n3 \(payment\) voted no/);
  // Blocking: all three participants hold their lock on o3 and suspect the coordinator.
  assert.match(text, /n2 +inventory +stock\/item-1:o3 +o3 +[\d.]+ ms +n1/);
  assert.match(text, /n3 +payment +balance\/alice:o3 +o3 +[\d.]+ ms +n1/);
  assert.match(text, /n4 +delivery +slots\/east:o3 +o3 +[\d.]+ ms +n1/);
  assert.match(text, /locked by o3/);
  assert.match(text, /decision ABORT for o3 logged \(presumed abort/);
  assert.match(text, /was blocked on o3 for 2\d{3}\.\d ms/);
  assert.match(text, /recovers: log says commit, re-sends it for o4/);
  assert.equal((text.match(/commits o4/g) ?? []).length, 3);
  assert.match(text, /Coordinator totals: 2 committed, 2 aborted\./);
});
