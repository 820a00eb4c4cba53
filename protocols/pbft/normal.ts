/**
 * PBFT's normal case: the primary orders a request with a pre-prepare, the replicas agree
 * on it with prepares (prepared: the pre-prepare and 2f + 1 matching signatures in all)
 * and commits (committed: 2f + 1 commits), and execute in sequence order.
 *
 * @module
 */

import type { NodeId, Reply } from "../node.ts";
import { applyKvOp } from "../kv_store.ts";
import { canonical, deepFreeze, digest, type Sig, sign, verify } from "./digest.ts";
import { commitContent, type PbftRequest, prepareContent, validRequest } from "./message.ts";
import { broadcast, type PbftState, primaryOf, requestKey, save, votesOf } from "./state.ts";

/**
 * The digest of a request slot's content (a no-op is "null").
 *
 * @example
 * ```ts
 * import { requestDigest } from "./normal.ts";
 * requestDigest(null); // "null"
 * ```
 */
export function requestDigest(req: PbftRequest | null): string {
  return req === null ? "null" : digest(req);
}

/**
 * Whether `req` is well signed and `d` is its digest.
 *
 * @example
 * ```ts
 * import { matches } from "./normal.ts";
 * matches(null, "null"); // true
 * ```
 */
export function matches(req: PbftRequest | null, d: string): boolean {
  return requestDigest(req) === d && validRequest(req);
}

/**
 * A request reached this replica (from its proxy, or the proxy is this node): answer it if
 * already executed; the primary orders it; a backup starts its timer.
 *
 * @example
 * ```ts ignore
 * onRequest(s, { c: "n1", rid: 1, op: { f: "read", key: "x" } });
 * ```
 */
export function onRequest(s: PbftState, req: PbftRequest): void {
  if (!validRequest(req)) return;
  const key = requestKey(req);
  const done = s.results.get(key);
  if (done !== undefined) return sendReply(s, req, done.r);
  if (!s.pending.has(key)) s.pending.set(key, { req, since: s.ctx.now() });
  if (primaryOf(s, s.view) === s.id && !s.inViewChange) assign(s, req);
}

/**
 * Primary: gives `req` the next sequence number in the window and sends the pre-prepare.
 *
 * @example
 * ```ts ignore
 * assign(s, req);
 * ```
 */
export function assign(s: PbftState, req: PbftRequest): void {
  const key = requestKey(req);
  if (s.assigned.has(key) || s.results.has(key)) return;
  if (s.nextSeq > s.stable.n + s.window) return; // retried by the proxy later
  const n = s.nextSeq++;
  s.assigned.set(key, n);
  prePrepare(s, n, req);
}

/**
 * Primary: pre-prepares `req` at `n` in the current view (also used by a new view).
 *
 * @example
 * ```ts ignore
 * prePrepare(s, 5, null);
 * ```
 */
export function prePrepare(s: PbftState, n: number, req: PbftRequest | null): void {
  const d = requestDigest(req);
  const sig = sign(s.id, prepareContent(s.view, n, d));
  s.log.set(n, { v: s.view, d, req });
  save(s, "l/" + n, { v: s.view, d, req });
  votesOf(s, s.view, n, d).prepares.set(s.id, sig);
  broadcast(s, { type: "pre-prepare", v: s.view, n, d, req, sig });
  advance(s, n);
}

/**
 * Backup: accepts a pre-prepare from the view's primary if it is for this view, inside the
 * window, matches its request, and no other digest was accepted at (view, n).
 *
 * @example
 * ```ts ignore
 * onPrePrepare(s, "n1", 0, 1, d, req, sig);
 * ```
 */
export function onPrePrepare(
  s: PbftState,
  from: NodeId,
  v: number,
  n: number,
  d: string,
  req: PbftRequest | null,
  sig: Sig,
): void {
  if (v !== s.view || s.inViewChange || from !== primaryOf(s, v) || from === s.id) return;
  if (n <= s.stable.n || n > s.stable.n + s.window) return;
  if (!matches(req, d) || sig.i !== from) return;
  const must = s.expected.get(n);
  if (must !== undefined && must !== d) return; // the new view fixed this slot
  if (!verify(sig, prepareContent(v, n, d))) return; // sig.i === from, checked above
  const had = s.log.get(n);
  if (had !== undefined && had.v === v) return; // accepted one already (maybe another digest)
  s.log.set(n, { v, d, req });
  save(s, "l/" + n, { v, d, req });
  const votes = votesOf(s, v, n, d);
  votes.prepares.set(from, sig);
  const mine = sign(s.id, prepareContent(v, n, d));
  votes.prepares.set(s.id, mine);
  broadcast(s, { type: "prepare", v, n, d, sig: mine });
  advance(s, n);
}

