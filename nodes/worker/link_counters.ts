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

const KINDS = ["sent", "delivered", "dropped", "duplicated"] as const;

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
  /** Links counted since the last {@link takeChanges} (null: not kept). */
  readonly #changed: Map<LinkCount, readonly [NodeId, NodeId]> | null;
  /** What {@link takeChanges} last said of each link. */
  readonly #taken = new Map<LinkCount, LinkCount>();
  /** The link counted last: a run of messages on one link looks it up once. */
  #lastFrom: NodeId | null = null;
  #lastTo: NodeId | null = null;
  #last: LinkCount | null = null;

  /**
   * `changes`: keep track of the links counted since the last {@link takeChanges}, so a
   * report costs what changed, not every link (a node of a large cluster has hundreds).
   */
  constructor(options: { readonly changes?: boolean } = {}) {
    this.#changed = options.changes === true ? new Map() : null;
  }

  /** Counts one event of `kind` on `from → to`. */
  add(from: NodeId, to: NodeId, kind: keyof LinkCount, n = 1): void {
    let link = from === this.#lastFrom && to === this.#lastTo ? this.#last! : undefined;
    if (link === undefined) {
      let byReceiver = this.#links.get(from);
      if (byReceiver === undefined) {
        byReceiver = new Map();
        this.#links.set(from, byReceiver);
      }
      link = byReceiver.get(to);
      if (link === undefined) {
        link = zero();
        byReceiver.set(to, link);
      }
      this.#lastFrom = from;
      this.#lastTo = to;
      this.#last = link;
    }
    link[kind] += n;
    this.#total[kind] += n;
    const changed = this.#changed;
    if (changed !== null && !changed.has(link)) changed.set(link, [from, to]);
  }

  /**
   * What was counted since the last call, as `[from, to, kind, n]` (needs `changes`).
   *
   * @example
   * ```ts
   * import { LinkCounters } from "./link_counters.ts";
   * const c = new LinkCounters({ changes: true });
   * c.add("n1", "n2", "sent", 2);
   * c.takeChanges(); // [["n1", "n2", "sent", 2]]
   * c.takeChanges(); // []
   * ```
   */
  takeChanges(): [NodeId, NodeId, keyof LinkCount, number][] {
    const out: [NodeId, NodeId, keyof LinkCount, number][] = [];
    const changed = this.#changed;
    if (changed === null) throw new Error("these counters keep no changes");
    for (const [link, [from, to]] of changed) {
      let before = this.#taken.get(link);
      if (before === undefined) this.#taken.set(link, before = zero());
      for (const kind of KINDS) {
        const n = link[kind] - before[kind];
        if (n > 0) out.push([from, to, kind, n]);
        before[kind] = link[kind];
      }
    }
    changed.clear();
    return out;
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
