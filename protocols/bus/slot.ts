/**
 * A partition as one broker holds it: its durable replica, and the broker's volatile
 * part in the partition's leadership — its role, whom it takes for the leader, its
 * election timer and votes, and, while it leads, what it knows of its followers and
 * the requests waiting on the high watermark. Also the core every part of a broker
 * shares (host, layout, options).
 *
 * @module
 */

import type { NodeId, Reply } from "../node.ts";
import type { DurableStorage } from "../storage.ts";
import type { BusConfig } from "./config.ts";
import type { BusMessage, BusOp } from "./message.ts";
import type { PartitionReplica } from "./partition.ts";
import { positiveOption } from "../options.ts";

/**
 * What a broker needs from the node that hosts it.
 *
 * @example
 * ```ts
 * import type { BrokerHost } from "./slot.ts";
 * import type { NodeContext } from "../node.ts";
 * import type { BusMessage } from "./message.ts";
 * declare const ctx: NodeContext<BusMessage>;
 * const host: BrokerHost = ctx; // a node context is a broker host
 * ```
 */
export interface BrokerHost {
  readonly id: NodeId;
  now(): number;
  /** A seeded random number in [0, 1) (election timeouts). */
  random(): number;
  readonly storage: DurableStorage;
  send(to: NodeId, message: BusMessage): void;
  emit(kind: string, data?: Record<string, unknown>): void;
}

/**
 * Timing options of a broker.
 *
 * @example
 * ```ts
 * import type { BrokerOptions } from "./slot.ts";
 * const o: BrokerOptions = {
 *   replicateMs: 20, produceTimeoutMs: 1000, isrLagMs: 200, batch: 50, electionMs: 300,
 * };
 * ```
 */
export interface BrokerOptions {
  /** Replication heartbeat and resend period (default 50 ms). */
  readonly replicateMs: number;
  /** A produce not acknowledged by a quorum by then gets an indefinite answer (default 2000 ms). */
  readonly produceTimeoutMs: number;
  /** A follower lagging longer than this leaves the in-sync set (default 500 ms). */
  readonly isrLagMs: number;
  /** At most this many records per append message (default 100). */
  readonly batch: number;
  /**
   * A follower that hears no leader for a random time in [electionMs, 2 × electionMs)
   * stands for election (default 300 ms); a leader that hears from no majority for
   * 2 × electionMs steps down.
   */
  readonly electionMs: number;
}

/**
 * Reads broker options, filling in defaults.
 *
 * @example
 * ```ts
 * import { brokerOptions } from "./slot.ts";
 * brokerOptions({}).replicateMs; // 50
 * brokerOptions({}).electionMs; // 300
 * ```
 */
export function brokerOptions(raw: Readonly<Record<string, unknown>>): BrokerOptions {
  const num = (k: string, d: number): number => positiveOption(raw, k, d);
  return {
    replicateMs: num("replicateMs", 50),
    produceTimeoutMs: num("produceTimeoutMs", 2000),
    isrLagMs: num("isrLagMs", 500),
    batch: num("batch", 100),
    electionMs: num("electionMs", 300),
  };
}

/**
 * What the parts of one broker share.
 *
 * @example
 * ```ts
 * import type { BrokerCore } from "./slot.ts";
 * function me(core: BrokerCore): string {
 *   return core.host.id;
 * }
 * ```
 */
export interface BrokerCore {
  readonly host: BrokerHost;
  readonly config: BusConfig;
  readonly o: BrokerOptions;
}

/**
 * A leader's view of one follower.
 *
 * @example
 * ```ts
 * import type { FollowerState } from "./slot.ts";
 * const fresh: FollowerState = {
 *   match: 0, next: 0, offsetsVersion: 0, lastAck: -Infinity, caughtUp: -Infinity,
 * };
 * ```
 */
export interface FollowerState {
  /** The log length it is known to share with the leader. */
  match: number;
  /** Where the next append to it starts. */
  next: number;
  offsetsVersion: number;
  lastAck: number;
  caughtUp: number;
}

/**
 * A client request waiting for the high watermark (or a follower) to move.
 *
 * @example
 * ```ts
 * import type { Waiter } from "./slot.ts";
 * const w: Waiter<number> = { at: 3, deadline: 500, respond: () => {} };
 * ```
 */
export interface Waiter<T> {
  readonly at: T;
  readonly deadline: number;
  readonly respond: (r: Reply) => void;
}

/**
 * What a broker keeps while it leads a partition (lost when it stops leading).
 *
 * @example
 * ```ts
 * import type { Led } from "./slot.ts";
 * function pending(l: Led): number {
 *   return l.produceWaiters.length;
 * }
 * ```
 */
export interface Led {
  /** When this leadership began. */
  readonly since: number;
  readonly followers: Map<NodeId, FollowerState>;
  /** Produces waiting for their offset to be acknowledged. */
  produceWaiters: Waiter<number>[];
  /** Commits waiting for their offsets version to reach a majority. */
  commitWaiters: Waiter<number>[];
  /** Long polls waiting for records past the high watermark. */
  pollWaiters: Waiter<Extract<BusOp, { f: "poll" }>>[];
  nextHeartbeat: number;
}

/**
 * A partition as this broker holds it.
 *
 * @example
 * ```ts
 * import type { PartitionSlot } from "./slot.ts";
 * function leads(s: PartitionSlot): boolean {
 *   return s.role === "leader";
 * }
 * ```
 */
export interface PartitionSlot {
  readonly topic: string;
  readonly partition: number;
  /** The partition's replicas, preferred leader first. */
  readonly replicas: readonly NodeId[];
  readonly replica: PartitionReplica;
  role: "leader" | "follower" | "candidate";
  /** Whom this broker takes for the leader of its epoch (a hint for clients). */
  leader: NodeId | null;
  /** When a follower or candidate stands for (another) election. */
  electionAt: number;
  /** Votes a candidate has in its epoch. */
  readonly votes: Set<NodeId>;
  /** While a follower asks for pre-votes: those it has for the next epoch. */
  readonly preVotes: Set<NodeId>;
  /** Whether it is asking for pre-votes (before it may stand for election). */
  prevoting: boolean;
  /** When the leader of the current epoch was last heard from. */
  heardAt: number;
  /** Leader state, while this broker leads. */
  led: Led | null;
}

/**
 * A random election deadline from now: [electionMs, 2 × electionMs) ahead.
 *
 * @example
 * ```ts
 * import { electionDeadline } from "./slot.ts";
 * import type { BrokerCore } from "./slot.ts";
 * declare const core: BrokerCore;
 * electionDeadline(core) >= core.host.now() + core.o.electionMs; // true
 * ```
 */
export function electionDeadline(core: BrokerCore): number {
  return core.host.now() + core.o.electionMs * (1 + core.host.random());
}

/**
 * The partition's key, `topic/partition`.
 *
 * @example
 * ```ts
 * import { slotKey } from "./slot.ts";
 * slotKey("events", 2); // "events/2"
 * ```
 */
export function slotKey(topic: string, partition: number): string {
  return `${topic}/${partition}`;
}
