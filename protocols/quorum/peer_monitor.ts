/**
 * Who a `quorum-kv` node suspects: the heartbeat detectors of `protocols/heartbeat/`
 * (phi accrual or a fixed timeout), fed by the node's own pings. The node asks it
 * whether a replica is healthy before choosing a sloppy quorum or handing off hints.
 *
 * @module
 */

import type { NodeId } from "../node.ts";
import { nodeNumber } from "../node_order.ts";
import { timedOut, timeoutFrom } from "../heartbeat/fixed_timeout.ts";
import {
  createPhiTable,
  growPhiTable,
  seedTableWindow,
  tableHeartbeat,
  tablePhi,
  tableSuspectedFrom,
} from "../heartbeat/phi_accrual.ts";
import {
  createDeadlineHeap,
  earliestDeadline,
  earliestSlot,
  hasSlot,
  removeSlot,
  setDeadline,
} from "../heartbeat/deadline_heap.ts";
import type { QuorumOptions } from "./options.ts";

/** Ids numbered below this are found by number (see createPeerMonitor). */
const NUMBERED = 1 << 16;

/**
 * A node's view of its peers' health.
 *
 * @example
 * ```ts
 * import { createPeerMonitor } from "./peer_monitor.ts";
 * import { parseQuorumOptions } from "./options.ts";
 * const m = createPeerMonitor(["n2", "n3"], 0, parseQuorumOptions({}));
 * m.heartbeat("n2", 100);
 * m.review(250, () => {});
 * m.suspects(); // ["n3"]: silent for 250 ms, where n2 pinged 150 ms ago
 * ```
 */
export interface PeerMonitor {
  /** A ping from `peer` arrived at `now`. */
  heartbeat(peer: NodeId, now: number): void;
  /** Starts watching new peers as if they had just pinged (membership grew). */
  watch(peers: readonly NodeId[], now: number): void;
  /**
   * Re-judges `peers` at `now`; calls `changed` for each peer whose state flipped.
   * Peers no longer in `peers` are forgotten.
   */
  review(now: number, changed: (peer: NodeId, suspected: boolean) => void): void;
  /** Whether `peer` is suspected (as of the last review). */
  suspected(peer: NodeId): boolean;
  /** The suspected peers, in the order they were first suspected. */
  suspects(): NodeId[];
}

/**
 * Creates a monitor for `peers`, trusting all of them at `now`.
 *
 * @param peers the other members
 * @param now the node's clock
 * @param o `detector`, `phiThreshold`, `pingMs`, `suspectMs`
 * @returns the monitor
 *
 * @example
 * ```ts
 * import { createPeerMonitor } from "./peer_monitor.ts";
 * import { parseQuorumOptions } from "./options.ts";
 * const m = createPeerMonitor(["n2"], 0, parseQuorumOptions({ detector: "fixed" }));
 * m.suspected("n2"); // false
 * ```
 */
