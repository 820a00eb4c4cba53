/**
 * Session guarantees of a key-value history, checked key by key: read-your-writes,
 * monotonic reads, monotonic writes, writes-follow-reads, and PRAM (the first three
 * together), after Terry et al. and the formal definitions of Viotti & Vukolić that
 * jepsen.io/consistency links to.
 *
 * Each key's writes are assumed to carry unique values, so a read names the write it
 * saw. A guarantee holds if there is a version order — one total order of the key's
 * writes, starting with the initial value (`null`) — in which, for every session
 * (process):
 *
 * - read-your-writes: a read returns a version no older than each of the session's
 *   earlier writes;
 * - monotonic-reads: a read returns a version no older than the session's earlier reads;
 * - monotonic-writes: the session's writes are in the order it issued them;
 * - writes-follow-reads: a write is ordered after every version the session read before
 *   it.
 *
 * Each rule is an edge "version a ≤ version b"; a guarantee is violated exactly when its
 * edges form a cycle (or put a write before the initial value). Monotonic writes alone
 * can never be refuted this way (nothing forces a write before another session's), so a
 * session that writes 1, then 2, then reads 1 violates PRAM — read-your-writes and
 * monotonic writes together — but neither rule alone: either order of its writes
 * satisfies one of them.
 *
 * A `cas` reads its expected value and then writes its new one, atomically: an `ok` cas's
 * version directly follows the one it replaced, whatever the guarantee. A `delete` writes
 * `null`. Reads whose value was written by no write, or by several, or `null` when the
 * key also has `null` writes, name no version and are skipped (and counted). `fail`
 * operations did not happen; an `info` write counts once some read has seen its value.
 * Cross-key effects (a write on one key following a read of another) are not checked.
 *
 * @module
 */

import type { HistoryEvent } from "../history/event.ts";
import type { Operation } from "../history/operations.ts";
import { canonicalJson } from "./canonical_json.ts";
import { asOperations } from "./parts.ts";

/**
 * The session guarantees this module checks.
 *
 * @example
 * ```ts
 * import type { SessionGuarantee } from "./session.ts";
 * const g: SessionGuarantee = "read-your-writes";
 * ```
 */
export type SessionGuarantee =
  | "read-your-writes"
  | "monotonic-reads"
  | "monotonic-writes"
  | "writes-follow-reads"
  | "PRAM";

/**
 * Every {@link SessionGuarantee}, in the order results are listed.
 *
 * @example
 * ```ts
 * import { SESSION_GUARANTEES } from "./session.ts";
 * SESSION_GUARANTEES.length; // 5
 * ```
 */
export const SESSION_GUARANTEES: readonly SessionGuarantee[] = [
  "read-your-writes",
  "monotonic-reads",
  "monotonic-writes",
  "writes-follow-reads",
  "PRAM",
];

/**
 * A cycle of version-order constraints: no version order of the key satisfies them.
 *
 * @example
 * ```ts
 * import type { SessionViolation } from "./session.ts";
 * function show(v: SessionViolation): string {
 *   return `${v.key}: ${v.explanation}`;
 * }
 * ```
 */
export interface SessionViolation {
  readonly key: string;
  /** The operations whose order forces the cycle, by call time. */
  readonly operations: Operation[];
  readonly explanation: string;
}

/**
 * The result for one guarantee.
 *
 * @example
 * ```ts
 * import type { SessionCheckResult } from "./session.ts";
 * const r: SessionCheckResult = { guarantee: "monotonic-reads", ok: true, violations: [], skipped: 0 };
 * ```
 */
export interface SessionCheckResult {
  readonly guarantee: SessionGuarantee;
  readonly ok: boolean;
  /** At most one per key, at most 10 in all. */
  readonly violations: SessionViolation[];
  /** Reads that name no unique version and were skipped. */
  readonly skipped: number;
}

const MAX_VIOLATIONS = 10;
const INITIAL = -1;

