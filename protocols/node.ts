/**
 * The node contract: what every protocol is, and what its host gives it.
 *
 * A protocol is a deterministic state machine. The host (the simulator or a
 * Worker) creates one {@link ProtocolNode} per node from a {@link NodeContext}
 * and then calls it on exactly three kinds of input: a tick, a message from a
 * peer, and a client request. Effects are buffered by the host and applied in
 * the order durable writes (synced) → outgoing messages → client replies. One
 * exception: a message sent with {@link SendOptions.beforeSync} may leave before the
 * sync; a node that asked with {@link NodeContext.whenSynced} then gets a fourth input,
 * {@link ProtocolNode.synced}, once those writes are durable.
 *
 * @module
 */

import type { ErrorCode } from "./errors.ts";

import type { DurableStorage } from "./storage.ts";
import type { ProtocolAdmin } from "./admin.ts";
import type { ProtocolDisplay } from "./display.ts";
import type { ClientOperation } from "./operations.ts";
import type { MessageSchema } from "./message_schema.ts";

/**
 * A node's id: `n1` … `nN`.
 *
 * @example
 * ```ts
 * import type { NodeId } from "./node.ts";
 * const leader: NodeId = "n3";
 * ```
 */
export type NodeId = string;

/**
 * Outcome of a client request: it happened (`ok`), it did not (`fail`, definite), or it
 * may have (`info`, indefinite — a timeout or a lost leader). A failure carries a code
 * from the closed set in `errors.ts`, which is what hosts and front ends act on; `error`
 * is prose for people.
 *
 * @example
 * ```ts
 * import type { Reply } from "./node.ts";
 * const redirect: Reply = { type: "fail", code: 1000, error: "not leader", leader: "n2" };
 * ```
 */
export type Reply =
  | { readonly type: "ok"; readonly value?: unknown }
  | {
    readonly type: "fail";
    readonly code: ErrorCode;
    readonly error: string;
    /** For a follower: the node the client should ask instead, when known. */
    readonly leader?: NodeId;
    /** With `invalid-argument`: the request parameter at fault. */
    readonly field?: string;
  }
  | { readonly type: "info"; readonly code: ErrorCode; readonly error: string };

/**
 * A client operation handed to a node. `op` is protocol-specific (for the key-value
 * protocols it is a {@link import("./kv.ts").KvOp}).
 *
 * @example
 * ```ts
 * import type { ClientRequest } from "./node.ts";
 * const req: ClientRequest = { id: 7, client: 1, op: { f: "read", key: "x" } };
 * ```
 */
export interface ClientRequest<Op = unknown> {
  /** Unique per host; the node passes it back to {@link NodeContext.reply}. */
  readonly id: number;
  /** The client process that issued it (the history's `process`). */
  readonly client: number;
  readonly op: Op;
}

/**
 * Fields a dashboard or the API shows for a node; protocols add their own.
 *
 * @example
 * ```ts
 * import type { NodeStatus } from "./node.ts";
 * const s: NodeStatus = { role: "leader", term: 3, commitIndex: 42, locks: 0 };
 * ```
 */
export interface NodeStatus {
  /** Role in the protocol: `leader`, `follower`, `candidate`, `replica`, … */
  readonly role?: string;
  readonly term?: number;
  readonly commitIndex?: number;
  /** Peers this node currently suspects (failure detection). */
  readonly suspects?: readonly NodeId[];
  readonly [field: string]: unknown;
}

/**
 * The data of a trace event a protocol emits with a kind (`election`, `role`, `commit`, …).
 *
 * @example
 * ```ts
 * import type { TraceData } from "./node.ts";
 * const d: TraceData = { term: 4, pre: false };
 * ```
 */
export interface TraceData {
  readonly [field: string]: unknown;
}

/**
 * What a host gives a protocol node. Everything that is not pure computation goes
 * through here: time, randomness, storage, the network and clients.
 *
 * @example
 * ```ts
 * import type { NodeContext } from "./node.ts";
 * function electionDeadline(ctx: NodeContext<unknown>): number {
 *   return ctx.now() + 150 + ctx.random() * 150;
 * }
 * ```
 */
