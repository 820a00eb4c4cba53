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
import { protocolNames } from "./protocols/registry.ts";
import { oneLineMessage, stripDashDash } from "./args/cli_args.ts";
import { formatSummary, mergeSummaries, type TortureSummary } from "./torture/summary.ts";
import { parseTortureArgs } from "./torture/args.ts";
import { runInJobs } from "./torture/jobs.ts";
import type { SeedDone } from "./torture/run_seeds.ts";

export { type ParsedTorture, parseTortureArgs } from "./torture/args.ts";

const USAGE = `usage: deno task torture --protocol P [--seeds K] [--seed-start S] [--nodes N]
         [--duration T] [--clients C] [--keys K] [--nemesis K,K…] [--option k=v]…
         [--out DIR] [--no-shrink] [--json] [--check linearizability|stale-reads]
         [--integrity none|crc32c|hmac-sha256] [--byzantine NODE=MODE,…]
         [--shard K/N] [--result FILE] [--jobs J]
       deno task torture merge [--json] [--result FILE] FILE…
protocols: ${protocolNames().join(", ")}, or FILE.ts#export for your own`;

const MERGE_USAGE = `usage: deno task torture merge [--json] [--result FILE] FILE…
combines the --result files of every shard (--shard K/N, K = 0 … N-1) of one run into
the summary a single run of the same seeds prints`;

function bar(done: number, total: number, failed: number): string {
  const width = 30;
  const filled = Math.round((done / total) * width);
  return `[${"#".repeat(filled)}${" ".repeat(width - filled)}] ${done}/${total}` +
    (failed ? `  ${failed} failing` : "");
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
  const startRss = Deno.memoryUsage().rss;
  let peakRss = startRss;
  const show = progress(run.seeds.length, run.json);
  const summary = await runInJobs(argv, run, (d) => {
    peakRss = Math.max(peakRss, Deno.memoryUsage().rss);
    show(d);
  });
  const code = await report(summary, run.json, run.result);
  if (!run.json) {
    // Resident memory of the whole process (every job thread), as a size per node.
    const perJob = run.c.nodes * Math.max(1, run.jobs);
    const mb = (x: number) => `${(x / 2 ** 20).toFixed(0)} MB`;
    console.log(
      `resident memory    ${mb(peakRss)} at most (${mb(startRss)} at start): ` +
        `${((peakRss - startRss) / perJob / 1024).toFixed(0)} KB per simulated node ` +
        `(${run.c.nodes} nodes × ${run.jobs} job${run.jobs === 1 ? "" : "s"})`,
    );
  }
  return code;
}

/**
 * Shows seeds as they end: a bar on a terminal, else a line per twentieth of the run
 * and one per failing seed (none with `--json`, whose output is the summary).
 */
function progress(total: number, json: boolean): (d: SeedDone) => void {
  const tty = Deno.stdout.isTerminal() && !json;
  const enc = new TextEncoder();
  let done = 0, failing = 0, lastPrinted = -1;
  return (d) => {
    done++;
    if (d.violation !== null) failing++;
    if (tty) {
      Deno.stdout.writeSync(enc.encode(`\r${bar(done, total, failing)}`));
      if (done === total) console.log();
    } else if (!json) {
      const pct = Math.floor((done / total) * 20);
      if (d.violation !== null || pct !== lastPrinted) {
        lastPrinted = pct;
        console.log(
          `seed ${d.seed}: ${d.ops} ops, ${d.violation ?? "ok"}  (${done}/${total})`,
        );
      }
    }
  };
}

if (import.meta.main) {
  try {
    Deno.exit(await main(Deno.args));
  } catch (e) {
    console.error(`torture: ${oneLineMessage(e)}`);
    Deno.exit(2);
  }
}
