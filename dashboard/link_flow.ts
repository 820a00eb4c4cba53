/**
 * Message flow per link, for a ring of many nodes where a dot per message would be both
 * unreadable and slow: each message only bumps its link's counter (constant work,
 * whatever the rate); every interval the counters are folded into a rate per link that
 * decays with a half-life, and the busiest links — at most `maxLines` — become lines whose
 * width and opacity grow with their rate (red in proportion to the messages dropped). So
 * a frame draws at most `maxLines` lines, and the work per interval depends on the links
 * that carried traffic, never on how many messages they carried.
 *
 * @module
 */

/**
 * One aggregated link: its ends (in id order), messages per second over it (both ways),
 * the share of them dropped, and how to draw it.
 *
 * @example
 * ```ts
 * import type { FlowLine } from "./link_flow.ts";
 * const l: FlowLine = { a: "n1", b: "n2", rate: 40, dropped: 0, width: 2.1, opacity: 0.6 };
 * ```
 */
export interface FlowLine {
  readonly a: string;
  readonly b: string;
  readonly rate: number;
  readonly dropped: number;
  readonly width: number;
  readonly opacity: number;
}

/**
 * Options of {@link LinkFlow}.
 *
 * @example
 * ```ts
 * import type { LinkFlowOptions } from "./link_flow.ts";
 * const o: LinkFlowOptions = { intervalMs: 250, maxLines: 160, halfLifeMs: 1000 };
 * ```
 */
export interface LinkFlowOptions {
  /** How often counters become rates (ms). */
  readonly intervalMs?: number;
  /** The most lines drawn. */
  readonly maxLines?: number;
  /** How fast a quiet link fades (ms). */
  readonly halfLifeMs?: number;
}

type Link = { a: string; b: string; count: number; drops: number; rate: number; dropRate: number };

/** Below this many messages per second a link is forgotten. */
const FORGET = 0.05;

/**
 * Counts messages per link and turns the counts into lines.
 *
 * @example
 * ```ts
 * import { LinkFlow } from "./link_flow.ts";
 * const flow = new LinkFlow({ intervalMs: 100 });
 * for (let i = 0; i < 1000; i++) flow.add("n1", `n${2 + (i % 63)}`, false);
 * flow.tick(0); // null: the first call only starts the clock
 * flow.tick(100)?.length; // 63
 * ```
 */
export class LinkFlow {
  readonly #interval: number;
  readonly #max: number;
  readonly #halfLife: number;
  readonly #links = new Map<string, Link>();
  #last: number | null = null;
  #lines: FlowLine[] = [];
  /** Messages counted since the start. */
  messages = 0;

  constructor(o: LinkFlowOptions = {}) {
    this.#interval = o.intervalMs ?? 250;
    this.#max = o.maxLines ?? 160;
    this.#halfLife = o.halfLifeMs ?? 1000;
  }

  /** Links with traffic or a rate not yet faded. */
  get links(): number {
    return this.#links.size;
  }

  /** The lines of the last interval. */
  get lines(): readonly FlowLine[] {
    return this.#lines;
  }

  /** Counts one message from `from` to `to` (dropped or not): constant work. */
  add(from: string, to: string, dropped: boolean): void {
    this.messages++;
    const [a, b] = from < to ? [from, to] : [to, from];
    const key = `${a}|${b}`;
    let l = this.#links.get(key);
    if (l === undefined) {
      l = { a, b, count: 0, drops: 0, rate: 0, dropRate: 0 };
      this.#links.set(key, l);
    }
    l.count++;
    if (dropped) l.drops++;
  }

  /** Forgets every link (the nodes changed). */
  clear(): void {
    this.#links.clear();
    this.#lines = [];
  }

  /**
   * At wall time `now`: when an interval has passed, folds the counts into rates and
   * returns the new lines (the busiest first); otherwise null (nothing to redraw).
   */
  tick(now: number): FlowLine[] | null {
    if (this.#last === null) {
      this.#last = now;
      return null;
    }
    const dt = now - this.#last;
    if (dt < this.#interval) return null;
    this.#last = now;
    const keep = Math.pow(0.5, dt / this.#halfLife);
    const live: Link[] = [];
    for (const [key, l] of this.#links) {
      // An exponentially weighted rate: the interval's count, per second, blended in.
      const now = (l.count * 1000) / dt;
      l.rate = l.rate * keep + now * (1 - keep);
      l.dropRate = l.dropRate * keep + ((l.drops * 1000) / dt) * (1 - keep);
      l.count = 0;
      l.drops = 0;
      if (l.rate < FORGET) this.#links.delete(key);
      else live.push(l);
    }
    live.sort((x, y) => y.rate - x.rate);
    const top = live.slice(0, this.#max);
    const peak = top[0]?.rate ?? 1;
    this.#lines = top.map((l) => {
      const f = Math.log1p(l.rate) / Math.log1p(Math.max(peak, 1));
      return {
        a: l.a,
        b: l.b,
        rate: Math.round(l.rate * 10) / 10,
        dropped: Math.min(1, Math.round((l.dropRate / l.rate) * 100) / 100),
        width: Math.round((0.6 + 3.4 * f) * 10) / 10,
        opacity: Math.round((0.15 + 0.7 * Math.sqrt(l.rate / peak)) * 100) / 100,
      };
    });
    return this.#lines;
  }
}
