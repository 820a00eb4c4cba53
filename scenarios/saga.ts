/**
 * Scenario `saga`: the EC-site order as a saga. Orchestrated: the happy path; payment
 * fails and the completed steps are compensated in reverse, while a read in between
 * sees stock reserved for an order that is then cancelled (no isolation); the
 * orchestrator crashes mid-saga and resumes from its log. Choreographed over the
 * message bus: the same order as a chain of events, and a failed delivery travelling
 * back up the chain.
 *
 * @module
 */

import { Simulation } from "../nodes/simulator.ts";
import type { Reply } from "../protocols/node.ts";
import { choreographyBusOptions, saga } from "../protocols/saga/saga.ts";
import type { SagaRecord } from "../protocols/saga/orchestrator.ts";
import type { SagaEvent } from "../protocols/saga/message.ts";
import { busConfig, leaderOf, partitionOf } from "../protocols/bus/config.ts";
import type { BusNode } from "../protocols/bus/bus.ts";
import { type Scenario, timeline } from "./scenario.ts";
import { ledgerTable, orderOp } from "./ec_order.ts";

const STEP: Record<string, string> = {
  inventory: "T1 reserve stock",
  payment: "T2 take payment",
  delivery: "T3 arrange delivery",
};
const UNDO: Record<string, string> = {
  inventory: "C1 return stock",
  payment: "C2 refund",
  delivery: "C3 cancel delivery",
};

function narrate(sim: Simulation, out: (line: string) => void): void {
  const say = timeline(out);
  sim.onTrace((e) => {
    const d = (e.data ?? {}) as Record<string, unknown>;
    const service = String(d.service);
    switch (e.kind) {
      case "saga-step":
        // The services' own records (the orchestrator notes the same step again).
        if (e.node === "n1") return;
        return say(
          e,
          d.ok
            ? `${STEP[service]} for ${d.order}: done`
            : `${STEP[service]} for ${d.order}: FAILED (${d.reason})`,
        );
      case "saga-repeat":
        return say(
          e,
          `${
            STEP[service]
          } for ${d.order} again: answered from its record (key ${d.order}/${service})`,
        );
      case "saga-undo":
        if (e.node === "n1") return;
        return say(e, `${UNDO[service]} for ${d.order}`);
      case "saga-compensate":
        return say(
          e,
          `orchestrator: compensate ${d.order} in reverse: ${
            (d.toUndo as string[]).map((s) => UNDO[s]).join(" → ")
          }`,
        );
      case "saga-end":
        return say(e, `${d.order} ends ${String(d.state).toUpperCase()}`);
      case "saga-recover":
        return say(
          e,
          `orchestrator recovers: resumes ${(d.resume as string[]).join(", ")} from its saga log`,
        );
      case "crash":
        return say(e, "CRASHES");
    }
  });
}

function outcome(r: Reply | undefined): string {
  if (r === undefined) return "no answer yet";
  return r.type === "ok"
    ? `ok: ${(r.value as { outcome: string }).outcome}`
    : `${r.type}: ${"error" in r ? r.error : ""}`;
}

