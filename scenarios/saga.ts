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
import { paragraphs, type Scenario, timeline } from "./scenario.ts";
import { ledgerTable, orderOp } from "./ec_order.ts";
import { type Tr, translator } from "../i18n/catalogue.ts";
import type { Lang } from "../i18n/lang.ts";
import { JA } from "./ja/saga.ts";

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

/**
 * One narrated saga event.
 *
 * @example
 * ```ts
 * import type { SagaRow } from "./saga.ts";
 * const r: SagaRow = { at: 348.9, node: "n2", kind: "undo", order: "o2", service: "inventory" };
 * ```
 */
export interface SagaRow {
  readonly at: number;
  readonly node: string;
  readonly kind:
    | "step"
    | "step-failed"
    | "repeat"
    | "undo"
    | "compensate"
    | "end"
    | "recover"
    | "crash";
  readonly order?: string;
  readonly service?: string;
  /** For `compensate`: the compensations to run, in order. */
  readonly toUndo?: readonly string[];
  /** For `end`: `done` or `compensated`. */
  readonly state?: string;
}

function narrate(sim: Simulation, out: (line: string) => void, rows: SagaRow[], t: Tr): void {
  const say = timeline(out);
  sim.onTrace((e) => {
    const d = (e.data ?? {}) as Record<string, unknown>;
    const service = String(d.service);
    const row = (kind: SagaRow["kind"], extra: Partial<SagaRow> = {}) =>
      rows.push({
        at: e.time,
        node: e.node,
        kind,
        ...(d.order !== undefined ? { order: String(d.order) } : {}),
        ...(d.service !== undefined ? { service } : {}),
        ...extra,
      });
    switch (e.kind) {
      case "saga-step":
        // The services' own records (the orchestrator notes the same step again).
        if (e.node === "n1") return;
        row(d.ok ? "step" : "step-failed");
        return say(
          e,
          d.ok
            ? t`${t.text(STEP[service]!)} for ${d.order}: done`
            : t`${t.text(STEP[service]!)} for ${d.order}: FAILED (${t.text(String(d.reason))})`,
        );
      case "saga-repeat":
        row("repeat");
        return say(
          e,
          t`${
            t.text(STEP[service]!)
          } for ${d.order} again: answered from its record (key ${d.order}/${service})`,
        );
      case "saga-undo":
        if (e.node === "n1") return;
        row("undo");
        return say(e, t`${t.text(UNDO[service]!)} for ${d.order}`);
      case "saga-compensate":
        row("compensate", { toUndo: d.toUndo as string[] });
        return say(
          e,
          t`orchestrator: compensate ${d.order} (${t.text(String(d.reason))}) in reverse: ${
            (d.toUndo as string[]).map((s) => t.text(UNDO[s]!)).join(" → ")
          }`,
        );
      case "saga-end":
        row("end", { state: String(d.state) });
        return say(e, t`${d.order} ends ${String(d.state).toUpperCase()}`);
      case "saga-recover":
        row("recover");
        return say(
          e,
          t`orchestrator recovers: resumes ${(d.resume as string[]).join(", ")} from its saga log`,
        );
      case "crash":
        row("crash");
        return say(e, t`CRASHES`);
    }
  });
}

/**
 * The three ledger counters after a part of the scenario.
 *
 * @example
 * ```ts
 * import type { Ledger } from "./saga.ts";
 * const l: Ledger = { stock: 98, balance: 970, slots: 999 };
 * ```
 */
export interface Ledger {
  readonly stock: number;
  readonly balance: number;
  readonly slots: number;
}

function ledger(sim: Simulation): Ledger {
  const v = (n: string, k: string) => (sim.status(n).ledger as Record<string, number>)[k]!;
  return {
    stock: v("n2", "stock/item-1"),
    balance: v("n3", "balance/alice"),
    slots: v("n4", "slots/east"),
  };
}

/**
 * What the `saga` scenario found: every narrated event, each order's client answer, and
 * the ledgers after each part.
 *
 * @example
 * ```ts
 * import { runSaga } from "./saga.ts";
 * const r = runSaga();
 * r.orchestrated.clients.o4; // "fail: compensated: no answer from delivery after 3 attempts"
 * ```
 */
