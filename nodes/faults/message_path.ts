/**
 * The one path every message between nodes takes, whatever the runtime: count it, trace
 * its send, drop it if its destination is gone, ask the fault model its fate (partition,
 * loss, queue limit, delay, duplication, reorder, tamper), trace a drop or duplicate, and
 * hand each copy that survives to the runtime with its delivery time. The simulator puts
 * copies on its event queue, the Worker cluster's router on its timer queue.
 *
 * @module
 */

import type { NodeId } from "../../protocols/node.ts";
import type { Outgoing } from "../node_host.ts";
import type { TraceEvent } from "../trace.ts";
import type { Network } from "./network.ts";
import { tamper } from "./tamper.ts";

/**
 * What the runtime does with what the path decides.
 *
 * @example
 * ```ts ignore
 * import type { PathSinks } from "./message_path.ts";
 * const sinks: PathSinks = { isMember, count, trace: null, deliverAt, random };
 * ```
 */
export interface PathSinks {
  /** Whether `id` is a node of the cluster now. */
  isMember(id: NodeId): boolean;
  /** Counts a message on the link `from → to`. */
  count(from: NodeId, to: NodeId, what: "sent" | "dropped" | "duplicated"): void;
  /** Where send, drop and duplicate events go; null while nobody traces. */
  trace: ((e: TraceEvent) => void) | null;
  /** Takes a copy to deliver to `to` at `time` (the runtime's clock). */
  deliverAt(time: number, from: NodeId, to: NodeId, body: unknown, m: Outgoing): void;
  /** The run's random source, for tampering. */
  random(): number;
}

/**
 * Routes the messages `from` sent at `now` through `network`.
 *
 * @example
 * ```ts
 * import { routeMessages } from "./message_path.ts";
 * import { Network } from "./network.ts";
 * const net = new Network(["n1", "n2"], () => 0.5, { delay: { kind: "constant", ms: 2 } });
 * const at: number[] = [];
 * routeMessages(net, "n1", [{ to: "n2", body: 1, lamport: 1, vclock: {} }], 10, {
 *   isMember: () => true,
 *   count: () => {},
 *   trace: null,
 *   deliverAt: (time) => at.push(time),
 *   random: () => 0.5,
 * });
 * at; // [12]
 * ```
 */
export function routeMessages(
  network: Network,
  from: NodeId,
  messages: readonly Outgoing[],
  now: number,
  sinks: PathSinks,
): void {
  const trace = sinks.trace;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    const to = m.to;
    sinks.count(from, to, "sent");
    if (trace !== null) {
      trace({
        time: now,
        kind: "send",
        node: from,
        peer: to,
        body: m.body,
        lamport: m.lamport,
        vclock: m.vclock,
      });
    }
    if (!sinks.isMember(to)) {
      sinks.count(from, to, "dropped");
      trace?.({ time: now, kind: "drop", node: from, peer: to, body: m.body, reason: "unknown" });
      continue;
    }
    const fate = network.route(from, to, now);
    if (fate.count === 0) {
      sinks.count(from, to, "dropped");
      trace?.({
        time: now,
        kind: "drop",
        node: from,
        peer: to,
        body: m.body,
        reason: fate.reason ?? "loss",
      });
      continue;
    }
    if (fate.count > 1) {
      sinks.count(from, to, "duplicated");
      trace?.({ time: now, kind: "duplicate", node: from, peer: to, body: m.body });
    }
    for (let c = 0; c < fate.count; c++) {
      const body = fate.tampered[c] ? tamper(m.body, sinks.random) : m.body;
      sinks.deliverAt(fate.at[c]!, from, to, body, m);
    }
  }
}
