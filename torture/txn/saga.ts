/**
 * The `saga` torture workload (orchestrated, or choreographed with `style`): order
 * clients; after every change the saga checks of only the orders, services and counters
 * that changed (from running expectations kept current by each node's write journal);
 * at each crash or restart and at the end the exhaustive checks; at the end every saga
 * ended and every client answer matching how it ended.
 *
 * @module
 */

import type { NodeId } from "../../protocols/node.ts";
import { initialLedger, orderRoles, type Service } from "../../protocols/txn/order.ts";
import { readRecords } from "../../protocols/txn/invariants.ts";
import { saga } from "../../protocols/saga/saga.ts";
import type { StepRecord } from "../../protocols/saga/service.ts";
import type { SagaRecord } from "../../protocols/saga/orchestrator.ts";
import type { OrderRecord } from "../../protocols/saga/choreography.ts";
import {
  applySagaStepChange,
  checkSaga,
  checkSagaLedgerKeys,
  checkSagaOutcome,
  checkSagaSettled,
  runningSagaLedger,
  type SagaClusterView,
  type SagaOrderView,
  sagaView,
} from "../../protocols/saga/invariants.ts";
import type { Simulation } from "../../nodes/simulator.ts";
import {
  diskFingerprint,
  orderClients,
  PLENTY,
  type RecordMirror,
  recordMirror,
  type TxnWorkload,
} from "./harness.ts";

/** What the per-step checks keep between steps. */
interface Tracked {
  readonly orders: RecordMirror;
  readonly orderNode: NodeId;
  readonly services: {
    readonly node: NodeId;
    readonly service: Service;
    readonly initial: Readonly<Record<string, number>>;
    readonly mirror: RecordMirror;
    readonly expected: Map<string, number>;
    up: boolean;
  }[];
  up: boolean;
}

/**
 * Orders as sagas, some refused by payment or delivery so that compensations run.
 *
 * @example
 * ```ts
 * import { sagaWorkload } from "./saga.ts";
 * sagaWorkload.harness({ style: "choreographed" }).nodes; // 7
 * ```
 */
export const sagaWorkload: TxnWorkload = {
  defaults: { refuse: { payment: 0.15, delivery: 0.1 }, ...PLENTY },
  harness(options) {
    const choreographed = options.style === "choreographed";
    const replies = new Map<string, "ok" | "fail">();
    const prefix = choreographed ? "order/" : "saga/";
    let tracked: Tracked | null = null;
    // The exhaustive view reads the disks themselves, not the mirrors.
    const view = (sim: Simulation): SagaClusterView =>
      sagaView(sim.nodes, options, (n, p) => readRecords(sim.disk(n).inspect(), p));
    const exhaustive = (sim: Simulation) => checkSaga(view(sim));
    const stateOf = (r: SagaRecord | OrderRecord | undefined): SagaOrderView["state"] | undefined =>
      r === undefined
        ? undefined
        : r.state === "done" || r.state === "compensated"
        ? r.state
        : "pending";
    const track = (sim: Simulation): Tracked => {
      const roles = orderRoles(sim.nodes, options);
      return {
        orders: recordMirror(sim, roles.order, [prefix]),
        orderNode: roles.order,
        services: roles.services.map(({ node, service }) => {
          const initial = initialLedger(service, options);
          const mirror = recordMirror(sim, node, ["step/", "res/"]);
          const steps = mirror.records("step/") as ReadonlyMap<string, StepRecord>;
          const expected = runningSagaLedger(initial, steps);
          return { node, service, initial, mirror, expected, up: sim.isUp(node) };
        }),
        up: sim.isUp(roles.order),
      };
    };
    return {
      protocol: saga,
      nodes: choreographed ? 7 : 4,
      options,
      fingerprint: diskFingerprint(),
      exhaustive,
      check(sim) {
        if (tracked === null) {
          tracked = track(sim);
          return exhaustive(sim);
        }
        const t = tracked;
        const ids = new Set<string>();
        const o = t.orders.poll();
        let full = o.reset;
        const orderUp = sim.isUp(t.orderNode);
        if (orderUp !== t.up) full = true; // a crash or a restart: the exhaustive checks
        t.up = orderUp;
        for (const ch of o.changes) ids.add(ch.id);
        const changed: { s: Tracked["services"][number]; touched: Set<string> }[] = [];
        for (const s of t.services) {
          const { changes, reset } = s.mirror.poll();
          const up = sim.isUp(s.node);
          if (reset || up !== s.up) full = true;
          s.up = up;
          if (changes.length === 0) continue;
          const touched = new Set<string>();
          for (const ch of changes) {
            if (ch.prefix === "res/") touched.add(ch.id);
            else {
              ids.add(ch.id);
              applySagaStepChange(
                s.expected,
                ch.before as StepRecord | undefined,
                ch.after as StepRecord | undefined,
                touched,
              );
            }
          }
          changed.push({ s, touched });
        }
        if (full) return exhaustive(sim);
        // Ledgers first, then outcomes, as checkSaga does.
        for (const { s, touched } of changed) {
          const bad = checkSagaLedgerKeys(
            s.node,
            s.expected,
            (key) => (s.mirror.records("res/").get(key) as number | undefined) ?? s.initial[key],
            [...touched].sort(),
          );
          if (bad !== null) return bad;
        }
        const orders = t.orders.records(prefix) as ReadonlyMap<string, SagaRecord | OrderRecord>;
        for (const id of ids) {
          const bad = checkSagaOutcome(
            id,
            stateOf(orders.get(id)),
            t.services.map((s) => ({
              node: s.node,
              service: s.service,
              record: s.mirror.records("step/").get(id) as StepRecord | undefined,
            })),
          );
          if (bad !== null) return bad;
        }
        return null;
      },
      start(sim, rng, clients, untilMs, ops) {
        orderClients(sim, rng, clients, untilMs, ops, (id, reply) => {
          if (reply.type === "info") return;
          const outcome = reply.type === "ok"
            ? (reply.value as { outcome?: string } | undefined)?.outcome
            : undefined;
          if (outcome !== "pending") replies.set(id, reply.type);
        });
      },
      settled(sim) {
        const v = view(sim);
        const bad = checkSagaSettled(v);
        if (bad !== null) return bad;
        for (const [id, r] of replies) {
          const s = v.orders[id]?.state;
          if ((r === "ok") !== (s === "done")) return `client got ${r} for ${id}, saga ${s}`;
        }
        return null;
      },
    };
  },
};
