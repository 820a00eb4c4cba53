/**
 * TCP transport throughput: messages per second between two `deno task node` processes
 * (the pingpong protocol, a fixed number of messages in flight, no faults, zero delay),
 * beside raw TCP echoes between two Deno processes measured in the same run with the same
 * envelopes and the same number in flight (`tcp_echo.ts`):
 *
 * - the **anchor** decodes every message into an object and answers it, carrying them
 *   as the nodes do — the frames of a read decoded by the nodes' own batch codec, the
 *   answers encoded as one frame (`batches`). It is the fastest raw receiver that acts
 *   on every message, so the gap to it is exactly what a node adds: the runtime and
 *   protocol, the fault model, checksums, the link reports. (Until issue #22's last
 *   measurement the anchor was the per-message echo below; the nodes batch and passed it
 *   at 105–312%, which said more about one `JSON.parse` per message than about the
 *   nodes. The anchor was made stronger, not weaker.)
 * - the **ceiling** sends the bytes straight back, one frame per message only counted:
 *   TCP between two Deno processes with no message ever looked at;
 * - the **per-message** echo decodes and answers each message in a frame of its own (the
 *   analogue of `router_bench.ts`'s one `postMessage` per message), kept for comparison.
 *
 * Beside each rate, the CPU time both processes spent per message during the measuring
 * window (user + system): on a machine shared with other work the rates move with the
 * load, the CPU per message much less, so the ratio of the two is the steadier figure.
 * Loopback only; bounded in time (a warm-up and a measuring window per run) and so in
 * count.
 *
 * The nodes' figure includes everything a real run pays: the node runtime and protocol,
 * the fault model on the sending side (`Router` + message path, schema check included),
 * checked frames (CRC-32C) and the link reports to control. Goal: ≥ 70% of the anchor.
 * The nodes run twice: without a token, and with one (`--token`: every frame also carries
 * an HMAC-SHA256 tag, `nodes/tcp/peer_auth.ts`), so the cost of authentication can be
 * read off the same run.
 *
 * What a node pays beyond the anchor, per message and process (issue #22): the CRC-32C
 * of each frame on both ends (sixteen bytes per step), the runtime's input path (the
 * clocks and the protocol), and the router's send (the fault model: a plain link takes a
 * short path, `sent` is counted once per run of messages to one node, and a flush whose
 * copies all go to one node hands them over as they are). On 2 cores shared with other
 * sessions, this bench and the one before those changes in turn: five runs each gave the
 * nodes 1.35 µs of CPU per message against 1.56 µs before, 74–87% of the anchor's rate
 * (mean 80%) against 66–75% (mean 70%), with a generated vector merge since taken out
 * (about 18 ns per delivery: not worth code generation in the host every runtime shares);
 * three runs each without it gave 68–72% against 62–71%. The machine's speed moves from
 * run to run (the anchor's CPU per message from 0.7 to 1.2 µs): read the ratio of one
 * run, not the rates of two.
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

/** A rate, and the CPU time both processes spent per message (µs; NaN when unknown). */
interface Figures {
  readonly rate: number;
  readonly cpuPerMessage: number;
}

