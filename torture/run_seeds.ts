/**
 * Runs a torture command's seeds in this thread: each seed simulated and checked (a KV
 * history, or a protocol's invariants after every step), failing seeds written under
 * `--out` and shrunk, and the summary returned. Printing is the caller's: it is told of
 * each seed as it ends.
 *
 * @module
 */

import { protocolByName } from "../protocols/registry.ts";
import { formatHistory } from "../history/jsonl.ts";
import { addFaultCounts, emptyFaultCounts } from "../nodes/storage/disk_faults.ts";
import { tortureTxnSeed, TXN_TORTURE_PROTOCOLS, type TxnTortureOutcome } from "./txn_torture.ts";
import {
  collectStops,
  type FailureReport,
  shardField,
  SHRINK_LIMIT,
  type StoppedNode,
  type TortureSummary,
} from "./summary.ts";
import { replayCommand, type SeedOutcome, shrinkFailure, tortureSeed } from "./torture.ts";
import type { ParsedTorture } from "./args.ts";

/**
 * One seed's end, as the progress display needs it.
 *
 * @example
 * ```ts
 * import type { SeedDone } from "./run_seeds.ts";
 * const d: SeedDone = { seed: 7, ops: 120, violation: null };
 * ```
 */
export interface SeedDone {
  readonly seed: number;
  readonly ops: number;
  readonly violation: string | null;
}

/** Told of each seed as it ends. */
export type OnSeed = (done: SeedDone) => void | Promise<void>;

/**
 * Runs `run.seeds` one after another and returns their summary.
 *
 * @example
 * ```ts ignore
 * const run = await parseTortureArgs(["--protocol", "raft-kv", "--seeds", "2"]);
 * (await runSeeds(run, () => {})).runs; // 2
 * ```
 */
export function runSeeds(run: ParsedTorture, onSeed: OnSeed): Promise<TortureSummary> {
  const txn = (TXN_TORTURE_PROTOCOLS as readonly string[]).includes(run.protocol);
  return txn ? txnTorture(run, onSeed) : kvTorture(run, onSeed);
}

/** The fields every summary starts with: what was run, and which share of it. */
function runHeader(run: ParsedTorture, protocol: string) {
  return {
    protocol,
    config: run.config,
    seeds: { start: run.c.seedStart, count: run.c.seeds },
    ...shardField(run.shard),
  };
}

/** The KV protocols: each seed's history checked, failures written and shrunk. */
async function kvTorture(run: ParsedTorture, onSeed: OnSeed): Promise<TortureSummary> {
  const { c, protocol, seeds } = run;
  const started = performance.now();
  const failures: SeedOutcome[] = [];
  const totals = {
    runs: 0,
    ops: 0,
    ok: 0,
    fail: 0,
    info: 0,
    checkerMs: 0,
    unknown: 0,
    rejected: 0,
  };
  const disk = emptyFaultCounts();
  const stopped: StoppedNode[] = [];
  let repairs = 0;
  for (const seed of seeds) {
    const o = tortureSeed(c, seed);
    totals.runs++;
    totals.ops += o.verdict.counts.ops;
    totals.ok += o.verdict.counts.ok;
    totals.fail += o.verdict.counts.fail;
    totals.info += o.verdict.counts.info;
    totals.checkerMs += o.verdict.checkerMs;
    totals.rejected += o.run.stats.rejected;
    addFaultCounts(disk, o.run.diskFaults);
    repairs += o.run.repairs;
    collectStops(stopped, seed, o.run.stopped);
    if (o.verdict.linearizability?.verdict === "unknown") totals.unknown++;
    if (o.verdict.violation !== null) failures.push(o);
    await onSeed({ seed, ops: o.verdict.counts.ops, violation: o.verdict.violation });
  }
  const wallMs = performance.now() - started;

  await Deno.mkdir(run.out, { recursive: true });
  const reports: FailureReport[] = [];
  for (const f of failures) {
    const file = `${run.out}/${protocol}-seed${f.seed}.jsonl`;
    await Deno.writeTextFile(file, formatHistory(f.run.history ?? []));
    const report: FailureReport = {
      seed: f.seed,
      violation: f.verdict.violation,
      history: file,
      replay: replayCommand(c, f.seed, file),
    };
    if (run.shrink && reports.length < SHRINK_LIMIT) {
      const s = shrinkFailure(c, f);
      const schedFile = `${run.out}/${protocol}-seed${f.seed}-shrunk.json`;
      const shrunkHistory = `${run.out}/${protocol}-seed${f.seed}-shrunk.jsonl`;
      await Deno.writeTextFile(schedFile, JSON.stringify(s.schedule, null, 2) + "\n");
      await Deno.writeTextFile(shrunkHistory, formatHistory(s.outcome.run.history ?? []));
      reports.push({
        ...report,
        shrunk: {
          faults: `${s.originalFaults} -> ${s.faults}`,
          operations: `${s.originalOps} -> ${s.maxOps}`,
          reruns: s.runs,
          schedule: s.schedule,
          violation: s.outcome.verdict.violation,
          replay: replayCommand(
            c,
            f.seed,
            shrunkHistory,
            ` --schedule ${schedFile} --max-ops ${s.maxOps}`,
          ),
        },
      });
    } else {
      reports.push(report);
    }
  }
  return {
    ...runHeader(run, protocol),
    runs: totals.runs,
    operations: totals.ops,
    ok: totals.ok,
    fail: totals.fail,
    info: totals.info,
    check: c.check ??
      (typeof c.protocol === "string" ? protocolByName(c.protocol) : c.protocol).check ??
      "linearizability",
    rejectedMessages: totals.rejected,
    violations: failures.length,
    unknownVerdicts: totals.unknown,
    checkerMs: Math.round(totals.checkerMs),
    wallMs: Math.round(wallMs),
    failures: reports,
    ...(c.nemesis.includes("disk")
      ? { storageFaults: disk, repairedFromAPeer: repairs, stoppedNodes: stopped }
      : {}),
  };
}

