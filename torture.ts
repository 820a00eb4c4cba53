/**
 * `deno task torture`: many seeded simulated runs with random faults and concurrent
 * clients; checks every history; prints failing seeds with the command that replays
 * each and a shrunk schedule; exits 1 on any violation.
 *
 *   deno task torture --protocol raft-kv --seeds 200 --duration 10s --clients 5 \
 *     --nemesis partition,kill,pause,loss,duplicate,reorder,skew
 *
 * `--nemesis …,tamper` alters message bodies in transit; `--integrity crc32c` (or
 * `hmac-sha256`) puts a checksum (or MAC) on every message, so tampering becomes loss.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { protocolByName, protocolNames } from "./protocols/registry.ts";
import { formatHistory } from "./history/jsonl.ts";
import { parseNemesis } from "./nodes/nemesis.ts";
import {
  addFaultCounts,
  type DiskFaultCounts,
  emptyFaultCounts,
  formatDiskFaults,
} from "./nodes/storage/disk_faults.ts";
import { parseIntegrity } from "./nodes/faults/link_integrity.ts";
import { parseByzantine } from "./nodes/faults/byzantine.ts";
import { parseProtocolSpec } from "./args/cluster_args.ts";
import { loadProtocol } from "./nodes/worker/load_protocol.ts";
import {
  tortureTxnSeed,
  TXN_TORTURE_PROTOCOLS,
  type TxnTortureOutcome,
} from "./torture/txn_torture.ts";
import {
  oneLineMessage,
  parseDuration,
  parseInteger,
  parseOptionPairs,
  stripDashDash,
} from "./args/cli_args.ts";
import {
  replayCommand,
  type SeedOutcome,
  shrinkFailure,
  type TortureConfig,
  tortureSeed,
} from "./torture/torture.ts";

const USAGE = `usage: deno task torture --protocol P [--seeds K] [--seed-start S] [--nodes N]
         [--duration T] [--clients C] [--keys K] [--nemesis K,K…] [--option k=v]…
         [--out DIR] [--no-shrink] [--json] [--check linearizability|stale-reads]
         [--integrity none|crc32c|hmac-sha256] [--byzantine NODE=MODE,…]
protocols: ${protocolNames().join(", ")}, or FILE.ts#export for your own`;

function parseCheck(v: string | undefined): TortureConfig["check"] {
  if (v === undefined || v === "linearizability" || v === "stale-reads") return v;
  throw new Error(`invalid --check '${v}': expected linearizability or stale-reads`);
}

function bar(done: number, total: number, failed: number): string {
  const width = 30;
  const filled = Math.round((done / total) * width);
  return `[${"#".repeat(filled)}${" ".repeat(width - filled)}] ${done}/${total}` +
    (failed ? `  ${failed} failing` : "");
}

/** A node its storage stopped in one seed: first time, reason, and how often (restarts). */
interface Stop {
  seed: number;
  node: string;
  atMs: number;
  reason: string;
  times: number;
}