export interface NodeContext<M> {
  readonly id: NodeId;
  /** The other members the node was started with (its own id excluded). */
  readonly peers: readonly NodeId[];
  /** Protocol options from the command line or API (plain JSON). */
  readonly options: Readonly<Record<string, unknown>>;
  /** The node's local clock in milliseconds (virtual in the simulator; skew and drift applied). */
  now(): number;
  /** A seeded random number in [0, 1). */
  random(): number;
  /** Durable storage; survives crashes once the host has synced it. */
  readonly storage: DurableStorage;
  /**
   * Sends a message to a peer; the host delivers it after the current input's writes are
   * synced — or, with `{ beforeSync: true }`, possibly before (see {@link SendOptions}).
   */
  send(to: NodeId, message: M, options?: SendOptions): void;
  /**
   * Asks the host for a {@link ProtocolNode.synced} input carrying `mark` once every
   * write made so far (this input's included) is durable. Within one input the host
   * keeps the highest mark; marks arrive in the order the syncs complete, at most once,
   * and never after a crash (a crash loses the unsynced writes and the request with them).
   */
  whenSynced(mark: number): void;
  /** Answers a client request, after the current input's writes and messages. */
  reply(requestId: number, reply: Reply): void;
  /** Emits a trace event (elections, role changes, commits, …). */
  emit(kind: string, data?: TraceData): void;
}

/**
 * How a message is sent.
 *
 * The contract's one exception to "writes are synced before messages leave": a message
 * whose safety does not depend on the sender's own unsynced writes may leave before the
 * sync (a Raft leader's AppendEntries, Raft thesis §10.2.1: the leader writes its log in
 * parallel with replication, and counts itself towards a quorum only once
 * {@link ProtocolNode.synced} says its write is durable). Votes, acknowledgements and
 * client replies never use it. Such a message may overtake messages sent before it.
 *
 * @example
 * ```ts
 * import type { SendOptions } from "./node.ts";
 * const early: SendOptions = { beforeSync: true };
 * ```
 */
export interface SendOptions {
  /** The message may leave before the current input's writes are synced. */
  readonly beforeSync?: boolean;
}

/**
 * One running node of a protocol. The host calls these inputs and nothing else
 * changes its state.
 *
 * @example
 * ```ts
 * import type { ProtocolNode } from "./node.ts";
 * const idle: ProtocolNode<never> = {
 *   tick() {},
 *   message() {},
 *   request() {},
 *   status: () => ({ role: "idle" }),
 * };
 * ```
 */
export interface ProtocolNode<M, Op = unknown> {
  /** Time has advanced; check timeouts against `ctx.now()`. */
  tick(): void;
  /** A message from a peer arrived. */
  message(from: NodeId, message: M): void;
  /** A client operation arrived; answer it, now or later, with `ctx.reply`. */
  request(request: ClientRequest<Op>): void;
  /**
   * Several client operations arrived together (a live host's batch): the same as
   * `request` for each in order, except that the node may hold back what they cause
   * until the last (a Raft leader sends one append per follower, not one per
   * operation). Optional; without it the host calls `request` for each.
   */
  requests?(requests: readonly ClientRequest<Op>[]): void;
  /**
   * The writes made up to a {@link NodeContext.whenSynced} call are durable; `mark` is
   * the highest mark asked for by the inputs that sync covered. Only nodes that call
   * `whenSynced` get it.
   */
  synced?(mark: number): void;
  /** A snapshot of what the node looks like, for the API, the dashboard and tests. */
  status(): NodeStatus;
  /**
   * For key-value protocols: the data this replica holds right now (key → value), read
   * locally without coordination. Used to check convergence after heal and quiescence.
   */
  dump?(): Readonly<Record<string, unknown>>;
  /**
   * For partially replicated KV protocols: whether this replica is meant to hold `key`.
   * Convergence then compares a key only across the replicas that own it.
   */
  owns?(key: string): boolean;
  /**
   * For protocols with a replicated log: up to `limit` entries from index `from` (or
   * from the first one kept, after compaction; `from` 0: the newest `limit`), read locally. The API serves it paged
   * (`GET /nodes/{id}/log`) so a front end shows the entries, not just their count.
   */
  log?(from: number, limit: number): LogPage;
}

/**
 * A page of a node's replicated log.
 *
 * @example
 * ```ts
 * import type { LogPage } from "./node.ts";
 * const p: LogPage = { first: 1, last: 1, commit: 1,
 *   entries: [{ index: 1, term: 2, data: { type: "noop" } }] };
 * ```
 */
export interface LogPage {
  /** The first index the node still holds (after a snapshot: its index + 1). */
  readonly first: number;
  /** The last index in its log (first − 1 when it holds none). */
  readonly last: number;
  /** The highest index it knows committed. */
  readonly commit: number;
  /** The entries asked for, in index order. */
  readonly entries: readonly {
    readonly index: number;
    readonly term: number;
    readonly data: unknown;
  }[];
}