/**
 * Transactions, sagas, the bus and event sourcing have invariants rather than KV
 * histories: each seed runs with its own clients and checks them after every step.
 */
async function txnTorture(run: ParsedTorture, onSeed: OnSeed): Promise<TortureSummary> {
  const { c, seeds } = run;
  const name = String(c.protocol);
  const started = performance.now();
  const failing: TxnTortureOutcome[] = [];
  const totals = { ops: 0, ok: 0, fail: 0, info: 0, checks: 0, rejected: 0 };
  const disk = emptyFaultCounts();
  const stopped: StoppedNode[] = [];
  let lostRuns = 0;
  for (const seed of seeds) {
    const o = tortureTxnSeed(name, seed, {
      durationMs: c.durationMs,
      nemesis: c.nemesis,
      clients: c.clients,
      options: c.options,
      integrity: c.integrity,
    });
    totals.ops += o.ops.invoked;
    totals.ok += o.ops.ok;
    totals.fail += o.ops.fail;
    totals.info += o.ops.info;
    totals.checks += o.checks;
    totals.rejected += o.stats.rejected;
    addFaultCounts(disk, o.diskFaults);
    if (o.lost.length > 0) lostRuns++;
    collectStops(stopped, seed, o.stopped);
    if (o.violation !== null) failing.push(o);
    await onSeed({ seed, ops: o.ops.invoked, violation: o.violation });
  }
  const replay = (seed: number) =>
    `deno task torture --protocol ${name} --seeds 1 --seed-start ${seed} ` +
    `--duration ${c.durationMs}ms --clients ${c.clients} --nemesis ${c.nemesis.join(",")}` +
    (c.integrity !== undefined && c.integrity !== "none" ? ` --integrity ${c.integrity}` : "");
  return {
    ...runHeader(run, name),
    runs: seeds.length,
    operations: totals.ops,
    ok: totals.ok,
    fail: totals.fail,
    info: totals.info,
    invariantChecks: totals.checks,
    rejectedMessages: totals.rejected,
    violations: failing.length,
    wallMs: Math.round(performance.now() - started),
    failures: failing.map((f) => ({
      seed: f.seed,
      violation: f.violation,
      atMs: f.violationAt,
      replay: replay(f.seed),
    })),
    ...(c.nemesis.includes("disk")
      ? { storageFaults: disk, runsWithANodeLost: lostRuns, stoppedNodes: stopped }
      : {}),
  };
}
