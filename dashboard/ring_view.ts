/**
 * The cluster view: nodes on a ring (SVG), coloured by role, each with its term, commit
 * index and — for Raft — its election countdown (an arc that fills from the last time
 * it heard from a leader, amber once the earliest timeout has passed); links between
 * every pair (red and dashed where a partition or cut blocks them, orange with a label
 * where a loss / delay rule applies, thicker while busy); partitions drawn as groups
 * around their nodes; crashed, paused and Byzantine nodes marked (a Byzantine one with a
 * jagged outline and its mode); and messages moving along the
 * links as they are delivered, dropped (a cross where they are lost) or duplicated.
 *
 * Past {@link COMPACT_AT} nodes the ring is drawn to scale instead (`ring_scale.ts`):
 * small markers at their hash tokens' angles (evenly spaced without a hash ring), the
 * tokens as ticks, names only where they fit, no line per pair of nodes, and messages
 * aggregated per link into lines whose width and opacity follow the rate (`link_flow.ts`),
 * so that a frame's work no longer grows with the pairs of nodes or the message rate. The
 * searched node ({@link RingView.setHighlight}) is ringed, always named, and — on a hash
 * ring — has the arcs it owns drawn.
 *
 * @module
 */

import { setAttrs, setText, svg } from "./dom.ts";
import {
  arcPath,
  cutLinks,
  groupPath,
  isBlocked,
  lerp,
  partitionGroups,
  ringPositions,
  ruleLabel,
  rulesFor,
} from "./ring_layout.ts";

import { LinkFlow } from "./link_flow.ts";
import {
  labelFont,
  nodeAngles,
  ownedArcsPath,
  placeOnRing,
  polar,
  thinLabels,
} from "./ring_scale.ts";
import { ringTokens as ringTokensOf } from "../partitioning/ring.ts";

import type { ClusterModel, NodeState } from "./cluster_model.ts";
import type { LabelWish, RingPlacement } from "./ring_scale.ts";
import type { MessageChange } from "./message_matcher.ts";
import type { Point } from "./ring_layout.ts";
import type { KeyPlacement } from "./key_placement.ts";

const SIZE = 520;
const CENTER = SIZE / 2;
const RADIUS = 190;
const NODE_R = 36;
const TIMER_R = 43;
/** Messages animated at once; more only make the links glow. */
const MAX_DOTS = 160;
const DROP_MARK_MS = 500;
/** The largest marker of a ring drawn to scale. */
const COMPACT_NODE_R = 14;
/** Token ticks drawn at most (beyond: only the searched node's). */
const MAX_TICKS = 8192;

/**
 * From this many nodes on, the ring is drawn to scale and messages are aggregated.
 *
 * @example
 * ```ts
 * import { COMPACT_AT } from "./ring_view.ts";
 * COMPACT_AT; // 17
 * ```
 */
export const COMPACT_AT = 17;

/**
 * One moving message.
 */
type Dot = { from: string; to: string; start: number; dur: number; kind: "msg" | "drop" | "dup" };

/**
 * Draws the ring into an `<svg>` and animates messages on it.
 *
 * @example
 * ```ts
 * import { RingView } from "./ring_view.ts";
 * const view = new RingView(document.querySelector<SVGSVGElement>("svg#ring")!, {
 *   onNodeClick: (id, shift) => console.log(id, shift),
 * });
 * ```
 */
