/**
 * The controls: act on the selected nodes (crash, restart, pause, resume, time out),
 * build a partition from groups of selected nodes (shift-click picks several), isolate,
 * set loss / delay / duplication per link or for every link, skew a node's clock, make a
 * node Byzantine (equivocate, lie, silent, replay) or honest again, list
 * and remove active faults, heal, and send client reads and writes. Every action goes
 * through the API and is answered in the status line.
 *
 * @module
 */

import { byId, esc, setText } from "./dom.ts";
import { ruleLabel } from "./ring_layout.ts";
import { nodePanelHtml } from "./status_table.ts";

import type { z } from "zod";
import type { KvResultSchema } from "../http/api_schemas.ts";
import type { ApiClient } from "./api_client.ts";
import type { ApiResult } from "./api_client.ts";
import type { ClusterModel } from "./cluster_model.ts";

/** A KV answer, as the API's schema says. */
type KvResult = z.infer<typeof KvResultSchema>;

/**
 * What the controls need from the page.
 *
 * @example
 * ```ts
 * import type { ControlsOptions } from "./controls.ts";
 * import { ApiClient } from "./api_client.ts";
 * import { ClusterModel } from "./cluster_model.ts";
 * const o: ControlsOptions = {
 *   api: new ApiClient("/api/v1", null), model: new ClusterModel(), selection: new Set(),
 *   refresh() {}, onSelectionChange() {},
 * };
 * ```
 */
export interface ControlsOptions {
  readonly api: ApiClient;
  readonly model: ClusterModel;
  readonly selection: Set<string>;
  readonly refresh: () => void;
  readonly onSelectionChange: () => void;
}

/**
 * The control panel's behaviour.
 *
 * @example
 * ```ts
 * import { Controls } from "./controls.ts";
 * import { ApiClient } from "./api_client.ts";
 * import { ClusterModel } from "./cluster_model.ts";
 * const controls = new Controls({
 *   api: new ApiClient("/api/v1", null), model: new ClusterModel(), selection: new Set(),
 *   refresh() {}, onSelectionChange() {},
 * });
 * controls.render();
 * ```
 */