/**
 * A signed prepare or commit from a replica.
 *
 * @example
 * ```ts ignore
 * onVote(s, "n2", "prepare", 0, 1, d, sig);
 * ```
 */
export function onVote(
  s: PbftState,
  from: NodeId,
  kind: "prepare" | "commit",
  v: number,
  n: number,
  d: string,
  sig: Sig,
): void {
  if (n <= s.stable.n || v < s.view || sig.i !== from) return;
  const content = kind === "prepare" ? prepareContent(v, n, d) : commitContent(v, n, d);
  if (!verify(sig, content)) return; // sig.i === from, checked above
  const votes = votesOf(s, v, n, d);
  (kind === "prepare" ? votes.prepares : votes.commits).set(from, sig);
  if (v === s.view) advance(s, n);
}

/**
 * Moves slot `n` of the current view on: to prepared (send a commit), to committed
 * (record it), then executes what is next in order.
 *
 * @example
 * ```ts ignore
 * advance(s, 1);
 * ```
 */
export function advance(s: PbftState, n: number): void {
  const e = s.log.get(n);
  if (e === undefined || e.v !== s.view || s.inViewChange) return;
  const votes = votesOf(s, e.v, n, e.d);
  if (votes.prepares.size >= s.quorum && !votes.commits.has(s.id)) {
    const had = s.prepared.get(n);
    if (had === undefined || had.v < e.v) {
      const pc = { n, v: e.v, d: e.d, req: e.req, sigs: [...votes.prepares.values()] };
      s.prepared.set(n, pc);
      save(s, "p/" + n, pc);
    }
    const sig = sign(s.id, commitContent(e.v, n, e.d));
    votes.commits.set(s.id, sig);
    broadcast(s, { type: "commit", v: e.v, n, d: e.d, sig });
  }
  if (
    votes.commits.size >= s.quorum && s.prepared.get(n)?.v === e.v &&
    s.prepared.get(n)?.d === e.d && !s.committed.has(n) &&
    n > s.lastExec
  ) {
    decide(s, n, e.v, e.d, e.req, [...votes.commits.values()]);
  }
  execute(s);
}

/**
 * Records that slot `n` committed with (v, d, req), given its commit certificate.
 *
 * @example
 * ```ts ignore
 * decide(s, 1, 0, d, req, sigs);
 * ```
 */
export function decide(
  s: PbftState,
  n: number,
  v: number,
  d: string,
  req: PbftRequest | null,
  sigs: Sig[],
): void {
  s.committed.set(n, { v, d, req, sigs });
  save(s, "c/" + n, { v, d, req, sigs });
  s.decided.push([n, d]);
}

/**
 * Executes committed slots in order, answering each request's proxy.
 *
 * @example
 * ```ts ignore
 * execute(s);
 * ```
 */
export function execute(s: PbftState): void {
  for (;;) {
    const c = s.committed.get(s.lastExec + 1);
    if (c === undefined) return;
    const n = ++s.lastExec;
    s.dirty = true;
    const req = c.req;
    if (req !== null) {
      const key = requestKey(req);
      let r = s.results.get(key)?.r;
      if (r === undefined) {
        r = deepFreeze(applyKvOp(s.kv, req.op));
        const entry = deepFreeze({ n, r });
        s.results.set(key, entry);
        save(s, "r/" + key, entry);
        save(s, "kv/" + req.op.key, s.kv.get(req.op.key));
      }
      s.pending.delete(key);
      sendReply(s, req, r);
    }
    s.ctx.emit("execute", { n, d: c.d });
    s.afterExecute(n);
  }
}

function sendReply(s: PbftState, req: PbftRequest, result: Reply): void {
  if (req.c === s.id) onReply(s, s.id, req.rid, result);
  else s.ctx.send(req.c, { type: "reply", rid: req.rid, result });
}

/**
 * Proxy: a replica's reply to a request this node took from a client; f + 1 matching
 * replies (one is from a correct replica) answer the client.
 *
 * @example
 * ```ts ignore
 * onReply(s, "n2", 7, { type: "ok" });
 * ```
 */
export function onReply(
  s: PbftState,
  from: NodeId,
  rid: number,
  result: Reply,
): void {
  const w = s.proxied.get(rid);
  if (w === undefined) return;
  const text = canonical(result);
  w.replies.set(from, text);
  let same = 0;
  for (const t of w.replies.values()) if (t === text) same++;
  if (same >= s.f + 1) {
    s.proxied.delete(rid);
    s.ctx.reply(rid, result);
  }
}
