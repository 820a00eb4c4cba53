/**
 * The trace events of one Worker output: its deliveries and the protocol's own events,
 * merged back into the order they happened in (both are stamped with the node's
 * Lamport clock, which never goes down within a batch).
 *
 * @module
 */

import type { NodeId } from "../../protocols/node.ts";
import type { TraceEvent } from "../trace.ts";
import type { OutputMessage } from "../worker_protocol.ts";

/**
 * The `deliver` and protocol events of `output` from `node`, in Lamport order (a
 * delivery before an event stamped with the same clock: the event came of it).
 *
 * @example
 * ```ts
 * import { outputEvents } from "./output_events.ts";
 * const events = outputEvents("n2", 12.5, {
 *   type: "output", writes: null, messages: [], replies: [],
 *   emitted: [{ kind: "trust", data: { peer: "n1" }, lamport: 4, vclock: { n1: 3, n2: 4 } }],
 *   delivered: [{ from: "n1", body: { seq: 3 }, lamport: 4, vclock: { n1: 3, n2: 4 } }],
 *   clocks: { lamport: 4, vclock: { n1: 3, n2: 4 } },
 * });
 * events.map((e) => e.kind); // ["deliver", "trust"]
 * ```
 */
export function outputEvents(node: NodeId, time: number, output: OutputMessage): TraceEvent[] {
  const out: TraceEvent[] = [];
  const d = output.delivered ?? [];
  const e = output.emitted;
  let i = 0, j = 0;
  while (i < d.length || j < e.length) {
    const a = d[i], b = e[j];
    if (a !== undefined && (b === undefined || a.lamport <= b.lamport)) {
      // A host that keeps no vectors stamps its own entry and the sender's instead.
      const clocks = a.vc === undefined
        ? { vclock: a.vclock }
        : a.vcFrom === undefined
        ? { vc: a.vc }
        : { vc: a.vc, vcFrom: a.vcFrom };
      out.push({
        time,
        kind: "deliver",
        node,
        peer: a.from,
        body: a.body,
        lamport: a.lamport,
        ...clocks,
      });
      i++;
    } else if (b !== undefined) {
      out.push(
        b.vc === undefined || !isEmpty(b.vclock)
          ? { time, kind: b.kind, node, data: b.data, lamport: b.lamport, vclock: b.vclock }
          : { time, kind: b.kind, node, data: b.data, lamport: b.lamport, vc: b.vc },
      );
      j++;
    }
  }
  return out;
}

/** Whether a vector has no entry (a host that keeps none). */
function isEmpty(v: object): boolean {
  for (const _ in v) return false;
  return true;
}
