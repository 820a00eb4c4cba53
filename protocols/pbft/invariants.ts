/**
 * PBFT's safety among correct replicas, checked after every simulated step: no two
 * replicas decide different requests at one sequence number (agreement, hence one total
 * order), and replicas that reach a checkpoint have the same state there (their executed
 * prefixes agree). The host leaves
 * Byzantine nodes out of the map it passes: a faulty node promises nothing.
 *
 * @module
 */

import type { InvariantChecker, NodeId } from "../node.ts";
import type { PbftNode } from "./replica.ts";

/**
 * A checker of agreement and of executed prefixes, remembering what it saw.
 *
 * @example
 * ```ts
 * import { pbftInvariants } from "./invariants.ts";
 * pbftInvariants()(new Map()); // []
 * ```
 */
export function pbftInvariants(): InvariantChecker {
  const decided = new Map<number, { d: string; by: NodeId }>();
  const states = new Map<number, { d: string; by: NodeId }>();
  const seen = new WeakMap<object, number>();
  // A checkpoint's state, once compared, stays as it was: compare each once.
  const checked = new WeakSet<object>();
  const execSeen = new WeakMap<object, number>();
  return (nodes) => {
    const out: string[] = [];
    for (const [id, node] of nodes) {
      const s = (node as PbftNode).state;
      if (s === undefined) continue;
      for (let i = seen.get(s) ?? 0; i < s.decided.length; i++) {
        const [n, d] = s.decided[i]!;
        const had = decided.get(n);
        if (had === undefined) decided.set(n, { d, by: id });
        else if (had.d !== d) {
          out.push(`agreement: ${id} decided ${d} at sequence ${n}, ${had.by} decided ${had.d}`);
        }
      }
      seen.set(s, s.decided.length);
      // Checkpoint states are added only when lastExec moves (execution or a transfer).
      if (execSeen.get(s) === s.lastExec) continue;
      execSeen.set(s, s.lastExec);
      for (const [n, snap] of s.snaps) {
        if (checked.has(snap)) continue;
        checked.add(snap);
        const had = states.get(n);
        if (had === undefined) states.set(n, { d: snap.d, by: id });
        else if (had.d !== snap.d) {
          out.push(
            `executed prefixes differ: state at ${n} is ${snap.d} on ${id}, ${had.d} on ${had.by}`,
          );
        }
      }
    }
    return out;
  };
}
