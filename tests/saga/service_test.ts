import assert from "node:assert/strict";
import fc from "fast-check";
import { createSagaService, type StepRecord } from "../../protocols/saga/service.ts";
import { sagaOptions } from "../../protocols/saga/options.ts";
import { memoryStorage } from "../txn/fake_ctx.ts";

const order = (id: string, qty = 2) => ({
  id,
  item: "a",
  qty,
  amount: 10,
  account: "x",
  region: "east",
});

Deno.test("a step runs once: a retry gets the recorded outcome and changes nothing more", () => {
  const storage = memoryStorage();
  const s = createSagaService(storage, "inventory", { stock: { a: 5 } }, () => 0.5, () => 1);
  assert.deepEqual(s.doStep(order("o1")), { ok: true, fresh: true });
  assert.deepEqual(s.doStep(order("o1")), { ok: true, fresh: false });
  assert.equal(storage.get("res/stock/a"), 3);
  assert.deepEqual(s.doStep(order("o2", 4)), {
    ok: false,
    reason: "insufficient stock/a: 3 < 4",
    fresh: true,
  });
  assert.deepEqual(s.doStep(order("o2", 4)), {
    ok: false,
    reason: "insufficient stock/a: 3 < 4",
    fresh: false,
  });
});

Deno.test("a compensation gives the change back once, and a late step after it is refused", () => {
  const storage = memoryStorage();
  const s = createSagaService(storage, "payment", { balances: { x: 100 } }, () => 0.5, () => 1);
  s.doStep(order("o1"));
  assert.equal(storage.get("res/balance/x"), 90);
  assert.deepEqual(s.undoStep(order("o1")), { fresh: true });
  assert.deepEqual(s.undoStep(order("o1")), { fresh: false });
  assert.equal(storage.get("res/balance/x"), 100);
  // The compensation overtook the step: a tombstone, and the step is refused when it comes.
  assert.deepEqual(s.undoStep(order("o2")), { fresh: true });
  assert.equal((s.record("o2") as StepRecord & { effect: unknown }).effect, null);
  assert.equal(s.doStep(order("o2")).ok, false);
  assert.equal(storage.get("res/balance/x"), 100);
  // Records survive a restart.
  const again = createSagaService(storage, "payment", { balances: { x: 100 } }, () => 0.5, () => 2);
  assert.equal(again.record("o1")?.state, "compensated");
  assert.equal(again.status().compensated, 2);
});

Deno.test("whatever mix of duplicated, reordered steps and compensations arrives, the ledger balances", () => {
  const op = fc.record({
    kind: fc.constantFrom("do", "undo"),
    id: fc.constantFrom("o1", "o2", "o3", "o4"),
  });
  fc.assert(
    fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
      const storage = memoryStorage();
      const s = createSagaService(storage, "inventory", { stock: { a: 5 } }, () => 0.5, () => 0);
      const undone = new Set<string>();
      for (const o of ops) {
        if (o.kind === "do") s.doStep(order(o.id));
        else {
          s.undoStep(order(o.id));
          undone.add(o.id);
        }
      }
      let expected = 5;
      for (const id of ["o1", "o2", "o3", "o4"]) {
        const r = s.record(id);
        if (r?.state === "done") expected -= 2;
        if (undone.has(id)) assert.notEqual(r?.state, "done"); // never done after its undo
      }
      const stock = (s.status().ledger as Record<string, number>)["stock/a"]!;
      assert.equal(stock, expected);
      assert.ok(stock >= 0);
    }),
    { seed: 42, numRuns: 300 },
  );
});

Deno.test("saga options have defaults and refuse bad values", () => {
  const o = sagaOptions({});
  assert.equal(o.style, "orchestrated");
  assert.equal(o.stepAttempts, 8);
  assert.equal(o.retry.type, "exponential");
  assert.throws(() => sagaOptions({ style: "anarchic" }));
  assert.throws(() => sagaOptions({ stepAttempts: -1 }));
});
