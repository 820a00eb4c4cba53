/**
 * What `GET /api/v1/metrics` reports, in Prometheus text format: HTTP requests by
 * route and status, KV requests and their latency, commit latency (acknowledged
 * writes), elections and role changes, trace events by kind, breaker state and
 * transitions per node, node up/paused, and messages sent / delivered / dropped /
 * duplicated per link, and for each bounded buffer of the API what it holds, its limit and
 * what it dropped (history events, client sessions, event streams).
 *
 * @module
 */

import type { CircuitState } from "../resilience/circuit_breaker.ts";
import type { NodeInfo } from "../nodes/worker_cluster.ts";
import type { CounterSnapshot } from "../nodes/worker/link_counters.ts";
import type { ApiEvent } from "./event_hub.ts";
import type { KvOutcome } from "./kv_service.ts";
import type { BreakerChange } from "./node_gateway.ts";
import { Counter, family, Histogram, type Labels } from "./prometheus.ts";

const LATENCY_BOUNDS = [
  0.0005,
  0.001,
  0.0025,
  0.005,
  0.01,
  0.025,
  0.05,
  0.1,
  0.25,
  0.5,
  1,
  2.5,
  5,
];

const BREAKER_STATES: readonly CircuitState[] = ["closed", "open", "half_open", "forced_open"];

/**
 * The state the metrics read at scrape time.
 *
 * @example
 * ```ts
 * import type { ScrapeState } from "./api_metrics.ts";
 * const s: ScrapeState = {
 *   nodes: [],
 *   breakers: {},
 *   counters: { sent: 0, delivered: 0, dropped: 0, duplicated: 0, links: {} },
 * };
 * ```
 */
export interface ScrapeState {
  readonly nodes: readonly NodeInfo[];
  readonly breakers: Readonly<Record<string, CircuitState>>;
  readonly counters: CounterSnapshot;
  /** The API's bounded buffers; absent: not reported. */
  readonly buffers?: readonly BufferState[];
}

/**
 * One bounded buffer of the API: what it holds now, its limit (the flag that sets it)
 * and how much it has dropped to stay within it.
 *
 * @example
 * ```ts
 * import type { BufferState } from "./api_metrics.ts";
 * const b: BufferState = { buffer: "client_sessions", size: 10000, limit: 10000, dropped: 42 };
 * ```
 */
export interface BufferState {
  /** Its name, the `buffer` label. */
  readonly buffer: string;
  readonly size: number;
  readonly limit: number;
  readonly dropped: number;
}

/**
 * The API's metrics.
 *
 * @example
 * ```ts
 * import { ApiMetrics } from "./api_metrics.ts";
 * const m = new ApiMetrics();
 * m.observeKv({ f: "write", status: 200, ms: 4 });
 * m.render({
 *   nodes: [], breakers: {},
 *   counters: { sent: 0, delivered: 0, dropped: 0, duplicated: 0, links: {} },
 * }).includes("distlab_commit_latency_seconds_count 1"); // true
 * ```
 */
