/**
 * `deno task cluster`: starts a local cluster of Worker nodes and serves its HTTP API.
 *
 * ```
 * deno task cluster [--nodes 5] [--protocol raft-kv] [--port 8080] [--host 127.0.0.1]
 *   [--data-dir DIR] [--seed N] [--token T] [--max-body SIZE] [--history-limit N]
 *   [--max-clients N] [--max-streams N] [--stream-buffer SIZE] [--max-in-flight N]
 *   [--node-concurrency N] [--node-queue N] [--max-backlog N] [--links direct|routed]
 *   [--option key=value ...]
 * ```
 *
 * It prints the API, docs and dashboard URLs and three example CLI commands. Bad input
 * is one line on stderr and exit code 2; a failure to start (port in use, …) is one line
 * and exit code 1. SIGINT / SIGTERM stop it cleanly: event streams end, the server
 * frees its port, every node flushes its storage and its Worker is terminated.
 *
 * @example
 * ```sh
 * deno task cluster --nodes 3 --protocol heartbeat --option intervalMs=50
 * ```
 *
 * @module
 */

import { type ApiOptions, createApi } from "./http/app.ts";
import { dashboardRoutes } from "./http/dashboard/routes.ts";
import {
  CLUSTER_USAGE,
  type ClusterArgs,
  type ClusterLimits,
  parseClusterArgs,
  UsageError,
} from "./args/cluster_args.ts";
import { MemoryDisk } from "./nodes/storage/memory_disk.ts";
import { NodeHost } from "./nodes/node_host.ts";
import { loadProtocol } from "./nodes/worker/load_protocol.ts";
import { type Cluster, startCluster } from "./nodes/worker_cluster.ts";
import { NodeLinks } from "./nodes/tcp/node_links.ts";
import { applyStep, healAll, type NemesisKind, seededSchedule } from "./nodes/nemesis.ts";
import { protocolNames } from "./protocols/registry.ts";

/**
 * Runs the command with `argv`; resolves with the exit code once the cluster has stopped.
 *
 * @example
 * ```ts ignore
 * import { main } from "./main.ts";
 * Deno.exit(await main(["--nodes", "3"]));
 * ```
 */
export async function main(argv: readonly string[]): Promise<number> {
  let args: ClusterArgs;
  try {
    args = parseClusterArgs(argv, {
      protocols: protocolNames(),
      cwd: Deno.cwd(),
      env: (name) => Deno.env.get(name),
    });
    if (args.help) {
      console.log(CLUSTER_USAGE);
      return 0;
    }
    await checkProtocol(args);
  } catch (e) {
    return fail(e, 2);
  }
  try {
    return await serve(args);
  } catch (e) {
    return fail(e, 1);
  }
}

/**
 * Creates one node of the protocol on this thread with scratch storage, so that an
 * unknown protocol file or a bad option is reported as bad input before any Worker starts.
 */
async function checkProtocol(args: ClusterArgs): Promise<void> {
  let protocol;
  try {
    protocol = await loadProtocol(args.protocol);
  } catch (e) {
    throw new UsageError(oneLine(e));
  }
  try {
    new NodeHost(protocol, {
      id: "n1",
      peers: Array.from({ length: args.nodes - 1 }, (_, i) => `n${i + 2}`),
      // As a live node will get them: the protocol's live defaults under the given ones.
      options: { ...protocol.liveOptions, ...args.options },
      storage: new MemoryDisk(),
      now: () => 0,
      random: () => 0.5,
    });
  } catch (e) {
    throw new UsageError(oneLine(e));
  }
}

/** The answer to an API call while the cluster still waits for its nodes. */
function startingProblem(): Response {
  return new Response(
    JSON.stringify({
      type: "about:blank",
      title: "Service Unavailable",
      status: 503,
      detail: "the cluster is waiting for its nodes to connect",
    }),
    { status: 503, headers: { "content-type": "application/problem+json", "retry-after": "1" } },
  );
}

/** How long a stop may take before the process exits anyway. */
const STOP_GRACE_MS = 10_000;

