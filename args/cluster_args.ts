/**
 * The command line of `deno task cluster`, parsed and checked (kept apart from
 * `main.ts` so it can be tested without starting anything).
 *
 * ```
 * deno task cluster [--nodes 5] [--protocol NAME|FILE.ts[#export]] [--port 8080]
 *   [--host 127.0.0.1] [--data-dir DIR] [--seed N] [--token T] [--max-body SIZE]
 *   [--history-limit N] [--max-clients N] [--max-streams N] [--stream-buffer SIZE]
 *   [--max-in-flight N] [--node-concurrency N] [--node-queue N] [--max-backlog N]
 *   [--option key=value ...]
 *   [--processes] [--external n1,n2,n3] [--links direct|routed]
 * ```
 *
 * @module
 */

import { DEFAULT_CLUSTER_PROTOCOL } from "../protocols/registry.ts";
import { MAX_CLUSTER_NODES } from "../nodes/worker/cluster_types.ts";
import { checkNodeIds } from "../nodes/faults/topology.ts";
import { oneLineMessage, parseDuration, parseOptionPairs } from "./cli_args.ts";
import { ALL_NEMESIS_KINDS, type NemesisKind, parseNemesis } from "../nodes/nemesis.ts";
import { parseArgs } from "node:util";
import { type Delay, parseDelay } from "../nodes/faults/delay.ts";
import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { ProtocolSpec } from "../nodes/worker_protocol.ts";

/**
 * The parsed command line.
 *
 * @example
 * ```ts
 * import type { ClusterArgs } from "./cluster_args.ts";
 * const a: ClusterArgs = {
 *   nodes: 5, protocol: "raft-kv", port: 8080, host: "127.0.0.1", dataDir: undefined, seed: 1,
 *   options: {}, help: false,
 * };
 * ```
 */
export interface ClusterArgs {
  readonly nodes: number;
  readonly protocol: ProtocolSpec;
  readonly port: number;
  readonly host: string;
  readonly dataDir: string | undefined;
  /** `--processes`: each node an OS process instead of a Worker. */
  readonly processes?: boolean;
  /**
   * `--external n1,n2,n3`: the nodes run on their own (`deno task node`) and connect to
   * this process; it waits for them instead of starting them.
   */
  readonly external?: readonly string[];
  readonly seed: number;
  readonly options: Readonly<Record<string, unknown>>;
  /** `--help` was given: print {@link CLUSTER_USAGE} and exit. */
  readonly help: boolean;
  /** The API's bearer token (`--token` or `DISTLAB_TOKEN`); absent when none is set. */
  readonly token?: string;
  /** The largest request body in bytes (`--max-body`); absent for the default, 1 MiB. */
  readonly maxBody?: number;
  /** Delay added to every message (default: none beyond the real postMessage hop). */
  readonly latency?: Delay;
  /** Memory and load limits given on the command line (absent: the API's defaults). */
  readonly limits?: Partial<ClusterLimits>;
  /**
   * `--links routed`: the Workers' messages go through the main thread's router instead
   * of direct ports (absent: direct).
   */
  readonly links?: "direct" | "routed";
  /** `--nemesis KINDS --nemesis-for D`: a seeded fault schedule run live, then healed. */
  readonly nemesis?: { readonly kinds: readonly NemesisKind[]; readonly durationMs: number };
}

/**
 * What the API keeps and admits, each bounded so that a long run under load holds a
 * fixed amount of memory and sheds what it cannot serve.
 *
 * @example
 * ```ts
 * import type { ClusterLimits } from "./cluster_args.ts";
 * const l: ClusterLimits = {
 *   historyLimit: 100_000, maxClients: 100_000, maxStreams: 64, streamBuffer: 1 << 20,
 *   maxInFlight: 1024, nodeConcurrency: 256, nodeQueue: 1024,
 * };
 * ```
 */
export interface ClusterLimits {
  /** History events kept, newest (`--history-limit`). */
  readonly historyLimit: number;
  /** Named clients and idempotency keys remembered, least recently used forgotten. */
  readonly maxClients: number;
  /** Event streams (SSE) open at once. */
  readonly maxStreams: number;
  /** Bytes one event stream may hold back for a slow reader before it is dropped. */
  readonly streamBuffer: number;
  /** API requests in progress at once; beyond, 503 + Retry-After at once. */
  readonly maxInFlight: number;
  /** Calls to one node at a time. */
  readonly nodeConcurrency: number;
  /** Calls waiting for one node; beyond, 503 + Retry-After. */
  readonly nodeQueue: number;
  /** Messages (and, apart, requests) a paused node holds; beyond, the oldest is dropped. */
  readonly maxBacklog?: number;
}

