/**
 * `deno task sim`: one deterministic simulated run.
 *
 *   deno task sim --protocol heartbeat --nodes 5 --seed 42 --duration 30s \
 *     --nemesis partition,kill --trace-hash [--json] [--shiviz FILE] [--option k=v]
 *
 * @module
 */

import { parseArgs } from "node:util";
import { protocolNames } from "./protocols/registry.ts";
import { parseNemesis } from "./nodes/nemesis.ts";
import { parseDuration, parseInteger, parseOptionPairs, stripDashDash } from "./nodes/cli_args.ts";
import { runSimulation } from "./nodes/sim_run.ts";
import { toShiViz } from "./nodes/trace.ts";

const USAGE = `usage: deno task sim [--protocol P] [--nodes N] [--seed S] [--duration T]
                     [--nemesis K,K…] [--trace-hash] [--json] [--shiviz FILE] [--option k=v]…
protocols: ${protocolNames().join(", ")}`;

function main(argv: string[]): number {
  const { values } = parseArgs({
    args: stripDashDash(argv),
    strict: true,
    allowPositionals: false,
    options: {
      protocol: { type: "string", default: "heartbeat" },
      nodes: { type: "string", default: "5" },
      seed: { type: "string", default: "1" },
      duration: { type: "string", default: "10s" },
      nemesis: { type: "string", default: "" },
      "trace-hash": { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      shiviz: { type: "string" },
      option: { type: "string", multiple: true, default: [] },
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
  const r = runSimulation({
    protocol: values.protocol,
    nodes,
    seed,
    durationMs,
    nemesis,
    options,
    trace: values.shiviz !== undefined ? "full" : wantTrace ? "hash" : "none",
  });
  if (values.shiviz !== undefined) Deno.writeTextFileSync(values.shiviz, toShiViz(r.sim.trace()));
  const simulatedS = (durationMs + 2000) / 1000;
  const summary = {
    protocol: values.protocol,
    nodes,
    seed,
    durationMs,
    nemesis,
    faults: r.schedule.length,
    stats: r.stats,
    statuses: r.statuses,
    wallMs: Math.round(r.wallMs),
    eventsPerSecond: Math.round(r.stats.events / (r.wallMs / 1000)),
    simulatedSecondsPerSecond: Math.round(simulatedS / (r.wallMs / 1000)),
    ...(values["trace-hash"] ? { traceHash: r.traceHash } : {}),
  };
  if (values.json) {
    console.log(JSON.stringify(summary, null, 2));
    return 0;
  }
  console.log(
    `${values.protocol} · ${nodes} nodes · seed ${seed} · ${durationMs / 1000}s simulated` +
      (nemesis.length ? ` · nemesis ${nemesis.join(",")} (${r.schedule.length} steps)` : ""),
  );
  const s = r.stats;
  console.log(
    `events ${s.events}  sent ${s.sent}  delivered ${s.delivered}  dropped ${s.dropped}  ` +
      `duplicated ${s.duplicated}  ticks ${s.ticks}  requests ${s.requests}`,
  );
  console.log("node  role        status");
  for (const [n, st] of Object.entries(r.statuses)) {
    const { role, ...rest } = st;
    console.log(`${n.padEnd(5)} ${String(role ?? "-").padEnd(11)} ${JSON.stringify(rest)}`);
  }
  console.log(
    `wall ${summary.wallMs} ms · ${summary.eventsPerSecond} events/s · ` +
      `${summary.simulatedSecondsPerSecond} simulated s per wall s`,
  );
  if (values["trace-hash"]) console.log(`trace-hash ${r.traceHash}`);
  if (values.shiviz !== undefined) console.log(`shiviz log written to ${values.shiviz}`);
  return 0;
}

if (import.meta.main) {
  try {
    Deno.exit(main(Deno.args));
  } catch (e) {
    console.error(`sim: ${e instanceof Error ? e.message : String(e)}`);
    Deno.exit(2);
  }
}
