/**
 * The columns a protocol declares (its descriptor's `display`, served by `GET /cluster`),
 * as the page shows them: a table of every node, and the selected node's column values
 * in the node panel. Cells are filled by the CLI's own `statusColumns`, so `cli status`
 * and the page show the same thing; nothing here knows a protocol by name.
 *
 * @module
 */

import { type ColumnContext, type NodeRow, statusColumns } from "../client/status_columns.ts";
import { headline } from "../client/headline.ts";
import type { ClusterModel, NodeState } from "./cluster_model.ts";
import { esc } from "./dom.ts";

/**
 * One cell: the column's header and the node's value.
 *
 * @example
 * ```ts
 * import type { Cell } from "./status_table.ts";
 * const c: Cell = { header: "ROLE", text: "leader" };
 * ```
 */
export interface Cell {
  readonly header: string;
  readonly text: string;
}

/** Cells longer than this are shortened on the page, whole in their tooltip. */
const LONG_CELL = 24;

/** A node as the columns read it: the last poll, with what events changed since. */
function row(n: NodeState): NodeRow {
  return {
    id: n.id,
    up: n.up,
    paused: n.paused,
    byzantine: n.byzantine,
    role: n.up ? n.role : null,
    term: n.term,
    commitIndex: n.commitIndex,
    leader: n.leader,
    lastSeenMs: n.lastSeenMs,
    suspectedBy: [...n.suspectedBy],
    breaker: n.breaker,
    status: n.status,
  };
}

function context(model: ClusterModel): ColumnContext {
  return { wallClockMs: model.wallClockMs, skewMs: (id) => model.clocks[id]?.skewMs ?? 0 };
}

/**
 * Every column of the protocol's display for `node`, in order (the host's own first
 * and last, as in `cli status`).
 *
 * @example
 * ```ts
 * import { ClusterModel } from "./cluster_model.ts";
 * import { nodeCells } from "./status_table.ts";
 * const m = new ClusterModel();
 * m.node("n1") === undefined ? [] : nodeCells(m, m.node("n1")!); // []
 * ```
 */
export function nodeCells(model: ClusterModel, node: NodeState): Cell[] {
  const r = row(node);
  const ctx = context(model);
  return statusColumns(model.display).map((c) => ({ header: c.header, text: c.cell(r, ctx) }));
}

/**
 * The status table: one row per node, one column per declared column.
 *
 * @example
 * ```ts
 * import { ClusterModel } from "./cluster_model.ts";
 * import { statusTableHtml } from "./status_table.ts";
 * statusTableHtml(new ClusterModel()).startsWith("<table"); // true
 * ```
 * @param found the node found by name: its row is marked (`found`)
 */
export function statusTableHtml(model: ClusterModel, found: string | null = null): string {
  const headers = statusColumns(model.display).map((c) => `<th>${esc(c.header)}</th>`).join("");
  const rows = model.all().map((n) => {
    // A long cell (63 suspecting nodes) is cut by the style sheet; its title has it all.
    const cells = nodeCells(model, n).map((c) =>
      `<td data-column="${esc(c.header)}"${
        c.text.length > LONG_CELL ? ` class="long" title="${esc(c.text)}"` : ""
      }>${esc(c.text)}</td>`
    ).join("");
    const role = n.up ? n.role : "crashed";
    const byz = n.byzantine === null ? "" : ` byzantine" data-byzantine="${esc(n.byzantine)}`;
    const mark = n.id === found ? ` found" data-found="true` : "";
    return `<tr class="status-row role-${esc(role)}${byz}${mark}" data-node="${
      esc(n.id)
    }">${cells}</tr>`;
  }).join("");
  return `<table class="status"><thead><tr>${headers}</tr></thead><tbody>${rows}</tbody></table>`;
}

/**
 * The selected node's declared columns, one `header value` row each, for the node panel.
 *
 * @example
 * ```ts
 * import { ClusterModel } from "./cluster_model.ts";
 * import { nodePanelHtml } from "./status_table.ts";
 * nodePanelHtml(new ClusterModel(), "n1"); // ""
 * ```
 */
export function nodePanelHtml(model: ClusterModel, id: string): string {
  const n = model.node(id);
  if (n === undefined) return "";
  return nodeCells(model, n).map((c) =>
    `<tr data-column="${esc(c.header)}"><th>${esc(c.header)}</th><td>${esc(c.text)}</td></tr>`
  ).join("");
}

/**
 * The header's summary, as the protocol's display says: who leads (in its own words:
 * `owner n1 · epoch 1`), who plays the named role, or a leaderless protocol's settings.
 *
 * @example
 * ```ts
 * import { ClusterModel } from "./cluster_model.ts";
 * import { headlineText } from "./status_table.ts";
 * headlineText(new ClusterModel()); // "no leader"
 * ```
 */
export function headlineText(model: ClusterModel): string {
  const leader = model.leader === null ? undefined : model.node(model.leader);
  const h = headline(model.display, leader?.id ?? null, leader?.term ?? null, model.all());
  return [h.subject, ...h.details].join(" · ");
}
