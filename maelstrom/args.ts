/**
 * The command line of `deno task maelstrom test`, with Maelstrom's flag names and
 * defaults (`--bin`, `-w/--workload`, `--node-count`, `--time-limit`, `--rate`,
 * `--concurrency` as a number or `Nn` for N per node, `--nemesis`, `--nemesis-interval`,
 * `--latency`, `--latency-dist`, `--topology`, `--key-count`, and for the transactional
 * workloads `--max-txn-length`, `--max-writes-per-key`, `--consistency-models`), plus
 * distlab's own:
 * `--seed`, `--drop`, `--duplicate`, `--reorder` (probabilities on every link between
 * nodes), `--recovery-time`, `--init-timeout`, `--rpc-timeout`, `--lin-kv-service` (a
 * distlab protocol to serve Maelstrom's `lin-kv` service), `--store`. Arguments
 * after the flags are passed to the binary, as Maelstrom does.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { NEMESES } from "./nemesis.ts";
import { TOPOLOGIES } from "./workloads/topology.ts";
import { protocolByName } from "../protocols/registry.ts";
import { parseTxnModel, type TxnModel } from "../checker/txn_models.ts";

/**
 * The workloads `-w` accepts.
 *
 * @example
 * ```ts
 * import { WORKLOADS } from "./args.ts";
 * WORKLOADS.includes("lin-kv"); // true
 * ```
 */
export const WORKLOADS: readonly string[] = [
  "echo",
  "unique-ids",
  "broadcast",
  "g-set",
  "g-counter",
  "pn-counter",
  "lin-kv",
  "kafka",
  "txn-rw-register",
  "txn-list-append",
];

/**
 * A parsed `test` command.
 *
 * @example
 * ```ts
 * import { parseTestArgs, type TestOptions } from "./args.ts";
 * const o: TestOptions = parseTestArgs(["test", "-w", "echo", "--bin", "./echo.py"]);
 * o.nodeCount; // 5
 * ```
 */
export interface TestOptions {
  readonly workload: string;
  /** The program and its arguments. */
  readonly command: readonly string[];
  readonly nodeCount: number;
  /** Seconds of client operations. */
  readonly timeLimit: number;
  /** Requests per second, over all clients. */
  readonly rate: number;
  /** Client processes. */
  readonly concurrency: number;
  readonly nemesis: readonly string[];
  /** Seconds between nemesis changes, on average. */
  readonly nemesisInterval: number;
  /** Mean network latency, ms. */
  readonly latency: number;
  readonly latencyDist: "constant" | "uniform" | "exponential";
  readonly topology: string;
  /** Keys at once: `--key-count`, else 10 for the transactional workloads (Elle's), 3 for others. */
  readonly keyCount: number;
  /** Most micro-operations per transaction (Maelstrom: 4). */
  readonly maxTxnLength: number;
  /** Most writes (or appends) to one key before it is retired for a fresh one (Maelstrom: 16). */
  readonly maxWritesPerKey: number;
  /** The models a transactional run must satisfy (Maelstrom: strict-serializable). */
  readonly consistencyModels: readonly TxnModel[];
  readonly seed: number;
  /** Probability that a message between nodes is lost. */
  readonly drop: number;
  /** Probability that a message between nodes is delivered twice. */
  readonly duplicate: number;
  /** Probability that a message between nodes leaves FIFO order. */
  readonly reorder: number;
  /** Seconds the final phase may wait for nodes to converge. */
  readonly recoveryTime: number;
  /** Seconds a node has to answer `init`. */
  readonly initTimeout: number;
  /** The protocol that serves the `lin-kv` service, or null for the in-memory store. */
  readonly linKvService: string | null;
  /** Seconds a client waits for a reply before recording the operation as unknown. */
  readonly rpcTimeout: number;
  /** Where results go: `<store>/<workload>/<timestamp>/`. */
  readonly store: string;
  /**
   * `--serve [PORT]`: the port to serve the API and dashboard on while the run runs (and
   * after, until Ctrl-C; 0: any free port), or null: no live view.
   */
  readonly serve: number | null;
}

/**
 * The port `--serve` takes when it is given without one (the cluster's own default).
 *
 * @example
 * ```ts
 * import { DEFAULT_SERVE_PORT } from "./args.ts";
 * DEFAULT_SERVE_PORT; // 8080
 * ```
 */
