/**
 * Where a key lives on a quorum store's hash ring, as `GET /ring?key=` tells it: its
 * preference list (the N nodes clockwise from its hash, in order), which nodes hold
 * versions of it, and which hold hints for a replica that was down. The ring view marks
 * those nodes; the client panel says it in one line.
 *
 * @module
 */

import type { RingShape } from "../http/api_schemas.ts";

/** A key's place on the ring, for the ring view. */
export interface KeyPlacement {
  readonly key: string;
  readonly hash: number;
  /** The node whose token the key's hash falls on. */
  readonly tokenNode: string;
  /** Node → its rank (1 = coordinator) in the key's preference list. */
  readonly replicas: ReadonlyMap<string, number>;
  /** Node → how many versions of the key it holds. */
  readonly versions: ReadonlyMap<string, number>;
  /** Node → the replicas it holds hints for (sloppy quorum: a stand-in for them). */
  readonly hints: ReadonlyMap<string, readonly string[]>;
}

/**
 * The placement in a `GET /ring?key=` answer, or null when it names no key.
 *
 * @example
 * ```ts
 * import { placementOf } from "./key_placement.ts";
 * const p = placementOf({
 *   source: "n1", epoch: 1, members: ["n1", "n2", "n3"], converged: true, n: 2, r: 1, w: 1,
 *   vnodes: 1, nodes: [],
 *   key: { key: "x", hash: 7, token: { token: 9, node: "n2" }, preferenceList: ["n2", "n3"],
 *     holders: [{ node: "n1", rank: null, up: true, known: true, versions: [],
 *       hints: { n3: [{ clock: { n1: 1 }, value: 1 }] } }] },
 * });
 * p?.replicas.get("n3"); // 2
 * p?.hints.get("n1"); // ["n3"]
 * ```
 */
export function placementOf(ring: RingShape): KeyPlacement | null {
  const k = ring.key;
  if (k === undefined) return null;
  const versions = new Map<string, number>();
  const hints = new Map<string, string[]>();
  for (const h of k.holders) {
    if (h.versions.length > 0) versions.set(h.node, h.versions.length);
    const forNodes = Object.keys(h.hints).filter((n) => h.hints[n]!.length > 0);
    if (forNodes.length > 0) hints.set(h.node, forNodes.sort());
  }
  return {
    key: k.key,
    hash: k.hash,
    tokenNode: k.token.node,
    replicas: new Map(k.preferenceList.map((n, i) => [n, i + 1])),
    versions,
    hints,
  };
}

/**
 * One line for the client panel.
 *
 * @example
 * ```ts
 * import { placementText } from "./key_placement.ts";
 * placementText({
 *   key: "x", hash: 7, tokenNode: "n2", replicas: new Map([["n2", 1], ["n3", 2]]),
 *   versions: new Map([["n2", 1]]), hints: new Map([["n1", ["n3"]]]),
 * }); // "x: preference list n2, n3 · versions on n2 · hint on n1 for n3"
 * ```
 */
export function placementText(p: KeyPlacement): string {
  const parts = [`${p.key}: preference list ${[...p.replicas.keys()].join(", ")}`];
  const held = [...p.versions.keys()];
  parts.push(held.length === 0 ? "no versions yet" : `versions on ${held.join(", ")}`);
  for (const [node, forNodes] of p.hints) parts.push(`hint on ${node} for ${forNodes.join(", ")}`);
  return parts.join(" · ");
}