/**
 * Bad command-line input: the message is one line, fit for stderr as is.
 *
 * @example
 * ```ts
 * import { UsageError } from "./cluster_args.ts";
 * new UsageError("--nodes must be an integer from 1 to 256").name; // "UsageError"
 * ```
 */
export class UsageError extends Error {
  override name = "UsageError";
}

/**
 * The usage text of `deno task cluster`.
 *
 * @example
 * ```ts
 * import { CLUSTER_USAGE } from "./cluster_args.ts";
 * CLUSTER_USAGE.startsWith("usage:"); // true
 * ```
 */
export const CLUSTER_USAGE = `usage: deno task cluster [options]
  --nodes N             number of nodes (1-256, default 5)
  --protocol P          a protocol name, or FILE.ts[#export] for your own (default: raft-kv
                        when available)
  --port N              HTTP port (default 8080)
  --host H              HTTP host (default 127.0.0.1); other than loopback only with --token
  --data-dir DIR        keep each node's storage in DIR/<id>.log (default: in memory)
  --processes           run each node as an OS process instead of a Worker: crash is a real
                        SIGKILL, pause SIGSTOP, and kill -9 of a node's pid (in cli
                        status --json) is a crash
  --external IDS        the nodes (comma-separated ids) run on their own, each started
                        with deno task node --control http://HOST:PORT; the cluster
                        waits for them to connect and they talk to each other over TCP
  --links L             direct (default): Worker nodes send to each other over their own
                        ports, the fault model applied by the sender; routed: through the
                        main thread's router (one queue that sees every message)
  --seed N              seed of the network's and the nodes' random choices (default 1)
  --token T             require "Authorization: Bearer T" on every request (or DISTLAB_TOKEN)
  --max-body SIZE       largest request body: bytes, or e.g. 64KiB, 1MiB (default 1MiB)
  --history-limit N     history events kept in memory, newest first; older ones are dropped
                        and /history says so (x-history-* headers) (default 100000)
  --max-clients N       client ids and idempotency keys remembered (default 10000)
  --max-streams N       event streams open at once (default 64)
  --stream-buffer SIZE  bytes a slow event-stream reader may hold back before it is
                        dropped (default 1MiB)
  --max-in-flight N     API requests served at once; more get 503 + Retry-After (default 256)
  --node-concurrency N  calls to one node at a time (default 256)
  --node-queue N        calls waiting for one node; more get 503 + Retry-After (default 1024)
  --max-backlog N       messages a paused node holds; beyond, the oldest is dropped (and
                        requests beyond it refused) (default 10000)
  --latency D           delay added to every message: 2ms, 1..3ms, 5ms±2ms, exp:3ms
                        (default: none — only the real hop between Workers)
  --option key=value    a protocol option (value parsed as JSON when it can be); repeatable
  --nemesis K,K         inject seeded faults live: ${ALL_NEMESIS_KINDS.join(", ")}
                        (the same --seed gives the same schedule as deno task sim)
  --nemesis-for D       how long the nemesis runs before it heals everything (default 60s)
  --help                show this text`;

const MAX_NODES = MAX_CLUSTER_NODES;

/**
 * What the parser needs to know about the world (injected for tests).
 *
 * @example
 * ```ts
 * import type { ParseContext } from "./cluster_args.ts";
 * const ctx: ParseContext = { protocols: ["raft-kv"], cwd: "/tmp", env: () => undefined };
 * ```
 */
export interface ParseContext {
  /** Protocol names in the registry. */
  readonly protocols: readonly string[];
  /** Directory relative protocol files are resolved against. */
  readonly cwd: string;
  /** Environment variables (for `DISTLAB_TOKEN`); none when omitted. */
  readonly env?: (name: string) => string | undefined;
}

/**
 * Parses `deno task cluster` arguments; throws {@link UsageError} on bad input. A leading
 * `--` (which `deno task` passes through) is ignored.
 *
 * @example
 * ```ts
 * import { parseClusterArgs } from "./cluster_args.ts";
 * const a = parseClusterArgs(["--nodes", "3", "--option", "intervalMs=50"], {
 *   protocols: ["heartbeat"], cwd: "/tmp",
 * });
 * a.nodes; // 3
 * a.options; // { intervalMs: 50 }
 * ```
 */
