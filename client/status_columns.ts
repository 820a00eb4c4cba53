/**
 * The columns `status` shows: the ones the protocol declares (its `display`, served by
 * `GET /cluster`), so that each shows what its chapter is about — Raft its role, term
 * and commit index; a quorum store its keys, siblings and hints; primary-backup its
 * mode and each backup's lag; 2PC its locks and blocked participants. Every set starts
 * with the node and its state (`up`, `paused` or `crashed`, and `,byzantine:MODE` while
 * it lies) and ends with the host's view (last seen, suspected by,
 * breaker). Nothing here knows a protocol by name.
 *
 * @module
 */

import { DEFAULT_DISPLAY, type ProtocolDisplay, type StatusColumn } from "../protocols/display.ts";
import type { NodeViewShape } from "../http/api_schemas.ts";

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
export type NodeRow =
  & Pick<
    NodeViewShape,
    | "id"
    | "up"
    | "paused"
    | "role"
    | "term"
    | "commitIndex"
    | "leader"
    | "lastSeenMs"
    | "suspectedBy"
    | "breaker"
  >
  & {
    readonly status?: NodeViewShape["status"];
    /** How the node lies, if it is Byzantine (absent or null: correct). */
    readonly byzantine?: NodeViewShape["byzantine"];
  };

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

/** A row's value for a declared field: `status.X`, or one of the node view's own. */
function field(n: NodeRow, name: string): unknown {
  if (name.startsWith("status.")) return n.status?.[name.slice("status.".length)];
  return (n as unknown as Record<string, unknown>)[name];
}

function cellOf(c: StatusColumn): Column["cell"] {
  switch (c.format ?? "value") {
    case "list":
      return (n) => {
        const v = field(n, c.field);
        return Array.isArray(v) && v.length > 0 ? v.map(String).join(",") : "-";
      };
    case "pairs":
      return (n) => {
        const v = field(n, c.field);
        if (v === null || typeof v !== "object") return "-";
        const e = Object.entries(v as Record<string, unknown>);
        if (e.length === 0) return "-";
        const other = c.with === undefined ? undefined : field(n, c.with);
        const more = (k: string) =>
          other !== null && typeof other === "object"
            ? `/${(other as Record<string, unknown>)[k] ?? 0}`
            : "";
        return e.map(([k, x]) => `${k}=${x}${more(k)}${c.suffix ?? ""}`).join(",");
      };
    case "since":
      return (n, ctx) => {
        const since = field(n, c.field);
        if (typeof since !== "number") return "-";
        if (ctx.wallClockMs === null) return "yes";
        const ms = Math.max(0, ctx.wallClockMs + ctx.skewMs(n.id) - since);
        return `${(ms / 1000).toFixed(1)}s`;
      };
    case "value":
      return (n) => {
        const v = field(n, c.field);
        const alt = c.alt === undefined ? undefined : field(n, c.alt);
        return alt !== undefined && alt !== null && alt !== v ? `${dash(v)}->${alt}` : dash(v);
      };
  }
}

const NODE: Column = { header: "NODE", cell: (n) => n.id };
const STATE: Column = {
  header: "STATE",
  cell: (n) =>
    (!n.up ? "crashed" : n.paused ? "paused" : "up") +
    (n.byzantine ? `,byzantine:${n.byzantine}` : ""),
};
const HOST: readonly Column[] = [
  { header: "SEEN", cell: (n) => n.lastSeenMs === null ? "-" : `${n.lastSeenMs}ms` },
  {
    header: "SUSPECTED-BY",
    cell: (n) => n.suspectedBy.length === 0 ? "-" : n.suspectedBy.join(","),
  },
  { header: "BREAKER", cell: (n) => n.breaker },
];

/**
 * The columns for a protocol's declared display (the default one when it has none).
 *
 * @example
 * ```ts
 * import { statusColumns } from "./status_columns.ts";
 * statusColumns(undefined).map((c) => c.header).includes("COMMIT"); // true
 * statusColumns({
 *   headline: { kind: "role", role: "coordinator" },
 *   columns: [{ header: "IN-DOUBT", field: "status.inDoubt", format: "list" }],
 * }).map((c) => c.header).includes("IN-DOUBT"); // true
 * ```
 */
export function statusColumns(display: ProtocolDisplay | undefined): readonly Column[] {
  const own = (display ?? DEFAULT_DISPLAY).columns.map((c) => ({
    header: c.header,
    cell: cellOf(c),
  }));
  return [NODE, STATE, ...own, ...HOST];
}
