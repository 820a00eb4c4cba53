import assert from "node:assert/strict";
import {
  effectOf,
  initialLedger,
  orderRoles,
  parseOrder,
  refuses,
  shortfall,
} from "../../protocols/txn/order.ts";
import { ledgerApply, ledgerSnapshot, ledgerValue } from "../../protocols/txn/ledger.ts";
import { memoryStorage } from "./fake_ctx.ts";

Deno.test("an order op is parsed with defaults and rejected when malformed", () => {
  assert.deepEqual(parseOrder({ f: "order", id: "o1", item: "item-1", qty: 2, amount: 30 }), {
    id: "o1",
    item: "item-1",
    qty: 2,
    amount: 30,
    account: "alice",
    region: "east",
  });
  assert.equal(
    parseOrder({ f: "order", id: "o1", item: "x", qty: 0, amount: 1 }),
    "order needs a positive integer qty",
  );
  assert.equal(parseOrder({ f: "read", key: "x" }), "unknown operation 'read'");
  assert.equal(parseOrder(null), "operation must be an object");
});

Deno.test("roles default to order, inventory, payment, delivery in node order and can be set", () => {
  const r = orderRoles(["n3", "n1", "n10", "n2", "n4"], {});
  assert.equal(r.order, "n1");
  assert.deepEqual(r.services.map((s) => [s.service, s.node]), [
    ["inventory", "n2"],
    ["payment", "n3"],
    ["delivery", "n4"],
  ]);
  assert.deepEqual(r.others, ["n10"]);
  const custom = orderRoles(["n1", "n2", "n3"], { roles: { order: "n3", payment: "n1" } });
  assert.equal(custom.order, "n3");
  assert.deepEqual(custom.services, [{ service: "payment", node: "n1" }]);
  assert.throws(() => orderRoles(["n1", "n2"], { roles: { order: "n1", payment: "n1" } }));
  assert.throws(() => orderRoles(["n1"], { roles: { order: "n9" } }));
});

Deno.test("each service changes one counter; refusals and shortfalls are reported", () => {
  const o = { id: "o1", item: "a", qty: 3, amount: 25, account: "bob", region: "west" };
  assert.deepEqual(effectOf("inventory", o), { key: "stock/a", delta: -3 });
  assert.deepEqual(effectOf("payment", o), { key: "balance/bob", delta: -25 });
  assert.deepEqual(effectOf("delivery", o), { key: "slots/west", delta: -1 });
  assert.equal(shortfall(2, { key: "stock/a", delta: -3 }), "insufficient stock/a: 2 < 3");
  assert.equal(shortfall(3, { key: "stock/a", delta: -3 }), null);
  assert.equal(refuses({ refuse: { payment: ["o1"] } }, "payment", "o1", () => 0.9), true);
  assert.equal(refuses({ refuse: { payment: ["o1"] } }, "inventory", "o1", () => 0), false);
  assert.equal(refuses({ refuse: { delivery: 0.3 } }, "delivery", "o2", () => 0.2), true);
  assert.equal(refuses({ refuse: { delivery: 0.3 } }, "delivery", "o2", () => 0.4), false);
  assert.deepEqual(initialLedger("payment", { balances: { x: 5 } }), { "balance/x": 5 });
  assert.throws(() => initialLedger("inventory", { stock: { a: -1 } }));
});

Deno.test("a ledger reads initial values until written and lists every counter", () => {
  const storage = memoryStorage();
  const ledger = { storage, initial: { "stock/a": 5, "stock/b": 2 } };
  assert.equal(ledgerValue(ledger, "stock/a"), 5);
  assert.equal(ledgerValue(ledger, "stock/zzz"), 0);
  ledgerApply(ledger, { key: "stock/a", delta: -2 });
  ledgerApply(ledger, { key: "stock/c", delta: 4 });
  assert.deepEqual(ledgerSnapshot(ledger), { "stock/a": 3, "stock/b": 2, "stock/c": 4 });
  assert.equal(storage.get("res/stock/a"), 3);
});
