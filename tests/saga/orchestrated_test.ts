import assert from "node:assert/strict";
import type { Reply } from "../../protocols/node.ts";
import type { SagaRecord } from "../../protocols/saga/orchestrator.ts";
import { sagaCluster } from "./saga_cluster.ts";

function cluster(seed: number, options: Record<string, unknown> = {}) {
  const { sim, replies, send, ledger } = sagaCluster(4, seed, options);
  const steps = (order: string) =>
    sim.trace()
      .filter((e) =>
        e.node !== "n1" && // the services' own records, not the orchestrator's
        (e.kind === "saga-step" || e.kind === "saga-undo") &&
        (e.data as { order: string }).order === order
      )
      .map((e) => {
        const d = e.data as { service: string; ok?: boolean };
        return `${e.kind === "saga-undo" ? "C" : d.ok ? "T" : "F"}:${d.service}`;
      });
  return { sim, replies, send, steps, ledger };
}

Deno.test("the order saga runs T1, T2, T3 and is done", () => {
  const { sim, replies, send, steps, ledger } = cluster(1);
  send("o1");
  sim.runFor(500);
  assert.deepEqual(replies, [{ type: "ok", value: { order: "o1", outcome: "done" } }]);
  assert.deepEqual(steps("o1"), ["T:inventory", "T:payment", "T:delivery"]);
  assert.equal(ledger("n2", "stock/item-1"), 98);
  assert.equal(ledger("n3", "balance/alice"), 970);
  assert.equal(ledger("n4", "slots/east"), 999);
});

Deno.test("a failed delivery compensates payment then stock, in reverse order", () => {
  const { sim, replies, send, steps, ledger } = cluster(2, { refuse: { delivery: ["o2"] } });
  send("o2");
  sim.runFor(500);
  assert.deepEqual(replies, [{
    type: "fail",
    code: 14,
    error: "compensated: delivery refused o2",
  }]);
  // T3 failed (F): it changed nothing, so there is nothing to compensate there.
  assert.deepEqual(steps("o2"), [
    "T:inventory",
    "T:payment",
    "F:delivery",
    "C:payment",
    "C:inventory",
  ]);
  assert.equal(ledger("n2", "stock/item-1"), 100);
  assert.equal(ledger("n3", "balance/alice"), 1000);
});

Deno.test("while a saga runs its order reads pending (the semantic lock); a repeat waits for the end", () => {
  const { sim, replies, send } = cluster(3);
  sim.crash("n3"); // payment is down: the saga cannot finish yet
  send("o3");
  sim.runFor(200);
  const read: Reply[] = [];
  sim.request("n1", { f: "read-order", id: "o3" }, 2, (r) => read.push(r));
  send("o3");
  sim.runFor(10);
  assert.equal((read[0] as { value: { state: string } }).value.state, "running");
  assert.equal(replies.length, 0);
  sim.restart("n3");
  sim.runFor(2000);
  assert.deepEqual(replies.map((r) => r.type), ["ok", "ok"]);
});

Deno.test("the orchestrator resumes an unfinished saga from its log after a crash", () => {
  const { sim, send, steps, ledger } = cluster(4);
  sim.onTrace((e) => {
    if (e.kind === "saga-step" && e.node === "n3" && sim.isUp("n1")) sim.crash("n1");
  });
  send("o4");
  sim.runFor(300);
  const logged = sim.disk("n1").get("saga/o4") as SagaRecord;
  assert.equal(logged.state, "running");
  assert.deepEqual(logged.done, ["inventory"]); // the payment result never arrived
  sim.restart("n1");
  sim.runFor(1000);
  assert.equal((sim.disk("n1").get("saga/o4") as SagaRecord).state, "done");
  assert.ok(sim.trace().some((e) => e.kind === "saga-recover"));
  // The payment step was sent again and answered from its record: charged once.
  assert.deepEqual(steps("o4"), ["T:inventory", "T:payment", "T:delivery"]);
  assert.equal(ledger("n3", "balance/alice"), 970);
});

Deno.test("a step that never answers is given up and compensated, itself first", () => {
  const { sim, replies, send, steps, ledger } = cluster(5, { stepAttempts: 3 });
  sim.network.isolate("n4"); // delivery unreachable
  send("o5");
  sim.runFor(3000);
  // Did delivery happen? The orchestrator cannot know, so it compensates delivery first —
  // and that compensation, too, must wait until delivery is reachable.
  assert.equal(replies.length, 0);
  assert.deepEqual(sim.status("n1").compensating, ["o5"]);
  assert.deepEqual(steps("o5"), ["T:inventory", "T:payment"]);
  sim.network.heal();
  sim.runFor(2000);
  assert.equal(replies.length, 1);
  assert.match((replies[0] as { error: string }).error, /no answer from delivery after 3 attempts/);
  assert.deepEqual(steps("o5"), [
    "T:inventory",
    "T:payment",
    "C:delivery",
    "C:payment",
    "C:inventory",
  ]);
  // Delivery never ran the step: its compensation left a tombstone, and nothing changed.
  assert.deepEqual(sim.disk("n4").get("step/o5"), {
    state: "compensated",
    effect: null,
    at: (sim.disk("n4").get("step/o5") as { at: number }).at,
  });
  assert.equal(ledger("n4", "slots/east"), 1000);
  assert.equal(ledger("n3", "balance/alice"), 1000);
  assert.equal(ledger("n2", "stock/item-1"), 100);
});

Deno.test("sagas have no isolation: a read sees stock reserved for an order that is later compensated", () => {
  const { sim, send, ledger } = cluster(6, { refuse: { payment: ["o6"] } });
  sim.network.cut("n3", "n1"); // slow the payment answer so the read falls in between
  send("o6");
  sim.runFor(50);
  const dirty: Reply[] = [];
  sim.request("n2", { f: "read", key: "stock/item-1" }, 3, (r) => dirty.push(r));
  sim.runFor(5);
  assert.deepEqual(dirty, [{ type: "ok", value: 98 }]); // reserved for o6…
  sim.network.heal();
  sim.runFor(1000);
  assert.equal(ledger("n2", "stock/item-1"), 100); // …which was compensated
});
