/**
 * What the bus must keep, checked incrementally so it can run after every simulated
 * step:
 *
 * - **one leader per partition per epoch**: no two brokers ever lead the same epoch;
 * - **committed records never change**: every replica's records below its high
 *   watermark agree, offset by offset, with every other replica's (one committed order
 *   per partition), and the high watermark never goes back nor passes the log end —
 *   above it a follower may still cut off a tail its leader does not have;
 * - **acknowledged records are never lost**: an acknowledged record is committed at its
 *   offset, and a broker that takes the lead of a new epoch holds every acknowledged
 *   record of the partition; at the end each is held by at least a quorum of replicas;
 * - **no consumer sees an uncommitted record**: whatever a poll delivered is committed,
 *   at that offset, unchanged;
 * - an idempotent producer's records appear once each in the committed log, in its
 *   sequence order; committed group offsets never pass the committed log.
 *
 * @module
 */

import { jsonEqual } from "../kv.ts";
import type { NodeId } from "../node.ts";
import type { DurableStorage } from "../storage.ts";
import type { Broker, PartitionView } from "./broker.ts";
import { type BusConfig, replicasOf } from "./config.ts";
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
 *   log: [{ key: "k", value: 1, at: 5, epoch: 1 }],
 *   hw: 1,
 *   offsets: new Map([["g", 1]]),
 *   leader: true,
 *   epoch: 1,
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
  /** Whether this replica leads its partition now, in `epoch`. */
  readonly leader: boolean;
  /** The highest leader epoch the replica knows of. */
  readonly epoch: number;
}

/**
 * An acknowledged produce, or a delivered record: this record is at this offset.
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
  /** Notes an acknowledgement; a violation if it contradicts the committed log. */
  acknowledged(a: AckedRecord): string | null;
  /** Notes a record a consumer was given; a violation if it is not the committed one. */
  delivered(d: AckedRecord): string | null;
  /**
   * At the end: every acknowledged record is committed and on at least `quorum(topic)`
   * replicas, and every delivered one is committed.
   */
  checkDurable(
    replicas: readonly BusReplicaView[],
    quorum: (topic: string) => number,
  ): string | null;
  /** Committed records the checker has seen, acknowledgements it holds, leaders seen. */
  readonly counts: { records: number; acked: number; leaders: number };
}

interface ReplicaState {
  readonly node: NodeId;
  readonly pk: string;
  readonly id: string;
  /** The partition's committed log, as far as the checker has seen it. */
  readonly c: BusRecord[];
  seen: number;
  /** The epoch this replica was last seen leading in (-1: none yet). */
  ledEpoch: number;
}

/**
 * Creates an incremental bus checker.
 *
 * @example
 * ```ts
 * import { createBusChecker } from "./invariants.ts";
 * const c = createBusChecker();
 * const rec = { key: "k", value: 1, at: 0, epoch: 1 };
 * const view = { topic: "t", partition: 0, hw: 1, offsets: new Map<string, number>(), epoch: 1 };
 * c.observe([{ ...view, node: "n1", log: [rec], leader: true }]); // null
 * c.observe([{ ...view, node: "n2", log: [{ ...rec, value: 2 }], leader: false }]);
 * // "n2 t/0 committed offset 0 differs from another replica's"
 * ```
 */
