/**
 * Process-node host throughput and latency: messages per second between two
 * echo-forwarding OS processes through the Maelstrom host (parse, the shared fault path
 * with no faults and zero delay, Lamport stamp, journal, write), beside a raw relay of
 * the same two programs in the same run — the host process moving bytes from one pipe to
 * the other with no parsing (goal: host ≥ 50% of raw). Then the latency the host adds
 * (from reading a message off the sender's stdout to writing it to the receiver's stdin)
 * at p50 and p99 with 1,000 messages per second offered (goal: p99 < 1 ms).
 *
 * Run: `deno run --allow-read --allow-write --allow-run --allow-env bench/maelstrom_bench.ts`.
 *
 * @module
 */

import { setTimeout as delay } from "node:timers/promises";
import { createRpc } from "../maelstrom/client_rpc.ts";
import { startHost } from "../maelstrom/host.ts";

const WINDOW = 64;
const WARMUP_MS = 500;
const MEASURE_MS = 2000;
const PACED_RATE = 1000;
const PACED_MS = 3000;

/**
 * The forwarder: answers `init`, bounces every `ping` back to its sender, on `start`
 * sends `window` pings to `peer`, on `tick` sends one ping to `peer` that is absorbed.
 */
const FORWARDER = `import json, sys
me = None
out = sys.stdout
for line in sys.stdin:
    m = json.loads(line)
    b = m["body"]
    t = b["type"]
    if t == "ping":
        out.write(json.dumps({"src": m["dest"], "dest": m["src"], "body": b}) + "\\n")
    elif t == "init":
        me = b["node_id"]
        out.write(json.dumps({"src": me, "dest": m["src"], "body": {"type": "init_ok", "in_reply_to": b["msg_id"]}}) + "\\n")
    elif t == "start":
        for i in range(b["window"]):
            out.write(json.dumps({"src": me, "dest": b["peer"], "body": {"type": "ping", "n": i}}) + "\\n")
    elif t == "tick":
        out.write(json.dumps({"src": me, "dest": b["peer"], "body": {"type": "sink"}}) + "\\n")
    out.flush()
`;

async function withForwarder<T>(f: (path: string, logDir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "distlab-maelstrom-bench-" });
  try {
    await Deno.writeTextFile(`${dir}/forward.py`, FORWARDER);
    return await f(`${dir}/forward.py`, dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Two forwarders whose stdout is piped to each other's stdin by this process, bytes only. */
async function rawRate(program: string): Promise<number> {
  const spawn = () =>
    new Deno.Command("python3", {
      args: [program],
      stdin: "piped",
      stdout: "piped",
      stderr: "null",
    })
      .spawn();
  const a = spawn();
  const b = spawn();
  let lines = 0;
  const counting = () =>
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, c) {
        for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) lines++;
        c.enqueue(chunk);
      },
    });
  const enc = new TextEncoder();
  const aIn = a.stdin.getWriter();
  const pings = Array.from(
    { length: WINDOW },
    (_, i) => JSON.stringify({ src: "n1", dest: "n0", body: { type: "ping", n: i } }) + "\n",
  );
  await aIn.write(enc.encode(pings.join("")));
  aIn.releaseLock();
  const ab = a.stdout.pipeThrough(counting()).pipeTo(b.stdin).catch(() => {});
  const ba = b.stdout.pipeThrough(counting()).pipeTo(a.stdin).catch(() => {});
  try {
    await delay(WARMUP_MS);
    const c0 = lines;
    const t0 = performance.now();
    await delay(MEASURE_MS);
    return (lines - c0) / ((performance.now() - t0) / 1000);
  } finally {
    a.kill("SIGKILL");
    b.kill("SIGKILL");
    await Promise.all([a.status, b.status, ab, ba]);
  }
}

