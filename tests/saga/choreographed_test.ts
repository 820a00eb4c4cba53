import assert from "node:assert/strict";
import { Simulation } from "../../nodes/simulator.ts";
import { choreographyBusOptions, saga } from "../../protocols/saga/saga.ts";
import { busConfig, leaderOf, partitionOf } from "../../protocols/bus/config.ts";
import type { BusNode } from "../../protocols/bus/bus.ts";
import type { SagaEvent } from "../../protocols/saga/message.ts";
import { sagaCluster } from "./saga_cluster.ts";

function cluster(seed: number, options: Record<string, unknown> = {}) {
  const all = { style: "choreographed", ...options };
  const { sim, replies, send, ledger } = sagaCluster(5, seed, all);
  const config = busConfig(sim.nodes, choreographyBusOptions(all, ["n5"], "saga"));
  /** The order's events, in the order the bus holds them. */
  const events = (id: string) => {
    const p = partitionOf(config, "saga", id);
    const broker = (sim.host(leaderOf(config, "saga", p))!.node as BusNode).broker!;
    const log = broker.partitions().find((v) => v.partition === p)!.replica.log;
    return log.map((r) => r.value as SagaEvent).filter((e) => e.order.id === id).map((e) => e.type);
  };
  return { sim, replies, send, events, ledger };
}

Deno.test("choreography: each service reacts to the previous one's event and the order is done", () => {
  const { sim, replies, send, events, ledger } = cluster(1);
  send("o1");
  sim.runFor(1000);
  assert.deepEqual(replies, [{ type: "ok", value: { order: "o1", outcome: "done" } }]);
  assert.deepEqual(events("o1"), [
    "OrderCreated",
    "StockReserved",
    "PaymentTaken",
    "DeliveryArranged",
  ]);
  assert.equal(ledger("n2", "stock/item-1"), 98);
  assert.equal(ledger("n3", "balance/alice"), 970);
  assert.equal(ledger("n4", "slots/east"), 999);
});

Deno.test("choreography: a failed payment makes the inventory return the stock", () => {
  const { sim, replies, send, events, ledger } = cluster(2, { refuse: { payment: ["o2"] } });
  send("o2");
  sim.runFor(1000);
  assert.deepEqual(replies, [{ type: "fail", code: 14, error: "compensated: payment refused o2" }]);
  assert.deepEqual(events("o2"), [
    "OrderCreated",
    "StockReserved",
    "PaymentFailed",
    "StockReturned",
  ]);
  assert.equal(ledger("n2", "stock/item-1"), 100);
});

Deno.test("choreography: a failed delivery travels back up the chain, compensating in reverse", () => {
  const { sim, replies, send, events, ledger } = cluster(3, { refuse: { delivery: ["o3"] } });
  send("o3");
  sim.runFor(1000);
  assert.equal(replies[0]?.type, "fail");
  assert.deepEqual(events("o3"), [
    "OrderCreated",
    "StockReserved",
    "PaymentTaken",
    "DeliveryFailed",
    "PaymentRefunded",
    "StockReturned",
  ]);
  assert.equal(ledger("n3", "balance/alice"), 1000);
  assert.equal(ledger("n2", "stock/item-1"), 100);
});

Deno.test("choreography: a redelivered event after a service crash is not applied twice", () => {
  const { sim, replies, send, ledger } = cluster(4);
  // Once payment has charged, cut it off from the broker (its offset commit is lost) and
  // crash it; after the restart it polls from the old committed offset again.
  sim.onTrace((e) => {
    if (e.kind === "saga-step" && e.node === "n3" && sim.isUp("n3")) {
      sim.network.isolate("n3");
      sim.after(0, () => sim.crash("n3"));
    }
  });
  send("o4");
  sim.runFor(300);
  sim.network.heal();
  sim.restart("n3");
  sim.runFor(2000);
  assert.deepEqual(replies.map((r) => r.type), ["ok"]);
  assert.equal(ledger("n3", "balance/alice"), 970); // charged once
  const steps = sim.trace().filter((e) => e.kind === "saga-step" && e.node === "n3");
  assert.equal(steps.length, 1);
});

Deno.test("a choreography needs a broker node", () => {
  assert.throws(
    () =>
      new Simulation({ protocol: saga, nodes: 4, seed: 1, options: { style: "choreographed" } }),
    /needs a broker node/,
  );
});
