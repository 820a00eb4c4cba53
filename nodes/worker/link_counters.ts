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
  #links = new Map<string, LinkCount>();

  /** Counts one event of `kind` on `from → to`. */
  add(from: NodeId, to: NodeId, kind: keyof LinkCount, n = 1): void {
    const key = linkKey(from, to);
    let link = this.#links.get(key);
    if (link === undefined) {
      link = zero();
      this.#links.set(key, link);
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
    const links: Record<string, LinkCount> = {};
    for (const [k, v] of [...this.#links].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0)) {
      links[k] = { ...v };
    }
    return { ...this.#total, links };
  }
}
