/**
 * A PBFT node: wires the replica's parts to the host's three inputs, and acts as the
 * proxy of the clients whose requests reach it — it sends each request to every replica
 * and answers the client once f + 1 replicas sent the same result (at least one of them
 * correct). Timers: a backup whose request waits too long starts a view change; every
 * `resendMs` a node says how far it executed (peers help it catch up), resends its view
 * change, and its proxy resends unanswered requests.
 *
 * @module
 */

import type { KvOp } from "../kv.ts";
import type { ClientRequest, NodeContext, NodeId, ProtocolNode } from "../node.ts";
import { validateKvOp } from "../kv_store.ts";
import { fail } from "../reply.ts";
import { type PbftMessage, type PbftRequest, requestContent } from "./message.ts";
import { deepFreeze, sign } from "./digest.ts";
import { broadcast, createState, type PbftState, persist, primaryOf } from "./state.ts";
import { onPrePrepare, onReply, onRequest, onVote } from "./normal.ts";
import {
  afterExecute,
  fetchState,
  helpCatchUp,
  onCheckpoint,
  onCommitted,
  onFetch,
  onStable,
  onState,
} from "./checkpoint.ts";
import { onNewView, onViewChange, startViewChange } from "./view_change.ts";

/**
 * A PBFT node with its state exposed (for invariants and tests).
 *
 * @example
 * ```ts ignore
 * (node as PbftNode).state.lastExec;
 * ```
 */
export interface PbftNode extends ProtocolNode<PbftMessage, KvOp> {
  readonly state: PbftState;
}

function onMessage(s: PbftState, from: NodeId, m: PbftMessage): void {
  switch (m.type) {
    case "request":
      // From its proxy, or relayed by a replica that waited for it: the proxy's signature,
      // checked in onRequest, says who asked, whoever carried it.
      return onRequest(s, m.req);
    case "pre-prepare":
      return onPrePrepare(s, from, m.v, m.n, m.d, m.req, m.sig);
    case "prepare":
    case "commit":
      return onVote(s, from, m.type, m.v, m.n, m.d, m.sig);
    case "reply":
      return onReply(s, from, m.rid, m.result);
    case "checkpoint":
      return onCheckpoint(s, from, m.n, m.d, m.sig);
    case "view-change":
      return onViewChange(s, from, m.vc);
    case "new-view":
      return onNewView(s, from, m.v, m.vcs);
    case "status":
      helpCatchUp(s, from, m.e);
      if (
        m.v < s.view && !s.inViewChange && primaryOf(s, s.view) === s.id &&
        s.newView?.v === s.view
      ) {
        s.ctx.send(from, { type: "new-view", v: s.view, vcs: s.newView.vcs });
      }
      return;
    case "committed":
      return onCommitted(s, m.n, m.v, m.d, m.req, m.sigs);
    case "stable":
      return onStable(s, m.n, m.d, m.sigs);
    case "fetch":
      return onFetch(s, from, m.n);
    case "state":
      return onState(s, m.n, m.snap);
  }
}

function onTick(s: PbftState): void {
  const now = s.ctx.now();
  if (s.inViewChange) {
    const wait = s.requestTimeoutMs * 2 ** Math.min(s.viewChangeRound + 1, 6);
    if (now - s.viewChangeSince > wait) startViewChange(s, s.view + 1);
  } else if (primaryOf(s, s.view) !== s.id) {
    const late = [...s.pending.values()].filter((p) => now - p.since > s.requestTimeoutMs);
    if (late.length > 0) {
      // A proxy that is silent to some replicas leaves this one alone in a view change that
      // the others never join: it first relays what it waited for, so their timers run too
      // (Castro and Liskov: a backup forwards a request it was sent and times out on).
      for (const p of late) broadcast(s, { type: "request", req: p.req });
      startViewChange(s, s.view + 1);
    }
  }
  if (now - s.lastStatusAt < s.resendMs) return;
  s.lastStatusAt = now;
  broadcast(s, { type: "status", v: s.view, e: s.lastExec });
  if (s.lastExec < s.stable.n) fetchState(s);
  if (s.inViewChange) {
    const own = s.viewChanges.get(s.view)?.get(s.id);
    if (own !== undefined) broadcast(s, { type: "view-change", vc: own });
  }
  for (const w of s.proxied.values()) {
    if (now - w.sentAt >= 2 * s.resendMs) {
      w.sentAt = now;
      broadcast(s, { type: "request", req: w.req });
      onRequest(s, w.req);
    }
  }
}

function onClientRequest(s: PbftState, r: ClientRequest<KvOp>): void {
  const bad = validateKvOp(r.op);
  if (bad !== null) return s.ctx.reply(r.id, fail("malformed-request", bad));
  // The request is frozen (its digest is then computed once): freeze a copy of the op.
  const op = deepFreeze(
    Object.values(r.op).every((v) => v === null || typeof v !== "object")
      ? { ...r.op }
      : structuredClone(r.op),
  );
  const req: PbftRequest = deepFreeze({
    c: s.id,
    rid: r.id,
    op,
    sig: sign(s.id, requestContent(s.id, r.id, op)),
  });
  s.proxied.set(r.id, { req, replies: new Map(), sentAt: s.ctx.now() });
  broadcast(s, { type: "request", req });
  onRequest(s, req);
}

/**
 * Creates (or, after a crash, re-creates from storage) a PBFT node.
 *
 * @example
 * ```ts ignore
 * const node = createPbftNode(ctx);
 * node.status().role; // "primary" or "backup"
 * ```
 */
export function createPbftNode(ctx: NodeContext<PbftMessage>): PbftNode {
  const s = createState(ctx);
  s.afterExecute = (n) => afterExecute(s, n);
  const step = (f: () => void) => {
    f();
    persist(s);
  };
  return {
    state: s,
    tick: () => step(() => onTick(s)),
    message: (from, m) => step(() => onMessage(s, from, m)),
    request: (r) => step(() => onClientRequest(s, r)),
    status: () => ({
      role: s.inViewChange ? "view-change" : primaryOf(s, s.view) === s.id ? "primary" : "backup",
      term: s.view,
      commitIndex: s.lastExec,
      view: s.view,
      stable: s.stable.n,
      log: s.log.size,
      f: s.f,
    }),
    dump: () => Object.fromEntries(s.kv),
  };
}