async function serve(args: ClusterArgs): Promise<number> {
  // External nodes connect to this process's HTTP server, so it listens before they start.
  const links = args.external === undefined
    ? undefined
    : new NodeLinks(args.external, (line) => console.error(`distlab: ${line}`), args.token);
  let api: ReturnType<typeof createApi> | null = null;
  let server: Deno.HttpServer<Deno.NetAddr> | null = null;
  if (links !== undefined) {
    server = Deno.serve(
      { hostname: args.host, port: args.port, onListen: () => {} },
      (req) =>
        links.handles(req) ? links.accept(req) : api !== null ? api.fetch(req) : startingProblem(),
    );
    console.error(
      `distlab: waiting for nodes ${args.external!.join(", ")} to connect to ` +
        `http://${server.addr.hostname}:${server.addr.port}` +
        (args.token !== undefined ? " (each with the cluster's --token)" : ""),
    );
  }
  let cluster: Cluster;
  try {
    cluster = await startCluster({
      protocol: args.protocol,
      nodes: args.external ?? args.nodes,
      seed: args.seed,
      options: args.options,
      dataDir: args.dataDir,
      ...(args.processes === true ? { processes: true } : {}),
      ...(links !== undefined ? { external: links } : {}),
      ...(args.links !== undefined ? { links: args.links } : {}),
      ...(args.limits?.maxBacklog !== undefined ? { maxBacklog: args.limits.maxBacklog } : {}),
      network: args.latency !== undefined ? { delay: args.latency } : {},
    });
  } catch (e) {
    links?.close();
    await server?.shutdown();
    throw e;
  }
  // A node that stays down (its storage is corrupted) or fails while running is said on
  // stderr, not only in the event stream: nobody may be watching that.
  for (const n of await cluster.statuses()) {
    if (n.status.role === "corrupted") {
      console.error(`distlab: ${n.id} stays down: ${n.status.reason}`);
    }
  }
  cluster.onEvent((e) => {
    if (e.kind === "crash" && e.reason !== undefined && e.reason !== "node crashed") {
      console.error(`distlab: ${e.node} is down: ${e.reason}`);
    }
  }, { messages: false });
  const theApi = createApi(cluster, {
    dashboard: dashboardRoutes(),
    ...(args.token !== undefined ? { token: args.token } : {}),
    ...(args.maxBody !== undefined ? { maxBody: args.maxBody } : {}),
    ...apiLimits(args.limits ?? {}),
  });
  api = theApi;
  if (server === null) {
    try {
      server = Deno.serve(
        { hostname: args.host, port: args.port, onListen: () => {} },
        theApi.fetch,
      );
    } catch (e) {
      theApi.close();
      await cluster.close();
      throw e;
    }
  }
  console.log(banner(args, cluster.protocol, cluster.nodes, server.addr));
  const stopNemesis = args.nemesis === undefined
    ? () => {}
    : runNemesis(cluster, args.seed, args.nemesis.kinds, args.nemesis.durationMs);

  const { promise: stopped, resolve } = Promise.withResolvers<void>();
  const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  const onSignal = () => resolve();
  for (const s of signals) Deno.addSignalListener(s, onSignal);
  await stopped;
  // A stop must not hang on a busy cluster: a second signal, or STOP_GRACE_MS, ends it.
  for (const s of signals) Deno.removeSignalListener(s, onSignal);
  const force = () => {
    console.error("distlab: did not stop in time; exiting");
    Deno.exit(1);
  };
  for (const s of signals) Deno.addSignalListener(s, force);
  const watchdog = setTimeout(force, STOP_GRACE_MS);
  stopNemesis();
  theApi.close(); // end event streams first: shutdown waits for open responses
  await cluster.close(); // external nodes are told to close over their links first
  links?.close();
  await server.shutdown();
  clearTimeout(watchdog);
  for (const s of signals) Deno.removeSignalListener(s, force);
  console.log("distlab: stopped");
  return 0;
}

