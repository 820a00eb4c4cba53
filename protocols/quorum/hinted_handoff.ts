/**
 * Hinted handoff (Dynamo §4.6): a node that accepted writes for a suspected replica
 * keeps them as hints and, every `handoffMs`, sends them to their owner once it is
 * trusted again; the owner merges them and acknowledges, and the holder drops exactly
 * what was acknowledged (a hint updated in the meantime goes on the next round). If
 * the owner has left the ring, the key's current first healthy replica gets the hint.
 *
 * @module
 */

import type { NodeId } from "../node.ts";
import type { Entry, QuorumMessage } from "./message.ts";
import type { ReplicaStore } from "./replica_store.ts";
import { isVersionList, versionsKey } from "./versions.ts";

/**
 * What handoff needs from its node.
 *
 * @example
 * ```ts
 * import type { HandoffHost } from "./hinted_handoff.ts";
 * const healthyOnly = (h: HandoffHost, nodes: string[]) => nodes.filter((n) => h.healthy(n));
 * ```
 */
export interface HandoffHost {
  readonly self: NodeId;
  readonly store: ReplicaStore;
  isMember(node: NodeId): boolean;
  /** Trusted by the failure detector (the node itself always is). */
  healthy(node: NodeId): boolean;
  replicas(key: string): readonly NodeId[];
  send(to: NodeId, message: QuorumMessage): void;
  /** A batch of hints arrived and was merged (for the trace). */
  handedIn(from: NodeId, owner: NodeId, keys: number): void;
}

/**
 * One node's hinted handoff.
 *
 * @example
 * ```ts
 * import type { HintedHandoff } from "./hinted_handoff.ts";
 * function round(h: HintedHandoff): number {
 *   h.handOff();
 *   return h.handedOff();
 * }
 * ```
 */
export interface HintedHandoff {
  /** Sends every hint whose owner (or stand-in replica) is trusted. */
  handOff(): void;
  /** Handles `handoff` (merge, acknowledge) and `handoff-ack` (drop the hints). */
  receive(from: NodeId, message: QuorumMessage): void;
  /** Hints delivered and dropped so far. */
  handedOff(): number;
}

/**
 * Creates a node's hinted handoff.
 *
 * @param host the node's store, membership, detector and network
 * @returns the handoff logic
 *
 * @example
 * ```ts
 * import { createHintedHandoff, type HandoffHost } from "./hinted_handoff.ts";
 * function make(host: HandoffHost) {
 *   return createHintedHandoff(host);
 * }
 * ```
 */
export function createHintedHandoff(host: HandoffHost): HintedHandoff {
  const { store } = host;
  let delivered = 0;
  return {
    handedOff: () => delivered,
    handOff() {
      for (const owner of store.hintOwners()) {
        const hints = store.hintsFor(owner);
        if (host.isMember(owner)) {
          if (host.healthy(owner)) host.send(owner, { type: "handoff", owner, entries: hints });
          continue;
        }
        const byTarget = new Map<NodeId, Entry[]>();
        for (const [key, versions] of hints) {
          const to = host.replicas(key).find((x) => host.healthy(x));
          if (to === undefined) continue;
          if (to === host.self) {
            store.merge(key, versions);
            store.removeHint(owner, key);
            delivered++;
            continue;
          }
          let list = byTarget.get(to);
          if (list === undefined) byTarget.set(to, list = []);
          list.push([key, versions]);
        }
        for (const [to, entries] of byTarget) host.send(to, { type: "handoff", owner, entries });
      }
    },
    receive(from, m) {
      if (m.type === "handoff") {
        if (!Array.isArray(m.entries) || typeof m.owner !== "string") return;
        const done: [string, string][] = [];
        for (const e of m.entries) {
          if (!Array.isArray(e) || typeof e[0] !== "string" || !isVersionList(e[1])) continue;
          store.merge(e[0], e[1]);
          done.push([e[0], versionsKey(e[1])]);
        }
        if (done.length > 0) host.handedIn(from, m.owner, done.length);
        host.send(from, { type: "handoff-ack", owner: m.owner, done });
      } else if (m.type === "handoff-ack") {
        if (!Array.isArray(m.done) || typeof m.owner !== "string") return;
        for (const [key, sent] of m.done) {
          const held = store.hintsFor(m.owner).find(([k]) => k === key);
          if (held !== undefined && versionsKey(held[1]) === sent) {
            store.removeHint(m.owner, key);
            delivered++;
          }
        }
      }
    },
  };
}
