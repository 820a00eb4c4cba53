/**
 * The summary of a torture run — what `deno task torture --json` prints and `--result`
 * writes — and how the summaries of a run's shards combine into the summary the whole
 * run would have printed.
 *
 * @module
 */

import { formatShard, type Shard } from "./shard.ts";
import { type DiskFaultCounts, formatDiskFaults } from "../nodes/storage/disk_faults.ts";

/**
 * A node its storage stopped in one seed: when first, why, and how many times (a node
 * whose damaged disk stays damaged stops again at each restart).
 *
 * @example
 * ```ts
 * import type { StoppedNode } from "./summary.ts";
 * const s: StoppedNode = {
 *   seed: 4, node: "n2", atMs: 812, reason: "storage fault (disk-full): …", times: 1,
 * };
 * ```
 */
export interface StoppedNode {
  readonly seed: number;
  readonly node: string;
  readonly atMs: number;
  readonly reason: string;
  times: number;
}

/**
 * Adds one seed's storage stops to `into`, one row per node and reason.
 *
 * @example
 * ```ts
 * import { collectStops, type StoppedNode } from "./summary.ts";
 * const rows: StoppedNode[] = [];
 * const stop = { node: "n1", time: 5, reason: "storage fault (bit-flip): k: bad-crc" };
 * collectStops(rows, 3, [stop, { ...stop, time: 9 }]);
 * rows[0]?.times; // 2
 * ```
 */
export function collectStops(
  into: StoppedNode[],
  seed: number,
  stops: readonly { readonly node: string; readonly time: number; readonly reason: string }[],
): void {
  const rows = new Map<string, StoppedNode>();
  for (const x of stops) {
    const key = `${x.node} ${x.reason}`;
    const row = rows.get(key);
    if (row !== undefined) row.times++;
    else {
      const r = { seed, node: x.node, atMs: Math.round(x.time), reason: x.reason, times: 1 };
      rows.set(key, r);
      into.push(r);
    }
  }
}

/** One failing seed: its violation and the command that replays it. */
export interface FailureReport {
  /** The failing seed. */
  readonly seed: number;
  /** What went wrong. */
  readonly violation: string | null;
  /** When (simulated ms), for invariant violations. */
  readonly atMs?: number | null;
  /** The failing history, as JSON Lines. */
  readonly history?: string;
  /** The command that replays this seed. */
  readonly replay: string;
  /** The shrunk schedule, for the first {@linkcode SHRINK_LIMIT} failing seeds. */
  readonly shrunk?: Record<string, unknown>;
}

/** A torture run's summary; shards of one run carry `shard`. */
export interface TortureSummary {
  /** The protocol, by name. */
  readonly protocol: string;
  /** The run's parameters; every shard of a run has the same ones. */
  readonly config: Record<string, unknown>;
  /** The seeds of the whole run (all shards together). */
  readonly seeds: { readonly start: number; readonly count: number };
  /** `K/N` when this is one shard's share. */
  readonly shard?: string;
  /** Seeds run. */
  readonly runs: number;
  /** Client operations invoked. */
  readonly operations: number;
  /** Operations that completed. */
  readonly ok: number;
  /** Operations that definitely failed. */
  readonly fail: number;
  /** Operations with an unknown outcome. */
  readonly info: number;
  /** The history check (KV protocols). */
  readonly check?: string;
  /** Invariant checks run (transactional protocols). */
  readonly invariantChecks?: number;
  /** Message copies refused at the boundary (schema, checksum or MAC). */
  readonly rejectedMessages: number;
  /** Failing seeds. */
  readonly violations: number;
  /** Histories the checker gave up on. */
  readonly unknownVerdicts?: number;
  /** Time in the checker. */
  readonly checkerMs?: number;
  /** Wall time (summed over shards when merged). */
  readonly wallMs: number;
  /** The failing seeds, in seed order. */
  readonly failures: readonly FailureReport[];
  /** With the disk nemesis: storage faults injected and detected, per kind. */
  readonly storageFaults?: DiskFaultCounts;
  /** With the disk nemesis: times a node repaired its storage from a peer (KV protocols). */
  readonly repairedFromAPeer?: number;
  /** With the disk nemesis: runs whose end state was not checked, a node lost for good. */
  readonly runsWithANodeLost?: number;
  /** With the disk nemesis: the nodes their storage stopped, in seed order. */
  readonly stoppedNodes?: readonly StoppedNode[];
}

/** How many failing seeds of a run are shrunk. */
export const SHRINK_LIMIT = 3;

