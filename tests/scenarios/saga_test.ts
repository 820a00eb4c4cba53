import assert from "node:assert/strict";
import { collectLines } from "../../scenarios/scenario.ts";
import { runSaga, type SagaRow, scenario } from "../../scenarios/saga.ts";

const r = runSaga();
const a = r.orchestrated;
const of = (rows: readonly SagaRow[], order: string, kind: SagaRow["kind"]) =>
  rows.filter((e) => e.order === order && e.kind === kind);

Deno.test("saga: deterministic", async () => {
  assert.equal(scenario.name, "saga");
  assert.deepEqual(runSaga(), r);
  assert.deepEqual(await collectLines(scenario), await collectLines(scenario));
});

Deno.test("saga A1–A2: the happy path, then a refused payment compensated by C1 alone, with a dirty read", () => {
  assert.equal(a.clients.o1, "ok: done");
  assert.deepEqual(a.ledgers.A1, { stock: 98, balance: 970, slots: 999 });
  assert.deepEqual(of(a.events, "o2", "step-failed").map((e) => e.service), ["payment"]);
  assert.deepEqual(of(a.events, "o2", "compensate")[0]!.toUndo, ["inventory"]);
  assert.deepEqual(of(a.events, "o2", "undo").map((e) => e.service), ["inventory"]);
  assert.deepEqual(a.dirtyRead, { stock: 96, orderState: "running" });
  assert.equal(a.clients.o2, "fail: compensated: payment refused o2");
  assert.deepEqual(a.ledgers.A2, a.ledgers.A1);
});

Deno.test("saga A3: the orchestrator resumes from its log and the repeated T2 is answered from its record", () => {
  assert.deepEqual(a.loggedAtCrash, { state: "running", done: ["inventory"] });
  assert.ok(a.events.some((e) => e.kind === "recover"));
  assert.deepEqual(of(a.events, "o3", "repeat").map((e) => e.service), ["payment"]);
  assert.deepEqual(of(a.events, "o3", "end").map((e) => e.state), ["done"]);
  assert.deepEqual(a.ledgers.A3, { stock: 96, balance: 940, slots: 998 });
});

Deno.test("saga A4: T3 ran but went unanswered, so C3 → C2 → C1 run in that order", () => {
  const steps = of(a.events, "o4", "step");
  assert.deepEqual(steps.map((e) => e.service), ["inventory", "payment", "delivery"]);
  assert.deepEqual(a.ledgers["A4 at give-up"], { stock: 94, balance: 910, slots: 997 });
  assert.deepEqual(of(a.events, "o4", "compensate")[0]!.toUndo, [
    "delivery",
    "payment",
    "inventory",
  ]);
  const undo = of(a.events, "o4", "undo");
  assert.deepEqual(undo.map((e) => [e.service, e.node]), [
    ["delivery", "n4"],
    ["payment", "n3"],
    ["inventory", "n2"],
  ]);
  assert.ok(undo[0]!.at < undo[1]!.at && undo[1]!.at < undo[2]!.at);
  assert.ok(steps.at(-1)!.at < undo[0]!.at, "C3 undoes a T3 that happened");
  assert.deepEqual(of(a.events, "o4", "end").map((e) => e.state), ["compensated"]);
  assert.equal(a.clients.o4, "fail: compensated: no answer from delivery after 3 attempts");
  assert.deepEqual(a.ledgers.A4, a.ledgers.A3, "each counter given back once");
});

Deno.test("saga B: choreography over the bus, the failure travelling back up the chain", () => {
  const b = r.choreographed;
  assert.equal(b.clients.o5, "ok: done");
  assert.deepEqual(b.busEvents.o5, [
    "OrderCreated",
    "StockReserved",
    "PaymentTaken",
    "DeliveryArranged",
  ]);
  assert.deepEqual(b.busEvents.o6, [
    "OrderCreated",
    "StockReserved",
    "PaymentTaken",
    "DeliveryFailed",
    "PaymentRefunded",
    "StockReturned",
  ]);
  assert.deepEqual(of(b.events, "o6", "undo").map((e) => e.service), ["payment", "inventory"]);
  assert.equal(b.clients.o6, "fail: compensated: delivery refused o6");
  assert.deepEqual(b.ledger, { stock: 98, balance: 970, slots: 999 });
});