async function hostRun<T>(
  program: string,
  logDir: string,
  f: (h: ReturnType<typeof startHost>, rpc: ReturnType<typeof createRpc>) => Promise<T>,
): Promise<T> {
  const rpc = createRpc((src, dest, body) => host.sendToNode(src, dest, body));
  const host = startHost({
    nodeIds: ["n0", "n1"],
    command: ["python3", program],
    logDir,
    random: () => 0.5,
    latency: { kind: "constant", ms: 0 },
    onClientMessage: (m) => rpc.deliver(m),
    onFatal: (line) => console.error(`  host: ${line}`),
  });
  try {
    await host.spawnAll();
    await Promise.all(["n0", "n1"].map((id) => host.init(id, 10_000)));
    return await f(host, rpc);
  } finally {
    rpc.cancelAll();
    await host.close();
  }
}

/** The same two forwarders as host nodes: every message through the host's fault path. */
function hostRate(program: string, logDir: string): Promise<number> {
  return hostRun(program, logDir, async (host) => {
    host.sendToNode("c1", "n0", { type: "start", msg_id: 1, peer: "n1", window: WINDOW });
    await delay(WARMUP_MS);
    const c0 = host.counters.total.delivered;
    const t0 = performance.now();
    await delay(MEASURE_MS);
    const rate = (host.counters.total.delivered - c0) / ((performance.now() - t0) / 1000);
    host.journal.length = 0;
    return rate;
  });
}

/** Host-added latency (ms) of node-to-node messages at `PACED_RATE` messages per second. */
function hostLatency(
  program: string,
  logDir: string,
): Promise<{ p50: number; p99: number; n: number }> {
  return hostRun(program, logDir, async (host) => {
    const start = host.journal.length;
    const t0 = performance.now();
    let sent = 0;
    while (performance.now() - t0 < PACED_MS) {
      const due = Math.floor(((performance.now() - t0) / 1000) * PACED_RATE);
      for (; sent < due; sent++) {
        host.sendToNode("c1", "n0", { type: "tick", msg_id: sent, peer: "n1" });
      }
      await delay(5); // timers are coarse: offer the rate in small bursts
    }
    await delay(200);
    const lat: number[] = [];
    // With no faults the link is FIFO: the i-th send is the i-th receive.
    const sendTimes = host.journal.slice(start).filter((e) => e.kind === "send" && e.src === "n0")
      .map((e) => e.time);
    const recvTimes = host.journal.slice(start).filter((e) => e.kind === "recv" && e.dest === "n1")
      .map((e) => e.time);
    for (let i = 0; i < Math.min(sendTimes.length, recvTimes.length); i++) {
      lat.push(recvTimes[i]! - sendTimes[i]!);
    }
    lat.sort((a, b) => a - b);
    const q = (p: number) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] ?? NaN;
    return { p50: q(0.5), p99: q(0.99), n: lat.length };
  });
}

/**
 * Prints the host's figures beside the raw relay's.
 *
 * @example
 * ```ts ignore
 * import { run } from "./maelstrom_bench.ts";
 * await run();
 * ```
 */
export async function run(): Promise<void> {
  const fmt = (n: number) => Math.round(n).toLocaleString("en");
  await withForwarder(async (program, dir) => {
    console.log(`maelstrom host (2 Python forwarders, ${WINDOW} messages in flight, no faults)`);
    const raw = await rawRate(program);
    const host = await hostRate(program, dir);
    console.log(`  raw pipe relay between the two processes (anchor): ${fmt(raw)} msgs/s`);
    console.log(
      `  through the host and the fault path:               ${fmt(host)} msgs/s ` +
        `(${((host / raw) * 100).toFixed(0)}% of raw; goal ≥ 50%)`,
    );
    const l = await hostLatency(program, dir);
    console.log(
      `  host-added latency at ${fmt(PACED_RATE)} msgs/s: p50 ${l.p50.toFixed(3)} ms, ` +
        `p99 ${l.p99.toFixed(3)} ms over ${fmt(l.n)} messages (goal: p99 < 1 ms)`,
    );
  });
}

if (import.meta.main) await run();