export interface SagaResult {
  readonly orchestrated: {
    readonly events: readonly SagaRow[];
    readonly clients: Readonly<Record<string, string>>;
    readonly ledgers: Readonly<Record<string, Ledger>>;
    /** Stock at n2 as a reader saw it while o2's saga ran, and o2's state then. */
    readonly dirtyRead: { readonly stock: number; readonly orderState: string };
    /** o3's saga log on n1's disk right after the crash. */
    readonly loggedAtCrash: { readonly state: string; readonly done: readonly string[] };
  };
  readonly choreographed: {
    readonly events: readonly SagaRow[];
    readonly clients: Readonly<Record<string, string>>;
    readonly busEvents: Readonly<Record<string, readonly string[]>>;
    readonly ledger: Ledger;
  };
}

function outcome(r: Reply | undefined): string {
  if (r === undefined) return "no answer yet";
  return r.type === "ok"
    ? `ok: ${(r.value as { outcome: string }).outcome}`
    : `${r.type}: ${"error" in r ? r.error : ""}`;
}

function orchestrated(out: (line: string) => void, t: Tr): SagaResult["orchestrated"] {
  const tell = paragraphs(out);
  const sim = new Simulation({
    protocol: saga,
    nodes: 4,
    seed: 7,
    options: { style: "orchestrated", refuse: { payment: ["o2"] }, stepAttempts: 3 },
  });
  const events: SagaRow[] = [];
  narrate(sim, out, events, t);
  const replies = new Map<string, Reply>();
  const ledgers: Record<string, Ledger> = {};
  const send = (id: string) => sim.request("n1", orderOp(id), 1, (r) => replies.set(id, r));
  const showLedger = (part: string) => {
    ledgers[part] = ledger(sim);
    for (const l of ledgerTable(sim)) out(`    ${l}`);
  };

  tell(
    t`A. Orchestrated: n1 runs the saga and logs every transition before the next command.\n   A step gets 3 attempts; a step still unanswered then counts as failed.`,
  );
  out("");
  tell(t`A1. Happy path.`);
  send("o1");
  sim.runFor(200);
  tell(t`    client: ${t.text(outcome(replies.get("o1")))}`);
  showLedger("A1");

  out("");
  tell(
    t`A2. Payment refuses o2; the payment answer is slow, and a reader looks at the stock meanwhile.`,
  );
  sim.network.cut("n3", "n1");
  send("o2");
  sim.runFor(40);
  let read: Reply | undefined;
  sim.request("n2", { f: "read", key: "stock/item-1" }, 2, (r) => read = r);
  let state: Reply | undefined;
  sim.request("n1", { f: "read-order", id: "o2" }, 2, (r) => state = r);
  sim.runFor(2);
  const dirtyRead = {
    stock: (read as { value: number }).value,
    orderState: (state as { value: { state: string } }).value.state,
  };
  tell(
    t`    read of stock/item-1 at n2: ${dirtyRead.stock}  ← includes o2's reservation (order o2 reads "${dirtyRead.orderState}")`,
  );
  sim.network.heal();
  sim.runFor(400);
  tell(
    t`    client: ${
      t.text(outcome(replies.get("o2")))
    }\n    The reader saw stock reserved for an order that was then compensated: sagas give up\n    isolation; the order's "pending" state is the only (semantic) lock.\n    T2 failed outright, so it changed nothing and has no compensation to run: only C1.`,
  );
  showLedger("A2");

  out("");
  tell(t`A3. The orchestrator crashes after T2 ran but before it heard so.`);
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
  const loggedAtCrash = { state: logged.state, done: [...logged.done] };
  tell(t`    saga log on n1's disk: state ${logged.state}, steps done: ${logged.done.join(", ")}`);
  sim.restart("n1");
  sim.runFor(500);
  tell(
    t`    The repeated T2 was answered from the service's record: alice paid once.\n    client: ${
      t.text(outcome(replies.get("o3")))
    } (the client's request died with the crash)\n    saga log: ${
      (sim.disk("n1").get("saga/o3") as SagaRecord).state
    }`,
  );
  showLedger("A3");

  out("");
  tell(
    t`A4. T3 runs, but its answers to the orchestrator are lost: C3 → C2 → C1.\n    The chapter's example compensates C3 → C2 → C1 after T3 fails. Where this differs:\n    a step that fails outright changed nothing and needs no compensation (A2). C3 runs\n    when T3's outcome is unknown — it may have happened — as here: n4 arranges the\n    delivery, every answer from n4 to n1 is lost, and after 3 attempts the orchestrator\n    compensates everything, T3 first.`,
  );
  const cut = sim.network.cut("n4", "n1");
  send("o4");
  sim.runUntil(() => events.some((e) => e.kind === "compensate" && e.order === "o4"), 10_000);
  const atGiveUp = ledger(sim);
  ledgers["A4 at give-up"] = atGiveUp;
  tell(
    t`    when the orchestrator gave up: stock ${atGiveUp.stock}, balance ${atGiveUp.balance}, slots ${atGiveUp.slots} — T3 had taken its slot.`,
  );
  // Answers get through again, so the compensations are acknowledged.
  sim.network.remove(cut);
  sim.runFor(2000);
  tell(
    t`    client: ${
      t.text(outcome(replies.get("o4")))
    }\n    Every counter is back where A3 left it: the delivery slot, alice's money and the\n    stock were each given back once.`,
  );
  showLedger("A4");
  const clients = Object.fromEntries(
    ["o1", "o2", "o3", "o4"].map((id) => [id, outcome(replies.get(id))]),
  );
  return { events, clients, ledgers, dirtyRead, loggedAtCrash };
}