/** The API's options for the limits given on the command line (the rest: defaults). */
function apiLimits(l: Partial<ClusterLimits>): ApiOptions {
  const gateway: { maxConcurrent?: number; maxQueue?: number } = {};
  if (l.nodeConcurrency !== undefined) gateway.maxConcurrent = l.nodeConcurrency;
  if (l.nodeQueue !== undefined) gateway.maxQueue = l.nodeQueue;
  const events: { maxStreams?: number; streamBufferBytes?: number } = {};
  if (l.maxStreams !== undefined) events.maxStreams = l.maxStreams;
  if (l.streamBuffer !== undefined) events.streamBufferBytes = l.streamBuffer;
  return {
    ...(l.historyLimit !== undefined ? { historyLimit: l.historyLimit } : {}),
    ...(l.maxClients !== undefined ? { maxClients: l.maxClients } : {}),
    ...(l.maxInFlight !== undefined ? { maxInFlight: l.maxInFlight } : {}),
    gateway,
    events,
  };
}

/**
 * Runs the seeded fault schedule of `seed` on the live cluster, on real timers: the
 * same steps `deno task sim --nemesis … --seed …` applies in virtual time. At the end it
 * heals everything (network, crashed and paused nodes, clocks). Returns the function
 * that cancels what is still to come.
 */
function runNemesis(
  cluster: Cluster,
  seed: number,
  kinds: readonly NemesisKind[],
  durationMs: number,
): () => void {
  const steps = seededSchedule(seed, { kinds, nodes: cluster.nodes, durationMs });
  console.log(
    `nemesis: ${kinds.join(",")} (seed ${seed}): ${steps.length} steps over ` +
      `${durationMs / 1000} s, then heal`,
  );
  let stopped = false;
  // On the runtime's own timers; the schedule's times count from now.
  for (const s of steps) {
    cluster.after(s.at, () => {
      if (stopped) return;
      console.log(`nemesis +${(s.at / 1000).toFixed(1)}s ${JSON.stringify(s)}`);
      applyStep(cluster, s);
    });
  }
  cluster.after(durationMs, () => {
    if (stopped) return;
    void healAll(cluster).then(() => console.log("nemesis: done; everything healed"));
  });
  return () => void (stopped = true);
}

/** What the cluster prints once it listens: where to find it and what to try. */
function banner(
  args: ClusterArgs,
  protocol: string,
  nodes: readonly string[],
  addr: Deno.NetAddr,
): string {
  const host = addr.hostname.includes(":") ? `[${addr.hostname}]` : addr.hostname;
  const base = `http://${host}:${addr.port}`;
  const api = `${base}/api/v1`;
  const storage = args.external !== undefined
    ? `in each node's --data-dir, else ${args.dataDir === undefined ? "in memory" : args.dataDir}`
    : args.dataDir === undefined
    ? "in memory"
    : `in ${args.dataDir}`;
  const defaultUrl = base === "http://127.0.0.1:8080";
  const flags = [
    defaultUrl ? "" : ` --url ${base}`,
    args.token === undefined ? "" : " --token $DISTLAB_TOKEN",
  ].join("");
  const cli = (command: string) => `  deno task cli ${command}${flags}`;
  const half = Math.max(1, Math.floor(nodes.length / 2));
  const split = nodes.length > 1
    ? cli(`partition ${nodes.slice(0, half).join(",")} ${nodes.slice(half).join(",")}`)
    : cli("get greeting");
  const auth = args.token === undefined ? "" : ` -H "Authorization: Bearer $DISTLAB_TOKEN"`;
  const victim = nodes[1] ?? nodes[0];
  return [
    `distlab: ${nodes.length} ${protocol} nodes` +
    (args.processes === true
      ? " as OS processes"
      : args.external !== undefined
      ? " as external processes over TCP"
      : "") +
    ` (seed ${args.seed}, storage ${storage})`,
    `API: ${api}`,
    `docs: ${api}/docs`,
    `dashboard: ${base}/`,
    `try:`,
    cli("status"),
    cli(`put greeting '"hello"'`),
    split,
    `  curl -s${auth} -X POST ${api}/nodes/${victim}/crash`,
    `Ctrl-C stops the cluster.`,
  ].join("\n");
}

function fail(e: unknown, code: number): number {
  console.error(`error: ${oneLine(e)}`);
  return code;
}

function oneLine(e: unknown): string {
  const s = e instanceof Error ? e.message : String(e);
  return s.split("\n")[0] ?? s;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