export const DEFAULT_SERVE_PORT = 8080;

/**
 * Usage, printed with a bad-input error.
 *
 * @example
 * ```ts
 * import { USAGE } from "./args.ts";
 * USAGE.startsWith("usage:"); // true
 * ```
 */
export const USAGE =
  "usage: deno task maelstrom test -w WORKLOAD --bin PROGRAM [--node-count N] [--time-limit S] " +
  "[--rate R] [--concurrency N|Nn] [--nemesis partition,kill,pause] [--nemesis-interval S] " +
  "[--latency MS] [--latency-dist constant|uniform|exponential] [--topology T] [--key-count K] " +
  "[--max-txn-length N] [--max-writes-per-key N] [--consistency-models M,…] " +
  "[--seed S] [--drop P] [--duplicate P] [--reorder P] [--recovery-time S] [--init-timeout S] [--rpc-timeout S] [--lin-kv-service memory|PROTOCOL] [--store DIR] [--serve [PORT]] [-- ARGS…]";

/**
 * Parses `args` (starting with the command `test`); throws an `Error` whose message is
 * the one line to show.
 *
 * @example
 * ```ts
 * import { parseTestArgs } from "./args.ts";
 * parseTestArgs(["test", "--bin", "./n.py", "--node-count", "3", "--concurrency", "2n"]).concurrency; // 6
 * ```
 */
export function parseTestArgs(args: readonly string[]): TestOptions {
  const rest = args[0] === "--" ? args.slice(1) : [...args];
  if (rest[0] !== "test") {
    throw new Error(
      rest.length === 0
        ? "no command: expected 'test'"
        : `unknown command '${rest[0]}': expected 'test'`,
    );
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: servePort(rest.slice(1)),
      allowPositionals: true,
      strict: true,
      options: {
        workload: { type: "string", short: "w", default: "lin-kv" },
        bin: { type: "string" },
        "node-count": { type: "string", default: "5" },
        "time-limit": { type: "string", default: "60" },
        rate: { type: "string", default: "5" },
        concurrency: { type: "string", default: "1n" },
        nemesis: { type: "string", default: "" },
        "nemesis-interval": { type: "string", default: "10" },
        latency: { type: "string", default: "0" },
        "latency-dist": { type: "string", default: "constant" },
        topology: { type: "string", default: "grid" },
        "key-count": { type: "string" },
        "max-txn-length": { type: "string", default: "4" },
        "max-writes-per-key": { type: "string", default: "16" },
        "consistency-models": { type: "string", default: "strict-serializable" },
        seed: { type: "string", default: "1" },
        drop: { type: "string", default: "0" },
        duplicate: { type: "string", default: "0" },
        reorder: { type: "string", default: "0" },
        "recovery-time": { type: "string", default: "10" },
        "init-timeout": { type: "string", default: "10" },
        "rpc-timeout": { type: "string", default: "5" },
        "lin-kv-service": { type: "string", default: "memory" },
        store: { type: "string", default: "store" },
        serve: { type: "string" },
      },
    });
  } catch (e) {
    throw new Error((e as Error).message.split("\n")[0]!);
  }
  const v = parsed.values;
  const workload = v.workload!;
  if (!WORKLOADS.includes(workload)) {
    throw new Error(`unknown workload '${workload}': expected one of ${WORKLOADS.join(", ")}`);
  }
  if (v.bin === undefined || v.bin.trim() === "") {
    throw new Error("expected --bin PATH_TO_BINARY to test");
  }
  const nodeCount = integer(v["node-count"]!, "node-count", 1);
  const nemesis = v.nemesis!.split(",").map((s) => s.trim()).filter((s) => s !== "");
  for (const n of nemesis) {
    if (!NEMESES.includes(n)) {
      throw new Error(`unknown --nemesis '${n}': expected some of ${NEMESES.join(", ")}`);
    }
  }
  const dist = v["latency-dist"]!;
  if (dist !== "constant" && dist !== "uniform" && dist !== "exponential") {
    throw new Error(`invalid --latency-dist '${dist}': expected constant, uniform or exponential`);
  }
  if (!TOPOLOGIES.includes(v.topology!)) {
    throw new Error(`unknown --topology '${v.topology}': expected one of ${TOPOLOGIES.join(", ")}`);
  }
  return {
    workload,
    command: [...splitBin(v.bin), ...parsed.positionals],
    nodeCount,
    timeLimit: number(v["time-limit"]!, "time-limit", 0),
    rate: number(v.rate!, "rate", 0),
    concurrency: concurrency(v.concurrency!, nodeCount),
    nemesis,
    nemesisInterval: positive(v["nemesis-interval"]!, "nemesis-interval"),
    latency: number(v.latency!, "latency", 0),
    latencyDist: dist,
    topology: v.topology!,
    keyCount: v["key-count"] === undefined
      ? (workload.startsWith("txn-") ? 10 : 3)
      : integer(v["key-count"], "key-count", 1),
    maxTxnLength: integer(v["max-txn-length"]!, "max-txn-length", 1),
    maxWritesPerKey: integer(v["max-writes-per-key"]!, "max-writes-per-key", 1),
    consistencyModels: models(v["consistency-models"]!),
    seed: integer(v.seed!, "seed", 0),
    drop: probability(v.drop!, "drop"),
    duplicate: probability(v.duplicate!, "duplicate"),
    reorder: probability(v.reorder!, "reorder"),
    recoveryTime: number(v["recovery-time"]!, "recovery-time", 0),
    initTimeout: positive(v["init-timeout"]!, "init-timeout"),
    rpcTimeout: positive(v["rpc-timeout"]!, "rpc-timeout"),
    linKvService: v["lin-kv-service"] === "memory"
      ? null
      : protocolByName(v["lin-kv-service"]!).name, // throws, naming the known ones
    store: v.store!,
    serve: v.serve === undefined ? null : port(v.serve),
  };
}

