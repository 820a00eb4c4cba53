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

import type { ClusterModel, NodeState } from "./cluster_model.ts";
import type { MessageChange } from "./message_matcher.ts";
import type { Point } from "./ring_layout.ts";

const SIZE = 520;
const CENTER = SIZE / 2;
const RADIUS = 190;
const NODE_R = 36;
const TIMER_R = 43;
/** Messages animated at once; more only make the links glow. */
const MAX_DOTS = 160;
const DROP_MARK_MS = 500;

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
      timer: SVGElement;
      track: SVGElement;
      term: SVGElement;
      commit: SVGElement;
      badge: SVGElement;
      title: SVGElement;
    }
  > = new Map();
  #links: Map<string, { line: SVGElement; label: SVGElement }> = new Map();
  #pos: Map<string, Point> = new Map();
  #layoutKey = "";
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
    this.#gLinks = svg("g", { class: "ring-links" });
    this.#gDots = svg("g", { class: "ring-dots" });
    this.#gNodes = svg("g", { class: "ring-nodes" });
    root.append(this.#gGroups, this.#gLinks, this.#gDots, this.#gNodes);
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
    this.#renderLinks(model);
    this.#renderNodes(model, at, selected);
    this.#renderDots(now);
  }
  #layout(model: ClusterModel) {
    const key = model.nodes.join(",");
    if (key === this.#layoutKey) return;
    this.#layoutKey = key;
    this.#pos = ringPositions(model.nodes, CENTER, CENTER, RADIUS);
    this.#gNodes.replaceChildren();
    this.#gLinks.replaceChildren();
    this.#nodes.clear();
    this.#links.clear();
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
  #renderGroups(model: ClusterModel) {
    const groups = partitionGroups(model.network.blocks, model.nodes);
    const key = groups.length > 1 ? groups.map((g) => g.join(",")).join("|") : "";
    if (this.#gGroups.getAttribute("data-groups") === key) return;
    this.#gGroups.setAttribute("data-groups", key);
    this.#gGroups.replaceChildren();
    if (groups.length < 2) return;
    groups.forEach((g, i) => {
      const pts = g.map((id) => (this.#pos.get(id) as Point));
      this.#gGroups.append(
        svg("path", { d: groupPath(pts), class: `group g${i % 6}`, "data-nodes": g.join(",") }),
      );
    });
  }
  #renderLinks(model: ClusterModel) {
    const groups = partitionGroups(model.network.blocks, model.nodes);
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
  #renderNodes(model: ClusterModel, at: number, selected: ReadonlySet<string>) {
    for (const n of model.all()) {
      const el = this.#nodes.get(n.id);
      if (el === undefined) continue;
      const role = n.up ? n.role : "crashed";
      setAttrs(el.g, {
        class: `node role-${role}${n.paused ? " paused" : ""}${
          n.byzantine === null ? "" : " byzantine"
        }${selected.has(n.id) ? " selected" : ""}`,
        "data-role": role,
        "data-up": String(n.up),
        "data-paused": String(n.paused),
        "data-byzantine": n.byzantine ?? "",
        "data-term": n.term ?? "",
        "data-commit": n.commitIndex ?? "",
        "data-selected": String(selected.has(n.id)),
      });
      setText(el.term, n.term === null ? role : `T${n.term} ${short(role)}`);
      setText(el.commit, n.commitIndex === null ? "" : `c${n.commitIndex}`);
      setText(el.badge, nodeBadge(n));
      const w = model.electionWindow(n.id, at);
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