/** Messages per second bounced by two raw echo processes. */
async function rawRate(mode: "bytes" | "messages" | "batches"): Promise<Figures> {
  const timing = [String(WARMUP_MS), String(MEASURE_MS), mode];
  const server = spawn("bench/tcp_echo.ts", ["serve", "0", ...timing]);
  const out = lines(server);
  try {
    const { port } = (await out.next()).value as { port: number };
    const client = spawn("bench/tcp_echo.ts", ["dial", String(port), ...timing, String(WINDOW)]);
    try {
      type Echoed = { received: number; seconds: number; cpuMicros: number };
      const a = (await out.next()).value as Echoed;
      const b = (await lines(client).next()).value as Echoed;
      return {
        rate: a.received / a.seconds + b.received / b.seconds,
        cpuPerMessage: (a.cpuMicros + b.cpuMicros) / (a.received + b.received),
      };
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
async function nodesRate(token?: string): Promise<Figures & { dropped: number }> {
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
      const cpu0 = await cpuMicros(nodes);
      const c0 = cluster.counters();
      const t0 = performance.now();
      await delay(MEASURE_MS);
      const c1 = cluster.counters();
      const seconds = (performance.now() - t0) / 1000;
      const cpu1 = await cpuMicros(nodes);
      const delivered = c1.delivered - c0.delivered;
      return {
        rate: delivered / seconds,
        cpuPerMessage: (cpu1 - cpu0) / delivered,
        dropped: c1.dropped - c0.dropped,
      };
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

/**
 * CPU time (user + system, µs) the children have used so far, from `/proc` (Linux; NaN
 * elsewhere). The kernel counts in clock ticks of 10 ms: over a 3 s window of two busy
 * processes, about 1%.
 */
async function cpuMicros(children: Deno.ChildProcess[]): Promise<number> {
  // Read by `cat`: Deno lets a program read `/proc` only with --allow-all.
  const paths = children.map((c) => `/proc/${c.pid}/stat`);
  let text: string;
  try {
    const out = await new Deno.Command("cat", { args: paths, stderr: "null" }).output();
    if (!out.success) return NaN;
    text = new TextDecoder().decode(out.stdout);
  } catch {
    return NaN;
  }
  let ticks = 0;
  for (const stat of text.trim().split("\n")) {
    // Fields after the command name: utime and stime are the 14th and 15th overall.
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    ticks += Number(f[11]) + Number(f[12]);
  }
  return ticks * 10_000;
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
  const cpu = (f: Figures) =>
    Number.isNaN(f.cpuPerMessage) ? "" : `, ${f.cpuPerMessage.toFixed(2)} µs CPU/msg`;
  console.log(
    `tcp (2 processes on loopback, ${WINDOW} messages in flight, no faults, zero delay; ` +
      `${WARMUP_MS} ms warm-up, ${MEASURE_MS} ms measured; CPU: both processes, per message)`,
  );
  const bytes = await rawRate("bytes");
  const single = await rawRate("messages");
  const raw = await rawRate("batches");
  const nodes = await nodesRate();
  const keyed = await nodesRate("bench-shared-key");
  const pct = (n: number, of: number) => `${((n / of) * 100).toFixed(0)}%`;
  const times = (a: Figures, b: Figures) =>
    Number.isNaN(a.cpuPerMessage) ? "" : ` (${(a.cpuPerMessage / b.cpuPerMessage).toFixed(1)}×)`;
  console.log(
    `  raw TCP echo, bytes sent straight back (ceiling):              ${fmt(bytes.rate)} msgs/s` +
      cpu(bytes),
  );
  console.log(
    `  raw TCP echo, a frame per message, decoded and answered:       ${fmt(single.rate)} msgs/s` +
      cpu(single),
  );
  console.log(
    `  raw TCP echo, batches decoded and answered (anchor):           ${fmt(raw.rate)} msgs/s` +
      cpu(raw) + ` (${pct(raw.rate, bytes.rate)} of the ceiling)`,
  );
  console.log(
    `  deno task node × 2 over the TCP transport:                     ${fmt(nodes.rate)} msgs/s` +
      cpu(nodes) + `${times(nodes, raw)}: ${pct(nodes.rate, raw.rate)} of the anchor ` +
      `(goal ≥ 70%), ${pct(nodes.rate, bytes.rate)} of the ceiling, ` +
      `${pct(nodes.rate, single.rate)} of the per-message echo; ${fmt(nodes.dropped)} dropped`,
  );
  console.log(
    `  the same with --token (HMAC-SHA256 on every frame):           ${fmt(keyed.rate)} msgs/s` +
      cpu(keyed) + `${times(keyed, raw)}: ${pct(keyed.rate, raw.rate)} of the anchor, ` +
      `${pct(keyed.rate, nodes.rate)} of the run without a token; ${fmt(keyed.dropped)} dropped`,
  );
}

if (import.meta.main) await run();