function orchestrated(out: (line: string) => void): void {
  const sim = new Simulation({
    protocol: saga,
    nodes: 4,
    seed: 7,
    options: { style: "orchestrated", refuse: { payment: ["o2"] } },
  });
  narrate(sim, out);
  const replies = new Map<string, Reply>();
  const send = (id: string) => sim.request("n1", orderOp(id), 1, (r) => replies.set(id, r));

  out("A. Orchestrated: n1 runs the saga and logs every transition before the next command.");
  out("");
  out("A1. Happy path.");
  send("o1");
  sim.runFor(200);
  out(`    client: ${outcome(replies.get("o1"))}`);
  for (const l of ledgerTable(sim)) out(`    ${l}`);

  out("");
  out(
    "A2. Payment refuses o2; the payment answer is slow, and a reader looks at the stock meanwhile.",
  );
  sim.network.cut("n3", "n1");
  send("o2");
  sim.runFor(40);
  let read: Reply | undefined;
  sim.request("n2", { f: "read", key: "stock/item-1" }, 2, (r) => read = r);
  let state: Reply | undefined;
  sim.request("n1", { f: "read-order", id: "o2" }, 2, (r) => state = r);
  sim.runFor(2);
  const os = (state as { value: { state: string } }).value.state;
  out(
    `    read of stock/item-1 at n2: ${
      (read as { value: number }).value
    }  ← includes o2's reservation (order o2 reads "${os}")`,
  );
  sim.network.heal();
  sim.runFor(400);
  out(`    client: ${outcome(replies.get("o2"))}`);
  out("    The reader saw stock reserved for an order that was then compensated: sagas give up");
  out('    isolation; the order\'s "pending" state is the only (semantic) lock.');
  for (const l of ledgerTable(sim)) out(`    ${l}`);

  out("");
  out("A3. The orchestrator crashes after T2 ran but before it heard so.");
  let crashed = false;
  sim.onTrace((e) => {
    if (!crashed && e.kind === "saga-step" && e.node === "n3") {
      crashed = true;
      sim.crash("n1");
    }
  });
  send("o3");
  sim.runFor(300);
  const logged = sim.disk("n1").get("saga/o3") as SagaRecord;
  out(`    saga log on n1's disk: state ${logged.state}, steps done: ${logged.done.join(", ")}`);
  sim.restart("n1");
  sim.runFor(500);
  out("    The repeated T2 was answered from the service's record: alice paid once.");
  out(`    client: ${outcome(replies.get("o3"))} (the client's request died with the crash)`);
  out(`    saga log: ${(sim.disk("n1").get("saga/o3") as SagaRecord).state}`);
  for (const l of ledgerTable(sim)) out(`    ${l}`);
}

function choreographed(out: (line: string) => void): void {
  const options = { style: "choreographed", refuse: { delivery: ["o5"] } };
  const sim = new Simulation({ protocol: saga, nodes: 5, seed: 11, options });
  narrate(sim, out);
  const replies = new Map<string, Reply>();
  const send = (id: string) => sim.request("n1", orderOp(id), 1, (r) => replies.set(id, r));
  const config = busConfig(sim.nodes, choreographyBusOptions(options, ["n5"], "saga"));
  const events = (id: string) => {
    const p = partitionOf(config, "saga", id);
    const broker = (sim.host(leaderOf(config, "saga", p))!.node as BusNode).broker!;
    return broker.partitions().find((v) => v.partition === p)!.replica.log
      .map((r) => r.value as SagaEvent)
      .filter((e) => e.order.id === id)
      .map((e) => e.type);
  };

  out(
    "B. Choreographed: no orchestrator. Each service consumes the saga topic on the bus (broker n5)",
  );
  out("   and reacts to its neighbour's events; outcomes go out through a durable outbox.");
  out("");
  out("B1. Happy path.");
  send("o4");
  sim.runFor(500);
  out(`    events on the bus: ${events("o4").join(" → ")}`);
  out(`    client: ${outcome(replies.get("o4"))}`);
  out("");
  out("B2. Delivery refuses o5: the failure travels back up the chain.");
  send("o5");
  sim.runFor(800);
  out(`    events on the bus: ${events("o5").join(" → ")}`);
  out(`    client: ${outcome(replies.get("o5"))}`);
  for (const l of ledgerTable(sim)) out(`    ${l}`);
}

/**
 * The `saga` scenario.
 *
 * @example
 * ```ts
 * import { scenario } from "./saga.ts";
 * import { collectLines } from "./scenario.ts";
 * const lines = await collectLines(scenario);
 * lines.some((l) => l.includes("C1 return stock")); // true
 * ```
 */
export const scenario: Scenario = {
  name: "saga",
  description:
    "the order as a saga: compensations in reverse, orchestrator crash, choreography over the bus",
  run(out) {
    out("The EC-site order as a saga: T1 reserve stock → T2 take payment → T3 arrange delivery;");
    out("on failure the compensations C3 → C2 → C1 undo what was done, in reverse.");
    out("n1 order service, n2 inventory, n3 payment, n4 delivery.");
    out("");
    orchestrated(out);
    out("");
    choreographed(out);
  },
};