export class RingView {
  #svg;
  #onNodeClick;
  #gGroups;
  #gLinks;
  #gDots;
  #gNodes;
  #nodes: Map<
    string,
    {
      g: SVGElement;
      body: SVGElement;
      timer: SVGElement | null;
      track: SVGElement | null;
      term: SVGElement | null;
      commit: SVGElement | null;
      badge: SVGElement | null;
      title: SVGElement;
    }
  > = new Map();
  #gTicks;
  #gFlow;
  #gLabels;
  /** Drawn to scale (many nodes) rather than as the classic ring. */
  #compact = false;
  #scale: RingPlacement | null = null;
  #vnodes: number | null = null;
  #highlight: string | null = null;
  #flow = new LinkFlow();
  #flowPool: SVGElement[] = [];
  #labelPool: SVGElement[] = [];
  #labelsKey = "";
  /** What the names were last placed for, cheap to compare every frame. */
  #labelsSeen = "";
  #nodesSeen: readonly string[] | null = null;
  #groupsMemo: { blocks: unknown; nodes: unknown; groups: string[][] } | null = null;
  #nodesKey = "";
  #arcsKey = "";
  #links: Map<string, { line: SVGElement; label: SVGElement }> = new Map();
  #pos: Map<string, Point> = new Map();
  #layoutKey = "";
  #placement: KeyPlacement | null = null;
  #dots: Dot[] = [];
  #pool: SVGElement[] = [];
  /** Recent traffic per link, decaying. */
  #heat: Map<string, number> = new Map();
  /** Messages not animated since the last frame (too many at once). */
  overflow = 0;
  constructor(root: SVGSVGElement, options: { onNodeClick: (id: string, shift: boolean) => void }) {
    this.#svg = root;
    this.#onNodeClick = options.onNodeClick;
    setAttrs(root, { viewBox: `0 0 ${SIZE} ${SIZE}` });
    this.#gGroups = svg("g", { class: "ring-groups" });
    this.#gTicks = svg("g", { class: "ring-ticks" });
    this.#gFlow = svg("g", { class: "ring-flow" });
    this.#gLinks = svg("g", { class: "ring-links" });
    this.#gDots = svg("g", { class: "ring-dots" });
    this.#gNodes = svg("g", { class: "ring-nodes" });
    this.#gLabels = svg("g", { class: "ring-labels" });
    root.append(
      this.#gGroups,
      this.#gTicks,
      this.#gFlow,
      this.#gLinks,
      this.#gDots,
      this.#gNodes,
      this.#gLabels,
    );
  }

  /** Whether the ring is drawn to scale (many nodes). */
  get compact(): boolean {
    return this.#compact;
  }

  /** Links with aggregated traffic (drawn to scale). */
  get flowLinks(): number {
    return this.#flow.links;
  }

  /** Marks the node found by name (null: none); drawn at the next render. */
  setHighlight(id: string | null): void {
    this.#highlight = id;
  }

  /** Where a node is drawn (its centre in the SVG's coordinates), if it is on the ring. */
  position(id: string): Point | undefined {
    return this.#pos.get(id);
  }

  /** Messages being animated. */
  get animating(): number {
    return this.#dots.length;
  }

  /**
   * Starts the animation of a message event (at wall time `now`, lasting `durMs`).
   */
  spawn(change: MessageChange, now: number, durMs: number): void {
    if (change.change === "send") return; // drawn when its fate is known
    const { from, to } = change.message;
    if (this.#compact) {
      this.#flow.add(from, to, change.change === "drop");
      return;
    }
    const key = linkId(from, to);
    this.#heat.set(key, (this.#heat.get(key) ?? 0) + 1);
    if (this.#dots.length >= MAX_DOTS) {
      this.overflow++;
      return;
    }
    const kind = change.change === "drop" ? "drop" : change.message.duplicate ? "dup" : "msg";
    this.#dots.push({ from, to, start: now, dur: kind === "drop" ? durMs / 2 : durMs, kind });
  }

