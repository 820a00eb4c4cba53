/**
 * Checkpoints and garbage collection: every `interval` executions a replica signs a digest
 * of its state; 2f + 1 matching signatures make the checkpoint stable, and everything at
 * or below it is forgotten. A replica behind a stable checkpoint fetches the state from a
 * signer and checks it against the certified digest; one behind by a few slots is sent
 * their commit certificates.
 *
 * @module
 */

import type { NodeId } from "../node.ts";
import { canonical, certified, hash, type Sig, sign, verify } from "./digest.ts";
import { checkpointContent, commitContent, type PbftRequest, type Snapshot } from "./message.ts";
import { broadcast, type PbftState, save } from "./state.ts";
import { decide, execute, matches } from "./normal.ts";

/** Results older than this many sequence numbers are dropped at a checkpoint. */
const RESULT_HORIZON = 256;

/**
 * The state machine as a snapshot (in the maps' order: its digest does not depend on it).
 *
 * @example
 * ```ts ignore
 * snapshotDigest(snapshotOf(s));
 * ```
 */
export function snapshotOf(s: PbftState): Snapshot {
  return { kv: [...s.kv], results: [...s.results] };
}

/**
 * The digest of a snapshot: the sum of one hash per entry, so equal states have equal
 * digests whatever their order, and a result entry (frozen when executed) is hashed once
 * however many checkpoints it is part of.
 *
 * @example
 * ```ts
 * import { snapshotDigest } from "./checkpoint.ts";
 * const a = snapshotDigest({ kv: [["x", 1], ["y", 2]], results: [] });
 * a === snapshotDigest({ kv: [["y", 2], ["x", 1]], results: [] }); // true
 * ```
 */
export function snapshotDigest(snap: Snapshot): string {
  let hi = 0, lo = 0;
  for (const [k, v] of snap.kv) {
    const h = hash("kv|" + k + "|" + canonical(v));
    hi = (hi + parseInt(h.slice(0, 8), 16)) >>> 0;
    lo = (lo + parseInt(h.slice(8), 16)) >>> 0;
  }
  for (const [k, r] of snap.results) {
    const h = resultHash(k, r);
    hi = (hi + h[0]) >>> 0;
    lo = (lo + h[1]) >>> 0;
  }
  return hi.toString(16).padStart(8, "0") + lo.toString(16).padStart(8, "0") +
    (snap.kv.length + snap.results.length).toString(16);
}

/** Hashes of frozen result entries, by entry. */
const resultHashes = new WeakMap<object, readonly [number, number]>();

function resultHash(
  k: string,
  r: { readonly n: number; readonly r: unknown },
): readonly [number, number] {
  const known = resultHashes.get(r);
  if (known !== undefined) return known;
  const h = hash("r|" + k + "|" + r.n + "|" + canonical(r.r));
  const out = [parseInt(h.slice(0, 8), 16), parseInt(h.slice(8), 16)] as const;
  if (Object.isFrozen(r)) resultHashes.set(r, out);
  return out;
}

/**
 * After executing `n`: at a checkpoint, sign and send the state's digest.
 *
 * @example
 * ```ts ignore
 * afterExecute(s, 16);
 * ```
 */
export function afterExecute(s: PbftState, n: number): void {
  if (n % s.interval !== 0) return;
  for (const [k, v] of s.results) {
    if (v.n < n - RESULT_HORIZON) {
      s.results.delete(k);
      save(s, "r/" + k, undefined);
    }
  }
  const snap = snapshotOf(s);
  const d = snapshotDigest(snap);
  s.snaps.set(n, { d, snap });
  save(s, "s/" + n, { d, snap });
  const sig = sign(s.id, checkpointContent(n, d));
  broadcast(s, { type: "checkpoint", n, d, sig });
  onCheckpoint(s, s.id, n, d, sig);
}

/**
 * A signed checkpoint from a replica; 2f + 1 matching make it stable.
 *
 * @example
 * ```ts ignore
 * onCheckpoint(s, "n2", 16, d, sig);
 * ```
 */
export function onCheckpoint(s: PbftState, from: NodeId, n: number, d: string, sig: Sig): void {
  if (n <= s.stable.n || sig.i !== from) return;
  if (!verify(sig, checkpointContent(n, d))) return; // sig.i === from, checked above
  let byDigest = s.checkpoints.get(n);
  if (byDigest === undefined) s.checkpoints.set(n, byDigest = new Map());
  let sigs = byDigest.get(d);
  if (sigs === undefined) byDigest.set(d, sigs = new Map());
  sigs.set(from, sig);
  if (sigs.size >= s.quorum) makeStable(s, n, d, [...sigs.values()]);
}

/**
 * A checkpoint certificate from a peer (catch-up, or a new view's stable point).
 *
 * @example
 * ```ts ignore
 * onStable(s, 16, d, sigs);
 * ```
 */
