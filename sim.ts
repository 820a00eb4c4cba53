/**
 * `deno task sim`: one deterministic simulated run.
 *
 *   deno task sim --protocol heartbeat --nodes 5 --seed 42 --duration 30s \
 *     --nemesis partition,kill --trace-hash [--json] [--shiviz FILE] [--option k=v]
 *
 * @module
 */

import { parseArgs } from "node:util";
import { DEFAULT_SIM_PROTOCOL, protocolNames } from "./protocols/registry.ts";
import { parseProtocolSpec } from "./args/cluster_args.ts";
import { loadProtocol } from "./nodes/worker/load_protocol.ts";
import { parseNemesis } from "./nodes/nemesis.ts";
import { parseIntegrity } from "./nodes/faults/link_integrity.ts";
import { parseByzantine } from "./nodes/faults/byzantine.ts";
import {
  oneLineMessage,
  parseDuration,
  parseInteger,
  parseOptionPairs,
  stripDashDash,
} from "./args/cli_args.ts";
import { runSimulation } from "./torture/sim_run.ts";
import { toShiViz } from "./nodes/trace.ts";
import { formatHistory } from "./history/jsonl.ts";
import { verifyRun } from "./torture/verify_run.ts";
import type { NemesisStep } from "./nodes/nemesis.ts";
import { formatDiskFaults } from "./nodes/storage/disk_faults.ts";

function parseSchedule(text: string, file: string): NemesisStep[] {
  let steps: unknown;
  try {
    steps = JSON.parse(text);
  } catch {
    throw new Error(`--schedule ${file}: not JSON`);
  }
  if (
    !Array.isArray(steps) ||
    !steps.every((s) => typeof s?.at === "number" && typeof s?.op === "string")
  ) {
    throw new Error(`--schedule ${file}: expected an array of {at, fault, op, …} steps`);
  }
  return steps as NemesisStep[];
}

