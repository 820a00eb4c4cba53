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
 * On many machines: `--shard K/N --result FILE` runs the K-th of N shares of the seeds
 * (K from 0) and writes its summary; `deno task torture merge FILE…` combines every
 * shard's file into the summary one run of all the seeds prints.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { protocolByName, protocolNames } from "./protocols/registry.ts";
import { formatHistory } from "./history/jsonl.ts";
import { parseNemesis } from "./nodes/nemesis.ts";
import { addFaultCounts, emptyFaultCounts } from "./nodes/storage/disk_faults.ts";
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
import { parseShard, type Shard, shardSeeds } from "./torture/shard.ts";
import {
  collectStops,
  type FailureReport,
  formatSummary,
  mergeSummaries,
  shardField,
  SHRINK_LIMIT,
  type StoppedNode,
  type TortureSummary,
} from "./torture/summary.ts";
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
         [--shard K/N] [--result FILE]
       deno task torture merge [--json] [--result FILE] FILE…
protocols: ${protocolNames().join(", ")}, or FILE.ts#export for your own`;

const MERGE_USAGE = `usage: deno task torture merge [--json] [--result FILE] FILE…
combines the --result files of every shard (--shard K/N, K = 0 … N-1) of one run into
the summary a single run of the same seeds prints`;

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

/**
 * Transactions, sagas, the bus and event sourcing have invariants rather than KV
 * histories: each seed runs with its own clients and checks them after every step.
 */
