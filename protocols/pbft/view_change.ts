/**
 * View change (the paper's version with signatures): a backup whose request waits too
 * long moves to the next view and sends its stable checkpoint and prepared certificates;
 * the new primary, given 2f + 1 of them, sends a new-view that carries them, and every
 * replica derives the same pre-prepares from it: for each sequence number above the
 * highest stable checkpoint, the request of the prepared certificate of the highest view,
 * or a no-op. A committed request was prepared by f + 1 correct replicas, one of whom is
 * in any 2f + 1, so it survives.
 *
 * @module
 */

import type { NodeId } from "../node.ts";
import { canonical, certified, sign, verify } from "./digest.ts";
import { checkpointContent, type PbftRequest, prepareContent, type ViewChange } from "./message.ts";
import { broadcast, type PbftState, primaryOf, requestKey } from "./state.ts";
import { assign, matches, prePrepare, requestDigest } from "./normal.ts";
import { makeStable } from "./checkpoint.ts";

/**
 * What a view-change message signs: everything but its signature.
 *
 * @example
 * ```ts
 * import { viewChangeContent } from "./view_change.ts";
 * viewChangeContent({ v: 1, i: "n2", h: 0, hd: "", cc: [], p: [] }).startsWith("v|"); // true
 * ```
 */
export function viewChangeContent(vc: Omit<ViewChange, "sig">): string {
  return "v|" + canonical({ v: vc.v, i: vc.i, h: vc.h, hd: vc.hd, cc: vc.cc, p: vc.p });
}

/**
 * Moves to view `v`: stops accepting the old view's messages and sends a view change.
 *
 * @example
 * ```ts ignore
 * startViewChange(s, s.view + 1);
 * ```
 */
export function startViewChange(s: PbftState, v: number): void {
  if (v < s.view || (v === s.view && s.inViewChange)) return;
  if (v > s.view) {
    s.viewChangeRound = v === s.view + 1 && s.inViewChange ? s.viewChangeRound + 1 : 0;
  }
  s.view = v;
  s.inViewChange = true;
  s.viewChangeSince = s.ctx.now();
  s.dirty = true;
  const body = {
    v,
    i: s.id,
    h: s.stable.n,
    hd: s.stable.d,
    cc: s.stable.sigs,
    p: [...s.prepared.values()].filter((p) => p.n > s.stable.n).sort((a, b) => a.n - b.n),
  };
  const vc: ViewChange = { ...body, sig: sign(s.id, viewChangeContent(body)) };
  s.ctx.emit("view-change", { v });
  storeViewChange(s, vc);
  broadcast(s, { type: "view-change", vc });
  tryNewView(s);
}

/**
 * Whether a view change is well signed and its certificates hold.
 *
 * @example
 * ```ts ignore
 * validViewChange(s, vc); // true
 * ```
 */
export function validViewChange(s: PbftState, vc: ViewChange): boolean {
  if (!s.members.includes(vc.i) || vc.sig.i !== vc.i) return false;
  if (!verify(vc.sig, viewChangeContent(vc))) return false;
  if (vc.h > 0 && !certified(vc.cc, checkpointContent(vc.h, vc.hd), s.quorum, s.members)) {
    return false;
  }
  if (vc.h === 0 && vc.hd !== "") return false;
  for (const p of vc.p) {
    if (p.n <= vc.h || p.v >= vc.v || !matches(p.req, p.d)) return false;
    if (!certified(p.sigs, prepareContent(p.v, p.n, p.d), s.quorum, s.members)) return false;
  }
  return true;
}

function storeViewChange(s: PbftState, vc: ViewChange): void {
  let byNode = s.viewChanges.get(vc.v);
  if (byNode === undefined) s.viewChanges.set(vc.v, byNode = new Map());
  byNode.set(vc.i, vc);
}

/**
 * A view change from a replica: kept; f + 1 for higher views make this replica join the
 * lowest of them (it cannot be only faulty ones asking); the new primary tries to start.
 *
 * @example
 * ```ts ignore
 * onViewChange(s, "n2", vc);
 * ```
 */