/** The session rules, plus "cas": a cas's new version directly follows the one it read. */
type Rule = "ryw" | "mr" | "mw" | "wfr" | "cas";

const RULES_OF: Record<SessionGuarantee, readonly Rule[]> = {
  "read-your-writes": ["ryw", "cas"],
  "monotonic-reads": ["mr", "cas"],
  "monotonic-writes": ["mw", "cas"],
  "writes-follow-reads": ["wfr", "cas"],
  "PRAM": ["ryw", "mr", "mw", "cas"],
};

/** "version `from` ≤ version `to`", because of `first` then `second` in one session. */
interface Edge {
  readonly from: number;
  readonly to: number;
  readonly rule: Rule;
  readonly first: Operation;
  readonly second: Operation;
}

/**
 * Checks the given session guarantees (all five by default) on a KV history.
 *
 * @example
 * ```ts
 * import { checkSessionGuarantees } from "./session.ts";
 * const [ryw] = checkSessionGuarantees([
 *   { process: 0, type: "invoke", f: "write", key: "x", value: 1, time: 0 },
 *   { process: 0, type: "ok", f: "write", key: "x", value: 1, time: 10 },
 *   { process: 0, type: "invoke", f: "read", key: "x", time: 20 },
 *   { process: 0, type: "ok", f: "read", key: "x", value: null, time: 30 },
 * ], ["read-your-writes"]);
 * ryw.ok; // false: the session read the initial value after its own write
 * ```
 */
export function checkSessionGuarantees(
  history: readonly HistoryEvent[] | readonly Operation[],
  guarantees: readonly SessionGuarantee[] = SESSION_GUARANTEES,
): SessionCheckResult[] {
  const byKey = new Map<string, Operation[]>();
  for (const op of asOperations(history)) {
    if (op.status === "fail" || !KV_F.has(op.f)) continue;
    const key = op.key ?? "";
    let list = byKey.get(key);
    if (list === undefined) byKey.set(key, list = []);
    list.push(op);
  }
  let skipped = 0;
  const edgesByKey: [string, Edge[]][] = [];
  for (const key of [...byKey.keys()].sort()) {
    const r = keyEdges(byKey.get(key)!);
    skipped += r.skipped;
    edgesByKey.push([key, r.edges]);
  }
  return guarantees.map((guarantee) => {
    const rules = RULES_OF[guarantee];
    const violations: SessionViolation[] = [];
    for (const [key, edges] of edgesByKey) {
      if (violations.length >= MAX_VIOLATIONS) break;
      const cycle = findCycle(edges.filter((e) => rules.includes(e.rule)));
      if (cycle !== undefined) violations.push(explain(key, guarantee, cycle));
    }
    return { guarantee, ok: violations.length === 0, violations, skipped };
  });
}

/**
 * Read-your-writes alone; see {@link checkSessionGuarantees}.
 *
 * @example
 * ```ts
 * import { checkReadYourWrites } from "./session.ts";
 * checkReadYourWrites([]).ok; // true
 * ```
 */
export function checkReadYourWrites(
  history: readonly HistoryEvent[] | readonly Operation[],
): SessionCheckResult {
  return checkSessionGuarantees(history, ["read-your-writes"])[0];
}

/**
 * Monotonic reads alone; see {@link checkSessionGuarantees}.
 *
 * @example
 * ```ts
 * import { checkMonotonicReads } from "./session.ts";
 * checkMonotonicReads([]).ok; // true
 * ```
 */
export function checkMonotonicReads(
  history: readonly HistoryEvent[] | readonly Operation[],
): SessionCheckResult {
  return checkSessionGuarantees(history, ["monotonic-reads"])[0];
}

/**
 * Monotonic writes alone (never refutable by itself; see the module notes and PRAM).
 *
 * @example
 * ```ts
 * import { checkMonotonicWrites } from "./session.ts";
 * checkMonotonicWrites([]).ok; // true
 * ```
 */