function choreographed(out: (line: string) => void, t: Tr): SagaResult["choreographed"] {
  const tell = paragraphs(out);
  const options = { style: "choreographed", refuse: { delivery: ["o6"] } };
  const sim = new Simulation({ protocol: saga, nodes: 5, seed: 11, options });
  const rows: SagaRow[] = [];
  narrate(sim, out, rows, t);
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

  tell(
    t`B. Choreographed: no orchestrator. Each service consumes the saga topic on the bus (broker n5)\n   and reacts to its neighbour's events; outcomes go out through a durable outbox.\n   (A fresh five-node cluster: its times start again at 0.)`,
  );
  out("");
  tell(t`B1. Happy path.`);
  send("o5");
  sim.runFor(500);
  tell(
    t`    events on the bus: ${events("o5").join(" → ")}\n    client: ${
      t.text(outcome(replies.get("o5")))
    }`,
  );
  out("");
  tell(t`B2. Delivery refuses o6: the failure travels back up the chain.`);
  send("o6");
  sim.runFor(800);
  tell(
    t`    events on the bus: ${events("o6").join(" → ")}\n    client: ${
      t.text(outcome(replies.get("o6")))
    }`,
  );
  for (const l of ledgerTable(sim)) out(`    ${l}`);
  return {
    events: rows,
    clients: { o5: outcome(replies.get("o5")), o6: outcome(replies.get("o6")) },
    busEvents: { o5: events("o5"), o6: events("o6") },
    ledger: ledger(sim),
  };
}

/**
 * Runs the saga scenario, printing through `out`, and returns what it found.
 *
 * @example
 * ```ts
 * import { runSaga } from "./saga.ts";
 * runSaga().choreographed.clients.o5; // "ok: done"
 * ```
 */
export function runSaga(out: (line: string) => void = () => {}, lang: Lang = "en"): SagaResult {
  const t = translator(lang, JA);
  const tell = paragraphs(out);
  tell(
    t`The EC-site order as a saga: T1 reserve stock → T2 take payment → T3 arrange delivery;\non failure the compensations C3 → C2 → C1 undo what was done, in reverse.\nn1 order service, n2 inventory, n3 payment, n4 delivery.`,
  );
  out("");
  const a = orchestrated(out, t);
  out("");
  const b = choreographed(out, t);
  return { orchestrated: a, choreographed: b };
}

/**
 * The `saga` scenario.
 *
 * @example
 * ```ts
 * import { scenario } from "./saga.ts";
 * import { collectLines } from "./scenario.ts";
 * const lines = await collectLines(scenario);
 * lines.some((l) => l.includes("C3 cancel delivery")); // true
 * ```
 */
export const scenario: Scenario = {
  name: "saga",
  description:
    "the order as a saga: compensations C3 → C2 → C1, orchestrator crash, choreography over the bus",

  descriptionJa:
    "注文を Saga で: 補償 C3 → C2 → C1、オーケストレータのクラッシュ、バス上のコレオグラフィー",
  run(out, _flags, lang) {
    return runSaga(out, lang);
  },
};
