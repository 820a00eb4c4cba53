/**
 * Just enough of the Prometheus text exposition format (version 0.0.4): counters and
 * histograms with labels, and rendering them with `# HELP` and `# TYPE` lines.
 *
 * @module
 */

/**
 * Label names → values of one series.
 *
 * @example
 * ```ts
 * import type { Labels } from "./prometheus.ts";
 * const l: Labels = { node: "n1", state: "open" };
 * ```
 */
export type Labels = Readonly<Record<string, string>>;

/**
 * The content type of the text format.
 *
 * @example
 * ```ts
 * import { PROMETHEUS_CONTENT_TYPE } from "./prometheus.ts";
 * PROMETHEUS_CONTENT_TYPE.startsWith("text/plain"); // true
 * ```
 */
export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

const NEEDS_ESCAPE = /[\\\n"]/;

function escapeLabel(v: string): string {
  // Most values need no escaping: test once instead of running three replaces.
  if (!NEEDS_ESCAPE.test(v)) return v;
  return v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

/** `{k="v",…}`, or "" without labels; also each series' key, so built on every update. */
function labelText(labels: Labels): string {
  const keys = Object.keys(labels);
  if (keys.length === 0) return "";
  let out = "{";
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    out += (i === 0 ? "" : ",") + k + '="' + escapeLabel(labels[k]!) + '"';
  }
  return out + "}";
}

function num(n: number): string {
  if (n === Infinity) return "+Inf";
  if (n === -Infinity) return "-Inf";
  return Number.isNaN(n) ? "NaN" : String(n);
}

/**
 * Renders one metric family: its help, type and `[labels, value]` samples.
 *
 * @example
 * ```ts
 * import { family } from "./prometheus.ts";
 * family("up", "gauge", "Whether the node runs.", [[{ node: "n1" }, 1]]);
 * // "# HELP up Whether the node runs.\n# TYPE up gauge\nup{node=\"n1\"} 1\n"
 * ```
 */
export function family(
  name: string,
  type: "counter" | "gauge",
  help: string,
  samples: Iterable<readonly [Labels, number]>,
): string {
  let out = `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n`;
  for (const [labels, value] of samples) out += `${name}${labelText(labels)} ${num(value)}\n`;
  return out;
}

/**
 * A counter with labels.
 *
 * @example
 * ```ts
 * import { Counter } from "./prometheus.ts";
 * const c = new Counter("requests_total", "Requests.");
 * c.inc({ status: "200" });
 * c.render(); // "...requests_total{status=\"200\"} 1\n"
 * ```
 */
export class Counter {
  readonly #name: string;
  readonly #help: string;
  readonly #series = new Map<string, { labels: Labels; value: number }>();

  /** A counter called `name`. */
  constructor(name: string, help: string) {
    this.#name = name;
    this.#help = help;
  }

  /** Adds `n` (default 1) to the series with `labels`. */
  inc(labels: Labels = {}, n = 1): void {
    const key = labelText(labels);
    const s = this.#series.get(key);
    if (s === undefined) this.#series.set(key, { labels, value: n });
    else s.value += n;
  }

  /** The value of one series (0 if never incremented). */
  get(labels: Labels = {}): number {
    return this.#series.get(labelText(labels))?.value ?? 0;
  }

  /** The family in text format. */
  render(): string {
    return family(
      this.#name,
      "counter",
      this.#help,
      [...this.#series.values()].map((s) => [s.labels, s.value] as const),
    );
  }
}

/**
 * A histogram with labels and fixed upper bounds (seconds, usually).
 *
 * @example
 * ```ts
 * import { Histogram } from "./prometheus.ts";
 * const h = new Histogram("latency_seconds", "Latency.", [0.01, 0.1]);
 * h.observe({}, 0.05);
 * h.render().includes('latency_seconds_bucket{le="0.1"} 1'); // true
 * ```
 */
export class Histogram {
  readonly #name: string;
  readonly #help: string;
  readonly #bounds: readonly number[];
  readonly #series = new Map<
    string,
    { labels: Labels; buckets: number[]; sum: number; count: number }
  >();

  /** A histogram called `name` with ascending `bounds` (`+Inf` is implied). */
  constructor(name: string, help: string, bounds: readonly number[]) {
    this.#name = name;
    this.#help = help;
    this.#bounds = bounds;
  }

  /** Counts one observation `v`. */
  observe(labels: Labels, v: number): void {
    const key = labelText(labels);
    let s = this.#series.get(key);
    if (s === undefined) {
      s = { labels, buckets: this.#bounds.map(() => 0), sum: 0, count: 0 };
      this.#series.set(key, s);
    }
    for (let i = 0; i < this.#bounds.length; i++) if (v <= this.#bounds[i]!) s.buckets[i]!++;
    s.sum += v;
    s.count++;
  }

  /** Observations of one series. */
  count(labels: Labels = {}): number {
    return this.#series.get(labelText(labels))?.count ?? 0;
  }

  /** The family in text format (cumulative buckets, `_sum`, `_count`). */
  render(): string {
    const n = this.#name;
    let out = `# HELP ${n} ${this.#help}\n# TYPE ${n} histogram\n`;
    for (const s of this.#series.values()) {
      this.#bounds.forEach((b, i) => {
        out += `${n}_bucket${labelText({ ...s.labels, le: num(b) })} ${s.buckets[i]}\n`;
      });
      out += `${n}_bucket${labelText({ ...s.labels, le: "+Inf" })} ${s.count}\n`;
      out += `${n}_sum${labelText(s.labels)} ${num(s.sum)}\n`;
      out += `${n}_count${labelText(s.labels)} ${s.count}\n`;
    }
    return out;
  }
}
