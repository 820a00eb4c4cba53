/**
 * `deno task torture`'s arguments (not `merge`), parsed and checked.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { protocolByName, protocolNames } from "../protocols/registry.ts";
import { parseNemesis } from "../nodes/nemesis.ts";
import { parseIntegrity } from "../nodes/faults/link_integrity.ts";
import { parseByzantine } from "../nodes/faults/byzantine.ts";
import { parseProtocolSpec } from "../args/cluster_args.ts";
import { loadProtocol } from "../nodes/worker/load_protocol.ts";
import { TXN_TORTURE_PROTOCOLS } from "./txn_torture.ts";
import { parseDuration, parseInteger, parseOptionPairs, stripDashDash } from "../args/cli_args.ts";
import { parseShard, type Shard, shardSeeds } from "./shard.ts";
import type { TortureConfig } from "./torture.ts";

function parseCheck(v: string | undefined): TortureConfig["check"] {
  if (v === undefined || v === "linearizability" || v === "stale-reads") return v;
  throw new Error(`invalid --check '${v}': expected linearizability or stale-reads`);
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
  /** `--jobs J`: how many threads share the seeds (1: this one). */
  readonly jobs: number;
}

/**
 * Parses `deno task torture` arguments (not `merge`) without running anything; throws
 * the one-line message a user sees on bad input.
 *
 * @example
 * ```ts
 * import { parseTortureArgs } from "./args.ts";
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
      nodes: { type: "string" },
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
      jobs: { type: "string" },
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
    return { ...flags, c: undefined as never, protocol: "", seeds: [], config: {}, jobs: 1 };
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
  if (values.nemesis?.split(",").includes("membership") && kind.admin?.rejoin !== true) {
    throw new Error(
      `--nemesis membership: protocol ${protocol} has no membership its nodes can leave and rejoin`,
    );
  }
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
    nodes: values.nodes === undefined
      ? kind.tortureNodes ?? 5
      : parseInteger(values.nodes, "nodes", 1, 1000),
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
  const seeds = shardSeeds(c.seedStart, c.seeds, shard);
  // Seeds are independent: by default every core takes a share.
  const jobs = values.jobs === undefined
    ? Math.max(1, Math.min(navigator.hardwareConcurrency, seeds.length))
    : Math.min(parseInteger(values.jobs, "jobs", 1, 256), seeds.length);
  return {
    ...flags,
    c,
    protocol,
    jobs,
    seeds,
    ...(shard === undefined ? {} : { shard }),
    config,
  };
}
