/**
 * TCP transport throughput: messages per second between two `deno task node` processes
 * (the pingpong protocol, a fixed number of messages in flight, no faults, zero delay),
 * beside a raw TCP echo between two Deno processes measured in the same run with the same
 * envelopes and the same number in flight (`tcp_echo.ts`), twice: the anchor decodes each
 * message and encodes its answer (what any receiver that acts on a message pays: the
 * analogue of `router_bench.ts`'s one `postMessage` per message), and the ceiling sends
 * the bytes straight back. The nodes batch: one frame per destination per firing of the
 * sending side's router, so they can pass the anchor. Loopback only; bounded in time (a warm-up and a measuring
 * window per run) and so in count.
 *
 * The nodes' figure includes everything a real run pays: the node runtime and protocol,
 * the fault model on the sending side (`Router` + message path, schema check included),
 * checked frames (CRC-32C) and the link reports to control. Goal: ≥ 70% of raw. The nodes
 * run twice: without a token, and with one (`--token`: every frame also carries an
 * HMAC-SHA256 tag, `nodes/tcp/peer_auth.ts`), so the cost of authentication can be read
 * off the same run.
 *
 * @module
 */

import { setTimeout as delay } from "node:timers/promises";
import { startCluster } from "../nodes/worker_cluster.ts";
import { NodeLinks } from "../nodes/tcp/node_links.ts";

const WINDOW = 256;
const WARMUP_MS = 1000;
const MEASURE_MS = 3000;
const ROOT = new URL("../", import.meta.url);

/** Starts `deno run` of `script`; stdout piped. */
function spawn(script: string, args: string[]): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--quiet",
      ...(Deno.env.get("TCP_BENCH_PROFILE") !== undefined && script === "node.ts"
        ? ["--cpu-prof", `--cpu-prof-dir=${Deno.env.get("TCP_BENCH_PROFILE")}`]
        : []),
      new URL(script, ROOT).pathname,
      ...args,
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "null",
  }).spawn();
}

/** Reads the JSON lines a child prints, one at a time. */
async function* lines(child: Deno.ChildProcess): AsyncGenerator<unknown> {
  const dec = new TextDecoder();
  let buf = "";
  for await (const chunk of child.stdout) {
    buf += dec.decode(chunk, { stream: true });
    for (let nl = buf.indexOf("\n"); nl >= 0; nl = buf.indexOf("\n")) {
      yield JSON.parse(buf.slice(0, nl));
      buf = buf.slice(nl + 1);
    }
  }
}

/** Messages per second bounced by two raw echo processes. */
async function rawRate(mode: "bytes" | "messages"): Promise<number> {
  const timing = [String(WARMUP_MS), String(MEASURE_MS), mode];
  const server = spawn("bench/tcp_echo.ts", ["serve", "0", ...timing]);
  const out = lines(server);
  try {
    const { port } = (await out.next()).value as { port: number };
    const client = spawn("bench/tcp_echo.ts", ["dial", String(port), ...timing, String(WINDOW)]);
    try {
      const a = (await out.next()).value as { received: number; seconds: number };
      const b = (await lines(client).next()).value as { received: number; seconds: number };
      return a.received / a.seconds + b.received / b.seconds;
    } finally {
      stop(client);
      await client.status;
    }
  } finally {
    stop(server);
    await server.status;
  }
}

/** Messages per second delivered between two pingpong node processes over TCP. */
async function nodesRate(token?: string): Promise<{ rate: number; dropped: number }> {
  const ids = ["n1", "n2"];
  const links = new NodeLinks(ids, () => {}, token);
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (req) => links.accept(req),
  );
  const control = `http://127.0.0.1:${server.addr.port}`;
  const ports = ids.map(() => {
    const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const p = l.addr.port;
    l.close();
    return p;
  });
  const nodes = ids.map((id, i) =>
    spawn("node.ts", [
      ...["--id", id, "--listen", `127.0.0.1:${ports[i]}`],
      ...["--peers", `${ids[1 - i]}=127.0.0.1:${ports[1 - i]}`, "--control", control],
      ...(token !== undefined ? ["--token", token] : []),
    ])
  );
  try {
    const cluster = await startCluster({
      protocol: {
        module: new URL("./pingpong_protocol.ts", import.meta.url).href,
        export: "pingPong",
      },
      nodes: ids,
      seed: 1,
      options: { window: WINDOW },
      network: { delay: { kind: "constant", ms: 0 } },
      external: links,
      startTimeoutMs: 60_000,
    });
    try {
      await delay(WARMUP_MS);
      const c0 = cluster.counters();
      const t0 = performance.now();
      await delay(MEASURE_MS);
      const c1 = cluster.counters();
      const seconds = (performance.now() - t0) / 1000;
      return { rate: (c1.delivered - c0.delivered) / seconds, dropped: c1.dropped - c0.dropped };
    } finally {
      await cluster.close();
    }
  } finally {
    // Closed by control, each node exits by itself; one that does not is killed.
    const exited = Promise.all(nodes.map((n) => n.status));
    const timer = setTimeout(() => nodes.forEach(stop), 5_000);
    await exited;
    clearTimeout(timer);
    links.close();
    await server.shutdown();
  }
}

function stop(child: Deno.ChildProcess): void {
  try {
    child.kill("SIGKILL");
  } catch {
    // already gone
  }
}

/**
 * Prints the TCP transport's figures.
 *
 * @example
 * ```ts ignore
 * import { run } from "./tcp_bench.ts";
 * await run();
 * ```
 */
export async function run(): Promise<void> {
  const fmt = (n: number) => Math.round(n).toLocaleString("en");
  console.log(
    `tcp (2 processes on loopback, ${WINDOW} messages in flight, no faults, zero delay; ` +
      `${WARMUP_MS} ms warm-up, ${MEASURE_MS} ms measured)`,
  );
  const raw = await rawRate("messages");
  const bytes = await rawRate("bytes");
  const nodes = await nodesRate();
  const keyed = await nodesRate("bench-shared-key");
  const pct = (n: number) => `${((n / raw) * 100).toFixed(0)}%`;
  console.log(`  raw TCP echo, each message decoded and answered (anchor): ${fmt(raw)} msgs/s`);
  console.log(
    `  raw TCP echo, bytes sent straight back (ceiling):         ${fmt(bytes)} msgs/s ` +
      `(${pct(bytes)} of the anchor)`,
  );
  console.log(
    `  deno task node × 2 over the TCP transport:                ${fmt(nodes.rate)} msgs/s ` +
      `(${pct(nodes.rate)} of the anchor, goal ≥ 70%; ` +
      `${((nodes.rate / bytes) * 100).toFixed(0)}% of the ceiling; ${fmt(nodes.dropped)} dropped)`,
  );
  console.log(
    `  the same with --token (HMAC-SHA256 on every frame):      ${fmt(keyed.rate)} msgs/s ` +
      `(${pct(keyed.rate)} of the anchor; ${((keyed.rate / nodes.rate) * 100).toFixed(0)}% ` +
      `of the run without a token; ${fmt(keyed.dropped)} dropped)`,
  );
}

if (import.meta.main) await run();
