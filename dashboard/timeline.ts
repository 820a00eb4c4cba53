/**
 * The data of the timeline charts, as Jepsen draws them: the client history paired into
 * operations, latency points and throughput per second coloured by outcome (ok, fail,
 * info = unknown), and the periods of faults to shade behind them.
 *
 * The history and the trace share one clock, the cluster's: history times are its
 * nanoseconds, trace times its milliseconds.
 *
 * @module
 */

import type { TraceEvent } from "../nodes/trace.ts";
import type { LiveOperation as Op } from "../history/operations.ts";

/**
 * A time when a fault was active (cluster ms); `end` is null while it lasts.
 *
 * @example
 * ```ts
 * import type { FaultPeriod } from "./timeline.ts";
 * const f: FaultPeriod = { start: 100, end: null, label: "crash n1", kind: "crash" };
 * ```
 */
export type FaultPeriod = {
  readonly start: number;
  end: number | null;
  readonly label: string;
  readonly kind: string;
};

/**
 * One second of throughput: completions per outcome.
 *
 * @example
 * ```ts
 * import type { Bucket } from "./timeline.ts";
 * const b: Bucket = { t: 0, ok: 10, fail: 1, info: 0 };
 * ```
 */
export type Bucket = { readonly t: number; ok: number; fail: number; info: number };

/**
 * Completions per second per outcome over [from, to) cluster ms.
 *
 * @example
 * ```ts
 * import { throughput } from "./timeline.ts";
 * const b = throughput(
 *   [{ id: 0, process: 0, f: "read", input: undefined, output: 1, call: 1e6, ret: 2e6, status: "ok", pending: false }],
 *   0, 0, 2000,
 * );
 * b[0]?.ok; // 1
 * ```
 * @param offset cluster ms minus history ms
 */
export function throughput(
  ops: readonly Op[],
  offset: number,
  from: number,
  to: number,
  bucketMs: number = 1000,
): Bucket[] {
  const start = Math.floor(from / bucketMs) * bucketMs;
  const n = Math.max(0, Math.ceil((to - start) / bucketMs));
  const out: Bucket[] = Array.from(
    { length: n },
    (_, i) => ({ t: start + i * bucketMs, ok: 0, fail: 0, info: 0 }),
  );
  for (const op of ops) {
    if (op.pending) continue;
    // An info op has no return time: count it when it was given up (its call, as Jepsen does).
    const at = (op.status === "info" ? op.call : op.ret) / 1e6 + offset;
    const i = Math.floor((at - start) / bucketMs);
    const b = out[i];
    if (b !== undefined && at >= from && at < to) b[op.status]++;
  }
  return out;
}

/**
 * The periods during which faults were active, from the trace: crash → restart,
 * pause → resume, each network fault from its creation to its removal or a heal.
 *
 * @example
 * ```ts
 * import { faultPeriods } from "./timeline.ts";
 * faultPeriods([
 *   { time: 10, kind: "crash", node: "n1" },
 *   { time: 50, kind: "restart", node: "n1" },
 * ]); // [{ start: 10, end: 50, label: "crash n1", kind: "crash" }]
 * ```
 */
export function faultPeriods(events: readonly TraceEvent[]): FaultPeriod[] {
  const out: FaultPeriod[] = [];
  const open: Map<string, FaultPeriod> = new Map();
  const begin = (key: string, p: FaultPeriod) => {
    if (open.has(key)) return;
    open.set(key, p);
    out.push(p);
  };
  const end = (key: string, t: number) => {
    const p = open.get(key);
    if (p === undefined) return;
    p.end = t;
    open.delete(key);
  };
  for (const e of events) {
    switch (e.kind) {
      case "crash":
        end(`pause ${e.node}`, e.time);
        begin(`crash ${e.node}`, {
          start: e.time,
          end: null,
          label: `crash ${e.node}`,
          kind: "crash",
        });
        break;
      case "restart":
        end(`crash ${e.node}`, e.time);
        break;
      case "pause":
        begin(`pause ${e.node}`, {
          start: e.time,
          end: null,
          label: `pause ${e.node}`,
          kind: "pause",
        });
        break;
      case "resume":
        end(`pause ${e.node}`, e.time);
        break;
      case "fault": {
        const d = (e.data ?? {}) as Record<string, unknown>;
        if (d.action === "heal") {
          for (const key of [...open.keys()]) if (key.startsWith("net ")) end(key, e.time);
        } else if (d.action === "remove") {
          end(`net ${String(d.id)}`, e.time);
        } else if (typeof d.id === "number" && typeof d.action === "string") {
          begin(`net ${d.id}`, { start: e.time, end: null, label: netLabel(d), kind: d.action });
        }
        break;
      }
    }
  }
  return out;
}
function netLabel(d: Record<string, unknown>) {
  switch (d.action) {
    case "partition":
      return Array.isArray(d.groups)
        ? "partition " + d.groups.map((g) => (Array.isArray(g) ? g.join(",") : "")).join(" | ")
        : "partition";
    case "isolate":
      return `isolate ${String(d.node)}`;
    case "cut":
      return `cut ${String(d.from)} → ${String(d.to)}`;
    case "link": {
      const parts = [];
      if (typeof d.drop === "number") parts.push(`drop ${Math.round(d.drop * 100)}%`);
      if (d.delay !== undefined) parts.push("delay");
      if (typeof d.duplicate === "number") parts.push(`dup ${Math.round(d.duplicate * 100)}%`);
      return `${String(d.from)} → ${String(d.to)} ${parts.join(" ")}`.trim();
    }
    default:
      return String(d.action);
  }
}

/**
 * The latency percentile `p` (0..1) of sorted values.
 *
 * @example
 * ```ts
 * import { percentile } from "./timeline.ts";
 * percentile([1, 2, 3, 4], 0.5); // 2
 * ```
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return (sorted[i] as number);
}