/** Fields that measure time and so differ between two runs of the same seeds. */
export const TIMING_FIELDS: readonly string[] = ["wallMs", "checkerMs"];

/**
 * Describes where a shard's seeds came from, for the summary's `shard` field.
 *
 * @example
 * ```ts
 * import { shardField } from "./summary.ts";
 * shardField({ index: 1, count: 4 }); // { shard: "1/4" }
 * shardField(undefined); // {}
 * ```
 */
export function shardField(shard: Shard | undefined): { shard?: string } {
  return shard === undefined ? {} : { shard: formatShard(shard) };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function readSummary(v: unknown, name: string): TortureSummary {
  const ok = isRecord(v) && typeof v.protocol === "string" && isRecord(v.config) &&
    isRecord(v.seeds) && typeof v.runs === "number" && Array.isArray(v.failures);
  if (!ok) throw new Error(`${name}: not a torture summary (deno task torture --result FILE)`);
  return v as unknown as TortureSummary;
}

/** Adds counters field by field: numbers, and records of numbers (e.g. per fault kind). */
function addCounts(into: Record<string, unknown>, from: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(from)) {
    const have = into[k];
    if (typeof v === "number" && typeof have === "number") into[k] = have + v;
    else if (isRecord(v) && isRecord(have) && k !== "config" && k !== "seeds") {
      addCounts(have, v);
    }
  }
}

/**
 * Combines the summaries of every shard of one run (`--shard K/N` for K = 0 … N − 1)
 * into the summary a single run of the same seeds prints: counters summed, failures in
 * seed order, only the first {@linkcode SHRINK_LIMIT} shrunk. Only
 * {@linkcode TIMING_FIELDS} differ from the single run's. Throws, naming the file, on
 * a missing, repeated or foreign shard.
 *
 * @example
 * ```ts
 * import { mergeSummaries } from "./summary.ts";
 * const part = (shard: string, runs: number) => ({
 *   protocol: "raft-kv", config: {}, seeds: { start: 1, count: 3 }, shard, runs,
 *   operations: 0, ok: 0, fail: 0, info: 0, rejectedMessages: 0, violations: 0,
 *   wallMs: 1, failures: [],
 * });
 * const merged = mergeSummaries([
 *   { name: "a.json", summary: part("0/2", 2) },
 *   { name: "b.json", summary: part("1/2", 1) },
 * ]);
 * merged.runs; // 3
 * ```
 */
export function mergeSummaries(
  parts: readonly { readonly name: string; readonly summary: unknown }[],
): TortureSummary {
  if (parts.length === 0) throw new Error("merge: no shard results given");
  const summaries = parts.map((p) => readSummary(p.summary, p.name));
  const first = summaries[0];
  const same = (s: TortureSummary) =>
    s.protocol === first.protocol && JSON.stringify(s.config) === JSON.stringify(first.config) &&
    s.seeds.start === first.seeds.start && s.seeds.count === first.seeds.count;
  const seen = new Map<number, string>();
  let count = -1;
  summaries.forEach((s, i) => {
    const name = parts[i].name;
    if (!same(s)) {
      throw new Error(
        `${name}: another run (protocol, parameters or seeds differ from ${parts[0].name})`,
      );
    }
    const m = /^(\d+)\/(\d+)$/.exec(s.shard ?? "");
    if (m === null) throw new Error(`${name}: not a shard's result (no --shard K/N)`);
    const [k, n] = [Number(m[1]), Number(m[2])];
    if (count !== -1 && n !== count) throw new Error(`${name}: shard ${s.shard} of another split`);
    count = n;
    const dup = seen.get(k);
    if (dup !== undefined) throw new Error(`${name}: shard ${s.shard} given twice (also ${dup})`);
    seen.set(k, name);
  });
  const missing = [...Array(count).keys()].filter((k) => !seen.has(k));
  if (missing.length > 0) {
    throw new Error(`merge: missing shard ${missing.map((k) => `${k}/${count}`).join(", ")}`);
  }
  const { shard: _, ...merged } = sumSummaries(summaries);
  return merged;
}

/**
 * Adds up summaries of disjoint seeds of one run (shards, or the threads of one):
 * counters summed, failures and stopped nodes in seed order, shrunk schedules kept for
 * the first failures only, as one run would. The header is the first summary's.
 *
 * @example
 * ```ts
 * import { sumSummaries } from "./summary.ts";
 * const part = {
 *   protocol: "raft-kv", config: {}, seeds: { start: 1, count: 2 }, runs: 1,
 *   operations: 9, ok: 8, fail: 0, info: 1, rejectedMessages: 0, violations: 0,
 *   wallMs: 120, failures: [],
 * };
 * sumSummaries([part, part]).operations; // 18
 * ```
 */
