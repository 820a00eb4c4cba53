import assert from "node:assert/strict";
import { collectLines } from "../../scenarios/scenario.ts";
import { scenario } from "../../scenarios/event_sourcing.ts";

Deno.test("the event-sourcing scenario prints the same lines every run", async () => {
  assert.deepEqual(await collectLines(scenario), await collectLines(scenario));
  assert.equal(scenario.name, "event-sourcing");
});

Deno.test("the event-sourcing scenario shows a conflict, time travel and a projection catching up", async () => {
  const lines = await collectLines(scenario);
  const text = lines.join("\n");
  assert.match(text, /store: conflict on item-apple — expected version 2, it is at 3/);
  assert.match(text, /re-reads item-apple and decides again/);
  assert.match(text, /fail: insufficient stock of apple: 2 available, 5 wanted/);
  assert.match(text, /version 2 +7 +\{"o1":3\}/);
  assert.match(text, /version 4 +5 +\{"o2":5\}/);
  assert.match(text, /n3 answers stock = 5 \(as of position 4\); the store has 12 events/);
  assert.match(text, /n3 answers stock = 13 \(as of position 12\)/);
  const catchUp = lines.filter((l) => /healed \+\d+ ms/.test(l));
  assert.ok(catchUp.length >= 2, "the projection catches up in several batches");
  assert.match(lines.at(-1)!, /\+\d+ ms +12 +13$/);
});
