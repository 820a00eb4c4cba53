/**
 * Network shapes for partitions ("the topology doesn't change" made false): groups,
 * isolation, a bridge and a majorities ring, each as the set of directed links it cuts.
 * A link is written `from>to`.
 *
 * @module
 */

import type { NodeId } from "../../protocols/node.ts";

/**
 * The key of a directed link.
 *
 * @example
 * ```ts
 * import { linkKey } from "./topology.ts";
 * linkKey("n1", "n2"); // "n1>n2"
 * ```
 */
export function linkKey(from: NodeId, to: NodeId): string {
  return from + ">" + to;
}

/**
 * Why `id` cannot name a node, or null: ids must be non-empty and free of `>`, so that
 * every link key names exactly one link.
 *
 * @example
 * ```ts
 * import { nodeIdProblem } from "./topology.ts";
 * nodeIdProblem("n1"); // null
 * nodeIdProblem("a>b"); // "node id 'a>b' must not contain '>'"
 * ```
 */
export function nodeIdProblem(id: NodeId): string | null {
  if (typeof id !== "string" || id.length === 0) return "a node id must be a non-empty string";
  if (id.includes(">")) return `node id '${id}' must not contain '>'`;
  return null;
}

/**
 * Throws if any of `ids` cannot name a node (see {@link nodeIdProblem}).
 *
 * @example
 * ```ts
 * import { checkNodeIds } from "./topology.ts";
 * checkNodeIds(["n1", "n2"]); // fine
 * ```
 */
export function checkNodeIds(ids: readonly NodeId[]): void {
  for (const id of ids) {
    const problem = nodeIdProblem(id);
    if (problem !== null) throw new Error(problem);
  }
}

/**
 * Links cut by splitting `nodes` into `groups`; nodes in no group form one more group.
 *
 * @example
 * ```ts
 * import { partitionLinks } from "./topology.ts";
 * partitionLinks(["n1", "n2", "n3"], [["n1"]]).size; // 4 (n1<->n2, n1<->n3)
 * ```
 */
export function partitionLinks(
  nodes: readonly NodeId[],
  groups: readonly (readonly NodeId[])[],
): Set<string> {
  const groupOf = new Map<NodeId, number>();
  groups.forEach((g, i) => g.forEach((n) => groupOf.set(n, i)));
  const rest = groups.length;
  const cut = new Set<string>();
  for (const a of nodes) {
    for (const b of nodes) {
      if (a !== b && (groupOf.get(a) ?? rest) !== (groupOf.get(b) ?? rest)) cut.add(linkKey(a, b));
    }
  }
  return cut;
}

/**
 * Links cut by a bridge: two halves that cannot talk except through one node in the
 * middle, which talks to both (Jepsen's "bridge" nemesis).
 *
 * @example
 * ```ts
 * import { bridgeLinks } from "./topology.ts";
 * bridgeLinks(["n1", "n2", "n3", "n4", "n5"]).has("n1>n5"); // true
 * ```
 */
export function bridgeLinks(nodes: readonly NodeId[]): Set<string> {
  const mid = Math.floor(nodes.length / 2);
  const left = nodes.slice(0, mid);
  const right = nodes.slice(mid + 1);
  const cut = new Set<string>();
  for (const a of left) {
    for (const b of right) {
      cut.add(linkKey(a, b));
      cut.add(linkKey(b, a));
    }
  }
  return cut;
}

/**
 * Links cut by a majorities ring: every node sees a majority (its neighbours on a ring),
 * but no two nodes see the same majority.
 *
 * @example
 * ```ts
 * import { majoritiesRingLinks } from "./topology.ts";
 * majoritiesRingLinks(["n1", "n2", "n3", "n4", "n5"]).has("n1>n2"); // false: neighbours
 * ```
 */
export function majoritiesRingLinks(nodes: readonly NodeId[]): Set<string> {
  const n = nodes.length;
  const reach = Math.floor(n / 2 / 2 + 0.5); // neighbours on each side to see a majority
  const cut = new Set<string>();
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      const d = Math.min((i - j + n) % n, (j - i + n) % n);
      if (d > reach) cut.add(linkKey(nodes[i]!, nodes[j]!));
    }
  }
  return cut;
}
