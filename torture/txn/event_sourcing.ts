/**
 * The `event-sourcing` torture workload: clients adding, reserving and releasing stock
 * through the command nodes and reading from the query nodes; after every change the
 * events appended, the commands acknowledged and the projections' progress since the
 * last check (every check starts over when the store restarts); at the end the
 * exhaustive checks and every projection caught up.
 *
 * @module
 */

import { esRoles, eventSourcing } from "../../protocols/eventsourcing/event_sourcing.ts";
import type { EventStoreNode } from "../../protocols/eventsourcing/store.ts";
import type { QueryNode } from "../../protocols/eventsourcing/query_node.ts";
import {
  checkAcknowledged,
  checkEventLog,
  checkProjection,
  createEventLogWatch,
} from "../../protocols/eventsourcing/invariants.ts";
import type { Simulation } from "../../nodes/simulator.ts";
import { clientLoop, diskFingerprint, type TxnWorkload, upDownWatch } from "./harness.ts";

/**
 * Event sourcing with CQRS on scarce stock, so reservations compete.
 *
 * @example
 * ```ts
 * import { eventSourcingWorkload } from "./event_sourcing.ts";
 * eventSourcingWorkload.harness({}).nodes; // 5
 * ```
 */
export const eventSourcingWorkload: TxnWorkload = {
  defaults: {},
  harness(options) {
    const acked = new Set<string>();
    const ackedInOrder: string[] = []; // the same, as a list that only grows
    const reserved: { item: string; order: string }[] = [];
    const watch = createEventLogWatch();
    const restarted = upDownWatch(); // a crash or restart: the exhaustive checks too
    let store: string | null = null;
    const storeOf = (sim: Simulation) => store ??= esRoles(sim.nodes, options).store;
    // While the store is down its disk cannot change: one read per crash, not per step.
    let down: { syncs: number; resets: number; log: EventStoreNode["events"] } | null = null;
    const events = (sim: Simulation) => {
      const node = sim.host(storeOf(sim))?.node as EventStoreNode | undefined;
      if (node !== undefined) return node.events;
      const d = sim.disk(storeOf(sim));
      if (down === null || down.syncs !== d.syncs || down.resets !== d.resets) {
        const v = d.inspect();
        const log = v.keys("es/").map((k) => v.get(k) as EventStoreNode["events"][number]);
        down = { syncs: d.syncs, resets: d.resets, log };
      }
      return down.log;
    };
    const check = (sim: Simulation, final: boolean): string | null => {
      const log = events(sim);
      const bad = checkEventLog(log) ?? checkAcknowledged(log, acked);
      if (bad !== null) return bad;
      for (const q of esRoles(sim.nodes, options).queries) {
        const node = sim.host(q)?.node as QueryNode | undefined;
        if (node === undefined) continue;
        const p = checkProjection(node.projection, log);
        if (p !== null) return `${q}: ${p}`;
        if (final && node.projection.position !== log.length) {
          return `${q}: projection at ${node.projection.position} never caught up with ${log.length}`;
        }
      }
      return null;
    };
    let queries: readonly string[] | null = null;
    const disks = diskFingerprint();
    const positions: number[] = [];
    let fp = "", last = "";
    return {
      protocol: eventSourcing,
      nodes: 5,
      options,
      fingerprint: (sim) => {
        queries ??= esRoles(sim.nodes, options).queries;
        const f = disks(sim);
        let same = f === last && positions.length === queries.length;
        for (let i = 0; i < queries.length; i++) {
          const p = (sim.host(queries[i]!)?.node as QueryNode | undefined)?.projection.position ??
            -1;
          if (positions[i] !== p) same = false;
          positions[i] = p;
        }
        if (!same) fp = `${f}|${positions.join(",")}`;
        last = f;
        return fp;
      },
      exhaustive: (sim) => check(sim, false),
      check(sim) {
        const log = events(sim);
        const bad = watch.check(log, ackedInOrder);
        if (bad !== null) return bad;
        queries ??= esRoles(sim.nodes, options).queries;
        for (const q of queries) {
          const node = sim.host(q)?.node as QueryNode | undefined;
          if (node === undefined) continue;
          const p = watch.projection(q, node.projection);
          if (p !== null) return `${q}: ${p}`;
        }
        return restarted(sim) ? check(sim, false) : null;
      },
      start(sim, rng, clients, untilMs, ops) {
        const roles = esRoles(sim.nodes, options);
        let n = 0;
        for (let c = 1; c <= clients; c++) {
          clientLoop(sim, rng, c, untilMs, ops, () => {
            const node = roles.commands[rng.int(roles.commands.length)]!;
            const item = `item-${1 + rng.int(3)}`;
            const id = `c${c}-${n++}`;
            const roll = rng.next();
            // Stock stays scarce, so reservations compete for the last units.
            if (roll < 0.2) return { node, op: { f: "add-stock", item, qty: 1 + rng.int(3), id } };
            if (roll < 0.8 || reserved.length === 0) {
              return {
                node,
                op: { f: "reserve", item, order: `o-${id}`, qty: 1 + rng.int(4), id },
              };
            }
            const r = reserved.splice(rng.int(reserved.length), 1)[0]!;
            return { node, op: { f: "release", item: r.item, order: r.order, id } };
          }, (op, reply) => {
            const o = op as { f: string; id: string; item: string; order?: string };
            if (reply.type !== "ok") return;
            if ((reply.value as { events?: number }).events !== 0 && !acked.has(o.id)) {
              acked.add(o.id);
              ackedInOrder.push(o.id);
            }
            if (o.f === "reserve") reserved.push({ item: o.item, order: o.order! });
          });
        }
        // Readers on the query side, to exercise the read path under faults.
        for (const q of roles.queries) {
          clientLoop(sim, rng, 50, untilMs, ops, () => ({
            node: q,
            op: rng.next() < 0.5
              ? { f: "stock", item: `item-${1 + rng.int(3)}` }
              : { f: "as-of", item: `item-${1 + rng.int(3)}`, version: rng.int(10) },
          }), () => {});
        }
      },
      settled: (sim) => check(sim, true),
    };
  },
};
