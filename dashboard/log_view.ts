/**
 * The nodes and their logs, from what the protocol declares and its nodes report (no
 * protocol is known by name): the status table of the columns its descriptor's
 * `display` declares; where the nodes report a log (`lastIndex`), every node's log, one
 * row per node and one column per index (the latest indexes), each entry showing its
 * term (coloured by term) and marked as committed or not, plus the leader's match /
 * next index for every follower (`progress`); where they report a hash ring's
 * `ownership`, each node's share of it.
 *
 * @module
 */

import { esc } from "./dom.ts";
import { statusTableHtml } from "./status_table.ts";

import type { ClusterModel } from "./cluster_model.ts";
import type { RaftLogs } from "./raft_log.ts";

/**
 * Columns of the log grid: the latest indexes shown.
 *
 * @example
 * ```ts
 * import { LOG_COLUMNS } from "./log_view.ts";
 * LOG_COLUMNS; // 20
 * ```
 */
export const LOG_COLUMNS = 20;
const COLUMNS = LOG_COLUMNS;

/**
 * Renders the log view into a container (at most as often as it is called; the page
 * calls it a few times a second).
 *
 * @example
 * ```ts
 * import { LogView } from "./log_view.ts";
 * const view = new LogView(document.getElementById("log-view")!);
 * ```
 */
export class LogView {
  #root;
  #last = "";
  constructor(root: HTMLElement) {
    this.#root = root;
  }
  /** Draws the tables; `found` (the node found by name) has its rows marked. */
  render(model: ClusterModel, logs: RaftLogs, found: string | null = null): void {
    const nodes = model.all();
    const owned = nodes.some((n) => n.status.ownership !== undefined);
    const html = statusTableHtml(model, found) +
      (model.logs ? logGridHtml(model, logs, found) : "") +
      (owned ? ringShareHtml(model, found) : "");
    if (html === this.#last) return;
    this.#last = html;
    this.#root.innerHTML = html;
  }
}
/** Every node's log and the leader's replication progress. */
function logGridHtml(model: ClusterModel, logs: RaftLogs, found: string | null) {
  const nodes = model.all();
  let hi = 0;
  for (const n of nodes) hi = Math.max(hi, n.lastIndex ?? 0, logs.lastSeen(n.id));
  const lo = Math.max(1, hi - COLUMNS + 1);
  const cols: number[] = [];
  for (let i = lo; i <= hi; i++) cols.push(i);
  const head =
    `<tr><th>node</th><th>term</th><th title="commit / last / applied">commit · last</th>` +
    cols.map((i) => `<th class="idx">${i}</th>`).join("") + `</tr>`;
  const rows = nodes.map((n) => {
    const last = n.lastIndex ?? logs.lastSeen(n.id);
    const cells = cols.map((i) => {
      if (i > last) return `<td class="entry none"></td>`;
      const committed = n.commitIndex !== null && i <= n.commitIndex;
      const cls = committed ? "committed" : "uncommitted";
      if (logs.inSnapshot(n.id, i)) {
        return `<td class="entry snap ${cls}" data-index="${i}" title="#${i} in a snapshot">S</td>`;
      }
      const e = logs.entry(n.id, i);
      if (e === undefined) {
        return `<td class="entry unknown ${cls}" data-index="${i}" title="#${i} (not seen)">·</td>`;
      }
      return `<td class="entry t${e.term % 8} ${cls}" data-index="${i}" data-term="${e.term}" ` +
        `data-label="${esc(e.label)}" title="#${i} term ${e.term}: ${esc(e.label)}${
          committed ? " (committed)" : ""
        }">${e.term}</td>`;
    }).join("");
    const role = n.up ? n.role : "crashed";
    return `<tr class="log-row${n.id === found ? " found" : ""}" data-node="${esc(n.id)}" ` +
      `data-commit="${n.commitIndex ?? ""}">` +
      `<th class="role-${esc(role)}">${esc(n.id)}</th><td>${n.term ?? ""}</td>` +
      `<td class="num">${n.commitIndex ?? "–"} · ${n.lastIndex ?? "–"}</td>${cells}</tr>`;
  }).join("");
  const leader = nodes.find((n) => n.up && n.role === "leader" && n.progress !== null);
  let progress = `<p class="muted">No leader: no replication progress to show.</p>`;
  if (leader !== undefined && leader.progress !== null) {
    const last = leader.lastIndex ?? 0;
    const rowsP = Object.entries(leader.progress).map(([peer, p]) => {
      const lag = Math.max(0, last - p.match);
      return `<tr data-peer="${esc(peer)}"><th>${esc(peer)}</th><td class="num">${p.match}</td>` +
        `<td class="num">${p.next}</td><td>${esc(p.state)}</td>` +
        `<td class="num${lag > 0 ? " lag" : ""}">${lag}</td></tr>`;
    }).join("");
    progress = `<table class="progress"><caption>leader ${esc(leader.id)} · last index ${last}` +
      `</caption><tr><th>follower</th><th>match</th><th>next</th><th>state</th><th>behind</th></tr>` +
      `${rowsP}</table>`;
  }
  return `<table class="log-grid">${head}${rows}</table>${progress}`;
}
/** Each node's share of the hash ring. */
function ringShareHtml(model: ClusterModel, found: string | null) {
  const rows = model.all().map((n) => {
    const own = (n.status.ownership ?? {}) as Record<string, number>;
    const share = own[n.id] ?? 0;
    const bar = Math.round(share * 40);
    return `<tr data-node="${esc(n.id)}"${n.id === found ? ` class="found"` : ""}>` +
      `<th class="role-${esc(n.up ? n.role : "crashed")}">` +
      `${esc(n.id)}</th><td class="num">${(share * 100).toFixed(1)}%</td>` +
      `<td><span class="bar">${"█".repeat(bar)}</span></td></tr>`;
  }).join("");
  return `<table class="ring-share"><tr><th>node</th><th>ring share</th><th></th></tr>` +
    `${rows}</table>`;
}
