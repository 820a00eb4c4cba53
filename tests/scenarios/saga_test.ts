import assert from "node:assert/strict";
import { collectLines } from "../../scenarios/scenario.ts";
import { scenario } from "../../scenarios/saga.ts";

Deno.test("the saga scenario prints the same lines every run", async () => {
  assert.deepEqual(await collectLines(scenario), await collectLines(scenario));
  assert.equal(scenario.name, "saga");
});

Deno.test("the saga scenario shows compensation, the dirty read, orchestrator recovery and choreography", async () => {
  const lines = await collectLines(scenario);
  const text = lines.join("\n");
  assert.match(text, /o1 ends DONE/);
  assert.match(text, /T2 take payment for o2: FAILED \(payment refused o2\)/);
  assert.match(text, /read of stock\/item-1 at n2: 96 .*order o2 reads "running"/);
  assert.match(text, /C1 return stock for o2/);
  assert.match(text, /o2 ends COMPENSATED/);
  assert.match(text, /saga log on n1's disk: state running, steps done: inventory/);
  assert.match(text, /orchestrator recovers: resumes o3/);
  assert.match(text, /T2 take payment for o3 again: answered from its record/);
  assert.match(text, /o3 ends DONE/);
  assert.match(text, /OrderCreated → StockReserved → PaymentTaken → DeliveryArranged/);
  assert.match(text, /DeliveryFailed → PaymentRefunded → StockReturned/);
  // Compensations of the choreography run in reverse: refund before returning stock.
  const refund = lines.findIndex((l) => l.includes("C2 refund for o5"));
  const stock = lines.findIndex((l) => l.includes("C1 return stock for o5"));
  assert.ok(refund > 0 && stock > refund);
  // Everything compensated balances: the last ledger shows o4 only (from 100/1000/1000).
  assert.match(lines.at(-1)!, /^\s+98\s+970\s+999$/);
});