/** `--serve` without a port (last, or before another flag) gets the default one. */
function servePort(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") return [...out, ...args.slice(i)];
    out.push(a);
    const next = args[i + 1];
    if (a === "--serve" && (next === undefined || next.startsWith("-"))) {
      out.push(String(DEFAULT_SERVE_PORT));
    }
  }
  return out;
}

function port(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n > 65535) {
    throw new Error(`invalid --serve '${text}': expected a port number from 0 to 65535`);
  }
  return n;
}

/**
 * `--bin` as a command: a path that exists is one word (spaces and all); otherwise the
 * text is split on whitespace, so `--bin "python3 node.py"` works.
 *
 * @example
 * ```ts
 * import { splitBin } from "./args.ts";
 * splitBin("python3 node.py"); // ["python3", "node.py"]
 * ```
 */
export function splitBin(bin: string): string[] {
  try {
    Deno.statSync(bin);
    return [bin];
  } catch {
    return bin.trim().split(/\s+/);
  }
}

function models(text: string): TxnModel[] {
  const names = text.split(",").map((s) => s.trim()).filter((s) => s !== "");
  if (names.length === 0) throw new Error("invalid --consistency-models '': expected a model");
  try {
    return names.map(parseTxnModel);
  } catch (e) {
    throw new Error(`invalid --consistency-models: ${(e as Error).message}`);
  }
}

function number(text: string, name: string, min: number): number {
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n) || n < min) {
    throw new Error(`invalid --${name} '${text}': expected a number ≥ ${min}`);
  }
  return n;
}

function probability(text: string, name: string): number {
  const n = Number(text);
  if (text.trim() === "" || !(n >= 0 && n <= 1)) {
    throw new Error(`invalid --${name} '${text}': expected a probability in [0, 1]`);
  }
  return n;
}

function positive(text: string, name: string): number {
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n) || n <= 0) {
    throw new Error(`invalid --${name} '${text}': expected a positive number`);
  }
  return n;
}

function integer(text: string, name: string, min: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < min) {
    throw new Error(`invalid --${name} '${text}': expected a whole number ≥ ${min}`);
  }
  return n;
}

function concurrency(text: string, nodes: number): number {
  const m = /^(\d+)(n?)$/.exec(text.trim());
  const n = m === null ? NaN : Number(m[1]) * (m[2] === "n" ? nodes : 1);
  if (!(n >= 1)) {
    throw new Error(`invalid --concurrency '${text}': expected a number or Nn (N per node), ≥ 1`);
  }
  return n;
}
