/**
 * What the bus must keep, checked incrementally so it can run after every simulated
 * step: each replica's log only grows and agrees, offset by offset, with every other
 * replica of its partition (so order within a partition is one order everywhere); an
 * idempotent producer's records appear once each, in its sequence order; the high
 * watermark never passes the log end and committed offsets never pass the high
 * watermark; and no acknowledged record is lost — at the end each is held, unchanged,
 * by at least a quorum of its partition's replicas.
 *
 * @module
 */

import { jsonEqual } from "../kv.ts";
import type { NodeId } from "../node.ts";
import type { DurableStorage } from "../storage.ts";
import type { Broker } from "./broker.ts";
import { type BusConfig, leaderOf, replicasOf } from "./config.ts";
import type { BusRecord } from "./message.ts";
import { loadReplica } from "./partition.ts";

/**
 * One replica as the checker sees it.
 *
 * @example
 * ```ts
 * import type { BusReplicaView } from "./invariants.ts";
 * const v: BusReplicaView = {
 *   node: "n1",
 *   topic: "events",
 *   partition: 0,
 *   log: [{ key: "k", value: 1, at: 5 }],
 *   hw: 1,
 *   offsets: new Map([["g", 1]]),
 *   leader: true,
 * };
 * ```
 */
export interface BusReplicaView {
  readonly node: NodeId;
  readonly topic: string;
  readonly partition: number;
  readonly log: readonly BusRecord[];
  readonly hw: number;
  readonly offsets: ReadonlyMap<string, number>;
  /** Whether this replica leads its partition (committed offsets are bounded by its hw). */
  readonly leader: boolean;
}

/**
 * An acknowledged produce: the record is at this offset.
 *
 * @example
 * ```ts
 * import type { AckedRecord } from "./invariants.ts";
 * const a: AckedRecord = { topic: "events", partition: 0, offset: 0, key: "k", value: 1 };
 * ```
 */
export interface AckedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly key: string;
  readonly value: unknown;
}

/**
 * The incremental checker.
 *
 * @example
 * ```ts
 * import { createBusChecker } from "./invariants.ts";
 * const checker = createBusChecker();
 * checker.observe([]); // null: nothing to contradict yet
 * ```
 */
export interface BusChecker {
  /** Checks what changed since the last call; the first violation or null. */
  observe(replicas: readonly BusReplicaView[]): string | null;
  /** Notes an acknowledgement; a violation if it contradicts what the replicas hold. */
  acknowledged(a: AckedRecord): string | null;
  /** Every acknowledged record is on at least `quorum(topic)` replicas. */
  checkDurable(
    replicas: readonly BusReplicaView[],
    quorum: (topic: string) => number,
  ): string | null;
  /** How many records the checker has seen, and acknowledgements it holds. */
  readonly counts: { records: number; acked: number };
}

/**
 * Creates an incremental bus checker.
 *
 * @example
 * ```ts
 * import { createBusChecker } from "./invariants.ts";
 * const c = createBusChecker();
 * const rec = { key: "k", value: 1, at: 0 };
 * const view = { topic: "t", partition: 0, hw: 0, offsets: new Map<string, number>() };
 * c.observe([{ ...view, node: "n1", log: [rec], leader: true }]); // null
 * c.observe([{ ...view, node: "n2", log: [{ ...rec, value: 2 }], leader: false }]);
 * // "n2 t/0 offset 0 differs from another replica"
 * ```
 */
