/**
 * The state record of a Paxos Commit node and what every part of it shares: who plays
 * which role, ballots and their owners, the durable decision log, and sending (to itself
 * too, which is handled in place rather than over the network).
 *
 * A node can be several things at once: the registrar (the order node, leader of
 * ballot 0), an acceptor (the first 2F + 1 nodes), a resource manager (inventory,
 * payment, delivery), and a leader of a higher ballot when it takes over.
 *
 * @module
 */

import type { NodeContext, NodeId } from "../node.ts";
import { byNodeIndex } from "../node_order.ts";
import { type Effect, initialLedger, type Order, orderRoles, type Service } from "../txn/order.ts";
import type { Ledger } from "../txn/ledger.ts";
import type { ParticipantRecord } from "../txn/participant.ts";
import type { PcMessage } from "./message.ts";
import type { PaxosCommitOptions } from "./options.ts";

/**
 * An acceptor's durable record of one transaction's instances, under `acc/<txn>`.
 *
 * @example
 * ```ts
 * import type { AcceptorRecord } from "./state.ts";
 * const r: AcceptorRecord = { promised: 0, accepted: { n2: { ballot: 0, prepared: true } } };
 * ```
 */
export interface AcceptorRecord {
  /** The highest ballot promised (phase 1) or accepted (phase 2) for this transaction. */
  readonly promised: number;
  /** RM → the value accepted for its instance, with the ballot. */
  readonly accepted: Readonly<
    Record<string, { readonly ballot: number; readonly prepared: boolean }>
  >;
}

/**
 * A decision as a node logs it under `dec/<txn>` once it has learnt it.
 *
 * @example
 * ```ts
 * import type { DecisionRecord } from "./state.ts";
 * const d: DecisionRecord = { commit: true, reason: "every RM prepared", at: 12 };
 * ```
 */
export interface DecisionRecord {
  readonly commit: boolean;
  readonly reason: string;
  readonly at: number;
}

/**
 * A ballot this node leads for one transaction (volatile: a crash forgets it).
 *
 * @example
 * ```ts
 * import type { Lead } from "./state.ts";
 * const l: Lead = { ballot: 101, phase: 1, promises: new Map(), proposal: new Map(), since: 0, nextSend: 150 };
 * ```
 */
export interface Lead {
  readonly ballot: number;
  phase: 1 | 2;
  /** Acceptor → what it had accepted, from its `p1b`. */
  readonly promises: Map<NodeId, readonly { rm: string; ballot: number; prepared: boolean }[]>;
  /** RM → the value proposed in phase 2. */
  readonly proposal: Map<string, boolean>;
  readonly since: number;
  nextSend: number;
}

/**
 * Who plays which part, fixed by the node list and options.
 *
 * @example
 * ```ts
 * import { pcRoles } from "./state.ts";
 * const r = pcRoles(["n1", "n2", "n3", "n4"], {}, 1);
 * [r.registrar, r.acceptors, r.rms.map((x) => x.node)]; // ["n1", ["n1","n2","n3"], ["n2","n3","n4"]]
 * ```
 */
export interface PcRoles {
  readonly all: readonly NodeId[];
  readonly registrar: NodeId;
  readonly acceptors: readonly NodeId[];
  readonly rms: readonly { readonly node: NodeId; readonly service: Service }[];
  readonly majority: number;
}

/**
 * Resolves the roles: txn's order roles for the registrar and RMs, and the first 2F + 1
 * nodes as acceptors.
 *
 * @example
 * ```ts
 * import { pcRoles } from "./state.ts";
 * pcRoles(["n1", "n2", "n3", "n4"], {}, 1).majority; // 2
 * ```
 */
export function pcRoles(
  nodes: readonly NodeId[],
  options: Readonly<Record<string, unknown>>,
  f: number,
): PcRoles {
  const all = [...nodes].sort(byNodeIndex);
  if (all.length < 2 * f + 1) throw new Error(`paxos-commit with f=${f} needs ${2 * f + 1} nodes`);
  const roles = orderRoles(all, options);
  return {
    all,
    registrar: roles.order,
    acceptors: all.slice(0, 2 * f + 1),
    rms: roles.services,
    majority: f + 1,
  };
}

/**
 * The state of one node.
 *
 * @example
 * ```ts
 * import type { PcState } from "./state.ts";
 * function leading(s: PcState): string[] {
 *   return [...s.lead.keys()];
 * }
 * ```
 */
export interface PcState {
  readonly ctx: NodeContext<PcMessage>;
  readonly o: PaxosCommitOptions;
  readonly roles: PcRoles;
  /** Handles a message this node sends itself (set when the node is created). */
  handle: (from: NodeId, m: PcMessage) => void;
  /** Decisions learnt (also on disk under `dec/`). */
  readonly decided: Map<string, DecisionRecord>;
  // Registrar: orders collecting votes, with the clients waiting for them.
  readonly orders: Map<string, { order: Order; waiters: number[]; nextSend: number }>;
  // Acceptor: durable records, and undecided transactions seen (since when).
  readonly acc: Map<string, AcceptorRecord>;
  readonly pending: Map<string, number>;
  /** The highest ballot heard of per undecided transaction (to pick a higher one). */
  readonly highest: Map<string, number>;
  // Learner: txn → rm → ballot → value and the acceptors that accepted it.
  readonly votes: Map<string, Map<string, Map<number, { prepared: boolean; by: Set<NodeId> }>>>;
  readonly chosen: Map<string, Map<string, boolean>>;
  // Leader of higher ballots.
  readonly lead: Map<string, Lead>;
  // Resource manager (null elsewhere).
  readonly rm: RmState | null;
}