export class Controls {
  #o: ControlsOptions;
  #groups: string[][] = [];
  #nodesKey = "";
  #faultsKey = "";
  #columnsHtml = "";
  constructor(o: ControlsOptions) {
    this.#o = o;
    for (const action of ["crash", "restart", "pause", "resume", "timeout"]) {
      byId(`btn-${action}`).addEventListener("click", () => this.#nodeAction(action));
    }
    byId("btn-clear-sel").addEventListener("click", () => {
      o.selection.clear();
      o.onSelectionChange();
    });
    byId("btn-add-group").addEventListener("click", () => this.#addGroup());
    byId("btn-clear-groups").addEventListener("click", () => {
      this.#groups = [];
      this.render();
    });
    byId("btn-partition").addEventListener("click", () => this.#partition());
    byId("btn-isolate").addEventListener("click", () => this.#isolate());
    byId("btn-heal").addEventListener(
      "click",
      () => this.#act("heal", () => o.api.request("POST", "/faults/heal")),
    );
    byId("btn-link").addEventListener("click", () => this.#link());
    byId("btn-clock").addEventListener("click", () => this.#clock());
    byId("btn-byzantine").addEventListener("click", () => this.#byzantine());
    byId("btn-write").addEventListener("click", () => this.#kv("write"));
    byId("btn-read").addEventListener("click", () => this.#kv("read"));
    byId("btn-cas").addEventListener("click", () => this.#kv("cas"));
    byId("btn-delete").addEventListener("click", () => this.#kv("delete"));
    byId("fault-list").addEventListener("click", (ev) => {
      const t = ev.target as HTMLElement;
      const id = t.getAttribute("data-remove");
      if (id !== null) {
        this.#act(`remove fault ${id}`, () => o.api.request("DELETE", `/faults/${id}`));
      }
    });
  }

  /** Brings the panel up to date with the model and the selection. */
  render(): void {
    const { model, selection } = this.#o;
    const sel = model.nodes.filter((n) => selection.has(n));
    setText(
      byId("sel-nodes"),
      sel.length === 0 ? "none (click a node; shift-click for more)" : sel.join(", "),
    );
    const one = sel.length > 0;
    for (const a of ["crash", "restart", "pause", "resume", "timeout", "add-group"]) {
      (byId(`btn-${a}`) as HTMLButtonElement).disabled = !one;
    }
    (byId("btn-isolate") as HTMLButtonElement).disabled = sel.length !== 1;
    // Only nodes that declare an election timeout have one to fire.
    (byId("btn-timeout") as HTMLButtonElement).disabled = !one || !model.timers;
    // The first selected node in the columns its protocol declares, then its whole
    // status, whatever the protocol: 2PC locks and in-doubt orders, primary-backup lag,
    // quorum hints, Raft progress…
    const first = sel[0] === undefined ? undefined : model.node(sel[0]);
    const columnsHtml = first === undefined ? "" : nodePanelHtml(model, first.id);
    if (columnsHtml !== this.#columnsHtml) {
      this.#columnsHtml = columnsHtml;
      byId("sel-columns").innerHTML = columnsHtml;
    }
    const stateText = first === undefined ? "" : statusLines(first.status).join("\n");
    const stateEl = byId("sel-status");
    if (stateEl.textContent !== stateText) stateEl.textContent = stateText;
    (byId("btn-partition") as HTMLButtonElement).disabled = this.#groups.length === 0;
    setText(
      byId("groups"),
      this.#groups.length === 0
        ? "no groups yet"
        : this.#groups.map((g) => g.join(",")).join(" | ") + " | (rest)",
    );
    const key = model.nodes.join(",");
    if (key !== this.#nodesKey) {
      this.#nodesKey = key;
      const opts = model.nodes.map((n) => `<option value="${esc(n)}">${esc(n)}</option>`).join("");
      byId("link-from").innerHTML = `<option value="*">any</option>${opts}`;
      byId("link-to").innerHTML = `<option value="*">any</option>${opts}`;
      byId("clock-node").innerHTML = opts;
      byId("byz-node").innerHTML = opts;
    }
    const net = model.network;
    const faultsKey = JSON.stringify([net.rules, net.blocks]);
    if (faultsKey !== this.#faultsKey) {
      this.#faultsKey = faultsKey;
      const items = [
        ...net.blocks.map((b) => ({ id: b.id, text: `${b.kind} ${b.description}` })),
        ...net.rules.map((r) => ({ id: r.id, text: `${r.from} → ${r.to}: ${ruleLabel(r)}` })),
      ].sort((a, b) => a.id - b.id);
      byId("fault-list").innerHTML = items.length === 0
        ? `<li class="muted">no network faults</li>`
        : items.map((i) =>
          `<li data-fault="${i.id}">#${i.id} ${esc(i.text)} <button data-remove="${i.id}" ` +
          `title="remove this fault">×</button></li>`
        ).join("");
    }
  }

  /** The selected nodes, in ring order. */
  #selected() {
    const { model, selection } = this.#o;
    return model.nodes.filter((n) => selection.has(n));
  }
  #nodeAction(action: string) {
    const nodes = this.#selected();
    for (const n of nodes) {
      this.#act(`${action} ${n}`, () => this.#o.api.request("POST", `/nodes/${n}/${action}`));
    }
  }

  #addGroup() {
    const nodes = this.#selected();
    if (nodes.length === 0) return;
    this.#groups = this.#groups.map((g) => g.filter((n) => !nodes.includes(n)))
      .filter((g) => g.length > 0);
    this.#groups.push(nodes);
    this.#o.selection.clear();
    this.#o.onSelectionChange();
  }

  #partition() {
    const groups = this.#groups;
    if (groups.length === 0) return;
    this.#groups = [];
    this.#act(
      `partition ${groups.map((g) => g.join(",")).join(" | ")}`,
      () => this.#o.api.request("POST", "/faults/partition", { groups }),
    );
  }

  #isolate() {
    const [node] = this.#selected();
    if (node === undefined) return;
    this.#act(`isolate ${node}`, () => this.#o.api.request("POST", "/faults/isolate", { node }));
  }

  #link() {
    const from = (byId("link-from") as HTMLSelectElement).value;
    const to = (byId("link-to") as HTMLSelectElement).value;
    const body: Record<string, unknown> = { from, to };
    const drop = numberOf("link-drop");
    const delay = numberOf("link-delay");
    const dup = numberOf("link-dup");
    if (drop !== null) body.drop = drop / 100;
    if (delay !== null) body.delay = `${delay}ms`;
    if (dup !== null) body.duplicate = dup / 100;
    if (Object.keys(body).length === 2) {
      this.#status("give a loss %, a delay or a duplicate %", false);
      return;
    }
    this.#act(`link ${from} → ${to}`, () => this.#o.api.request("POST", "/faults/link", body));
  }

  #clock() {
    const node = (byId("clock-node") as HTMLSelectElement).value;
    const body: Record<string, unknown> = { node };
    const skew = numberOf("clock-skew");
    const drift = numberOf("clock-drift");
    if (skew !== null) body.skewMs = skew;
    if (drift !== null) body.drift = drift;
    this.#act(`clock ${node}`, () => this.#o.api.request("POST", "/faults/clock", body));
  }
  #byzantine() {
    const node = (byId("byz-node") as HTMLSelectElement).value;
    const mode = (byId("byz-mode") as HTMLSelectElement).value;
    this.#act(
      `byzantine ${node} ${mode}`,
      () => this.#o.api.request("POST", "/faults/byzantine", { node, mode }),
    );
  }
  async #kv(f: "write" | "read" | "cas" | "delete") {
    const key = (byId("kv-key") as HTMLInputElement).value.trim();
    if (key === "") {
      this.#status("give a key", false);
      return;
    }
    const path = `/kv/${encodeURIComponent(key)}`;
    const value = jsonOf((byId("kv-value") as HTMLInputElement).value);
    const started = performance.now();
    let r: ApiResult;
    if (f === "write") r = await this.#o.api.request("PUT", path, value);
    else if (f === "read") r = await this.#o.api.request("GET", path);
    else if (f === "delete") r = await this.#o.api.request("DELETE", path);
    else {
      const expected = jsonOf((byId("kv-expected") as HTMLInputElement).value);
      r = await this.#o.api.request("POST", `${path}/cas`, { expected, value });
    }
    const ms = Math.round(performance.now() - started);
    const out = byId("kv-result");
    const d = (r.ok ? r.data : {}) as Partial<KvResult>;
    const text = r.ok
      ? `${f} ${key} → ok${f === "read" ? ` ${JSON.stringify(d.value)}` : ""} via ${
        String(d.node)
      } (${ms} ms)`
      : `${f} ${key} → ${
        r.status === 504 ? "unknown" : "failed"
      } (${r.status}): ${r.error} (${ms} ms)`;
    setText(out, text);
    out.setAttribute("data-ok", String(r.ok));
    out.setAttribute("data-op", f);
    this.#o.refresh();
  }
  async #act(what: string, run: () => Promise<ApiResult>) {
    this.#status(`${what}…`, true);
    const r = await run();
    this.#status(r.ok ? `${what}: done` : `${what}: ${r.error}`, r.ok);
    this.#o.refresh();
    this.render();
  }
  #status(text: string, ok: boolean) {
    const el = byId("action-status");
    setText(el, text);
    el.classList.toggle("error", !ok);
  }
}
function numberOf(id: string): number | null {
  const raw = (byId(id) as HTMLInputElement).value.trim();
  if (raw === "") return null;
  const v = Number(raw);
  return Number.isFinite(v) ? v : null;
}

/**
 * A value typed by a person: JSON if it parses, else the text itself.
 */
function jsonOf(raw: string): unknown {
  const s = raw.trim();
  if (s === "") return null;
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}

/**
 * A node's status as short `field: value` lines (nested values as compact JSON, long ones
 * cut), so protocol-specific state shows without the page knowing each protocol.
 *
 * @example
 * ```ts
 * import { statusLines } from "./controls.ts";
 * statusLines({ role: "participant", inDoubt: ["o1"] }); // ["role: participant", 'inDoubt: ["o1"]']
 * ```
 */
export function statusLines(status: Readonly<Record<string, unknown>>): string[] {
  return Object.entries(status).map(([k, v]) => {
    const text = typeof v === "string" ? v : JSON.stringify(v) ?? String(v);
    return `${k}: ${text.length > 90 ? text.slice(0, 87) + "..." : text}`;
  });
}