export function checkMonotonicWrites(
  history: readonly HistoryEvent[] | readonly Operation[],
): SessionCheckResult {
  return checkSessionGuarantees(history, ["monotonic-writes"])[0];
}

/**
 * Writes-follow-reads alone, per key; see {@link checkSessionGuarantees}.
 *
 * @example
 * ```ts
 * import { checkWritesFollowReads } from "./session.ts";
 * checkWritesFollowReads([]).ok; // true
 * ```
 */
export function checkWritesFollowReads(
  history: readonly HistoryEvent[] | readonly Operation[],
): SessionCheckResult {
  return checkSessionGuarantees(history, ["writes-follow-reads"])[0];
}

const KV_F: ReadonlySet<string> = new Set(["read", "write", "cas", "delete"]);

/** The value an operation writes, or `undefined` if it writes nothing. */
function written(op: Operation): unknown {
  switch (op.f) {
    case "write":
      return op.input ?? null;
    case "delete":
      return null;
    case "cas":
      return Array.isArray(op.input) ? op.input[1] ?? null : undefined;
    default:
      return undefined;
  }
}

/** The value an `ok` operation read, or `undefined` if it reads nothing. */
function readValue(op: Operation): unknown {
  if (op.status !== "ok") return undefined;
  if (op.f === "read") return op.output ?? null;
  if (op.f === "cas" && Array.isArray(op.input)) return op.input[0] ?? null;
  return undefined;
}

function keyEdges(ops: readonly Operation[]): { edges: Edge[]; skipped: number } {
  const writers = new Map<string, Operation[]>();
  for (const op of ops) {
    const v = written(op);
    if (v === undefined) continue;
    const text = canonicalJson(v);
    const list = writers.get(text);
    if (list === undefined) writers.set(text, [op]);
    else list.push(op);
  }
  // The version (write id, or INITIAL) each read saw; undefined if it names none.
  const versionOf = new Map<Operation, number>();
  const observed = new Set<number>();
  let skipped = 0;
  for (const op of ops) {
    const v = readValue(op);
    if (v === undefined) continue;
    const list = writers.get(canonicalJson(v));
    let version: number | undefined;
    if (list === undefined) version = v === null ? INITIAL : undefined;
    // null could also be the initial value, so with null writes it names no one version.
    else if (v !== null && list.length === 1 && list[0] !== op) version = list[0].id;
    if (version === undefined) {
      skipped++;
      continue;
    }
    versionOf.set(op, version);
    observed.add(version);
  }

  const edges: Edge[] = [];
  const seen = new Set<string>();
  const add = (from: number, to: number, rule: Rule, first: Operation, second: Operation) => {
    if (from === to) return;
    const id = `${rule}:${from}:${to}`;
    if (seen.has(id)) return;
    seen.add(id);
    edges.push({ from, to, rule, first, second });
  };
  const sessions = new Map<number, Operation[]>();
  for (const op of ops) {
    let s = sessions.get(op.process);
    if (s === undefined) sessions.set(op.process, s = []);
    s.push(op);
  }
  for (const session of sessions.values()) {
    session.sort((a, b) => a.call - b.call || a.id - b.id);
    const ownWrites: Operation[] = [];
    const reads: Operation[] = [];
    let lastRead: Operation | undefined;
    let lastWrite: Operation | undefined;
    for (const op of session) {
      const version = versionOf.get(op);
      if (version !== undefined) {
        for (const w of ownWrites) add(w.id, version, "ryw", w, op);
        if (lastRead !== undefined) add(versionOf.get(lastRead)!, version, "mr", lastRead, op);
        lastRead = op;
        reads.push(op);
      }
      const happened = written(op) !== undefined &&
        (op.status === "ok" || observed.has(op.id));
      if (happened && version !== undefined) add(version, op.id, "cas", op, op);
      if (happened) {
        if (lastWrite !== undefined) add(lastWrite.id, op.id, "mw", lastWrite, op);
        for (const r of reads) add(versionOf.get(r)!, op.id, "wfr", r, op);
        ownWrites.push(op);
        lastWrite = op;
      }
    }
  }
  return { edges, skipped };
}