async function txnTorture(run: ParsedTorture, tty: boolean): Promise<TortureSummary> {
  const { c, seeds } = run;
  const name = String(c.protocol);
  const enc = new TextEncoder();
  const started = performance.now();
  const failing: TxnTortureOutcome[] = [];
  const totals = { ops: 0, ok: 0, fail: 0, info: 0, checks: 0, rejected: 0 };
  const disk = emptyFaultCounts();
  const stopped: StoppedNode[] = [];
  let lostRuns = 0;
  for (const [i, seed] of seeds.entries()) {
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
    if (tty) await Deno.stdout.write(enc.encode(`\r${bar(i + 1, seeds.length, failing.length)}`));
    else if (!run.json && o.violation !== null) console.log(`seed ${seed}: ${o.violation}`);
  }
  if (tty) console.log();
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

/** A torture command line, parsed and checked: what to run and where to report it. */
export interface ParsedTorture {
  /** The run's configuration. */
  readonly c: TortureConfig;
  /** The protocol's name (a file's export name for `FILE.ts#export`). */
  readonly protocol: string;
  /** The seeds this process runs (its shard's share, or all). */
  readonly seeds: readonly number[];
  /** `--shard K/N`, when given. */
  readonly shard?: Shard;
  /** The run's parameters as written into the summary (shards must agree on them). */
  readonly config: Record<string, unknown>;
  /** `--out DIR` for failing histories and shrunk schedules. */
  readonly out: string;
  /** `--result FILE`, where the JSON summary goes. */
  readonly result?: string;
  /** `--json`. */
  readonly json: boolean;
  /** Whether to shrink failing seeds. */
  readonly shrink: boolean;
  /** `--help` was asked for. */
  readonly help: boolean;
}

/**
 * Parses `deno task torture` arguments (not `merge`) without running anything; throws
 * the one-line message a user sees on bad input.
 *
 * @example
 * ```ts
 * import { parseTortureArgs } from "./torture.ts";
 * const run = await parseTortureArgs(["--protocol", "raft-kv", "--seeds", "8", "--shard", "1/4"]);
 * run.seeds; // [2, 6]
 * ```
 */
export async function parseTortureArgs(argv: readonly string[]): Promise<ParsedTorture> {
  const { values } = parseArgs({
    args: stripDashDash(argv),
    strict: true,
    options: {
      protocol: { type: "string" },
      seeds: { type: "string", default: "20" },
      "seed-start": { type: "string", default: "1" },
      shard: { type: "string" },
      nodes: { type: "string", default: "5" },
      duration: { type: "string", default: "10s" },
      clients: { type: "string", default: "5" },
      keys: { type: "string", default: "3" },
      nemesis: { type: "string", default: "partition,kill,pause,loss,duplicate,reorder,skew" },
      option: { type: "string", multiple: true, default: [] },
      out: { type: "string", default: "out/torture" },
      result: { type: "string" },
      check: { type: "string" },
      integrity: { type: "string", default: "none" },
      byzantine: { type: "string", default: "" },
      "no-shrink": { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const flags = {
    out: values.out,
    json: values.json,
    shrink: !values["no-shrink"],
    help: values.help,
    ...(values.result === undefined ? {} : { result: values.result }),
  };
  if (values.help) {
    return { ...flags, c: undefined as never, protocol: "", seeds: [], config: {} };
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
  const shard = values.shard === undefined ? undefined : parseShard(values.shard);
  if (shard !== undefined && shard.count > c.seeds) {
    throw new Error(`--shard ${values.shard}: more shards than the ${c.seeds} seeds`);
  }
  const config = {
    protocol: values.protocol,
    nodes: c.nodes,
    durationMs: c.durationMs,
    clients: c.clients,
    keys: c.keys,
    nemesis: c.nemesis,
    options: c.options,
    check: c.check ?? null,
    integrity: values.integrity,
    byzantine: values.byzantine,
  };
  return {
    ...flags,
    c,
    protocol,
    seeds: shardSeeds(c.seedStart, c.seeds, shard),
    ...(shard === undefined ? {} : { shard }),
    config,
  };
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
async function kvTorture(run: ParsedTorture, tty: boolean): Promise<TortureSummary> {
  const { c, protocol, seeds } = run;
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
  const stopped: StoppedNode[] = [];
  let repairs = 0;
  let lastPrinted = -1;
  for (const [i, seed] of seeds.entries()) {
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
      await Deno.stdout.write(enc.encode(`\r${bar(i + 1, seeds.length, failures.length)}`));
    } else if (!run.json) {
      const pct = Math.floor(((i + 1) / seeds.length) * 20);
      if (o.verdict.violation !== null || pct !== lastPrinted) {
        lastPrinted = pct;
        console.log(
          `seed ${seed}: ${o.verdict.counts.ops} ops, ` +
            (o.verdict.violation ?? "ok") + `  (${i + 1}/${seeds.length})`,
        );
      }
    }
  }
  if (tty) console.log();
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

/** Prints a summary (JSON or aligned lines), writes `--result`, and gives the exit code. */
async function report(s: TortureSummary, json: boolean, result?: string): Promise<number> {
  if (result !== undefined) await Deno.writeTextFile(result, JSON.stringify(s, null, 2) + "\n");
  if (json) console.log(JSON.stringify(s, null, 2));
  else console.log("\n" + formatSummary(s));
  return s.violations > 0 ? 1 : 0;
}

/**
 * Parses `deno task torture merge [--json] [--result FILE] FILE…`.
 *
 * @example
 * ```ts
 * import { parseMergeArgs } from "./torture.ts";
 * parseMergeArgs(["a.json", "b.json", "--json"]).files; // ["a.json", "b.json"]
 * ```
 */
export function parseMergeArgs(
  argv: readonly string[],
): { files: string[]; json: boolean; result?: string; help: boolean } {
  const { values, positionals } = parseArgs({
    args: stripDashDash(argv),
    strict: true,
    allowPositionals: true,
    options: {
      json: { type: "boolean", default: false },
      result: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (!values.help && positionals.length === 0) {
    throw new Error("merge: give the shards' result files (deno task torture merge FILE…)");
  }
  return {
    files: positionals,
    json: values.json,
    help: values.help,
    ...(values.result === undefined ? {} : { result: values.result }),
  };
}

async function merge(argv: readonly string[]): Promise<number> {
  const m = parseMergeArgs(argv);
  if (m.help) {
    console.log(MERGE_USAGE);
    return 0;
  }
  const parts = [];
  for (const name of m.files) {
    let text: string;
    try {
      text = await Deno.readTextFile(name);
    } catch (e) {
      throw new Error(`${name}: cannot read (${e instanceof Error ? e.message : e})`);
    }
    let summary: unknown;
    try {
      summary = JSON.parse(text);
    } catch {
      throw new Error(`${name}: not JSON (deno task torture --result FILE writes it)`);
    }
    parts.push({ name, summary });
  }
  const merged = mergeSummaries(parts);
  if (!m.json) console.log(`merged ${m.files.length} shards`);
  return await report(merged, m.json, m.result);
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === "merge") return await merge(argv.slice(1));
  const run = await parseTortureArgs(argv);
  if (run.help) {
    console.log(USAGE);
    return 0;
  }
  const tty = Deno.stdout.isTerminal() && !run.json;
  const txn = (TXN_TORTURE_PROTOCOLS as readonly string[]).includes(run.protocol);
  const summary = txn ? await txnTorture(run, tty) : await kvTorture(run, tty);
  return await report(summary, run.json, run.result);
}

if (import.meta.main) {
  try {
    Deno.exit(await main(Deno.args));
  } catch (e) {
    console.error(`torture: ${oneLineMessage(e)}`);
    Deno.exit(2);
  }
}