export class ApiMetrics {
  readonly #http = new Counter("distlab_http_requests_total", "HTTP requests by route and status.");
  readonly #kv = new Counter("distlab_kv_requests_total", "KV requests by operation and status.");
  readonly #kvLatency = new Histogram(
    "distlab_kv_request_duration_seconds",
    "KV request latency through the API, by operation.",
    LATENCY_BOUNDS,
  );
  readonly #commit = new Histogram(
    "distlab_commit_latency_seconds",
    "Latency of acknowledged writes (write, cas, delete): request to commit and reply.",
    LATENCY_BOUNDS,
  );
  readonly #elections = new Counter(
    "distlab_elections_total",
    "Elections started, by node and kind (pre: PreVote round, real, transfer).",
  );
  readonly #roles = new Counter("distlab_role_changes_total", "Role changes by node and new role.");
  readonly #events = new Counter("distlab_events_total", "Trace events (not per message) by kind.");
  readonly #breakerChanges = new Counter(
    "distlab_breaker_transitions_total",
    "Circuit breaker transitions by node and new state.",
  );

  /** Counts an HTTP request. */
  observeHttp(method: string, route: string, status: number): void {
    this.#http.inc({ method, route, status: String(status) });
  }

  /** Counts a KV request and its latency. */
  observeKv(o: KvOutcome): void {
    this.#kv.inc({ op: o.f, status: String(o.status) });
    this.#kvLatency.observe({ op: o.f }, o.ms / 1000);
    if (o.status === 200 && o.f !== "read") this.#commit.observe({}, o.ms / 1000);
  }

  /** Counts a trace event (elections and role changes separately). */
  observeEvent(e: ApiEvent): void {
    this.#events.inc({ kind: e.kind });
    const data = (e.data ?? {}) as Record<string, unknown>;
    if (e.kind === "election") {
      const kind = data.pre === true ? "pre" : data.transfer === true ? "transfer" : "real";
      this.#elections.inc({ node: e.node, kind });
    } else if (e.kind === "role" && typeof data.role === "string") {
      this.#roles.inc({ node: e.node, role: data.role });
    }
  }

  /** Counts a breaker transition. */
  observeBreaker(c: BreakerChange): void {
    this.#breakerChanges.inc({ node: c.node, to: c.to });
  }

  /** Every metric in text format. */
  render(s: ScrapeState): string {
    const nodeSamples = (f: (n: NodeInfo) => number) =>
      s.nodes.map((n) => [{ node: n.id }, f(n)] as const);
    const breakerSamples: [Labels, number][] = [];
    for (const n of s.nodes) {
      const state = s.breakers[n.id] ?? "closed";
      for (const st of BREAKER_STATES) {
        breakerSamples.push([{ node: n.id, state: st }, st === state ? 1 : 0]);
      }
    }
    const links = Object.entries(s.counters.links).map(([key, c]) => {
      const [from, to] = key.split(">");
      return { labels: { from: from!, to: to! }, c };
    });
    const linkFamily = (name: string, help: string, k: keyof typeof s.counters.links[string]) =>
      family(
        `distlab_messages_${name}_total`,
        "counter",
        help,
        links.map((l) => [l.labels, l.c[k]]),
      );
    return [
      family(
        "distlab_node_up",
        "gauge",
        "Whether the node runs (1) or is crashed (0).",
        nodeSamples((n) => n.up ? 1 : 0),
      ),
      family(
        "distlab_node_paused",
        "gauge",
        "Whether the node is paused.",
        nodeSamples((n) => n.paused ? 1 : 0),
      ),
      family(
        "distlab_node_term",
        "gauge",
        "The node's term, where its protocol has one.",
        s.nodes.filter((n) => typeof n.status.term === "number").map((
          n,
        ) => [{ node: n.id }, n.status.term as number]),
      ),
      family(
        "distlab_breaker_state",
        "gauge",
        "The API's circuit breaker for each node: 1 for its current state.",
        breakerSamples,
      ),
      this.#breakerChanges.render(),
      linkFamily("sent", "Messages handed to the router, per link.", "sent"),
      linkFamily("delivered", "Copies delivered, per link.", "delivered"),
      linkFamily(
        "dropped",
        "Messages or copies lost (partition, loss, queue, crash), per link.",
        "dropped",
      ),
      linkFamily("duplicated", "Messages the network duplicated, per link.", "duplicated"),
      this.#elections.render(),
      this.#roles.render(),
      this.#events.render(),
      this.#http.render(),
      this.#kv.render(),
      this.#kvLatency.render(),
      this.#commit.render(),
      ...bufferFamilies(s.buffers ?? []),
    ].join("");
  }
}

function bufferFamilies(buffers: readonly BufferState[]): string[] {
  if (buffers.length === 0) return [];
  const samples = (k: "size" | "limit" | "dropped") =>
    buffers.map((b) => [{ buffer: b.buffer }, b[k]] as [Labels, number]);
  return [
    family("distlab_buffer_size", "gauge", "Entries a bounded API buffer holds.", samples("size")),
    family(
      "distlab_buffer_limit",
      "gauge",
      "A bounded API buffer's limit (set by a flag of deno task cluster).",
      samples("limit"),
    ),
    family(
      "distlab_buffer_dropped_total",
      "counter",
      "What a bounded API buffer dropped to stay within its limit: oldest history events, " +
        "least recently used client sessions, event streams whose reader fell too far behind.",
      samples("dropped"),
    ),
  ];
}