/** Adds a seed's stops, one row per node and reason (a damaged disk stops each restart). */
function collectStops(
  into: Stop[],
  seed: number,
  stops: readonly { node: string; time: number; reason: string }[],
): void {
  const rows = new Map<string, Stop>();
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

/** The storage faults of a run with the disk nemesis, and the nodes they stopped. */
function printDiskSummary(disk: DiskFaultCounts, stopped: readonly Stop[]): void {
  console.log(`${"storage faults".padEnd(18)} (injected/detected) ${formatDiskFaults(disk)}`);
  console.log(`${"stopped nodes".padEnd(18)} ${stopped.length}`);
  for (const x of stopped.slice(0, 20)) {
    const again = x.times > 1 ? ` (again at ${x.times - 1} restarts)` : "";
    console.log(`  seed ${x.seed} ${x.node} at ${x.atMs} ms: ${x.reason}${again}`);
  }
  if (stopped.length > 20) console.log(`  (${stopped.length - 20} more; --json lists them all)`);
}

/**
 * Transactions, sagas, the bus and event sourcing have invariants rather than KV
 * histories: each seed runs with its own clients and checks them after every step.
 */
async function txnTorture(c: TortureConfig, tty: boolean, json: boolean): Promise<number> {
  const name = String(c.protocol);
  const enc = new TextEncoder();
  const started = performance.now();
  const failing: TxnTortureOutcome[] = [];
  const totals = { ops: 0, ok: 0, fail: 0, info: 0, checks: 0, rejected: 0 };
  let lostRuns = 0;
  const disk = emptyFaultCounts();
  const stopped: Stop[] = [];
  for (let i = 0; i < c.seeds; i++) {
    const seed = c.seedStart + i;
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
    if (tty) await Deno.stdout.write(enc.encode(`\r${bar(i + 1, c.seeds, failing.length)}`));
    else if (!json && o.violation !== null) console.log(`seed ${seed}: ${o.violation}`);
  }
  if (tty) console.log();
  const replay = (seed: number) =>
    `deno task torture --protocol ${name} --seeds 1 --seed-start ${seed} ` +
    `--duration ${c.durationMs}ms --clients ${c.clients} --nemesis ${c.nemesis.join(",")}` +
    (c.integrity !== undefined && c.integrity !== "none" ? ` --integrity ${c.integrity}` : "");
  const summary = {
    protocol: name,
    runs: c.seeds,
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
      ? { storageFaults: disk, stoppedNodes: stopped, runsWithANodeLost: lostRuns }
      : {}),
  };
  if (json) {
    console.log(JSON.stringify(summary, null, 2));
  } else {
    console.log();
    const rows: [string, string | number][] = [
      ["protocol", name],
      ["runs", c.seeds],
      ["operations", totals.ops],
      ["ok / fail / info", `${totals.ok} / ${totals.fail} / ${totals.info}`],
      ["invariant checks", totals.checks],
      ["rejected messages", totals.rejected],
      ["violations", failing.length],
      ["wall time", `${(summary.wallMs / 1000).toFixed(1)} s`],
    ];
    for (const [k, v] of rows) console.log(`${k.padEnd(18)} ${v}`);
    if (c.nemesis.includes("disk")) {
      console.log(`${"node lost for good".padEnd(18)} in ${lostRuns} runs (end state not checked)`);
      printDiskSummary(disk, stopped);
    }
    for (const f of summary.failures.slice(0, 10)) {
      console.log(`\nseed ${f.seed}: ${f.violation} (at ${f.atMs} ms)\n  replay: ${f.replay}`);
    }
  }
  return failing.length > 0 ? 1 : 0;
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: stripDashDash(argv),
    strict: true,
    options: {
      protocol: { type: "string" },
      seeds: { type: "string", default: "20" },
      "seed-start": { type: "string", default: "1" },
      nodes: { type: "string", default: "5" },
      duration: { type: "string", default: "10s" },
      clients: { type: "string", default: "5" },
      keys: { type: "string", default: "3" },
      nemesis: { type: "string", default: "partition,kill,pause,loss,duplicate,reorder,skew" },
      option: { type: "string", multiple: true, default: [] },
      out: { type: "string", default: "out/torture" },
      check: { type: "string" },
      integrity: { type: "string", default: "none" },
      byzantine: { type: "string", default: "" },
      "no-shrink": { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (values.protocol === undefined) throw new Error("--protocol is required");
  const spec = parseProtocolSpec(values.protocol, {
    protocols: protocolNames(),
    cwd: Deno.cwd(),
  });
  // Registered protocols go by name; a protocol file is loaded once and passed along.
  const loaded = typeof spec === "string" ? spec : await loadProtocol(spec);
  const protocol = typeof loaded === "string" ? loaded : loaded.name;
  const kind = typeof loaded === "string" ? protocolByName(loaded) : loaded;
  if (kind.check === "none" && !(TXN_TORTURE_PROTOCOLS as readonly string[]).includes(protocol)) {
    throw new Error(
      `protocol ${protocol} takes no key-value operations, so torture has no history to check`,
    );
  }
  const c: TortureConfig = {
    protocol: loaded,
    protocolArg: values.protocol,
    seeds: parseInteger(values.seeds, "seeds", 1, 1_000_000),
    seedStart: parseInteger(values["seed-start"], "seed-start", 0, Number.MAX_SAFE_INTEGER),
    nodes: parseInteger(values.nodes, "nodes", 1, 100),
    durationMs: parseDuration(values.duration),
    clients: parseInteger(values.clients, "clients", 1, 1000),
    keys: parseInteger(values.keys, "keys", 1, 100_000),
    nemesis: parseNemesis(values.nemesis),
    options: parseOptionPairs(values.option),
    check: parseCheck(values.check),
    integrity: parseIntegrity(values.integrity),
    byzantine: parseByzantine(values.byzantine),
  };
  const tty = Deno.stdout.isTerminal() && !values.json;
  if ((TXN_TORTURE_PROTOCOLS as readonly string[]).includes(protocol)) {
    return await txnTorture(c, tty, values.json);
  }
  const enc = new TextEncoder();
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
  const stopped: Stop[] = [];
  let repairs = 0;
  let lastPrinted = -1;
  for (let i = 0; i < c.seeds; i++) {
    const seed = c.seedStart + i;
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
    if (tty) {
      await Deno.stdout.write(enc.encode(`\r${bar(i + 1, c.seeds, failures.length)}`));
    } else if (!values.json) {
      const pct = Math.floor(((i + 1) / c.seeds) * 20);
      if (o.verdict.violation !== null || pct !== lastPrinted) {
        lastPrinted = pct;
        console.log(
          `seed ${seed}: ${o.verdict.counts.ops} ops, ` +
            (o.verdict.violation ?? "ok") + `  (${i + 1}/${c.seeds})`,
        );
      }
    }
  }
  if (tty) console.log();
  const wallMs = performance.now() - started;

  await Deno.mkdir(values.out, { recursive: true });
  const reports = [];
  for (const f of failures) {
    const file = `${values.out}/${protocol}-seed${f.seed}.jsonl`;
    await Deno.writeTextFile(file, formatHistory(f.run.history ?? []));
    const report: Record<string, unknown> = {
      seed: f.seed,
      violation: f.verdict.violation,
      history: file,
      replay: replayCommand(c, f.seed, file),
    };
    if (!values["no-shrink"] && reports.length < 3) {
      const s = shrinkFailure(c, f);
      const schedFile = `${values.out}/${protocol}-seed${f.seed}-shrunk.json`;
      const shrunkHistory = `${values.out}/${protocol}-seed${f.seed}-shrunk.jsonl`;
      await Deno.writeTextFile(schedFile, JSON.stringify(s.schedule, null, 2) + "\n");
      await Deno.writeTextFile(shrunkHistory, formatHistory(s.outcome.run.history ?? []));
      report.shrunk = {
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
      };
    }
    reports.push(report);
  }

  const summary = {
    protocol,
    runs: totals.runs,
    operations: totals.ops,
    ok: totals.ok,
    fail: totals.fail,
    info: totals.info,
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
  if (values.json) {
    console.log(JSON.stringify(summary, null, 2));
  } else {
    console.log();
    const rows: [string, string | number][] = [
      ["protocol", protocol],
      ["runs", totals.runs],
      ["operations", totals.ops],
      ["ok / fail / info", `${totals.ok} / ${totals.fail} / ${totals.info}`],
      [
        "check",
        c.check ?? (typeof loaded === "string" ? protocolByName(loaded) : loaded).check ??
          "linearizability",
      ],
      ["rejected messages", totals.rejected],
      ["violations", failures.length],
      ["unknown verdicts", totals.unknown],
      ["checker time", `${Math.round(totals.checkerMs)} ms`],
      ["wall time", `${(wallMs / 1000).toFixed(1)} s`],
    ];
    for (const [k, v] of rows) console.log(`${k.padEnd(18)} ${v}`);
    if (c.nemesis.includes("disk")) {
      console.log(`${"repaired".padEnd(18)} ${repairs} times, from a peer`);
      printDiskSummary(disk, stopped);
    }
    for (const r of reports.slice(0, 10)) {
      console.log(`\nseed ${r.seed}: ${r.violation}`);
      console.log(`  history: ${r.history}`);
      console.log(`  replay:  ${r.replay}`);
      const s = r.shrunk as Record<string, unknown> | undefined;
      if (s) {
        console.log(
          `  shrunk:  faults ${s.faults}, operations ${s.operations} (${s.reruns} reruns)`,
        );
        for (const step of s.schedule as { at: number; op: string }[]) {
          console.log(`           at ${step.at} ms: ${JSON.stringify(step)}`);
        }
        console.log(`  replay shrunk: ${s.replay}`);
      }
    }
    if (reports.length > 10) {
      console.log(`\n(${reports.length - 10} more failing seeds; --json lists them all)`);
    }
  }
  return failures.length > 0 ? 1 : 0;
}

if (import.meta.main) {
  try {
    Deno.exit(await main(Deno.args));
  } catch (e) {
    console.error(`torture: ${oneLineMessage(e)}`);
    Deno.exit(2);
  }
}
