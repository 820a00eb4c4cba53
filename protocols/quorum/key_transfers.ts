/**
 * Key transfers after a ring change: the keys a node must send to the replicas that
 * entered their preference lists ({@link import("./membership.ts").planRebalance}),
 * kept in durable storage (`xfer/<key>`) and re-sent until every target acknowledges,
 * so a crash in the middle does not lose a move. A key this node no longer replicates
 * is dropped only after its last target acknowledged it.
 *
 * @module
 */

import type { DurableStorage } from "../storage.ts";
import type { NodeId } from "../node.ts";
import type { Entry, QuorumMessage } from "./message.ts";
import type { RebalancePlan } from "./membership.ts";
import type { ReplicaStore } from "./replica_store.ts";
import { isVersionList } from "./versions.ts";

/**
 * One node's outgoing and incoming key moves.
 *
 * @example
 * ```ts
 * import type { KeyTransfers } from "./key_transfers.ts";
 * function busy(t: KeyTransfers): boolean {
 *   return t.pending() > 0;
 * }
 * ```
 */
export interface KeyTransfers {
  /** Records a rebalance plan: drops what goes at once, queues what must be sent. */
  apply(plan: RebalancePlan): void;
  /** Sends every queued key to its targets that have not acknowledged yet. */
  send(): void;
  /** Handles `transfer` (merge, acknowledge) and `transfer-ack` (dequeue, maybe drop). */
  receive(from: NodeId, message: QuorumMessage): void;
  /** Keys still waiting for an acknowledgement. */
  pending(): number;
  /** Distinct keys this node has sent / received. */
  readonly movedOut: ReadonlySet<string>;
  readonly movedIn: ReadonlySet<string>;
}

/**
 * Creates the transfer queue, reloading what `storage` holds.
 *
 * @param storage the node's durable storage
 * @param store its data
 * @param replicates whether this node currently replicates `key` (checked before a drop)
 * @param send the network
 * @returns the queue
 *
 * @example
 * ```ts
 * import { createKeyTransfers } from "./key_transfers.ts";
 * import { createReplicaStore } from "./replica_store.ts";
 * const mem = new Map<string, unknown>();
 * const storage = {
 *   get: (k: string) => mem.get(k),
 *   set: (k: string, v: unknown) => void mem.set(k, v),
 *   delete: (k: string) => void mem.delete(k),
 *   keys: (p = "") => [...mem.keys()].filter((k) => k.startsWith(p)).sort(),
 * };
 * const t = createKeyTransfers(storage, createReplicaStore(storage, "vclock"), () => true, () => {});
 * t.pending(); // 0
 * ```
 */
export function createKeyTransfers(
  storage: DurableStorage,
  store: ReplicaStore,
  replicates: (key: string) => boolean,
  send: (to: NodeId, message: QuorumMessage) => void,
): KeyTransfers {
  interface Transfer {
    readonly targets: NodeId[];
    readonly drop: boolean;
  }
  const queue = new Map<string, Transfer>();
  for (const k of storage.keys("xfer/")) queue.set(k.slice(5), storage.get(k) as Transfer);
  const movedOut = new Set<string>();
  const movedIn = new Set<string>();
  const save = (key: string, t: Transfer | undefined) => {
    if (t === undefined) {
      queue.delete(key);
      storage.delete("xfer/" + key);
    } else {
      queue.set(key, t);
      storage.set("xfer/" + key, t);
    }
  };

  return {
    movedOut,
    movedIn,
    pending: () => queue.size,
    apply(plan) {
      for (const key of plan.dropNow) store.remove(key);
      for (const [key, targets] of plan.send) {
        save(key, { targets, drop: plan.dropAfterSend.includes(key) });
      }
    },
    send() {
      const byTarget = new Map<NodeId, Entry[]>();
      for (const [key, t] of queue) {
        for (const to of t.targets) {
          let list = byTarget.get(to);
          if (list === undefined) byTarget.set(to, list = []);
          list.push([key, store.get(key)]);
          movedOut.add(key);
        }
      }
      for (const [to, entries] of byTarget) send(to, { type: "transfer", entries });
    },
    receive(from, m) {
      if (m.type === "transfer") {
        if (!Array.isArray(m.entries)) return;
        const keys: string[] = [];
        for (const e of m.entries) {
          if (!Array.isArray(e) || typeof e[0] !== "string" || !isVersionList(e[1])) continue;
          store.merge(e[0], e[1]);
          movedIn.add(e[0]);
          keys.push(e[0]);
        }
        send(from, { type: "transfer-ack", keys });
      } else if (m.type === "transfer-ack") {
        if (!Array.isArray(m.keys)) return;
        for (const key of m.keys) {
          const t = queue.get(key);
          if (t === undefined) continue;
          const targets = t.targets.filter((x) => x !== from);
          if (targets.length > 0) {
            save(key, { targets, drop: t.drop });
            continue;
          }
          save(key, undefined);
          // A later ring change may have made this node a replica again: keep it then.
          if (t.drop && !replicates(key)) store.remove(key);
        }
      }
    },
  };
}