/**
 * A cycle in the "≤" edges, as its edges in order, or undefined. An edge into INITIAL
 * from a write is a cycle by itself (the initial value precedes every write).
 */
function findCycle(edges: readonly Edge[]): Edge[] | undefined {
  const intoInitial = edges.find((e) => e.to === INITIAL && e.from !== INITIAL);
  if (intoInitial !== undefined) return [intoInitial];
  const out = new Map<number, Edge[]>();
  for (const e of edges) {
    if (e.from === INITIAL) continue; // INITIAL ≤ everything holds anyway
    let list = out.get(e.from);
    if (list === undefined) out.set(e.from, list = []);
    list.push(e);
  }
  const WHITE = 0, GREY = 1, BLACK = 2;
  const color = new Map<number, number>();
  for (const root of [...out.keys()].sort((a, b) => a - b)) {
    if ((color.get(root) ?? WHITE) !== WHITE) continue;
    // Iterative DFS; `path` holds the edges from root to the node on top.
    const path: Edge[] = [];
    const iters: { node: number; next: number }[] = [{ node: root, next: 0 }];
    color.set(root, GREY);
    while (iters.length > 0) {
      const top = iters[iters.length - 1];
      const list = out.get(top.node) ?? [];
      if (top.next >= list.length) {
        color.set(top.node, BLACK);
        iters.pop();
        path.pop();
        continue;
      }
      const e = list[top.next++];
      const c = color.get(e.to) ?? WHITE;
      if (c === GREY) {
        // Back edge: the cycle is the path from e.to's position, plus e.
        let start = 0;
        while (start < path.length && path[start].from !== e.to) start++;
        return [...path.slice(start), e];
      }
      if (c === WHITE) {
        color.set(e.to, GREY);
        path.push(e);
        iters.push({ node: e.to, next: 0 });
      }
    }
  }
  return undefined;
}

function explain(
  key: string,
  guarantee: SessionGuarantee,
  cycle: readonly Edge[],
): SessionViolation {
  const ops = new Set<Operation>();
  const because = cycle.map((e) => {
    ops.add(e.first);
    ops.add(e.second);
    return reason(e);
  });
  let text: string;
  if (cycle.length === 1 && cycle[0].to === INITIAL) {
    text = `${because[0]}: a version older than the initial value, which precedes every write.`;
  } else {
    text = because.join("; ") + ": a cycle, so no order of the writes satisfies it.";
  }
  return {
    key,
    operations: [...ops].sort((a, b) => a.call - b.call || a.id - b.id),
    explanation: `${guarantee} violated on key ${JSON.stringify(key)}: ${text}`,
  };
}

function reason(e: Edge): string {
  const v = (op: Operation, read: boolean) => canonicalJson(read ? readValue(op) : written(op));
  const p = `p${e.first.process}`;
  const a = `#${e.first.id}`;
  const b = `#${e.second.id}`;
  switch (e.rule) {
    case "ryw":
      return `${p} wrote ${v(e.first, false)} (${a}) and later read ${v(e.second, true)} (${b})`;
    case "mr":
      return `${p} read ${v(e.first, true)} (${a}) and later read ${v(e.second, true)} (${b})`;
    case "mw":
      return `${p} wrote ${v(e.first, false)} (${a}) before ${v(e.second, false)} (${b})`;
    case "wfr":
      return `${p} read ${v(e.first, true)} (${a}) and then wrote ${v(e.second, false)} (${b})`;
    case "cas":
      return `${p}'s cas ${a} replaced ${v(e.first, true)} with ${v(e.second, false)}`;
  }
}