export function parseClusterArgs(argv: readonly string[], ctx: ParseContext): ClusterArgs {
  const args = argv[0] === "--" ? argv.slice(1) : [...argv];
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        nodes: { type: "string" },
        protocol: { type: "string" },
        port: { type: "string" },
        host: { type: "string" },
        "data-dir": { type: "string" },
        processes: { type: "boolean" },
        external: { type: "string" },
        links: { type: "string" },
        seed: { type: "string" },
        token: { type: "string" },
        "max-body": { type: "string" },
        "history-limit": { type: "string" },
        "max-clients": { type: "string" },
        "max-streams": { type: "string" },
        "stream-buffer": { type: "string" },
        "max-in-flight": { type: "string" },
        "max-backlog": { type: "string" },
        "node-concurrency": { type: "string" },
        "node-queue": { type: "string" },
        latency: { type: "string" },
        option: { type: "string", multiple: true },
        nemesis: { type: "string" },
        "nemesis-for": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (e) {
    throw new UsageError(oneLineMessage(e));
  }
  const dataDir = values["data-dir"];
  if (dataDir !== undefined && dataDir.trim() === "") {
    throw new UsageError("--data-dir must not be empty");
  }
  const token = bearerToken(values.token ?? ctx.env?.("DISTLAB_TOKEN"));
  const maxBody = values["max-body"] === undefined
    ? undefined
    : byteSize("--max-body", values["max-body"]);
  const limits: Partial<Record<keyof ClusterLimits, number>> = {};
  const limit = (key: keyof ClusterLimits, flag: string, min: number, max: number) => {
    const raw = values[flag as "history-limit"];
    if (raw !== undefined) limits[key] = integer(`--${flag}`, raw, 0, min, max);
  };
  limit("historyLimit", "history-limit", 2, 100_000_000);
  limit("maxClients", "max-clients", 1, 100_000_000);
  limit("maxStreams", "max-streams", 1, 100_000);
  limit("maxInFlight", "max-in-flight", 1, 1_000_000);
  limit("nodeConcurrency", "node-concurrency", 1, 1_000_000);
  limit("nodeQueue", "node-queue", 0, 1_000_000);
  limit("maxBacklog", "max-backlog", 1, 100_000_000);
  if (values["stream-buffer"] !== undefined) {
    limits.streamBuffer = byteSize("--stream-buffer", values["stream-buffer"]);
  }
  let latency: Delay | undefined;
  if (values.latency !== undefined) {
    try {
      latency = parseDelay(values.latency);
    } catch (e) {
      throw new UsageError(`--latency: ${oneLineMessage(e)}`);
    }
  }
  let nemesis: ClusterArgs["nemesis"];
  if (values.nemesis !== undefined || values["nemesis-for"] !== undefined) {
    try {
      const kinds = parseNemesis(values.nemesis ?? "");
      const durationMs = parseDuration(values["nemesis-for"] ?? "60s", "nemesis-for");
      if (kinds.length === 0) throw new Error("--nemesis needs at least one fault kind");
      if (kinds.includes("disk")) {
        throw new Error("the disk nemesis runs in the simulator only (deno task sim, torture)");
      }
      if (kinds.includes("membership")) {
        throw new Error(
          "the membership nemesis runs in the simulator only (deno task sim, torture)",
        );
      }
      if (!(durationMs >= 1000 && durationMs <= 24 * 3600_000)) {
        throw new Error("--nemesis-for must be from 1s to 24h");
      }
      nemesis = { kinds, durationMs };
    } catch (e) {
      throw new UsageError(oneLineMessage(e));
    }
  }
  let external: string[] | undefined;
  if (values.external !== undefined) {
    external = values.external.split(",").map((s) => s.trim()).filter((s) => s !== "");
    if (external.length === 0 || external.length > MAX_NODES) {
      throw new UsageError(`--external needs 1 to ${MAX_NODES} node ids`);
    }
    try {
      checkNodeIds(external);
    } catch (e) {
      throw new UsageError(`--external: ${oneLineMessage(e)}`);
    }
    if (new Set(external).size !== external.length) {
      throw new UsageError("--external: node ids must be distinct");
    }
    if (values.processes === true) {
      throw new UsageError("--external and --processes exclude each other");
    }
    if (values.nodes !== undefined) {
      throw new UsageError("--external names the nodes: leave out --nodes");
    }
  }
  const links = values.links;
  if (links !== undefined && links !== "direct" && links !== "routed") {
    throw new UsageError(`--links must be direct or routed, got '${links}'`);
  }
  if (links === "routed" && (values.processes === true || external !== undefined)) {
    throw new UsageError("--links routed is for Worker nodes: leave out --processes / --external");
  }
  return {
    nodes: external?.length ?? integer("--nodes", values.nodes, 5, 1, MAX_NODES),
    protocol: protocolSpec(values.protocol, ctx),
    port: integer("--port", values.port, 8080, 0, 65535),
    host: allowedHost(values.host ?? "127.0.0.1", token !== undefined),
    dataDir,
    seed: integer("--seed", values.seed, 1, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER),
    options: protocolOptions(values.option ?? []),
    help: values.help ?? false,
    ...(values.processes === true ? { processes: true } : {}),
    ...(external !== undefined ? { external } : {}),
    ...(links !== undefined ? { links } : {}),
    ...(token !== undefined ? { token } : {}),
    ...(maxBody !== undefined ? { maxBody } : {}),
    ...(latency !== undefined ? { latency } : {}),
    ...(Object.keys(limits).length > 0 ? { limits } : {}),
    ...(nemesis !== undefined ? { nemesis } : {}),
  };
}

