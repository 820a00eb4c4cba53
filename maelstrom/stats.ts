/**
 * Maelstrom's statistics of a run, with its field names: operation counts by outcome
 * and by `f` (`stats`, valid when every kind of operation succeeded at least once),
 * latency quantiles of acknowledged operations, and network traffic (`net`): all of it,
 * client ↔ node, and server ↔ server (node ↔ node and node ↔ service), with messages per
 * operation.
 *
 * @module
 */

import type { HistoryEvent } from "../history/event.ts";
import type { JournalEntry } from "./host.ts";
import { completedOps } from "./workload.ts";

/**
 * Counts of one group of operations.
 *
 * @example
 * ```ts
 * import type { OpCounts } from "./stats.ts";
 * const c: OpCounts = { valid: true, count: 3, "ok-count": 2, "fail-count": 1, "info-count": 0 };
 * ```
 */
export interface OpCounts {
  readonly valid: boolean;
  readonly count: number;
  readonly "ok-count": number;
  readonly "fail-count": number;
  readonly "info-count": number;
}

/**
 * Operation counts, overall and by `f`.
 *
 * @example
 * ```ts
 * import { opStats } from "./stats.ts";
 * opStats([
 *   { process: 0, type: "invoke", f: "echo", time: 0 },
 *   { process: 0, type: "ok", f: "echo", time: 5 },
 * ])["ok-count"]; // 1
 * ```
 */
export function opStats(history: readonly HistoryEvent[]): OpCounts & {
  readonly "by-f": Record<string, OpCounts>;
} {
  const byF = new Map<string, { ok: number; fail: number; info: number }>();
  for (const { invoke, done } of completedOps(history)) {
    let c = byF.get(invoke.f);
    if (c === undefined) byF.set(invoke.f, c = { ok: 0, fail: 0, info: 0 });
    c[done === null ? "info" : done.type === "invoke" ? "info" : done.type]++;
  }
  const counts = (c: { ok: number; fail: number; info: number }): OpCounts => ({
    valid: c.ok > 0,
    count: c.ok + c.fail + c.info,
    "ok-count": c.ok,
    "fail-count": c.fail,
    "info-count": c.info,
  });
  const total = { ok: 0, fail: 0, info: 0 };
  const by: Record<string, OpCounts> = {};
  for (const [f, c] of [...byF].sort(([a], [b]) => a < b ? -1 : 1)) {
    by[f] = counts(c);
    total.ok += c.ok;
    total.fail += c.fail;
    total.info += c.info;
  }
  const all = counts(total);
  return { ...all, valid: all.count > 0 && Object.values(by).every((c) => c.valid), "by-f": by };
}

/**
 * Latency quantiles (ms) of acknowledged operations, by `f`.
 *
 * @example
 * ```ts
 * import { latencyStats } from "./stats.ts";
 * latencyStats([
 *   { process: 0, type: "invoke", f: "echo", time: 0 },
 *   { process: 0, type: "ok", f: "echo", time: 2_000_000 },
 * ]).echo?.["0.5"]; // 2
 * ```
 */
export function latencyStats(
  history: readonly HistoryEvent[],
): Record<string, Record<string, number>> {
  const byF = new Map<string, number[]>();
  for (const { invoke, done } of completedOps(history)) {
    if (done?.type !== "ok") continue;
    let l = byF.get(invoke.f);
    if (l === undefined) byF.set(invoke.f, l = []);
    l.push((done.time - invoke.time) / 1e6);
  }
  const out: Record<string, Record<string, number>> = {};
  for (const [f, l] of byF) {
    l.sort((a, b) => a - b);
    const q = (p: number) => round(l[Math.min(l.length - 1, Math.floor(p * l.length))]!);
    out[f] = { "0.5": q(0.5), "0.95": q(0.95), "0.99": q(0.99), "1": round(l[l.length - 1]!) };
  }
  return out;
}

/**
 * Message counts of one kind of traffic.
 *
 * @example
 * ```ts
 * import type { NetCounts } from "./stats.ts";
 * const n: NetCounts = { "send-count": 10, "recv-count": 9, "msg-count": 10, "msgs-per-op": 2.5 };
 * ```
 */
export interface NetCounts {
  readonly "send-count": number;
  readonly "recv-count": number;
  readonly "msg-count": number;
  readonly "msgs-per-op": number;
}

/**
 * Network statistics from the journal, per operation of the history.
 *
 * @example
 * ```ts
 * import { netStats } from "./stats.ts";
 * netStats([{ time: 0, kind: "send", src: "n0", dest: "n1", body: {} }], 1).servers["msg-count"]; // 1
 * ```
 */
export function netStats(
  journal: readonly JournalEntry[],
  ops: number,
): { all: NetCounts; clients: NetCounts; servers: NetCounts } {
  let cs = 0;
  let ss = 0;
  let sr = 0;
  for (const e of journal) {
    if (e.kind === "client") cs++;
    else if (e.kind === "service") { // node ↔ service: one send, one receipt
      ss++;
      sr++;
    } else if (e.kind === "send") ss++;
    else if (e.kind === "recv") sr++;
  }
  const per = (n: number) => ops === 0 ? 0 : round(n / ops);
  const counts = (send: number, recv: number): NetCounts => ({
    "send-count": send,
    "recv-count": recv,
    "msg-count": send,
    "msgs-per-op": per(send),
  });
  return {
    all: counts(cs + ss, cs + sr),
    clients: counts(cs, cs),
    servers: counts(ss, sr),
  };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