/**
 * A resource manager's part: its service, ledger, log records, locks and doubts.
 *
 * @example
 * ```ts
 * import type { RmState } from "./state.ts";
 * function held(rm: RmState): number {
 *   return rm.locks.size;
 * }
 * ```
 */
export interface RmState {
  readonly service: Service;
  readonly ledger: Ledger;
  readonly records: Map<string, ParticipantRecord>;
  /** Ledger counter → the transaction holding its lock. */
  readonly locks: Map<string, string>;
  readonly inDoubt: Map<string, { since: number; nextSend: number; effect: Effect }>;
  committed: number;
  aborted: number;
}

/**
 * Builds a node's state from `ctx` and its durable storage (decisions, acceptor records,
 * RM records; an RM re-takes the locks of its prepared transactions).
 *
 * @example
 * ```ts
 * import { pcState } from "./state.ts";
 * import { paxosCommitOptions } from "./options.ts";
 * import type { NodeContext } from "../node.ts";
 * import type { PcMessage } from "./message.ts";
 * declare const ctx: NodeContext<PcMessage>;
 * const s = pcState(ctx, paxosCommitOptions({}));
 * ```
 */
export function pcState(ctx: NodeContext<PcMessage>, o: PaxosCommitOptions): PcState {
  const roles = pcRoles([ctx.id, ...ctx.peers], ctx.options, o.f);
  const mine = roles.rms.find((r) => r.node === ctx.id);
  const s: PcState = {
    ctx,
    o,
    roles,
    handle: () => {},
    decided: new Map(),
    orders: new Map(),
    acc: new Map(),
    pending: new Map(),
    highest: new Map(),
    votes: new Map(),
    chosen: new Map(),
    lead: new Map(),
    rm: mine === undefined ? null : {
      service: mine.service,
      ledger: { storage: ctx.storage, initial: initialLedger(mine.service, ctx.options) },
      records: new Map(),
      locks: new Map(),
      inDoubt: new Map(),
      committed: 0,
      aborted: 0,
    },
  };
  for (const k of ctx.storage.keys("dec/")) {
    s.decided.set(k.slice(4), ctx.storage.get(k) as DecisionRecord);
  }
  for (const k of ctx.storage.keys("ballot/")) {
    if (!s.decided.has(k.slice(7))) s.highest.set(k.slice(7), ctx.storage.get(k) as number);
  }
  for (const k of ctx.storage.keys("acc/")) {
    const txn = k.slice(4);
    s.acc.set(txn, ctx.storage.get(k) as AcceptorRecord);
    // Undecided after a restart: wait a full takeover delay before leading it.
    if (!s.decided.has(txn)) s.pending.set(txn, ctx.now());
  }
  if (s.rm !== null) {
    for (const k of ctx.storage.keys("txn/")) {
      const txn = k.slice(4), rec = ctx.storage.get(k) as ParticipantRecord;
      s.rm.records.set(txn, rec);
      if (rec.state === "prepared") {
        s.rm.locks.set(rec.effect.key, txn);
        s.rm.inDoubt.set(txn, { since: rec.at, nextSend: ctx.now(), effect: rec.effect });
      } else if (rec.state === "committed") s.rm.committed++;
      else s.rm.aborted++;
    }
    if (s.rm.inDoubt.size > 0) ctx.emit("recover", { inDoubt: [...s.rm.inDoubt.keys()] });
  }
  return s;
}

/**
 * Sends `m` to `to`; a message to itself is handled at once.
 *
 * @example
 * ```ts
 * import { send, type PcState } from "./state.ts";
 * declare const s: PcState;
 * send(s, "n2", { type: "decision", txn: "o1", commit: true });
 * ```
 */
export function send(s: PcState, to: NodeId, m: PcMessage): void {
  if (to === s.ctx.id) s.handle(to, m);
  else s.ctx.send(to, m);
}

/**
 * The node that owns `ballot`: the registrar for ballot 0, else node number `ballot %
 * 100` in index order (ballots are `round * 100 + index`).
 *
 * @example
 * ```ts
 * import { ballotOwner, pcRoles } from "./state.ts";
 * const roles = pcRoles(["n1", "n2", "n3", "n4"], {}, 1);
 * [ballotOwner(roles, 0), ballotOwner(roles, 203)]; // ["n1", "n3"]
 * ```
 */
export function ballotOwner(roles: PcRoles, ballot: number): NodeId {
  if (ballot === 0) return roles.registrar;
  const owner = roles.all[(ballot % 100) - 1];
  if (owner === undefined) throw new Error(`ballot ${ballot} has no owner`);
  return owner;
}

/**
 * A ballot of this node above every ballot `seen`.
 *
 * @example
 * ```ts
 * import { ballotAbove, pcRoles } from "./state.ts";
 * const roles = pcRoles(["n1", "n2", "n3", "n4"], {}, 1);
 * ballotAbove(roles, "n2", 101); // 202
 * ```
 */
export function ballotAbove(roles: PcRoles, self: NodeId, seen: number): number {
  const index = roles.all.indexOf(self) + 1;
  if (index < 1 || index > 99) throw new Error(`${self}: no ballots for node ${index}`);
  return (Math.floor(seen / 100) + 1) * 100 + index;
}
