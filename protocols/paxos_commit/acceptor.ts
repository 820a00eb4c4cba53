/**
 * The acceptor of Paxos Commit: one record per transaction holding the ballot it has
 * promised and, per RM instance, the value it accepted. Written to disk before any
 * answer leaves (the host syncs before sending), so a promise survives a crash.
 *
 * @module
 */

import type { NodeId } from "../node.ts";
import type { AcceptorRecord, PcState } from "./state.ts";
import { ballotOwner, send } from "./state.ts";

function record(s: PcState, txn: string): AcceptorRecord {
  return s.acc.get(txn) ?? { promised: 0, accepted: {} };
}

function store(s: PcState, txn: string, r: AcceptorRecord): void {
  s.acc.set(txn, r);
  s.ctx.storage.set("acc/" + txn, r);
}

/** Notes an undecided transaction so this node can lead it if nobody finishes it. */
function seen(s: PcState, txn: string, ballot: number): void {
  if (!s.pending.has(txn)) s.pending.set(txn, s.ctx.now());
  if (ballot > (s.highest.get(txn) ?? 0)) s.highest.set(txn, ballot);
}

/**
 * Phase 2a: accepts `prepared` for `rm`'s instance at `ballot` unless a higher ballot is
 * promised, and tells the ballot's owner. Ballot 0 belongs to the RM itself. A node that
 * knows the decision answers with it instead (an RM in doubt asks this way).
 *
 * @example
 * ```ts
 * import { onP2a } from "./acceptor.ts";
 * import type { PcState } from "./state.ts";
 * declare const s: PcState;
 * onP2a(s, "n2", { txn: "o1", rm: "n2", ballot: 0, prepared: true });
 * ```
 */
export function onP2a(
  s: PcState,
  from: NodeId,
  m: { txn: string; rm: string; ballot: number; prepared: boolean },
): void {
  const d = s.decided.get(m.txn);
  if (d !== undefined) return send(s, from, { type: "decision", txn: m.txn, commit: d.commit });
  // Only the RM proposes at ballot 0, and only for its own instance; a higher ballot's
  // proposals come from its owner.
  if (m.ballot === 0 ? from !== m.rm : ballotOwner(s.roles, m.ballot) !== from) return;
  if (!s.roles.rms.some((r) => r.node === m.rm)) return;
  const r = record(s, m.txn);
  seen(s, m.txn, m.ballot);
  if (m.ballot < r.promised) {
    return send(s, from, { type: "nack", txn: m.txn, promised: r.promised });
  }
  const prev = r.accepted[m.rm];
  if (prev === undefined || prev.ballot !== m.ballot || prev.prepared !== m.prepared) {
    if (prev !== undefined && prev.ballot === m.ballot) {
      throw new Error(`${m.txn}/${m.rm}: two values proposed at ballot ${m.ballot}`);
    }
    store(s, m.txn, {
      promised: m.ballot,
      accepted: { ...r.accepted, [m.rm]: { ballot: m.ballot, prepared: m.prepared } },
    });
  }
  send(s, ballotOwner(s.roles, m.ballot), {
    type: "p2b",
    txn: m.txn,
    rm: m.rm,
    ballot: m.ballot,
    prepared: m.prepared,
  });
}

/**
 * Phase 1a: promises `ballot` for every instance of the transaction (unless a higher one
 * is promised) and reports what it has accepted.
 *
 * @example
 * ```ts
 * import { onP1a } from "./acceptor.ts";
 * import type { PcState } from "./state.ts";
 * declare const s: PcState;
 * onP1a(s, "n2", { txn: "o1", ballot: 102 });
 * ```
 */
export function onP1a(s: PcState, from: NodeId, m: { txn: string; ballot: number }): void {
  const d = s.decided.get(m.txn);
  if (d !== undefined) return send(s, from, { type: "decision", txn: m.txn, commit: d.commit });
  if (ballotOwner(s.roles, m.ballot) !== from || m.ballot === 0) return;
  const r = record(s, m.txn);
  seen(s, m.txn, m.ballot);
  if (m.ballot < r.promised) {
    return send(s, from, { type: "nack", txn: m.txn, promised: r.promised });
  }
  if (m.ballot > r.promised) store(s, m.txn, { ...r, promised: m.ballot });
  send(s, from, {
    type: "p1b",
    txn: m.txn,
    ballot: m.ballot,
    accepted: Object.entries(r.accepted).map(([rm, a]) => ({ rm, ...a })),
  });
}