export function onViewChange(s: PbftState, from: NodeId, vc: ViewChange): void {
  if (vc.i !== from || vc.v < s.view || !validViewChange(s, vc)) return;
  storeViewChange(s, vc);
  const askers = new Map<NodeId, number>();
  for (const [v, byNode] of s.viewChanges) {
    if (v <= s.view) continue;
    for (const i of byNode.keys()) {
      if (i !== s.id) askers.set(i, Math.min(askers.get(i) ?? Infinity, v));
    }
  }
  if (askers.size >= s.f + 1) startViewChange(s, Math.min(...askers.values()));
  tryNewView(s);
}

/**
 * The outcome of a new-view's view changes: the stable checkpoint to start from and the
 * request (or no-op) of every sequence number above it.
 *
 * @example
 * ```ts ignore
 * newViewPlan(vcs).slots; // [{ n: 1, req: null }]
 * ```
 */
export function newViewPlan(
  vcs: readonly ViewChange[],
): {
  h: number;
  hd: string;
  cc: ViewChange["cc"];
  slots: { n: number; req: PbftRequest | null }[];
} {
  let best = vcs[0]!;
  for (const vc of vcs) if (vc.h > best.h) best = vc;
  const top = new Map<number, { v: number; req: PbftRequest | null }>();
  let maxN = best.h;
  for (const vc of vcs) {
    for (const p of vc.p) {
      if (p.n <= best.h) continue;
      maxN = Math.max(maxN, p.n);
      const had = top.get(p.n);
      if (had === undefined || p.v > had.v) top.set(p.n, { v: p.v, req: p.req });
    }
  }
  const slots: { n: number; req: PbftRequest | null }[] = [];
  for (let n = best.h + 1; n <= maxN; n++) slots.push({ n, req: top.get(n)?.req ?? null });
  return { h: best.h, hd: best.hd, cc: best.cc, slots };
}

function tryNewView(s: PbftState): void {
  if (!s.inViewChange || primaryOf(s, s.view) !== s.id) return;
  const byNode = s.viewChanges.get(s.view);
  if (byNode === undefined || byNode.size < s.quorum || !byNode.has(s.id)) return;
  const vcs = [byNode.get(s.id)!, ...[...byNode.values()].filter((vc) => vc.i !== s.id)]
    .slice(0, s.quorum);
  broadcast(s, { type: "new-view", v: s.view, vcs });
  installNewView(s, s.view, vcs);
}

/**
 * A new-view from the view's primary: checked (2f + 1 distinct valid view changes for
 * that view) and installed.
 *
 * @example
 * ```ts ignore
 * onNewView(s, "n2", 1, vcs);
 * ```
 */
export function onNewView(
  s: PbftState,
  from: NodeId,
  v: number,
  vcs: readonly ViewChange[],
): void {
  if (from !== primaryOf(s, v) || v < s.view || (v === s.view && !s.inViewChange)) return;
  const signers = new Set(vcs.map((vc) => vc.i));
  if (signers.size < s.quorum || signers.size !== vcs.length) return;
  for (const vc of vcs) if (vc.v !== v || !validViewChange(s, vc)) return;
  installNewView(s, v, vcs);
}

function installNewView(s: PbftState, v: number, vcs: readonly ViewChange[]): void {
  s.view = v;
  s.inViewChange = false;
  s.viewChangeRound = 0;
  s.newView = { v, vcs };
  s.assigned.clear();
  s.expected.clear();
  s.dirty = true;
  for (const k of s.viewChanges.keys()) if (k <= v) s.viewChanges.delete(k);
  const plan = newViewPlan(vcs);
  if (plan.h > s.stable.n) makeStable(s, plan.h, plan.hd, [...plan.cc]);
  s.ctx.emit("new-view", { v, slots: plan.slots.length });
  const now = s.ctx.now();
  for (const p of s.pending.values()) p.since = now;
  const primary = primaryOf(s, v) === s.id;
  for (const slot of plan.slots) {
    if (slot.n <= s.stable.n) continue;
    s.expected.set(slot.n, requestDigest(slot.req));
    if (primary) {
      if (slot.req !== null) s.assigned.set(requestKey(slot.req), slot.n);
      prePrepare(s, slot.n, slot.req);
    }
  }
  if (primary) {
    s.nextSeq = Math.max(s.stable.n, ...plan.slots.map((x) => x.n)) + 1;
    for (const p of [...s.pending.values()]) assign(s, p.req);
  }
}
