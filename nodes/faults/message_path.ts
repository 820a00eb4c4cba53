/**
 * The one path every message between nodes takes, whatever the runtime: count it, trace
 * its send, drop it if its destination is gone or it fails the protocol's message schema,
 * ask the fault model its fate (partition, loss, queue limit, delay, duplication, reorder,
 * tamper), seal it and open each copy when the link has an integrity option, check a
 * tampered copy against the schema again, trace a drop or duplicate, and hand each copy
 * that survives to the runtime with its delivery time. The simulator puts copies on its
 * event queue, the Worker cluster's router on its timer queue.
 *
 * The checks stand for the receiver's: they run here, on the sending side, so that both
 * runtimes apply them once and the same way (the fate of a copy is known when it leaves).
 *
 * @module
 */

import type { NodeId } from "../../protocols/node.ts";
import { NO_VECTOR, type Outgoing } from "../node_host.ts";
import type { TraceEvent } from "../trace.ts";
import type { Network } from "./network.ts";
import type { LinkIntegrity } from "./link_integrity.ts";
import { tamper } from "./tamper.ts";
import type { Byzantine } from "./byzantine.ts";

/**
 * What the runtime does with what the path decides.
 *
 * @example
 * ```ts ignore
 * import type { PathSinks } from "./message_path.ts";
 * const sinks: PathSinks = {
 *   isMember, count, trace: null, deliverAt, random, check: null, integrity,
 * };
 * ```
 */
export interface PathSinks {
  /** Whether `id` is a node of the cluster now. */
  isMember(id: NodeId): boolean;
  /**
   * Counts a message on the link `from → to`. A copy refused by the schema or the
   * integrity check is counted `dropped` and then `rejected`.
   */
  count(from: NodeId, to: NodeId, what: "sent" | "dropped" | "duplicated" | "rejected"): void;
  /**
   * Counts `n` messages `sent` on `from → to` at once. Given, the path counts a run of
   * messages to one destination with one call before routing them, instead of a
   * {@link count} per message (a counter update per message was a tenth of a TCP node's
   * routing cost); the totals are the same.
   */
  countSent?(from: NodeId, to: NodeId, n: number): void;
  /** Where send, drop and duplicate events go; null while nobody traces. */
  trace: ((e: TraceEvent) => void) | null;
  /**
   * Takes a copy to deliver to `to` at `time` (the runtime's clock); `link` is the id
   * of the link it travels on, for {@link Network.leftLinkId} when it leaves.
   */
  deliverAt(
    time: number,
    from: NodeId,
    to: NodeId,
    body: unknown,
    m: Outgoing,
    link: number,
  ): void;
  /** The run's random source, for tampering. */
  random(): number;
  /** The protocol's message check (its schema), or null to deliver every message. */
  check: ((body: unknown) => boolean) | null;
  /** The runtime's link keys and sequence numbers, for links with an integrity option. */
  integrity: LinkIntegrity;
  /** Byzantine nodes, whose messages are rewritten before anything else (every runtime). */
  byzantine?: Byzantine;
}

/**
 * Routes the messages `from` sent at `now` through `network`.
 *
 * @example
 * ```ts
 * import { routeMessages } from "./message_path.ts";
 * import { Network } from "./network.ts";
 * import { LinkIntegrity } from "./link_integrity.ts";
 * const net = new Network(["n1", "n2"], () => 0.5, { delay: { kind: "constant", ms: 2 } });
 * const at: number[] = [];
 * routeMessages(net, "n1", [{ to: "n2", body: 1, lamport: 1, vclock: {} }], 10, {
 *   isMember: () => true,
 *   count: () => {},
 *   trace: null,
 *   deliverAt: (time) => at.push(time),
 *   random: () => 0.5,
 *   check: null,
 *   integrity: new LinkIntegrity(new Uint8Array(32)),
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
  const check = sinks.check;
  if (sinks.byzantine !== undefined) {
    messages = sinks.byzantine.rewrite(from, messages, sinks.random);
  }
  const countSent = sinks.countSent;
  if (countSent !== undefined) {
    for (let i = 0, run = 0; i < messages.length; i = run) {
      const to = messages[i]!.to;
      while (++run < messages.length && messages[run]!.to === to);
      sinks.countSent!(from, to, run - i);
    }
  }
  /**
   * The destination last found a member: a run of messages to one node asks once. Only
   * while nothing is traced — a trace listener is the one thing on this path that could
   * change who is a member.
   */
  let member: NodeId | null = null;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    const to = m.to;
    if (countSent === undefined) sinks.count(from, to, "sent");
    if (trace !== null) {
      // A host without vector clocks stamps its own entry; the vector is derived later.
      trace(
        m.vclock === NO_VECTOR
          ? {
            time: now,
            kind: "send",
            node: from,
            peer: to,
            body: m.body,
            lamport: m.lamport,
            vc: m.vc,
          }
          : {
            time: now,
            kind: "send",
            node: from,
            peer: to,
            body: m.body,
            lamport: m.lamport,
            vclock: m.vclock,
          },
      );
    }
    if (to !== member) {
      if (!sinks.isMember(to)) {
        sinks.count(from, to, "dropped");
        trace?.({ time: now, kind: "drop", node: from, peer: to, body: m.body, reason: "unknown" });
        continue;
      }
      if (trace === null) member = to;
    }
    if (check !== null && !check(m.body)) {
      reject(sinks, from, to, m.body, now, "malformed");
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
    if (fate.count === 1 && fate.integrity === "none" && !fate.tampered[0]) {
      // One copy as sent, nothing to seal or check again: the usual fate.
      sinks.deliverAt(fate.at[0]!, from, to, m.body, m, fate.linkId);
      continue;
    }
    if (fate.count > 1) {
      sinks.count(from, to, "duplicated");
      trace?.({ time: now, kind: "duplicate", node: from, peer: to, body: m.body });
    }
    const integrity = fate.integrity;
    const seal = integrity === "none" ? null : sinks.integrity.seal(integrity, from, to, m.body);
    for (let c = 0; c < fate.count; c++) {
      const body = fate.tampered[c] ? tamper(m.body, sinks.random) : m.body;
      if (seal !== null) {
        const failure = sinks.integrity.open(integrity, from, to, body, seal);
        if (failure !== null) {
          network.delivered(from, to); // it left the link, refused
          reject(sinks, from, to, body, now, failure);
          continue;
        }
      }
      // An untampered copy is the message already checked above.
      if (body !== m.body && check !== null && !check(body)) {
        network.delivered(from, to);
        reject(sinks, from, to, body, now, "malformed");
        continue;
      }
      sinks.deliverAt(fate.at[c]!, from, to, body, m, fate.linkId);
    }
  }
}

/** Counts and traces a copy the receiver refuses. */
function reject(
  sinks: PathSinks,
  from: NodeId,
  to: NodeId,
  body: unknown,
  now: number,
  reason: string,
): void {
  sinks.count(from, to, "dropped");
  sinks.count(from, to, "rejected");
  sinks.trace?.({ time: now, kind: "drop", node: from, peer: to, body, reason });
}