/**
 * A protocol: a name and a way to create (or, after a crash, re-create) a node from its
 * context. Re-creation must recover everything it needs from `ctx.storage`.
 *
 * @example
 * ```ts
 * import type { Protocol } from "./node.ts";
 * const echo: Protocol<string, string> = {
 *   name: "echo",
 *   description: "replies with the operation it was given",
 *   tickMs: 100,
 *   create: (ctx) => ({
 *     tick() {},
 *     message() {},
 *     request(req) {
 *       ctx.reply(req.id, { type: "ok", value: req.op });
 *     },
 *     status: () => ({ role: "echo" }),
 *   }),
 * };
 * ```
 */
export interface Protocol<M, Op = unknown> {
  readonly name: string;
  readonly description: string;
  /** How often (in host milliseconds) the host ticks each node. */
  readonly tickMs: number;
  /**
   * For KV protocols: the history check that matches what the protocol promises, used by
   * torture by default — `linearizability` (the default) or `stale-reads` (no read
   * returns only values older than a write acknowledged before it began: what a quorum
   * store with R + W > N promises). `none`: the protocol takes no key-value operations
   * (heartbeat), so there is no history to check and torture refuses it.
   */
  readonly check?: "linearizability" | "stale-reads" | "none";
  /**
   * The cluster size `deno task torture` runs where the user gave no `--nodes`: the
   * protocol's natural size (PBFT's 3f + 1 = 4, where a fifth replica adds messages but
   * tolerates no more faults). Undeclared: 5.
   */
  readonly tortureNodes?: number;
  /**
   * Option defaults that a real-time host (the Worker cluster) uses where the user set
   * none, in place of the protocol's own. The simulator never late-ticks, so the paper's
   * tight timeouts suit it; a real machine that is merely busy delays ticks and messages
   * by tens or hundreds of ms, so failure detectors and election timers of a live node
   * get a margin no late tick can use up (etcd's 100 ms heartbeat, 1,000 ms election).
   */
  readonly liveOptions?: Readonly<Record<string, unknown>>;
  /**
   * The kinds of trace event the protocol emits with `ctx.emit` (the host's own — send,
   * crash, … — come on top). Front ends refuse a filter naming a kind that no one emits,
   * rather than wait forever for it. Undeclared: any kind is accepted.
   */
  readonly events?: readonly string[];
  /**
   * The protocol's safety properties, checked by the simulator after every step in tests
   * and in torture: a factory for a stateful checker (it may remember what it saw, to
   * catch a property that fails only across time). Given the live nodes, the checker
   * returns the violations found, each one line; none: an empty list.
   */
  readonly invariants?: () => InvariantChecker;
  /**
   * What front ends may do with the protocol beyond plain KV requests (sessions,
   * membership, leadership transfer, which roles take which operations; see
   * `admin.ts`). Undeclared: plain KV, no administration.
   */
  readonly admin?: ProtocolAdmin;
  /** How front ends show the nodes (`status` table, summary line); see `display.ts`. */
  readonly display?: ProtocolDisplay;
  /**
   * The client operations it takes (see `operations.ts`): front ends refuse any other
   * before sending it, document each, and send each to a node of its roles. Undeclared:
   * whatever the nodes accept.
   */
  readonly operations?: readonly ClientOperation[];
  /**
   * The message schema: a validator per message `type` (see `message_schema.ts`). Hosts
   * drop and count a message that fails it before the node sees it, so a tampered or
   * malformed message cannot reach the protocol. Undeclared: every message is delivered.
   */
  readonly messages?: MessageSchema;
  /**
   * How a Byzantine node of this protocol lies, for the simulator's `lie` and
   * `equivocate` modes: a well-formed message that says something else (`shared` is one
   * map per run, for colluding liars). Undeclared: a generic lie (booleans true, terms,
   * ballots and views one higher).
   */
  readonly byzantine?: {
    readonly lie: (body: unknown, from: NodeId, shared: Map<string, unknown>) => unknown;
  };
  create(ctx: NodeContext<M>): ProtocolNode<M, Op>;
}

/**
 * A stateful checker of a protocol's invariants over its live nodes (id → node).
 *
 * @example
 * ```ts
 * import type { InvariantChecker } from "./node.ts";
 * const atMostOneLeader: InvariantChecker = (nodes) =>
 *   [...nodes.values()].filter((n) => n.status().role === "leader").length > 1
 *     ? ["two leaders"]
 *     : [];
 * ```
 */
// deno-lint-ignore no-explicit-any
export type InvariantChecker = (nodes: ReadonlyMap<NodeId, ProtocolNode<any, any>>) => string[];

/**
 * A protocol of any message and operation type (for registries and hosts).
 *
 * @example
 * ```ts
 * import type { AnyProtocol } from "./node.ts";
 * import { heartbeat } from "./heartbeat/heartbeat.ts";
 * const all: AnyProtocol[] = [heartbeat];
 * ```
 */
// deno-lint-ignore no-explicit-any
export type AnyProtocol = Protocol<any, any>;
