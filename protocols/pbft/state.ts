/**
 * A PBFT replica's state: one plain record, built from the context and storage, and the
 * few helpers every part of the protocol shares (quorums, the primary, sending to all,
 * persisting).
 *
 * @module
 */

import type { NodeContext, NodeId, Reply } from "../node.ts";
import { byNodeIndex } from "../node_order.ts";
import { deepFreeze, type Sig } from "./digest.ts";
import type { PbftMessage, PbftRequest, Prepared, Snapshot, ViewChange } from "./message.ts";

/**
 * A pre-prepare a replica accepted: sequence number → view, digest, request.
 *
 * @example
 * ```ts
 * import type { Entry } from "./state.ts";
 * const e: Entry = { v: 0, d: "null", req: null };
 * ```
 */
export interface Entry {
  readonly v: number;
  readonly d: string;
  readonly req: PbftRequest | null;
}

/**
 * Signed prepares and commits seen for one (view, sequence, digest).
 *
 * @example
 * ```ts
 * import type { Votes } from "./state.ts";
 * const v: Votes = { v: 0, d: "null", prepares: new Map(), commits: new Map() };
 * ```
 */
export interface Votes {
  readonly v: number;
  readonly d: string;
  readonly prepares: Map<NodeId, Sig>;
  readonly commits: Map<NodeId, Sig>;
}

/**
 * A client request this node took as the client's proxy, and the replies so far.
 *
 * @example
 * ```ts
 * import type { ProxyWait } from "./state.ts";
 * const req = { c: "n1", rid: 1, op: { f: "read" as const, key: "x" }, sig: { i: "n1", s: "" } };
 * const w: ProxyWait = { req, replies: new Map(), sentAt: 0 };
 * ```
 */
export interface ProxyWait {
  readonly req: PbftRequest;
  /** Replica → canonical JSON of its result. */
  readonly replies: Map<NodeId, string>;
  sentAt: number;
}

/**
 * One PBFT replica (and client proxy).
 *
 * @example
 * ```ts ignore
 * import { createState } from "./state.ts";
 * const s = createState(ctx);
 * s.f; // 1 with 4 replicas
 * ```
 */
export interface PbftState {
  readonly ctx: NodeContext<PbftMessage>;
  readonly id: NodeId;
  /**
   * Called after sequence number `n` executes: the checkpoint step, wired in by the
   * replica (execution and checkpoints call each other; the hook keeps their files apart).
   */
  afterExecute: (n: number) => void;
  /** Every replica, sorted: the primary of view v is members[v mod n]. */
  readonly members: readonly NodeId[];
  /** Byzantine replicas tolerated: ⌊(n − 1) / 3⌋, or the option `f`. */
  readonly f: number;
  /** 2f + 1 of 3f + 1 (⌈(n + f + 1) / 2⌉ in general). */
  readonly quorum: number;
  /** Checkpoint every `interval` sequence numbers. */
  readonly interval: number;
  /** Sequence numbers above the stable checkpoint that may be in flight. */
  readonly window: number;
  readonly requestTimeoutMs: number;
  readonly resendMs: number;
  view: number;
  /** Between sending a view change and installing the new view. */
  inViewChange: boolean;
  viewChangeSince: number;
  /** Attempts in a row without a new view: the timeout doubles with each. */
  viewChangeRound: number;
  /** Accepted pre-prepares above the stable checkpoint. */
  readonly log: Map<number, Entry>;
  /** Sequence number → the votes for each (view, digest) seen at it (mostly one). */
  readonly votes: Map<number, Votes[]>;
  /** The latest prepared certificate per sequence number above the stable checkpoint. */
  readonly prepared: Map<number, Prepared>;
  /** Committed entries with their commit certificates (for catch-up), above stable. */
  readonly committed: Map<number, { v: number; d: string; req: PbftRequest | null; sigs: Sig[] }>;
  lastExec: number;
  readonly kv: Map<string, unknown>;
  /** Request key (`c:rid`) → its result and the sequence number that executed it. */
  readonly results: Map<string, { n: number; r: Reply }>;
  stable: { n: number; d: string; sigs: Sig[] };
  /** Own checkpoints at or above the stable one. */
  readonly snaps: Map<number, { d: string; snap: Snapshot }>;
  /** n → digest → signer → signature. */
  readonly checkpoints: Map<number, Map<string, Map<NodeId, Sig>>>;
  nextSeq: number;
  /** After a new view: the digest each re-proposed sequence number must carry. */
  readonly expected: Map<number, string>;
  /** Primary: request key → sequence number assigned in this view. */
  readonly assigned: Map<string, number>;
  /** Requests seen and not executed, with when first seen (drives the view-change timer). */
  readonly pending: Map<string, { req: PbftRequest; since: number }>;
  readonly viewChanges: Map<number, Map<NodeId, ViewChange>>;
  newView: { v: number; vcs: readonly ViewChange[] } | null;
  readonly proxied: Map<number, ProxyWait>;
  /** (n, digest) in the order this replica decided them; for the invariants. */
  readonly decided: [number, string][];
  lastStatusAt: number;
  dirty: boolean;
}

/**
 * A request's key: proxy and request id.
 *
 * @example
 * ```ts
 * import { requestKey } from "./state.ts";
 * requestKey({ c: "n1", rid: 3, op: { f: "read", key: "x" }, sig: { i: "n1", s: "" } }); // "n1:3"
 * ```
 */