export function createBusChecker(): BusChecker {
  const canonical = new Map<string, BusRecord[]>();
  const verified = new Map<string, { length: number; hw: number }>();
  const lastSeq = new Map<string, number>(); // partition + producer → last seq
  const acked = new Map<string, AckedRecord[]>();
  const counts = { records: 0, acked: 0 };
  const part = (topic: string, p: number) => `${topic}/${p}`;
  const same = (a: BusRecord, b: BusRecord) =>
    a.key === b.key && a.producer === b.producer && a.seq === b.seq && jsonEqual(a.value, b.value);

  const matches = (a: AckedRecord, r: BusRecord | undefined) =>
    r === undefined || (r.key === a.key && jsonEqual(r.value, a.value));

  return {
    counts,
    observe(replicas) {
      for (const v of replicas) {
        const pk = part(v.topic, v.partition);
        const id = `${v.node} ${pk}`;
        const seen = verified.get(id) ?? { length: 0, hw: 0 };
        if (v.log.length < seen.length) {
          return `${id} log shrank from ${seen.length} to ${v.log.length}`;
        }
        if (v.hw < seen.hw) return `${id} high watermark went back from ${seen.hw} to ${v.hw}`;
        if (v.hw > v.log.length) {
          return `${id} high watermark ${v.hw} is past the log end ${v.log.length}`;
        }
        let c = canonical.get(pk);
        if (c === undefined) canonical.set(pk, c = []);
        for (let o = seen.length; o < v.log.length; o++) {
          const r = v.log[o]!;
          const known = c[o];
          if (known !== undefined) {
            if (!same(known, r)) return `${id} offset ${o} differs from another replica`;
            continue;
          }
          if (o !== c.length) return `${id} has offset ${o} before any replica had ${c.length}`;
          c.push(r);
          counts.records++;
          if (r.producer !== undefined && r.seq !== undefined) {
            const pp = `${pk} ${r.producer}`;
            const last = lastSeq.get(pp);
            if (last !== undefined && r.seq <= last) {
              return `${pk} offset ${o}: producer ${r.producer} seq ${r.seq} after seq ${last}`;
            }
            lastSeq.set(pp, r.seq);
          }
          for (const a of acked.get(pk) ?? []) {
            if (a.offset === o && !matches(a, r)) return `acknowledged ${pk}@${o} was overwritten`;
          }
        }
        for (const [g, off] of v.offsets) {
          if (v.leader && off > v.hw) {
            return `${id} group ${g} committed ${off} past the high watermark ${v.hw}`;
          }
        }
        verified.set(id, { length: v.log.length, hw: v.hw });
      }
      return null;
    },
    acknowledged(a) {
      const pk = part(a.topic, a.partition);
      if (!matches(a, canonical.get(pk)?.[a.offset])) {
        return `acknowledged ${pk}@${a.offset} does not match the log`;
      }
      const list = acked.get(pk) ?? [];
      if (!list.some((x) => x.offset === a.offset)) {
        list.push(a);
        acked.set(pk, list);
        counts.acked++;
      }
      return null;
    },
    checkDurable(replicas, quorum) {
      for (const [pk, list] of acked) {
        const holders = replicas.filter((v) => part(v.topic, v.partition) === pk);
        for (const a of list) {
          const have = holders.filter((v) =>
            v.log[a.offset] !== undefined && matches(a, v.log[a.offset])
          )
            .length;
          if (have < quorum(a.topic)) {
            return `acknowledged ${pk}@${a.offset} is on ${have} replicas, fewer than ${
              quorum(a.topic)
            }`;
          }
        }
      }
      return null;
    },
  };
}

/**
 * The replicas running brokers hold in memory (brokers that are down are left out:
 * their disks keep what they had, and they come back with it).
 *
 * @example
 * ```ts
 * import { liveReplicaViews } from "./invariants.ts";
 * liveReplicaViews([["n1", null]]); // []
 * ```
 */
export function liveReplicaViews(
  brokers: readonly (readonly [NodeId, Broker | null])[],
): BusReplicaView[] {
  const out: BusReplicaView[] = [];
  for (const [node, broker] of brokers) {
    for (const v of broker?.partitions() ?? []) {
      const r = v.replica;
      out.push({
        node,
        topic: v.topic,
        partition: v.partition,
        log: r.log,
        hw: r.hw,
        offsets: r.offsets,
        leader: v.leader,
      });
    }
  }
  return out;
}

/**
 * Every partition replica as each node's durable storage holds it (up or down).
 *
 * @example
 * ```ts
 * import { durableReplicaViews } from "./invariants.ts";
 * import { busConfig } from "./config.ts";
 * const empty = { get: () => undefined, set() {}, delete() {}, keys: () => [] };
 * durableReplicaViews(busConfig(["n1"], {}), ["n1"], () => empty).length; // 3
 * ```
 */
export function durableReplicaViews(
  config: BusConfig,
  nodes: readonly NodeId[],
  storageOf: (node: NodeId) => DurableStorage,
): BusReplicaView[] {
  const out: BusReplicaView[] = [];
  for (const node of nodes) {
    for (const [topic, t] of Object.entries(config.topics)) {
      for (let p = 0; p < t.partitions; p++) {
        if (!replicasOf(config, topic, p).includes(node)) continue;
        const r = loadReplica(storageOf(node), topic, p);
        out.push({
          node,
          topic,
          partition: p,
          log: r.log,
          hw: r.hw,
          offsets: r.offsets,
          leader: leaderOf(config, topic, p) === node,
        });
      }
    }
  }
  return out;
}