const USAGE = `usage: deno task sim [--protocol P] [--nodes N] [--seed S] [--duration T]
                     [--nemesis K,K…] [--trace-hash] [--json] [--shiviz FILE] [--option k=v]…
                     [--clients C] [--keys K] [--history FILE] [--schedule FILE] [--max-ops N]
                     [--integrity none|crc32c|hmac-sha256] [--byzantine NODE=MODE,…]
protocols: ${protocolNames().join(", ")}, or FILE.ts#export for your own`;

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: stripDashDash(argv),
    strict: true,
    allowPositionals: false,
    options: {
      protocol: { type: "string", default: DEFAULT_SIM_PROTOCOL },
      nodes: { type: "string", default: "5" },
      seed: { type: "string", default: "1" },
      duration: { type: "string", default: "10s" },
      nemesis: { type: "string", default: "" },
      "trace-hash": { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      shiviz: { type: "string" },
      clients: { type: "string", default: "0" },
      keys: { type: "string", default: "3" },
      "max-ops": { type: "string" },
      history: { type: "string" },
      schedule: { type: "string" },
      option: { type: "string", multiple: true, default: [] },
      integrity: { type: "string", default: "none" },
      byzantine: { type: "string", default: "" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const nodes = parseInteger(values.nodes, "nodes", 1, 100);
  const seed = parseInteger(values.seed, "seed", 0, Number.MAX_SAFE_INTEGER);
  const durationMs = parseDuration(values.duration);
  const nemesis = parseNemesis(values.nemesis);
  const options = parseOptionPairs(values.option);
  const wantTrace = values["trace-hash"] || values.shiviz !== undefined;
  const clients = parseInteger(values.clients, "clients", 0, 1000);
  if (values.history !== undefined && clients === 0) {
    throw new Error("--history needs --clients N (a history records client operations)");
  }
  const schedule = values.schedule === undefined
    ? undefined
    : parseSchedule(Deno.readTextFileSync(values.schedule), values.schedule);
  const protocol = await loadProtocol(
    parseProtocolSpec(values.protocol, { protocols: protocolNames(), cwd: Deno.cwd() }),
  );
  const r = runSimulation({
    protocol,
    nodes,
    seed,
    durationMs,
    nemesis,
    options,
    trace: values.shiviz !== undefined ? "full" : wantTrace ? "hash" : "none",
    clients,
    keys: parseInteger(values.keys, "keys", 1, 100_000),
    maxOps: values["max-ops"] === undefined
      ? undefined
      : parseInteger(values["max-ops"], "max-ops", 1, Number.MAX_SAFE_INTEGER),
    schedule,
    integrity: parseIntegrity(values.integrity),
    byzantine: parseByzantine(values.byzantine),
  });
  if (values.history !== undefined) {
    Deno.writeTextFileSync(values.history, formatHistory(r.history ?? []));
  }
  const verdict = clients > 0 ? verifyRun(r) : undefined;
  if (values.shiviz !== undefined) Deno.writeTextFileSync(values.shiviz, toShiViz(r.sim.trace()));
  const simulatedS = (durationMs + 2000) / 1000;
  const summary = {
    protocol: values.protocol,
    nodes,
    seed,
    durationMs,
    nemesis,
    integrity: values.integrity,
    faults: r.schedule.length,
    schedule: r.schedule,
    stats: r.stats,
    statuses: r.statuses,
    ...(r.sim.failures.length > 0 ? { failures: r.sim.failures } : {}),
    ...(nemesis.includes("disk") ? { diskFaults: r.diskFaults, stopped: r.stopped } : {}),
    wallMs: Math.round(r.wallMs),
    eventsPerSecond: Math.round(r.stats.events / (r.wallMs / 1000)),
    simulatedSecondsPerSecond: Math.round(simulatedS / (r.wallMs / 1000)),
    ...(values["trace-hash"] ? { traceHash: r.traceHash } : {}),
    ...(verdict
      ? {
        operations: verdict.counts,
        linearizability: verdict.linearizability?.verdict,
        staleReads: verdict.staleReads,
        converged: verdict.converged,
        violation: verdict.violation,
      }
      : {}),
  };
  if (values.json) {
    console.log(JSON.stringify(summary, null, 2));
    return verdict?.violation || r.failure ? 1 : 0;
  }
  console.log(
    `${values.protocol} · ${nodes} nodes · seed ${seed} · ${durationMs / 1000}s simulated` +
      (nemesis.length ? ` · nemesis ${nemesis.join(",")} (${r.schedule.length} steps)` : ""),
  );
  const s = r.stats;
  console.log(
    `events ${s.events}  sent ${s.sent}  delivered ${s.delivered}  dropped ${s.dropped}  ` +
      `duplicated ${s.duplicated}  rejected ${s.rejected}  ticks ${s.ticks}  ` +
      `requests ${s.requests}`,
  );
  for (const f of r.sim.failures) {
    console.log(`node ${f.node} threw at ${f.time.toFixed(1)} ms and was crashed: ${f.error}`);
  }
  if (nemesis.includes("disk")) {
    console.log(`storage faults (injected/detected): ${formatDiskFaults(r.diskFaults)}`);
    for (const x of r.sim.repaired) {
      console.log(`node ${x.node} repaired its storage from a peer at ${x.time.toFixed(1)} ms`);
    }
    for (const x of r.stopped) {
      console.log(`node ${x.node} stopped by its storage at ${x.time.toFixed(1)} ms: ${x.reason}`);
    }
  }
  console.log("node  role        status");
  for (const [n, st] of Object.entries(r.statuses)) {
    const { role, ...rest } = st;
    console.log(`${n.padEnd(5)} ${String(role ?? "-").padEnd(11)} ${JSON.stringify(rest)}`);
  }
  console.log(
    `wall ${summary.wallMs} ms · ${summary.eventsPerSecond} events/s · ` +
      `${summary.simulatedSecondsPerSecond} simulated s per wall s`,
  );
  if (verdict) {
    const c = verdict.counts;
    console.log(`operations ${c.ops}: ok ${c.ok}, fail ${c.fail}, info ${c.info}`);
    const lin = verdict.linearizability;
    console.log(
      (verdict.staleReads !== undefined
        ? `stale reads of acknowledged writes: ${verdict.staleReads}`
        : `linearizability: ${lin?.verdict ?? "not checked"}`) +
        (lin?.verdict === "unknown" ? ` (${lin.reason})` : "") +
        `  ·  convergence: ${
          verdict.converged === undefined ? "n/a" : verdict.converged ? "yes" : "NO"
        }  ·  checker ${Math.round(verdict.checkerMs)} ms`,
    );
    if (lin?.verdict === "not-linearizable") {
      console.log(lin.counterexample.explanation);
    }
    if (verdict.violation !== null) console.log(`violation: ${verdict.violation}`);
  }
  if (values.history !== undefined) console.log(`history written to ${values.history}`);
  if (values["trace-hash"]) console.log(`trace-hash ${r.traceHash}`);
  if (values.shiviz !== undefined) console.log(`shiviz log written to ${values.shiviz}`);
  return verdict?.violation || r.failure ? 1 : 0;
}

if (import.meta.main) {
  try {
    Deno.exit(await main(Deno.args));
  } catch (e) {
    console.error(`sim: ${oneLineMessage(e)}`);
    Deno.exit(2);
  }
}