export function onStable(s: PbftState, n: number, d: string, sigs: readonly Sig[]): void {
  if (n <= s.stable.n) return;
  if (!certified(sigs, checkpointContent(n, d), s.quorum, s.members)) return;
  makeStable(s, n, d, [...sigs]);
}

/**
 * Makes checkpoint (n, d) stable: garbage-collects the log below it, and fetches the
 * state if this replica has not executed that far.
 *
 * @example
 * ```ts ignore
 * makeStable(s, 16, d, sigs);
 * ```
 */
export function makeStable(s: PbftState, n: number, d: string, sigs: Sig[]): void {
  s.stable = { n, d, sigs };
  s.dirty = true;
  const forget = <V>(m: Map<number, V>, prefix: string, below: number) => {
    for (const k of m.keys()) {
      if (k < below) {
        m.delete(k);
        save(s, prefix + k, undefined);
      }
    }
  };
  forget(s.log, "l/", n + 1);
  forget(s.prepared, "p/", n + 1);
  forget(s.committed, "c/", n + 1);
  forget(s.snaps, "s/", n);
  for (const k of s.checkpoints.keys()) if (k <= n) s.checkpoints.delete(k);
  for (const k of s.votes.keys()) if (k <= n) s.votes.delete(k);
  s.ctx.emit("stable", { n });
  if (s.lastExec < n) fetchState(s);
}

/**
 * Asks the signers of the stable checkpoint for its state.
 *
 * @example
 * ```ts ignore
 * fetchState(s);
 * ```
 */
export function fetchState(s: PbftState): void {
  for (const g of s.stable.sigs) {
    if (g.i !== s.id) s.ctx.send(g.i, { type: "fetch", n: s.stable.n });
  }
}

/**
 * A peer asks for the state at checkpoint `n`.
 *
 * @example
 * ```ts ignore
 * onFetch(s, "n3", 16);
 * ```
 */
export function onFetch(s: PbftState, from: NodeId, n: number): void {
  const own = s.snaps.get(n);
  if (own !== undefined) s.ctx.send(from, { type: "state", n, snap: own.snap });
}

/**
 * A state from a peer: installed only if it has the stable checkpoint's certified digest.
 *
 * @example
 * ```ts ignore
 * onState(s, 16, snap);
 * ```
 */
export function onState(s: PbftState, n: number, snap: Snapshot): void {
  if (n !== s.stable.n || s.lastExec >= n || snapshotDigest(snap) !== s.stable.d) return;
  for (const k of s.kv.keys()) save(s, "kv/" + k, undefined);
  for (const k of s.results.keys()) save(s, "r/" + k, undefined);
  s.kv.clear();
  s.results.clear();
  for (const [k, v] of snap.kv) {
    s.kv.set(k, v);
    save(s, "kv/" + k, v);
  }
  for (const [k, r] of snap.results) {
    s.results.set(k, r);
    save(s, "r/" + k, r);
  }
  s.lastExec = n;
  s.snaps.set(n, { d: s.stable.d, snap });
  save(s, "s/" + n, { d: s.stable.d, snap });
  for (const k of s.pending.keys()) if (s.results.has(k)) s.pending.delete(k);
  s.dirty = true;
  s.ctx.emit("state-transfer", { n });
  execute(s);
}

/**
 * A peer says how far it executed: if it is behind, send it the stable checkpoint's
 * certificate or the commit certificates of the slots it misses.
 *
 * @example
 * ```ts ignore
 * helpCatchUp(s, "n3", 12);
 * ```
 */
export function helpCatchUp(s: PbftState, from: NodeId, e: number): void {
  if (e >= s.lastExec) return;
  if (e < s.stable.n) {
    s.ctx.send(from, { type: "stable", n: s.stable.n, d: s.stable.d, sigs: s.stable.sigs });
    return;
  }
  for (let n = e + 1; n <= s.lastExec && n <= e + 32; n++) {
    const c = s.committed.get(n);
    if (c === undefined) return;
    s.ctx.send(from, { type: "committed", n, v: c.v, d: c.d, req: c.req, sigs: c.sigs });
  }
}

/**
 * A commit certificate from a peer: 2f + 1 signed commits decide the slot.
 *
 * @example
 * ```ts ignore
 * onCommitted(s, 13, 0, d, req, sigs);
 * ```
 */
export function onCommitted(
  s: PbftState,
  n: number,
  v: number,
  d: string,
  req: PbftRequest | null,
  sigs: readonly Sig[],
): void {
  if (n <= s.lastExec || s.committed.has(n) || !matches(req, d)) return;
  if (!certified(sigs, commitContent(v, n, d), s.quorum, s.members)) return;
  decide(s, n, v, d, req, [...sigs]);
  execute(s);
}