/**
 * The default protocol: `raft-kv` once it exists, else the first one registered.
 *
 * @example
 * ```ts
 * import { defaultProtocol } from "./cluster_args.ts";
 * defaultProtocol(["heartbeat", "raft-kv"]); // "raft-kv"
 * ```
 */
export function defaultProtocol(names: readonly string[]): string {
  if (names.includes(DEFAULT_CLUSTER_PROTOCOL)) return DEFAULT_CLUSTER_PROTOCOL;
  const first = names[0];
  if (first === undefined) throw new UsageError("no protocol is registered");
  return first;
}

function integer(
  flag: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (raw === undefined) return fallback;
  const n = /^-?\d+$/.test(raw.trim()) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    const range = min === Number.MIN_SAFE_INTEGER
      ? "an integer"
      : `an integer from ${min} to ${max}`;
    throw new UsageError(`${flag} must be ${range}, got '${raw}'`);
  }
  return n;
}

function protocolSpec(raw: string | undefined, ctx: ParseContext): ProtocolSpec {
  if (raw === undefined) return defaultProtocol(ctx.protocols);
  return parseProtocolSpec(raw, ctx);
}

/**
 * A `--protocol` value: a registered name, or `FILE.ts#export` (a path relative to `cwd`
 * or a URL) for a protocol of the user's own. Throws a {@link UsageError} otherwise.
 *
 * @example
 * ```ts
 * import { parseProtocolSpec } from "./cluster_args.ts";
 * parseProtocolSpec("lab.ts#echo", { protocols: ["raft-kv"], cwd: "/tmp" });
 * // { module: "file:///tmp/lab.ts", export: "echo" }
 * ```
 */
export function parseProtocolSpec(raw: string, ctx: ParseContext): ProtocolSpec {
  if (ctx.protocols.includes(raw)) return raw;
  const hash = raw.lastIndexOf("#");
  const file = hash >= 0 ? raw.slice(0, hash) : raw;
  const name = hash >= 0 ? raw.slice(hash + 1) : "default";
  if (/\.(ts|js|mts|mjs)$/.test(file) && name !== "") {
    const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(file)
      ? file
      : pathToFileURL(isAbsolute(file) ? file : resolve(ctx.cwd, file)).href;
    return { module: url, export: name };
  }
  throw new UsageError(
    `unknown protocol '${raw}' (known: ${ctx.protocols.join(", ")}; or give FILE.ts#export)`,
  );
}

function allowedHost(host: string, hasToken: boolean): string {
  const h = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  if (h === "localhost" || h === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h)) return h;
  if (hasToken && h.trim() !== "" && !/\s/.test(h)) return h;
  throw new UsageError(
    `refusing to listen on non-loopback host '${host}' without --token: anyone who can reach ` +
      "it could crash your nodes",
  );
}

/**
 * A token (`--token` or `DISTLAB_TOKEN`) checked: 8 to 256 printable characters without
 * spaces (it travels in a header); throws a {@link UsageError} otherwise.
 *
 * @example
 * ```ts
 * import { bearerToken } from "./cluster_args.ts";
 * bearerToken("s3cret-token"); // "s3cret-token"
 * bearerToken(undefined); // undefined
 * ```
 */
export function bearerToken(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  if (!/^[\x21-\x7e]{8,256}$/.test(raw)) {
    throw new UsageError("--token must be 8 to 256 printable characters without spaces");
  }
  return raw;
}

const UNITS: Readonly<Record<string, number>> = {
  "": 1,
  b: 1,
  k: 1024,
  kb: 1000,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1000 ** 2,
  mib: 1024 ** 2,
};

/** A size: bytes, or a number with k / KB / KiB / m / MB / MiB; 1 KiB to 1 GiB. */
function byteSize(flag: string, raw: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(raw.trim());
  const unit = UNITS[(m?.[2] ?? "").toLowerCase()];
  const n = m && unit !== undefined ? Math.floor(Number(m[1]) * unit) : NaN;
  if (!(n >= 1024 && n <= 1024 ** 3)) {
    throw new UsageError(`${flag} must be a size from 1KiB to 1024MiB, got '${raw}'`);
  }
  return n;
}

function protocolOptions(pairs: readonly string[]): Record<string, unknown> {
  try {
    return parseOptionPairs(pairs);
  } catch (e) {
    throw new UsageError(oneLineMessage(e));
  }
}
