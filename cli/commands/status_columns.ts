/**
 * The columns `status` shows, chosen by protocol so that each shows what its chapter is
 * about: Raft its role, term and commit index; quorum-kv its keys, siblings, hints and
 * suspicions; primary-backup its mode and each backup's lag; 2PC its locks, in-doubt
 * transactions and how long a participant has been blocked. Every set starts with the
 * node and its state and ends with the host's view (last seen, suspected by, breaker).
 *
 * @module
 */

/**
 * One node of `GET /cluster`, as the columns read it.
 *
 * @example
 * ```ts
 * import type { NodeRow } from "./status_columns.ts";
 * const n: NodeRow = {
 *   id: "n1", up: true, paused: false, role: "leader", term: 2, commitIndex: 5, leader: "n1",
 *   lastSeenMs: 3, suspectedBy: [], breaker: "closed", status: {},
 * };
 * ```
 */
export interface NodeRow {
  readonly id: string;
  readonly up: boolean;
  readonly paused: boolean;
  readonly role: string | null;
  readonly term: number | null;
  readonly commitIndex: number | null;
  readonly leader: string | null;
  readonly lastSeenMs: number | null;
  readonly suspectedBy: readonly string[];
  readonly breaker: string;
  readonly status?: Readonly<Record<string, unknown>>;
}

/**
 * What a cell may need besides its node: the server's time and the node's clock skew
 * (to turn a participant's `blockedSince` into a duration).
 *
 * @example
 * ```ts
 * import type { ColumnContext } from "./status_columns.ts";
 * const c: ColumnContext = { wallClockMs: 1_700_000_000_000, skewMs: () => 0 };
 * ```
 */
export interface ColumnContext {
  readonly wallClockMs: number | null;
  readonly skewMs: (node: string) => number;
}

/**
 * One column: its header and how to fill a cell.
 *
 * @example
 * ```ts
 * import type { Column } from "./status_columns.ts";
 * const id: Column = { header: "NODE", cell: (n) => n.id };
 * ```
 */
export interface Column {
  readonly header: string;
  cell(node: NodeRow, ctx: ColumnContext): string;
}

const dash = (v: unknown): string => v === null || v === undefined ? "-" : String(v);
const st = (n: NodeRow, field: string): unknown => n.status?.[field];
/** A list field as `a,b`, or `-` when empty or absent. */
const list = (v: unknown): string =>
  Array.isArray(v) && v.length > 0 ? v.map(String).join(",") : "-";
/** An object field as `k=v,k=v`, or `-`. */
const pairs = (v: unknown, suffix = ""): string => {
  if (v === null || typeof v !== "object") return "-";
  const e = Object.entries(v as Record<string, unknown>);
  return e.length === 0 ? "-" : e.map(([k, x]) => `${k}=${x}${suffix}`).join(",");
};

const NODE: Column = { header: "NODE", cell: (n) => n.id };
const STATE: Column = {
  header: "STATE",
  cell: (n) => !n.up ? "crashed" : n.paused ? "paused" : "up",
};
const ROLE: Column = { header: "ROLE", cell: (n) => dash(n.role) };
const TERM: Column = { header: "TERM", cell: (n) => dash(n.term) };
const HOST: readonly Column[] = [
  { header: "SEEN", cell: (n) => n.lastSeenMs === null ? "-" : `${n.lastSeenMs}ms` },
  {
    header: "SUSPECTED-BY",
    cell: (n) => n.suspectedBy.length === 0 ? "-" : n.suspectedBy.join(","),
  },
  { header: "BREAKER", cell: (n) => n.breaker },
];
const SUSPECTS: Column = { header: "SUSPECTS", cell: (n) => list(st(n, "suspects")) };

const RAFT: readonly Column[] = [
  ROLE,
  TERM,
  { header: "COMMIT", cell: (n) => dash(n.commitIndex) },
  { header: "LEADER", cell: (n) => dash(n.leader) },
];

const QUORUM: readonly Column[] = [
  ROLE,
  { header: "EPOCH", cell: (n) => dash(st(n, "epoch")) },
  { header: "KEYS", cell: (n) => dash(st(n, "keys")) },
  { header: "SIBLINGS", cell: (n) => dash(st(n, "siblingKeys")) },
  { header: "HINTS", cell: (n) => dash(st(n, "hints")) },
  SUSPECTS,
];

const PRIMARY_BACKUP: readonly Column[] = [
  ROLE,
  { header: "EPOCH", cell: (n) => dash(st(n, "epoch")) },
  {
    header: "MODE",
    cell: (n) => {
      const mode = st(n, "mode"), eff = st(n, "effectiveMode");
      return eff !== undefined && eff !== mode ? `${dash(mode)}->${eff}` : dash(mode);
    },
  },
  { header: "SEQ", cell: (n) => dash(st(n, "seq")) },
  {
    // Changes each backup is behind, and for how long (known at the primary only).
    header: "LAG",
    cell: (n) => {
      const lag = st(n, "lag") as Record<string, number> | undefined;
      const ms = (st(n, "lagMs") ?? {}) as Record<string, number>;
      if (lag === undefined || Object.keys(lag).length === 0) return "-";
      return Object.entries(lag).map(([b, k]) => `${b}=${k}/${ms[b] ?? 0}ms`).join(",");
    },
  },
  SUSPECTS,
];

const TWO_PC: readonly Column[] = [
  ROLE,
  { header: "LOCKS", cell: (n) => pairs(st(n, "locks")) },
  { header: "IN-DOUBT", cell: (n) => list(st(n, "inDoubt")) },
  {
    header: "BLOCKED",
    cell: (n, ctx) => {
      const since = st(n, "blockedSince");
      if (typeof since !== "number") return "-";
      if (ctx.wallClockMs === null) return "yes";
      const ms = Math.max(0, ctx.wallClockMs + ctx.skewMs(n.id) - since);
      return `${(ms / 1000).toFixed(1)}s`;
    },
  },
  // At the coordinator: transactions still collecting votes.
  { header: "VOTING", cell: (n) => list(st(n, "voting")) },
  { header: "COMMITTED", cell: (n) => dash(st(n, "committed")) },
  { header: "ABORTED", cell: (n) => dash(st(n, "aborted")) },
];

/**
 * The columns for `protocol` (Raft's for protocols without a set of their own).
 *
 * @example
 * ```ts
 * import { statusColumns } from "./status_columns.ts";
 * statusColumns("2pc").map((c) => c.header).includes("IN-DOUBT"); // true
 * statusColumns("raft-kv").map((c) => c.header).includes("COMMIT"); // true
 * ```
 */
export function statusColumns(protocol: string): readonly Column[] {
  const own = protocol === "quorum-kv"
    ? QUORUM
    : protocol === "primary-backup"
    ? PRIMARY_BACKUP
    : protocol === "2pc"
    ? TWO_PC
    : RAFT;
  return [NODE, STATE, ...own, ...HOST];
}