export function sumSummaries(summaries: readonly TortureSummary[]): TortureSummary {
  const first = summaries[0];
  if (first === undefined) throw new Error("no summaries to add up");
  const merged = structuredClone(first) as unknown as Record<string, unknown>;
  for (const s of summaries.slice(1)) addCounts(merged, s as unknown as Record<string, unknown>);
  if (first.stoppedNodes !== undefined) {
    merged.stoppedNodes = summaries.flatMap((s) => s.stoppedNodes ?? [])
      .sort((a, b) => a.seed - b.seed);
  }
  const failures = summaries.flatMap((s) => s.failures).sort((a, b) => a.seed - b.seed);
  merged.failures = failures.map((f, i) => {
    if (i < SHRINK_LIMIT || f.shrunk === undefined) return f;
    const { shrunk: _, ...rest } = f;
    return rest;
  });
  return merged as unknown as TortureSummary;
}

/**
 * The summary as the aligned lines `deno task torture` prints, failures after it.
 *
 * @example
 * ```ts
 * import { formatSummary } from "./summary.ts";
 * formatSummary({
 *   protocol: "raft-kv", config: {}, seeds: { start: 1, count: 1 }, runs: 1,
 *   operations: 9, ok: 8, fail: 0, info: 1, rejectedMessages: 0, violations: 0,
 *   wallMs: 120, failures: [],
 * }).startsWith("protocol"); // true
 * ```
 */
export function formatSummary(s: TortureSummary): string {
  const rows: [string, string | number | undefined][] = [
    ["protocol", s.protocol],
    ["shard", s.shard],
    ["runs", s.runs],
    ["operations", s.operations],
    ["ok / fail / info", `${s.ok} / ${s.fail} / ${s.info}`],
    ["check", s.check],
    ["invariant checks", s.invariantChecks],
    ["rejected messages", s.rejectedMessages],
    ["violations", s.violations],
    ["unknown verdicts", s.unknownVerdicts],
    ["checker time", s.checkerMs === undefined ? undefined : `${s.checkerMs} ms`],
    ["wall time", `${(s.wallMs / 1000).toFixed(1)} s`],
  ];
  if (s.storageFaults !== undefined) {
    rows.push(
      [
        "repaired",
        s.repairedFromAPeer === undefined ? undefined : `${s.repairedFromAPeer} times, from a peer`,
      ],
      [
        "node lost for good",
        s.runsWithANodeLost === undefined
          ? undefined
          : `in ${s.runsWithANodeLost} runs (end state not checked)`,
      ],
      ["storage faults", `(injected/detected) ${formatDiskFaults(s.storageFaults)}`],
      ["stopped nodes", s.stoppedNodes?.length ?? 0],
    );
  }
  const lines = rows.filter(([, v]) => v !== undefined).map(([k, v]) => `${k.padEnd(18)} ${v}`);
  const stopped = s.stoppedNodes ?? [];
  for (const x of stopped.slice(0, 20)) {
    const again = x.times > 1 ? ` (again at ${x.times - 1} restarts)` : "";
    lines.push(`  seed ${x.seed} ${x.node} at ${x.atMs} ms: ${x.reason}${again}`);
  }
  if (stopped.length > 20) lines.push(`  (${stopped.length - 20} more; --json lists them all)`);
  for (const f of s.failures.slice(0, 10)) {
    lines.push("", `seed ${f.seed}: ${f.violation}` + (f.atMs != null ? ` (at ${f.atMs} ms)` : ""));
    if (f.history !== undefined) lines.push(`  history: ${f.history}`);
    lines.push(`  replay:  ${f.replay}`);
    const sh = f.shrunk;
    if (sh !== undefined) {
      lines.push(
        `  shrunk:  faults ${sh.faults}, operations ${sh.operations} (${sh.reruns} reruns)`,
      );
      for (const step of sh.schedule as { at: number }[]) {
        lines.push(`           at ${step.at} ms: ${JSON.stringify(step)}`);
      }
      lines.push(`  replay shrunk: ${sh.replay}`);
    }
  }
  if (s.failures.length > 10) {
    lines.push("", `(${s.failures.length - 10} more failing seeds; --json lists them all)`);
  }
  return lines.join("\n");
}