export function requestKey(req: PbftRequest): string {
  return `${req.c}:${req.rid}`;
}

/**
 * The primary of view `v`.
 *
 * @example
 * ```ts ignore
 * primaryOf(s, 1); // "n2"
 * ```
 */
export function primaryOf(s: PbftState, v: number): NodeId {
  return s.members[v % s.members.length]!;
}

/**
 * Sends `m` to every other replica.
 *
 * @example
 * ```ts ignore
 * broadcast(s, { type: "status", v: s.view, e: s.lastExec });
 * ```
 */
export function broadcast(s: PbftState, m: PbftMessage): void {
  for (const p of s.members) if (p !== s.id) s.ctx.send(p, m);
}

/**
 * The votes record of (v, n, d), created empty.
 *
 * @example
 * ```ts ignore
 * votesOf(s, 0, 1, "null").prepares.size; // 0
 * ```
 */
export function votesOf(s: PbftState, v: number, n: number, d: string): Votes {
  let at = s.votes.get(n);
  if (at === undefined) s.votes.set(n, at = []);
  for (const x of at) if (x.v === v && x.d === d) return x;
  const x: Votes = { v, d, prepares: new Map(), commits: new Map() };
  at.push(x);
  return x;
}

interface Core {
  view: number;
  inViewChange: boolean;
  viewChangeRound: number;
  lastExec: number;
  stable: { n: number; d: string; sigs: Sig[] };
  nextSeq: number;
  expected: [number, string][];
}

/**
 * Writes the replica's small scalars when they changed (the maps are written entry by
 * entry where they change). Called at the end of every input.
 *
 * @example
 * ```ts ignore
 * s.dirty = true;
 * persist(s);
 * ```
 */
export function persist(s: PbftState): void {
  if (!s.dirty) return;
  s.dirty = false;
  const c: Core = {
    view: s.view,
    inViewChange: s.inViewChange,
    viewChangeRound: s.viewChangeRound,
    lastExec: s.lastExec,
    stable: s.stable,
    nextSeq: s.nextSeq,
    expected: [...s.expected],
  };
  s.ctx.storage.set("core", c);
}

/**
 * Writes (or with `undefined`, deletes) one entry of a persisted map: `l/` log, `p/`
 * prepared certificates, `c/` committed, `s/` snapshots, `kv/` data, `r/` results.
 *
 * @example
 * ```ts ignore
 * save(s, "l/" + n, entry);
 * ```
 */
export function save(s: PbftState, key: string, value: unknown): void {
  if (value === undefined) s.ctx.storage.delete(key);
  else s.ctx.storage.set(key, value);
}

function deepFreezeValues<K, V>(m: Map<K, V>): Map<K, V> {
  for (const v of m.values()) deepFreeze(v);
  return m;
}

function load<K, V>(
  ctx: NodeContext<PbftMessage>,
  prefix: string,
  key: (k: string) => K,
): Map<K, V> {
  const out = new Map<K, V>();
  for (const k of ctx.storage.keys(prefix)) {
    out.set(key(k.slice(prefix.length)), ctx.storage.get(k) as V);
  }
  return out;
}

/**
 * Builds a replica's state from its context, recovering what it persisted.
 *
 * @example
 * ```ts ignore
 * const s = createState(ctx);
 * ```
 */
export function createState(ctx: NodeContext<PbftMessage>): PbftState {
  const members = [ctx.id, ...ctx.peers].sort(byNodeIndex);
  // Option `f` overrides the faults tolerated: with fewer than 3f + 1 replicas the quorum
  // below cannot be both reachable and safe (the `byzantine` scenario shows it).
  const f = ctx.options.f === undefined
    ? Math.floor((members.length - 1) / 3)
    : Number(ctx.options.f);
  const interval = Number(ctx.options.checkpointInterval ?? 32);
  const p = ctx.storage.get("core") as Core | undefined;
  return {
    ctx,
    id: ctx.id,
    afterExecute: () => {},
    members,
    f,
    // 2f + 1 when n = 3f + 1; with more replicas, any two quorums still share f + 1.
    quorum: Math.ceil((members.length + f + 1) / 2),
    interval,
    window: interval * 4,
    requestTimeoutMs: Number(ctx.options.requestTimeoutMs ?? 300),
    resendMs: Number(ctx.options.resendMs ?? 100),
    view: p?.view ?? 0,
    inViewChange: p?.inViewChange ?? false,
    viewChangeSince: ctx.now(),
    viewChangeRound: p?.viewChangeRound ?? 0,
    log: load(ctx, "l/", Number),
    votes: new Map(),
    prepared: load(ctx, "p/", Number),
    committed: load(ctx, "c/", Number),
    lastExec: p?.lastExec ?? 0,
    kv: load(ctx, "kv/", String),
    // Executed results never change: frozen, their digests are computed once.
    results: deepFreezeValues(load(ctx, "r/", String)),
    stable: p?.stable ?? { n: 0, d: "", sigs: [] },
    snaps: load(ctx, "s/", Number),
    checkpoints: new Map(),
    nextSeq: p?.nextSeq ?? 1,
    expected: new Map(p?.expected ?? []),
    assigned: new Map(),
    pending: new Map(),
    viewChanges: new Map(),
    newView: null,
    proxied: new Map(),
    decided: [],
    lastStatusAt: ctx.now(),
    dirty: false,
  };
}