  /**
   * Draws the state at view time `at` (cluster ms) and the animations at wall time `now`.
   */
  render(model: ClusterModel, at: number, now: number, selected: ReadonlySet<string>): void {
    this.#layout(model);
    this.#renderGroups(model);
    if (this.#compact) {
      this.#renderFaultLinks(model);
      this.#renderFlow(now);
      const key = `${model.version}|${[...selected].join(",")}|${this.#highlight}|` +
        `${this.#placement === null ? "" : this.#placement.key}`;
      if (key !== this.#nodesKey) {
        // No countdown arcs at this size: nodes change only with the model.
        this.#nodesKey = key;
        this.#renderNodes(model, at, selected);
      }
      this.#renderLabels(model, selected);
      this.#renderArcs(model);
      return;
    }
    this.#renderLinks(model);
    this.#renderNodes(model, at, selected);
    this.#renderDots(now);
  }
  /** The partition's groups, computed again only when a poll brings new blocks or nodes. */
  #groups(model: ClusterModel): string[][] {
    const m = this.#groupsMemo;
    if (m !== null && m.blocks === model.network.blocks && m.nodes === model.nodes) return m.groups;
    const groups = partitionGroups(model.network.blocks, model.nodes);
    this.#groupsMemo = { blocks: model.network.blocks, nodes: model.nodes, groups };
    return groups;
  }
  #layout(model: ClusterModel) {
    // A poll replaces the node list: until then the layout cannot have changed.
    if (model.nodes === this.#nodesSeen) return;
    this.#nodesSeen = model.nodes;
    const vn = model.all().find((n) => typeof n.status.vnodes === "number")?.status.vnodes;
    const vnodes = typeof vn === "number" ? vn : null;
    const compact = model.nodes.length >= COMPACT_AT;
    const key = `${compact}|${vnodes}|${model.nodes.join(",")}`;
    if (key === this.#layoutKey) return;
    this.#layoutKey = key;
    this.#compact = compact;
    this.#vnodes = vnodes;
    this.#gNodes.replaceChildren();
    this.#gLinks.replaceChildren();
    this.#gTicks.replaceChildren();
    this.#gLabels.replaceChildren();
    this.#gFlow.replaceChildren();
    this.#gDots.replaceChildren();
    this.#flowPool = [];
    this.#labelPool = [];
    this.#pool = [];
    this.#dots = [];
    this.#flow.clear();
    this.#labelsKey = "";
    this.#labelsSeen = "";
    this.#nodesKey = "";
    this.#arcsKey = "";
    this.#nodes.clear();
    this.#links.clear();
    this.#svg.setAttribute("data-compact", String(compact));
    if (compact) {
      this.#layoutToScale(model.nodes, vnodes);
      return;
    }
    this.#scale = null;
    this.#pos = ringPositions(model.nodes, CENTER, CENTER, RADIUS);
    const ids = model.nodes;
    for (let i = 0; i < ids.length; i++) {
      for (let j = i + 1; j < ids.length; j++) {
        const a = (this.#pos.get(ids[i] as string)) as Point;
        const b = (this.#pos.get(ids[j] as string)) as Point;
        const line = svg("line", { x1: a.x, y1: a.y, x2: b.x, y2: b.y, class: "link" });
        const mid = lerp(a, b, 0.5);
        const label = svg("text", { x: mid.x, y: mid.y - 4, class: "link-label" });
        this.#gLinks.append(line, label);
        this.#links.set(linkId(ids[i] as string, ids[j] as string), {
          line,
          label,
        });
      }
    }
    for (const id of ids) {
      const p = (this.#pos.get(id)) as Point;
      const g = svg("g", { class: "node", "data-id": id, transform: `translate(${p.x} ${p.y})` });
      const title = svg("title");
      const track = svg("circle", { r: TIMER_R, class: "timer-track" });
      const timer = svg("path", { class: "timer" });
      const body = svg("circle", { r: NODE_R, class: "node-body" });
      const name = svg("text", { y: -8, class: "node-id" });
      name.textContent = id;
      const term = svg("text", { y: 9, class: "node-term" });
      const commit = svg("text", { y: 23, class: "node-commit" });
      const badge = svg("text", { y: -NODE_R - 14, class: "node-badge" });
      g.append(title, track, timer, body, name, term, commit, badge);
      g.addEventListener("click", (ev) => {
        ev.preventDefault();
        this.#onNodeClick(id, (ev as MouseEvent).shiftKey);
      });
      this.#gNodes.append(g);
      this.#nodes.set(id, { g, body, timer, track, term, commit, badge, title });
    }
  }
  /** Many nodes: small markers at their angles, token ticks, no line per pair. */
  #layoutToScale(ids: readonly string[], vnodes: number | null) {
    const p = placeOnRing(nodeAngles(ids, vnodes), CENTER, CENTER, RADIUS, COMPACT_NODE_R);
    this.#scale = p;
    this.#pos = new Map([...p.spots].map(([id, s]) => [id, { x: s.x, y: s.y }]));
    this.#gTicks.append(svg("circle", { cx: CENTER, cy: CENTER, r: RADIUS, class: "ring-track" }));
    if (vnodes !== null && ids.length * vnodes <= MAX_TICKS) {
      this.#gTicks.append(svg("path", { d: tickPath(ids, vnodes), class: "token-ticks" }));
    }
    this.#gTicks.append(svg("path", { d: "", class: "owned-arcs" }));
    for (const id of ids) {
      const s = p.spots.get(id) as { x: number; y: number; lane: number };
      const g = svg("g", {
        class: "node",
        "data-id": id,
        "data-lane": s.lane,
        transform: `translate(${s.x} ${s.y})`,
      });
      const title = svg("title");
      const body = svg("circle", { r: p.nodeR, class: "node-body" });
      g.append(title, body);
      g.addEventListener("click", (ev) => {
        ev.preventDefault();
        this.#onNodeClick(id, (ev as MouseEvent).shiftKey);
      });
      this.#gNodes.append(g);
      this.#nodes.set(id, {
        g,
        body,
        timer: null,
        track: null,
        term: null,
        commit: null,
        badge: null,
        title,
      });
    }
  }
  /** Names where they fit: the searched node, the selected, the leader, the down, the rest. */
  #renderLabels(model: ClusterModel, selected: ReadonlySet<string>) {
    const p = this.#scale;
    if (p === null) return;
    const seen = `${model.version}|${[...selected].join(",")}|${this.#highlight}`;
    if (seen === this.#labelsSeen) return;
    this.#labelsSeen = seen;
    const down = model.all().filter((n) => !n.up).map((n) => n.id);
    const key = `${this.#highlight}|${[...selected].join(",")}|${model.leader}|${down.join(",")}`;
    if (key === this.#labelsKey) return;
    this.#labelsKey = key;
    const downSet = new Set(down);
    const wishes: LabelWish[] = model.nodes.map((id) => ({
      id,
      angle: (p.spots.get(id) as { angle: number }).angle,
      priority: id === this.#highlight
        ? 0
        : selected.has(id)
        ? 1
        : id === model.leader
        ? 2
        : downSet.has(id)
        ? 3
        : 4,
    }));
    const font = labelFont(model.nodes.length);
    const labels = thinLabels(wishes, CENTER, CENTER, RADIUS + p.nodeR + 6, font);
    let i = 0;
    for (const l of labels.values()) {
      let el = this.#labelPool[i];
      if (el === undefined) {
        el = svg("text", { class: "ring-label" });
        this.#gLabels.append(el);
        this.#labelPool.push(el);
      }
      i++;
      setAttrs(el, {
        x: l.x,
        y: l.y,
        "text-anchor": l.anchor,
        "font-size": font,
        "data-id": l.id,
        class: `ring-label${l.id === this.#highlight ? " found" : ""}${
          selected.has(l.id) ? " selected" : ""
        }${l.id === model.leader ? " leader" : ""}${downSet.has(l.id) ? " down" : ""}`,
      });
      setText(el, l.id);
    }
    for (let j = i; j < this.#labelPool.length; j++) {
      setAttrs(this.#labelPool[j] as SVGElement, { class: "ring-label hidden", "data-id": "" });
    }
    this.#svg.setAttribute("data-labels", String(i));
  }
  /** The searched node's share of a hash ring: the arcs it owns, drawn on the ring. */
  #renderArcs(model: ClusterModel) {
    const h = this.#highlight;
    const key = `${h}|${this.#vnodes}`;
    if (key === this.#arcsKey) return;
    this.#arcsKey = key;
    const arcs = this.#gTicks.querySelector(".owned-arcs");
    if (arcs === null) return;
    const d = h === null || this.#vnodes === null || !model.nodes.includes(h)
      ? ""
      : ownedArcsPath(model.nodes, this.#vnodes, h, CENTER, CENTER, RADIUS);
    setAttrs(arcs, { d, "data-owner": h ?? "" });
  }
  /** Links a rule or a one-way cut applies to: as many as there are faults, no more. */
  #renderFaultLinks(model: ClusterModel) {
    const rules = model.network.rules;
    const cuts = cutLinks(model.network.blocks);
    const key = JSON.stringify([rules, cuts]);
    if (this.#gLinks.getAttribute("data-key") === key) return;
    this.#gLinks.setAttribute("data-key", key);
    const lines: SVGElement[] = [];
    const seen = new Set<string>();
    const draw = (a: string, b: string, cls: string, text: string) => {
      const p = this.#pos.get(a);
      const q = this.#pos.get(b);
      if (p === undefined || q === undefined || seen.has(linkId(a, b) + cls)) return;
      seen.add(linkId(a, b) + cls);
      lines.push(svg("line", { x1: p.x, y1: p.y, x2: q.x, y2: q.y, class: cls }));
      const mid = lerp(p, q, 0.5);
      const label = svg("text", { x: mid.x, y: mid.y - 4, class: "link-label" });
      label.textContent = text;
      lines.push(label);
    };
    for (const r of rules) {
      if (r.from === "*" || r.to === "*") continue; // every link: said in the fault list
      draw(r.from, r.to, "link faulty", ruleLabel(r));
    }
    for (const [a, b] of cuts) draw(a, b, "link cut", "");
    this.#gLinks.replaceChildren(...lines);
  }
  /** The aggregated message flow: redrawn once per interval, at most maxLines lines. */
  #renderFlow(now: number) {
    const lines = this.#flow.tick(now);
    if (lines === null) return;
    let i = 0;
    for (const l of lines) {
      const a = this.#pos.get(l.a);
      const b = this.#pos.get(l.b);
      if (a === undefined || b === undefined) continue;
      let el = this.#flowPool[i];
      if (el === undefined) {
        el = svg("line", { class: "flow" });
        this.#gFlow.append(el);
        this.#flowPool.push(el);
      }
      i++;
      setAttrs(el, {
        x1: a.x,
        y1: a.y,
        x2: b.x,
        y2: b.y,
        "stroke-width": l.width,
        "stroke-opacity": l.opacity,
        class: l.dropped >= 0.5 ? "flow lossy" : l.dropped > 0 ? "flow some-loss" : "flow",
        "data-link": `${l.a}|${l.b}`,
        "data-rate": l.rate,
      });
    }
    for (let j = i; j < this.#flowPool.length; j++) {
      setAttrs(this.#flowPool[j] as SVGElement, { class: "flow hidden", "data-link": "" });
    }
    this.#svg.setAttribute("data-flow", String(i));
  }
  #renderGroups(model: ClusterModel) {
    const groups = this.#groups(model);
    const key = groups.length > 1 ? groups.map((g) => g.join(",")).join("|") : "";
    if (this.#gGroups.getAttribute("data-groups") === key) return;
    this.#gGroups.setAttribute("data-groups", key);
    this.#gGroups.replaceChildren();
    if (groups.length < 2) return;
    const p = this.#scale;
    groups.forEach((g, i) => {
      // Drawn to scale, a group is its nodes ringed in its colour, in ring order.
      const pts = p === null ? g.map((id) => (this.#pos.get(id) as Point)) : [...g]
        .sort((a, b) =>
          (p.spots.get(a) as { angle: number }).angle - (p.spots.get(b) as { angle: number }).angle
        ).map((id) => this.#pos.get(id) as Point);
      const path = svg("path", {
        d: groupPath(pts),
        class: `group g${i % 6}`,
        "data-nodes": g.join(","),
      });
      // Through the CSSOM: the page's CSP forbids style attributes.
      if (p !== null) (path as SVGElement).style.strokeWidth = `${Math.round(p.nodeR * 2 + 10)}px`;
      this.#gGroups.append(path);
    });
  }
  #renderLinks(model: ClusterModel) {
    const groups = this.#groups(model);
    const cuts = cutLinks(model.network.blocks);
    const rules = model.network.rules;
    for (const [key, { line, label }] of this.#links) {
      const [a, b] = (key.split("|")) as [string, string];
      const ab = isBlocked(a, b, groups, cuts);
      const ba = isBlocked(b, a, groups, cuts);
      const applied = [...rulesFor(a, b, rules), ...rulesFor(b, a, rules)];
      const heat = this.#heat.get(key) ?? 0;
      this.#heat.set(key, heat * 0.9);
      let cls = "link";
      if (ab && ba) cls += " blocked";
      else if (ab || ba) cls += " cut";
      if (applied.length > 0) cls += " faulty";
      if (heat > 8) cls += " hot";
      else if (heat > 1) cls += " warm";
      setAttrs(line, { class: cls, "data-blocked": ab && ba ? "both" : ab || ba ? "one" : "no" });
      const unique = [...new Map(applied.map((r) => [r.id, r])).values()];
      setText(label, unique.map(ruleLabel).join("; "));
    }
  }
  /** Marks a key's replicas and hint holders (null: none); drawn at the next render. */
  setPlacement(p: KeyPlacement | null): void {
    this.#placement = p;
  }
  #renderNodes(model: ClusterModel, at: number, selected: ReadonlySet<string>) {
    const place = this.#placement;
    for (const n of model.all()) {
      const el = this.#nodes.get(n.id);
      if (el === undefined) continue;
      const role = n.up ? n.role : "crashed";
      const rank = place?.replicas.get(n.id);
      const hintFor = place?.hints.get(n.id);
      setAttrs(el.g, {
        "data-replica": rank ?? "",
        "data-hint-for": hintFor?.join(",") ?? "",
        class: `node role-${role}${n.paused ? " paused" : ""}${
          n.byzantine === null ? "" : " byzantine"
        }${selected.has(n.id) ? " selected" : ""}${rank === undefined ? "" : " replica"}${
          hintFor === undefined ? "" : " hint"
        }${n.id === this.#highlight ? " found" : ""}`,
        "data-found": String(n.id === this.#highlight),
        "data-role": role,
        "data-up": String(n.up),
        "data-paused": String(n.paused),
        "data-byzantine": n.byzantine ?? "",
        "data-term": n.term ?? "",
        "data-commit": n.commitIndex ?? "",
        "data-selected": String(selected.has(n.id)),
      });
      const w = model.electionWindow(n.id, at);
      if (el.term === null || el.commit === null || el.badge === null) {
        // Drawn to scale: no text inside the marker; the tooltip says it all.
        const badge = nodeBadge(n);
        setText(
          el.title,
          `${n.id}: ${role}, term ${n.term ?? "?"}, commit ${n.commitIndex ?? "?"}` +
            (badge === "" ? "" : ` (${badge})`),
        );
        continue;
      }
      setText(el.term, n.term === null ? role : `T${n.term} ${short(role)}`);
      setText(el.commit, n.commitIndex === null ? "" : `c${n.commitIndex}`);
      setText(el.badge, nodeBadge(n));
      if (el.timer === null || el.track === null) continue;
      if (w === null || n.paused) {
        setAttrs(el.timer, { d: "", class: "timer" });
        setAttrs(el.track, { class: "timer-track off" });
        setText(
          el.title,
          `${n.id}: ${role}, term ${n.term ?? "?"}, commit ${n.commitIndex ?? "?"}`,
        );
        el.g.removeAttribute("data-countdown");
      } else {
        const frac = w.elapsed / w.max;
        const due = w.elapsed >= w.min;
        setAttrs(el.timer, {
          d: arcPath({ x: 0, y: 0 }, TIMER_R, frac),
          class: due ? "timer due" : "timer",
        });
        setAttrs(el.track, { class: "timer-track" });
        const lo = Math.max(0, Math.round(w.min - w.elapsed));
        const hi = Math.max(0, Math.round(w.max - w.elapsed));
        el.g.setAttribute("data-countdown", `${lo}-${hi}`);
        setText(
          el.title,
          `${n.id}: ${role}, term ${n.term ?? "?"}, commit ${n.commitIndex ?? "?"}\n` +
            `election timeout in ${lo}–${hi} ms`,
        );
      }
    }
  }
  #renderDots(now: number) {
    let used = 0;
    const keep = [];
    for (const d of this.#dots) {
      const a = this.#pos.get(d.from);
      const b = this.#pos.get(d.to);
      const t = (now - d.start) / d.dur;
      if (a === undefined || b === undefined) continue;
      if (d.kind === "drop") {
        if (t > 1 + DROP_MARK_MS / d.dur) continue;
        const p = lerp(a, b, Math.min(t, 1) * 0.5);
        this.#dot(used++, p, t >= 1 ? "dot dropped" : "dot");
      } else {
        if (t > 1) continue;
        this.#dot(used++, lerp(a, b, Math.max(0, t)), d.kind === "dup" ? "dot dup" : "dot");
      }
      keep.push(d);
    }
    this.#dots = keep;
    for (let i = used; i < this.#pool.length; i++) {
      setAttrs(this.#pool[i] as SVGElement, { class: "dot hidden" });
    }
    this.#svg.setAttribute("data-dots", String(used));
  }
  #dot(i: number, p: Point, cls: string) {
    let el = this.#pool[i];
    if (el === undefined) {
      el = svg("g", { class: "dot" });
      el.append(svg("circle", { r: 5 }), svg("path", { d: "M-6 -6L6 6M6 -6L-6 6", class: "x" }));
      this.#gDots.append(el);
      this.#pool.push(el);
    }
    setAttrs(el, { class: cls, transform: `translate(${Math.round(p.x)} ${Math.round(p.y)})` });
  }
}
/** A short radial tick at every token of every node, as one path. */
function tickPath(ids: readonly string[], vnodes: number): string {
  const parts: string[] = [];
  for (const id of ids) {
    for (const t of ringTokensOf(id, vnodes)) {
      const a = (t / 2 ** 32) * 2 * Math.PI;
      const p = polar(CENTER, CENTER, RADIUS - 3, a);
      const q = polar(CENTER, CENTER, RADIUS + 3, a);
      parts.push(`M${p.x} ${p.y}L${q.x} ${q.y}`);
    }
  }
  return parts.join("");
}
function linkId(a: string, b: string) {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}
function short(role: string) {
  return role === "pre-candidate" ? "pre-cand." : role;
}

/**
 * The line under a node on the ring: crashed, paused, Byzantine (and how it lies) or the
 * leader's star.
 *
 * @example
 * ```ts
 * import { nodeBadge } from "./ring_view.ts";
 * nodeBadge({ up: true, paused: false, byzantine: "lie", role: "leader" }); // "☠ lie ★"
 * ```
 */
export function nodeBadge(
  n: Pick<NodeState, "up" | "paused" | "byzantine" | "role">,
): string {
  if (!n.up) return "× crashed";
  if (n.paused) return "paused";
  const star = n.role === "leader" ? "★" : "";
  if (n.byzantine !== null) return `☠ ${n.byzantine}${star === "" ? "" : " " + star}`;
  return star === "" ? "" : "★ leader";
}
