import assert from "node:assert/strict";
import {
  checkSaga,
  checkSagaLedgers,
  checkSagaOutcomes,
  checkSagaSettled,
  type SagaServiceView,
} from "../../protocols/saga/invariants.ts";

const order = { id: "o1", item: "a", qty: 2, amount: 10, account: "x", region: "east" };
const done = (key: string, delta: number) => ({
  state: "done" as const,
  effect: { key, delta },
  at: 0,
});

function inventory(extra: Partial<SagaServiceView> = {}): SagaServiceView {
  return {
    node: "n2",
    service: "inventory",
    records: {},
    ledger: { "stock/a": 10 },
    initial: { "stock/a": 10 },
    ...extra,
  };
}

Deno.test("a ledger must reflect exactly the done steps", () => {
  assert.equal(
    checkSagaLedgers({
      orders: {},
      services: [inventory({ records: { o1: done("stock/a", -2) } })],
    }),
    "n2: stock/a is 10, expected 8",
  );
  assert.equal(
    checkSagaLedgers({
      orders: {},
      services: [inventory({ records: { o1: done("stock/a", -2) }, ledger: { "stock/a": 8 } })],
    }),
    null,
  );
});

Deno.test("a done saga needs every step done; a compensated one none", () => {
  const stepDone = inventory({ records: { o1: done("stock/a", -2) }, ledger: { "stock/a": 8 } });
  assert.equal(
    checkSagaOutcomes({ orders: { o1: { order, state: "compensated" } }, services: [stepDone] }),
    "o1 is compensated but its inventory step is still done at n2",
  );
  assert.equal(
    checkSagaOutcomes({ orders: { o1: { order, state: "done" } }, services: [inventory()] }),
    "o1 is done but its inventory step is missing at n2",
  );
  assert.equal(checkSaga({ orders: { o1: { order, state: "done" } }, services: [stepDone] }), null);
  assert.equal(
    checkSagaOutcomes({ orders: { o1: { order, state: "pending" } }, services: [stepDone] }),
    null,
  );
});

Deno.test("at the end every saga has ended and the books balance against the done orders", () => {
  assert.equal(
    checkSagaSettled({ orders: { o1: { order, state: "pending" } }, services: [] }),
    "o1 never ended (still pending)",
  );
  const orphan = inventory({ records: { o9: done("stock/a", -2) }, ledger: { "stock/a": 8 } });
  assert.equal(
    checkSagaSettled({ orders: {}, services: [orphan] }),
    "n2 holds a done inventory step for unknown order o9",
  );
  const ok = inventory({ records: { o1: done("stock/a", -2) }, ledger: { "stock/a": 8 } });
  assert.equal(
    checkSagaSettled({ orders: { o1: { order, state: "done" } }, services: [ok] }),
    null,
  );
});
