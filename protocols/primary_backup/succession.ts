/**
 * Who succeeds a suspected primary? A backup that suspects the primary asks every node
 * for its position (epoch and last applied change) and decides from the answers:
 *
 * - the primary itself answered → it is alive: no failover;
 * - some node still hears the primary → not yet (its heartbeats may just be slower
 *   to reach this backup);
 * - fewer than a majority of the cluster (the asker included) answered → not here: an
 *   isolated backup must not promote itself (so a two-node cluster never fails over
 *   on its own);
 * - otherwise the most up-to-date node of the current epoch takes over, ties going to
 *   the lowest node number — the one that holds every change any of them has, hence
 *   every write a sync or semi-sync primary acknowledged.
 *
 * Pure, so the rule is tested on its own.
 *
 * @module
 */

import type { NodeId } from "../node.ts";
import { memberIndex } from "../paxos/ballot.ts";

/**
 * One node's answer to a probe.
 *
 * @example
 * ```ts
 * import type { Position } from "./succession.ts";
 * const p: Position = { epoch: 2, seq: 41, trusts: false };
 * ```
 */
export interface Position {
  readonly epoch: number;
  /** Last applied change (−1: unknown, the node is waiting for a snapshot). */
  readonly seq: number;
  /** Whether the node still hears the primary. */
  readonly trusts: boolean;
}

/**
 * The decision of {@link chooseSuccessor}.
 *
 * @example
 * ```ts
 * import type { Succession } from "./succession.ts";
 * const s: Succession = { decision: "wait", reason: "no majority" };
 * ```
 */
export type Succession =
  | { readonly decision: "primary-alive" }
  | { readonly decision: "wait"; readonly reason: "someone trusts the primary" | "no majority" }
  | { readonly decision: "promote"; readonly node: NodeId };

/**
 * Decides the succession from the positions gathered (the asker's own included).
 *
 * @example
 * ```ts
 * import { chooseSuccessor } from "./succession.ts";
 * const positions = new Map([
 *   ["n2", { epoch: 0, seq: 7, trusts: false }],
 *   ["n3", { epoch: 0, seq: 9, trusts: false }],
 * ]);
 * chooseSuccessor(positions, { primary: "n1", epoch: 0, members: ["n1", "n2", "n3"] });
 * // { decision: "promote", node: "n3" }
 * ```
 */
export function chooseSuccessor(
  positions: ReadonlyMap<NodeId, Position>,
  view: { readonly primary: NodeId; readonly epoch: number; readonly members: readonly NodeId[] },
): Succession {
  if (positions.has(view.primary)) return { decision: "primary-alive" };
  for (const p of positions.values()) {
    if (p.trusts) return { decision: "wait", reason: "someone trusts the primary" };
  }
  if (positions.size < Math.floor(view.members.length / 2) + 1) {
    return { decision: "wait", reason: "no majority" };
  }
  let best: NodeId | undefined;
  let bestSeq = -Infinity;
  for (const [n, p] of positions) {
    if (p.epoch !== view.epoch) continue;
    if (
      p.seq > bestSeq ||
      (p.seq === bestSeq && memberIndex(n, view.members) < memberIndex(best!, view.members))
    ) {
      best = n;
      bestSeq = p.seq;
    }
  }
  return best === undefined ? { decision: "wait", reason: "no majority" } : {
    decision: "promote",
    node: best,
  };
}