export function createPeerMonitor(
  peers: readonly NodeId[],
  now: number,
  o: Pick<QuorumOptions, "detector" | "phiThreshold" | "pingMs" | "suspectMs">,
): PeerMonitor {
  // Every node ever watched or heard from gets an index, its state seeded when first
  // seen (as the detectors seed a peer they meet), and keeps it: windows in a phi table,
  // times of the last ping in an array — not two maps of a thousand entries per node.
  const index = new Map<NodeId, number>();
  // The same index by the id's number (`n12` → 12), plus one (0: none): most ids are
  // numbered, and an array read is cheaper than a lookup in a map of a thousand ids.
  let byNumber = new Int32Array(0);
  const known = (p: NodeId): number | undefined => {
    const k = nodeNumber(p);
    if (k < 0 || k >= NUMBERED) return index.get(p);
    const i = k < byNumber.length ? byNumber[k]! : 0;
    return i === 0 ? undefined : i - 1;
  };
  const ids: NodeId[] = [];
  let table = createPhiTable(0, now, { threshold: o.phiThreshold, firstIntervalMs: o.pingMs });
  let heard = new Float64Array(0);
  // Where each watched peer sits in the watched list (−1: not watched): flips are
  // reported in that order, as a review of every peer would report them.
  let position = new Int32Array(0);
  // The watched peers not suspected, by the time from which each may be: a review
  // judges only those due (and the suspects), never the rest.
  let trusted = createDeadlineHeap(0);
  const suspected = new Set<NodeId>();
  const flips: number[] = [];
  const due: number[] = [];
  const fixed = o.detector === "fixed";
  const from = (i: number): number =>
    fixed ? timeoutFrom(heard[i]!, o.suspectMs) : tableSuspectedFrom(table, i, o.phiThreshold);
  const judge = (i: number, t: number): boolean =>
    fixed ? timedOut(heard[i]!, t, o.suspectMs) : tablePhi(table, i, t) > o.phiThreshold;

  /** The index of `p`, seeded at `t` if it is new. */
  const indexOf = (p: NodeId, t: number): number => {
    let i = known(p);
    if (i !== undefined) return i;
    i = ids.length;
    ids.push(p);
    index.set(p, i);
    const k = nodeNumber(p);
    if (k >= 0 && k < NUMBERED) {
      if (k >= byNumber.length) {
        const b = new Int32Array(Math.min(NUMBERED, Math.max(2 * byNumber.length, k + 1)));
        b.set(byNumber);
        byNumber = b;
      }
      byNumber[k] = i + 1;
    }
    if (i >= table.size) grow(Math.max(8, 2 * table.size), t);
    seedTableWindow(table, i, t);
    heard[i] = t;
    return i;
  };
  const grow = (size: number, t: number): void => {
    table = growPhiTable(table, size, t);
    const h = new Float64Array(size);
    h.set(heard);
    heard = h;
    const pos = new Int32Array(size).fill(-1);
    pos.set(position);
    position = pos;
    const old = trusted;
    trusted = createDeadlineHeap(size);
    for (let k = 0; k < old.length; k++) setDeadline(trusted, old.slots[k]!, old.keys[k]!);
  };

  const watch = (next: readonly NodeId[], t: number): void => {
    for (const p of next) indexOf(p, t);
    for (let i = 0; i < ids.length; i++) position[i] = -1;
    next.forEach((p, k) => position[index.get(p)!] = k);
    for (const p of [...suspected]) if (position[index.get(p)!]! < 0) suspected.delete(p);
    for (let i = 0; i < ids.length; i++) {
      if (position[i]! < 0) removeSlot(trusted, i);
      else if (!suspected.has(ids[i]!) && !hasSlot(trusted, i)) setDeadline(trusted, i, from(i));
    }
  };
  grow(Math.max(8, peers.length), now);
  watch(peers, now);

  return {
    heartbeat(peer, t) {
      const k = known(peer);
      // A node first heard of has its window seeded now, without a sample.
      const i = k ?? indexOf(peer, t);
      heard[i] = t;
      if (k !== undefined) tableHeartbeat(table, i, t);
      // A suspect is judged at every review; a trusted peer moves to its new deadline.
      if (hasSlot(trusted, i)) setDeadline(trusted, i, from(i));
    },
    watch,
    review(t, changed) {
      flips.length = 0;
      while (earliestDeadline(trusted) <= t) {
        const i = earliestSlot(trusted);
        removeSlot(trusted, i);
        if (judge(i, t)) flips.push(i);
        else due.push(i); // due by the bound, not yet by the judge: judged again next time
      }
      for (const i of due) setDeadline(trusted, i, from(i));
      due.length = 0;
      for (const p of suspected) {
        const i = known(p)!;
        if (!judge(i, t)) flips.push(i);
      }
      if (flips.length > 1) flips.sort((a, b) => position[a]! - position[b]!);
      for (const i of flips) {
        const p = ids[i]!;
        const s = !suspected.has(p);
        if (s) suspected.add(p);
        else {
          suspected.delete(p);
          setDeadline(trusted, i, from(i));
        }
        changed(p, s);
      }
    },
    suspected: (peer) => suspected.has(peer),
    suspects: () => [...suspected],
  };
}
