/**
 * Merkle-tree anti-entropy between two replicas (Dynamo §4.7): the background repair
 * that needs no reads. Periodically a replica sends a peer the root of a Merkle tree
 * over the keys they both replicate; each side answers the hashes that differ with the
 * hashes one level down, until the differing leaves (key ranges) are found; then the
 * entries of only those leaves go across, both ways, and each side merges them. Equal
 * replicas exchange one message. The exchange is stateless: every message carries its
 * level, and each side rebuilds (or reuses, while its data is unchanged) its tree.
 *
 * @module
 */

import type { NodeId } from "../node.ts";
import type { Entry, QuorumMessage } from "./message.ts";
import {
  buildMerkleTree,
  childHashes,
  compareLevel,
  entryDigest,
  type MerkleTree,
} from "./merkle.ts";
import type { ReplicaStore } from "./replica_store.ts";
import { isVersionList, versionsKey } from "./versions.ts";

/**
 * What anti-entropy needs from its node.
 *
 * @example
 * ```ts
 * import type { AntiEntropyHost } from "./anti_entropy.ts";
 * function replicates(host: AntiEntropyHost, key: string): boolean {
 *   return host.replicas(key).includes(host.self);
 * }
 * ```
 */
export interface AntiEntropyHost {
  readonly self: NodeId;
  readonly store: ReplicaStore;
  readonly depth: number;
  /** The key's preference list on the node's current ring. */
  replicas(key: string): readonly NodeId[];
  /** The ring's epoch: trees are rebuilt when it changes. */
  epoch(): number;
  send(to: NodeId, message: QuorumMessage): void;
}

/**
 * Counters of a node's anti-entropy.
 *
 * @example
 * ```ts
 * import type { AntiEntropyStats } from "./anti_entropy.ts";
 * const s: AntiEntropyStats = { rounds: 0, inSync: 0, hashesSent: 0, entriesSent: 0, keysRepaired: 0 };
 * ```
 */
export interface AntiEntropyStats {
  /** Exchanges this node started. */
  rounds: number;
  /** Exchanges (started by either side) that found equal roots. */
  inSync: number;
  hashesSent: number;
  entriesSent: number;
  /** Keys whose local siblings changed because of an exchange. */
  keysRepaired: number;
}

/**
 * One node's side of anti-entropy.
 *
 * @example
 * ```ts
 * import type { AntiEntropy } from "./anti_entropy.ts";
 * function round(ae: AntiEntropy, peer: string): void {
 *   ae.start(peer);
 * }
 * ```
 */
export interface AntiEntropy {
  /** Starts an exchange with `peer`: sends the root of the tree of the keys both replicate. */
  start(peer: NodeId): void;
  /** Handles an `ae-nodes` or `ae-push` message. */
  receive(from: NodeId, message: QuorumMessage): void;
  /** This node's tree for the keys it shares with `peer` (cached per data revision). */
  tree(peer: NodeId): MerkleTree;
  readonly stats: AntiEntropyStats;
}

/**
 * Creates a node's anti-entropy.
 *
 * @param host the node's store, ring and network
 * @returns the exchange logic
 *
 * @example
 * ```ts
 * import { createAntiEntropy } from "./anti_entropy.ts";
 * import type { AntiEntropyHost } from "./anti_entropy.ts";
 * declare const host: AntiEntropyHost;
 * const ae = createAntiEntropy(host);
 * ae.start("n2");
 * ```
 */
export function createAntiEntropy(host: AntiEntropyHost): AntiEntropy {
  const stats: AntiEntropyStats = {
    rounds: 0,
    inSync: 0,
    hashesSent: 0,
    entriesSent: 0,
    keysRepaired: 0,
  };
  const cache = new Map<NodeId, { revision: number; epoch: number; tree: MerkleTree }>();

  const tree = (peer: NodeId): MerkleTree => {
    const hit = cache.get(peer);
    const revision = host.store.revision;
    const epoch = host.epoch();
    if (hit !== undefined && hit.revision === revision && hit.epoch === epoch) return hit.tree;
    const entries: [string, number][] = [];
    for (const key of host.store.keys()) {
      const replicas = host.replicas(key);
      if (!replicas.includes(host.self) || !replicas.includes(peer)) continue;
      entries.push([key, entryDigest(key, versionsKey(host.store.get(key)))]);
    }
    const t = buildMerkleTree(entries, host.depth);
    cache.set(peer, { revision, epoch, tree: t });
    return t;
  };

  const entriesOf = (t: MerkleTree, leaves: readonly number[]): Entry[] => {
    const out: Entry[] = [];
    for (const i of leaves) for (const k of t.leafKeys[i] ?? []) out.push([k, host.store.get(k)]);
    stats.entriesSent += out.length;
    return out;
  };

  return {
    stats,
    tree,
    start(peer) {
      stats.rounds++;
      stats.hashesSent++;
      host.send(peer, { type: "ae-nodes", level: 0, nodes: [[0, tree(peer).levels[0]![0]!]] });
    },
    receive(from, m) {
      if (m.type === "ae-nodes") {
        const t = tree(from);
        if (!Array.isArray(m.nodes) || typeof m.level !== "number") return;
        const differ = compareLevel(t, m.level, m.nodes);
        if (differ.length === 0) {
          if (m.level === 0) stats.inSync++;
          return;
        }
        if (m.level < t.depth) {
          const nodes = childHashes(t, m.level, differ);
          stats.hashesSent += nodes.length;
          host.send(from, { type: "ae-nodes", level: m.level + 1, nodes });
        } else {
          host.send(from, {
            type: "ae-push",
            leaves: differ,
            entries: entriesOf(t, differ),
            reply: true,
          });
        }
      } else if (m.type === "ae-push") {
        if (!Array.isArray(m.entries) || !Array.isArray(m.leaves)) return;
        for (const e of m.entries) {
          if (!Array.isArray(e) || typeof e[0] !== "string" || !isVersionList(e[1])) continue;
          const [key, versions] = e;
          if (!host.replicas(key).includes(host.self)) continue;
          if (host.store.merge(key, versions)) stats.keysRepaired++;
        }
        if (m.reply) {
          host.send(from, {
            type: "ae-push",
            leaves: m.leaves,
            entries: entriesOf(tree(from), m.leaves),
            reply: false,
          });
        }
      }
    },
  };
}
