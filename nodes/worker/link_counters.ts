/**
 * Message counters of the Worker cluster's router: in total and per directed link.
 *
 * @module
 */

import type { NodeId } from "../../protocols/node.ts";
import { linkKey } from "../faults/topology.ts";

/**
 * Counts of one link (or of all links).
 *
 * @example
 * ```ts
 * import type { LinkCount } from "./link_counters.ts";
 * const c: LinkCount = { sent: 10, delivered: 9, dropped: 1, duplicated: 0 };
 * ```
 */
export interface LinkCount {
  /** Messages the sender handed to the router. */
  sent: number;
  /** Copies handed to the receiving Worker. */
  delivered: number;
  /** Messages or copies lost: partition, loss, queue limit, receiver crashed, unknown receiver. */
  dropped: number;
  /** Messages the network duplicated. */
  duplicated: number;
}

/**
 * A snapshot of the counters: totals and every link that carried something (`from>to`).
 *
 * @example
 * ```ts
 * import type { CounterSnapshot } from "./link_counters.ts";
 * const one = { sent: 1, delivered: 1, dropped: 0, duplicated: 0 };
 * const s: CounterSnapshot = { ...one, links: { "n1>n2": one } };
 * ```
 */
export interface CounterSnapshot extends LinkCount {
  readonly links: Readonly<Record<string, LinkCount>>;
}

function zero(): LinkCount {
  return { sent: 0, delivered: 0, dropped: 0, duplicated: 0 };
}

/**
 * Per-link and total message counters.
 *
 * @example
 * ```ts
 * import { LinkCounters } from "./link_counters.ts";
 * const c = new LinkCounters();
 * c.add("n1", "n2", "sent");
 * c.add("n1", "n2", "delivered");
 * c.snapshot().links["n1>n2"]?.delivered; // 1
 * ```
 */
export class LinkCounters {
  #total = zero();
  /** By sender, then receiver: counting builds no key string per message. */
  #links = new Map<NodeId, Map<NodeId, LinkCount>>();

  /** Counts one event of `kind` on `from → to`. */
  add(from: NodeId, to: NodeId, kind: keyof LinkCount, n = 1): void {
    let byReceiver = this.#links.get(from);
    if (byReceiver === undefined) {
      byReceiver = new Map();
      this.#links.set(from, byReceiver);
    }
    let link = byReceiver.get(to);
    if (link === undefined) {
      link = zero();
      byReceiver.set(to, link);
    }
    link[kind] += n;
    this.#total[kind] += n;
  }

  /** The totals so far (live object; do not modify). */
  get total(): Readonly<LinkCount> {
    return this.#total;
  }

  /** A copy of every counter. */
  snapshot(): CounterSnapshot {
    const all: [string, LinkCount][] = [];
    for (const [from, byReceiver] of this.#links) {
      for (const [to, v] of byReceiver) all.push([linkKey(from, to), v]);
    }
    const links: Record<string, LinkCount> = {};
    for (const [k, v] of all.sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0)) links[k] = { ...v };
    return { ...this.#total, links };
  }
}