export function createBusChecker(): BusChecker {
  const committed = new Map<string, BusRecord[]>();
  const seenHw = new Map<string, number>(); // replica → high watermark already checked
  const lastSeq = new Map<string, number>(); // partition + producer → last seq
  const acked = new Map<string, Map<number, AckedRecord>>(); // partition → offset → record
  const delivered = new Map<string, Map<number, AckedRecord>>();
  const leaders = new Map<string, NodeId>(); // partition@epoch → leader
  const counts = { records: 0, acked: 0, leaders: 0 };
  const part = (topic: string, p: number) => `${topic}/${p}`;
  const same = (a: BusRecord, b: BusRecord) =>
    a.key === b.key && a.producer === b.producer && a.seq === b.seq && a.epoch === b.epoch &&
    jsonEqual(a.value, b.value);
  const matches = (a: AckedRecord, r: BusRecord | undefined) =>
    r !== undefined && r.key === a.key && jsonEqual(r.value, a.value);

  const commit = (pk: string, c: BusRecord[], r: BusRecord): string | null => {
    const o = c.length;
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
    const a = acked.get(pk)?.get(o);
    if (a !== undefined && !matches(a, r)) return `acknowledged ${pk}@${o} was overwritten`;
    const d = delivered.get(pk)?.get(o);
    if (d !== undefined && !matches(d, r)) {
      return `a consumer was given ${pk}@${o}, which was never committed`;
    }
    return null;
  };

  // What the checker keeps per replica, found by its log array (the same array while
  // the replica lives), so that a step's check builds no strings; `seen` also survives a
  // restart in `seenHw`, by node and partition.
  const states = new WeakMap<readonly BusRecord[], ReplicaState>();
  const stateOf = (v: BusReplicaView): ReplicaState => {
    let st = states.get(v.log);
    if (st !== undefined && st.node === v.node) return st;
    const pk = part(v.topic, v.partition);
    const id = `${v.node} ${pk}`;
    let c = committed.get(pk);
    if (c === undefined) committed.set(pk, c = []);
    st = { node: v.node, pk, id, c, seen: seenHw.get(id) ?? 0, ledEpoch: -1 };
    states.set(v.log, st);
    return st;
  };

  const newLeader = (v: BusReplicaView, pk: string): string | null => {
    const k = `${pk}@${v.epoch}`;
    const known = leaders.get(k);
    if (known === v.node) return null;
    if (known !== undefined) {
      return `${pk} has two leaders in epoch ${v.epoch}: ${known}, ${v.node}`;
    }
    leaders.set(k, v.node);
    counts.leaders++;
    for (const [o, a] of acked.get(pk) ?? []) {
      if (!matches(a, v.log[o])) {
        return `${v.node} leads ${pk} in epoch ${v.epoch} without acknowledged offset ${o}`;
      }
    }
    return null;
  };

  const note = (
    book: Map<string, Map<number, AckedRecord>>,
    a: AckedRecord,
    what: string,
  ): string | null => {
    const pk = part(a.topic, a.partition);
    const known = committed.get(pk)?.[a.offset];
    if (known !== undefined && !matches(a, known)) {
      return `${what} ${pk}@${a.offset} is not the committed record`;
    }
    let m = book.get(pk);
    if (m === undefined) book.set(pk, m = new Map());
    if (m.has(a.offset)) return null;
    m.set(a.offset, a);
    return null;
  };

  return {
    counts,
    observe(replicas) {
      for (const v of replicas) {
        const st = stateOf(v);
        const { pk, id, c } = st;
        const seen = st.seen;
        if (v.hw < seen) return `${id} high watermark went back from ${seen} to ${v.hw}`;
        if (v.hw > v.log.length) {
          return `${id} high watermark ${v.hw} is past the log end ${v.log.length}`;
        }
        if (v.leader && st.ledEpoch !== v.epoch) {
          const bad = newLeader(v, pk);
          if (bad !== null) return bad;
          st.ledEpoch = v.epoch;
        }
        for (let o = seen; o < v.hw; o++) {
          const r = v.log[o]!;
          const known = c[o];
          if (known !== undefined) {
            if (!same(known, r)) {
              return `${id} committed offset ${o} differs from another replica's`;
            }
            continue;
          }
          const bad = commit(pk, c, r);
          if (bad !== null) return bad;
        }
        if (v.hw !== seen) {
          st.seen = v.hw;
          seenHw.set(id, v.hw);
        }
      }
      for (const v of replicas) {
        if (v.offsets.size === 0) continue;
        const length = stateOf(v).c.length;
        for (const [g, off] of v.offsets) {
          if (off > length) {
            return `${v.node} ${v.topic}/${v.partition} group ${g} committed ${off} past the committed log (${length})`;
          }
        }
      }
      return null;
    },
    acknowledged(a) {
      const bad = note(acked, a, "acknowledged");
      if (bad === null && acked.get(part(a.topic, a.partition))?.get(a.offset) === a) {
        counts.acked++;
      }
      return bad;
    },
    delivered: (d) => note(delivered, d, "delivered"),
    checkDurable(replicas, quorum) {
      for (const [pk, list] of acked) {
        const holders = replicas.filter((v) => part(v.topic, v.partition) === pk);
        const length = committed.get(pk)?.length ?? 0;
        for (const a of list.values()) {
          if (a.offset >= length) return `acknowledged ${pk}@${a.offset} was never committed`;
          const have = holders.filter((v) => matches(a, v.log[a.offset])).length;
          if (have < quorum(a.topic)) {
            return `acknowledged ${pk}@${a.offset} is on ${have} replicas, fewer than ${
              quorum(a.topic)
            }`;
          }
        }
      }
      for (const [pk, list] of delivered) {
        const length = committed.get(pk)?.length ?? 0;
        for (const d of list.values()) {
          if (d.offset >= length) return `a consumer was given ${pk}@${d.offset}, never committed`;
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
      let view = liveViews.get(v);
      if (view === undefined || view.node !== node) liveViews.set(v, view = liveView(node, v));
      out.push(view);
    }
  }
  return out;
}

// A broker's partition views live as long as the broker: so do the checker's views of
// them, whose changing fields are read through.
const liveViews = new WeakMap<PartitionView, BusReplicaView>();

function liveView(node: NodeId, v: PartitionView): BusReplicaView {
  const r = v.replica;
  return {
    node,
    topic: v.topic,
    partition: v.partition,
    log: r.log,
    get hw() {
      return r.hw;
    },
    offsets: r.offsets,
    get leader() {
      return v.leader;
    },
    get epoch() {
      return r.epoch;
    },
  };
}

/**
 * Every partition replica as each node's durable storage holds it (up or down); none
 * counts as a leader (leadership is volatile).
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
          leader: false, // leadership is not on disk
          epoch: r.epoch,
        });
      }
    }
  }
  return out;
}
