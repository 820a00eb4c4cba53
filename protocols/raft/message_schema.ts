/**
 * The schema of Raft's messages: field types, plus the shape every honest message has
 * (an AppendEntries' entries follow `prevIndex` one by one, with terms that never
 * decrease and never pass the sender's term). A tampered index or term that breaks that
 * shape is dropped at the boundary; one that keeps it is a lie Raft cannot detect.
 *
 * @module
 */

import {
  type Fields,
  isArrayOf,
  isBool,
  isInt,
  isKvOp,
  isNat,
  isNum,
  isObj,
  isReply,
  isStr,
  type MessageSchema,
  opt,
} from "../message_schema.ts";

function isEntryData(d: unknown): boolean {
  if (!isObj(d)) return false;
  switch (d.type) {
    case "noop":
      return true;
    case "kv":
      return isInt(d.client) && opt(d.seq, isNat) && isKvOp(d.op);
    case "config": {
      const c = d.change;
      return isObj(c) && isStr(c.node) &&
        (c.type === "add-learner" || c.type === "promote" || c.type === "remove");
    }
    default:
      return false;
  }
}

/** Entries that follow `prevIndex` one by one, terms between `prevTerm` and `term`. */
function isRun(entries: unknown, prevIndex: number, prevTerm: number, term: number): boolean {
  if (!Array.isArray(entries)) return false;
  let last = prevTerm;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i] as Fields;
    if (!isObj(e) || e.index !== prevIndex + 1 + i || !isNat(e.term)) return false;
    if (e.term < last || e.term > term || !isEntryData(e.data)) return false;
    last = e.term;
  }
  return true;
}

function isSession(s: unknown): boolean {
  return isObj(s) && isInt(s.client) && isNat(s.seq) && isReply(s.reply);
}

function isPair(p: unknown): boolean {
  return Array.isArray(p) && p.length === 2 && isStr(p[0]);
}

function isSnapshot(s: unknown, term: number): boolean {
  if (!isObj(s) || !isNat(s.index) || !isNat(s.term) || s.term > term || !isNum(s.hash)) {
    return false;
  }
  const m = s.membership, d = s.data;
  return isObj(m) && isArrayOf(m.voters, isStr) && isArrayOf(m.learners, isStr) &&
    isObj(d) && isArrayOf(d.data, isPair) && isArrayOf(d.sessions, isSession);
}

/**
 * Raft's message schema.
 *
 * @example
 * ```ts
 * import { raftMessages } from "./message_schema.ts";
 * import { checkMessage } from "../message_schema.ts";
 * const ok = { type: "append", term: 2, prevIndex: 4, prevTerm: 1, commit: 4, entries: [
 *   { index: 5, term: 2, data: { type: "noop" } },
 * ] };
 * checkMessage(raftMessages, ok); // true
 * checkMessage(raftMessages, { ...ok, prevIndex: 6 }); // false: entry 5 does not follow 6
 * ```
 */
export const raftMessages: MessageSchema = {
  vote: (m) =>
    isNat(m.term) && isBool(m.pre) && isNat(m.lastIndex) && isNat(m.lastTerm) &&
    m.lastTerm <= m.term && opt(m.transfer, isBool),
  "vote-resp": (m) => isNat(m.term) && isBool(m.pre) && isBool(m.granted) && opt(m.newer, isBool),
  append: (m) =>
    isNat(m.term) && isNat(m.prevIndex) && isNat(m.prevTerm) && m.prevTerm <= m.term &&
    isNat(m.commit) && isRun(m.entries, m.prevIndex, m.prevTerm, m.term) && opt(m.upTo, isNat),
  "append-resp": (m) =>
    isNat(m.term) && isNat(m.index) && isBool(m.reject) && opt(m.hintIndex, isNat) &&
    opt(m.hintTerm, isNat) && opt(m.lost, isBool),
  heartbeat: (m) => isNat(m.term) && isNat(m.commit) && isNat(m.round),
  "heartbeat-resp": (m) => isNat(m.term) && isNat(m.round) && opt(m.lost, isBool),
  snapshot: (m) => isNat(m.term) && isSnapshot(m.snapshot, m.term),
  "timeout-now": (m) => isNat(m.term) && opt(m.hint, isBool),
};
