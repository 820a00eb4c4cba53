/**
 * REST API throughput and latency: PUT and linearizable GET through `/api/v1/kv` of a
 * 3-node `raft-kv` cluster (the real `main.ts` process, on loopback), with 1 and 64
 * concurrent clients, in memory, with each node an OS process (`--processes`), and with
 * `--data-dir` (fsync, group commit).
 *
 * Anchors, measured in the same run: the HTTP floor (a bare `Deno.serve` answering a
 * small JSON body, driven by the same load generator) and, at 64 connections, the same
 * floor served by three threads on one port (`reusePort`: what serving HTTP in Workers,
 * item 2 of issue #16, could reach at best on this machine); when `etcd` is on PATH, a
 * 3-member etcd on loopback driven through its v3 JSON gateway with the same load, up
 * (idle) beside every 3-node cluster so that each line shares the machine alike, and
 * for the `--data-dir` lines run three times alternating with distlab, each side's
 * median printed with the ratio distlab / etcd;
 * `--data-dir` with `--option parallelWrite=false` (the leader syncs its log before it
 * sends AppendEntries), against which the parallel write's PUT latency is printed;
 * `--data-dir` with `--links routed` (every node-to-node message through the main
 * thread's router), the anchor of the direct links; and 5 nodes beside a 5-member etcd
 * (alternating too). During each 64-connection run the CPU share of every thread of the
 * server process is printed (from `/proc/PID/task`, in % of one core): the main thread,
 * each node's Worker, and the rest (the runtime's I/O and V8 helper threads); and the
 * server's CPU time per request, which a machine shared with other work moves less than
 * the rates.
 *
 * `DISTLAB_BENCH_API=focus` runs only the 64-connection lines of the 3-node `--data-dir`
 * cluster (after the 1-connection runs, unprinted, as a warm-up) and of the 3-member etcd
 * anchor (with the HTTP floor), for quick before/after comparisons:
 * `DISTLAB_BENCH_API=focus deno task bench api`.
 *
 * @module
 */

import { formatResult, type LoadResult, runLoad } from "./api_load.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;

interface Proc {
  readonly url: string;
  /** The process id, for reading its memory from /proc. */
  readonly pid: number;
  stop(): Promise<void>;
}

/** Spawns `args` and waits for `pattern` on stdout; its first group is the URL. */
export async function spawn(cmd: string, args: string[], pattern: RegExp): Promise<Proc> {
  const child = new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  let m: RegExpExecArray | null = null;
  while ((m = pattern.exec(text)) === null) {
    const { value, done } = await reader.read();
    if (done) {
      const err = await new Response(child.stderr).text();
      throw new Error(`${cmd} did not start: ${text}${err}`.slice(0, 500));
    }
    text += value;
  }
  // Keep draining so the child never blocks on a full pipe.
  (async () => {
    for (;;) if ((await reader.read()).done) break;
  })();
  child.stderr.cancel();
  return {
    url: m[1]!,
    pid: child.pid,
    async stop() {
      try {
        child.kill("SIGINT");
      } catch {
        // Already gone.
      }
      await child.status;
    },
  };
}

/** Resolves once the cluster at `url` has a leader (throws after 10 s). */
export async function waitLeader(url: string): Promise<void> {
  const deadline = performance.now() + 10_000;
  while (performance.now() < deadline) {
    const res = await fetch(`${url}/api/v1/leader`);
    await res.body?.cancel();
    if (res.status === 200) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("no leader within 10 s");
}

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/**
 * CPU ticks (1/100 s) used so far by each thread of `pid`, by thread name. Read through
 * `cat`: Deno lets a program read `/proc` itself only with every permission.
 */
async function threadTicks(pid: number): Promise<Map<string, number>> {
  const ticks = new Map<string, number>();
  const out = await new Deno.Command("sh", {
    args: ["-c", `cat /proc/${pid}/task/*/stat 2>/dev/null`],
    stdout: "piped",
    stderr: "null",
  }).output().catch(() => null);
  if (out === null) return ticks; // no shell, or not Linux
  for (const stat of new TextDecoder().decode(out.stdout).split("\n")) {
    if (stat === "") continue;
    const tid = stat.slice(0, stat.indexOf(" "));
    const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // Fields 14 and 15 of stat (utime, stime); f starts at field 3.
    const used = Number(f[11]) + Number(f[12]);
    const key = tid === String(pid) ? "main" : /^worker-\d+$/.test(name) ? name : "other";
    ticks.set(key, (ticks.get(key) ?? 0) + used);
  }
  return ticks;
}

/**
 * Each thread's share of one core between two {@link threadTicks} readings, and the
 * server's CPU time per successful request (steadier than a rate on a shared machine).
 */
function threadShares(
  before: Map<string, number>,
  after: Map<string, number>,
  ms: number,
  requests: number,
): string {
  const rows = [...after].map(([name, t]) => [name, (t - (before.get(name) ?? 0)) / (ms / 10)]);
  const order = (n: string) => n === "main" ? -1 : n === "other" ? 1e9 : Number(n.slice(7));
  rows.sort((a, b) => order(a[0] as string) - order(b[0] as string));
  let ticks = 0;
  for (const [name, t] of after) ticks += t - (before.get(name) ?? 0);
  const perRequest = requests > 0
    ? `; server CPU ${(ticks * 10_000 / requests).toFixed(0)} us/request`
    : "";
  return rows.map(([name, share]) => `${name} ${((share as number) * 100).toFixed(0)}%`).join(
    ", ",
  ) + perRequest;
}

/** A running etcd cluster: its client URL, version, and how to stop it. */
type Etcd = { url: string; version: string; stop(): Promise<void> };

/**
 * An etcd cluster of `size` members on loopback, or null when `etcd` is not installed;
 * throws (its members stopped) when it does not become ready.
 */
async function startEtcd(
  dir: string,
  size = 3,
): Promise<Etcd | null> {
  let version: string;
  try {
    const out = await new Deno.Command("etcd", {
      args: ["--version"],
      stdout: "piped",
      stderr: "null",
    })
      .output();
    version = /etcd Version: (\S+)/.exec(new TextDecoder().decode(out.stdout))?.[1] ?? "?";
  } catch {
    return null;
  }
  const members = Array.from(
    { length: size },
    (_, i) => ({ name: `e${i + 1}`, client: freePort(), peer: freePort() }),
  );
  const initial = members.map((m) => `${m.name}=http://127.0.0.1:${m.peer}`).join(",");
  const children = members.map((m) =>
    new Deno.Command("etcd", {
      args: [
        "--name",
        m.name,
        "--data-dir",
        `${dir}/${m.name}`,
        "--listen-client-urls",
        `http://127.0.0.1:${m.client}`,
        "--advertise-client-urls",
        `http://127.0.0.1:${m.client}`,
        "--listen-peer-urls",
        `http://127.0.0.1:${m.peer}`,
        "--initial-advertise-peer-urls",
        `http://127.0.0.1:${m.peer}`,
        "--initial-cluster",
        initial,
        "--initial-cluster-state",
        "new",
        "--initial-cluster-token",
        "distlab-bench",
        "--log-level",
        "error",
      ],
      stdout: "null",
      stderr: "null",
    }).spawn()
  );
  const url = `http://127.0.0.1:${members[0]!.client}`;
  const stop = async () => {
    for (const c of children) {
      try {
        c.kill("SIGTERM");
      } catch {
        // Already gone.
      }
    }
    await Promise.all(children.map((c) => c.status));
  };
  const deadline = performance.now() + 15_000;
  for (;;) {
    try {
      const res = await fetch(`${url}/v3/kv/put`, {
        method: "POST",
        body: JSON.stringify({ key: btoa("ready"), value: btoa("1") }),
      });
      await res.body?.cancel();
      if (res.status === 200) return { url, version, stop };
    } catch {
      // Not listening yet.
    }
    if (performance.now() > deadline) {
      await stop();
      throw new Error("etcd did not become ready within 15 s");
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Runs of each line for a `--data-dir` cluster and its etcd anchor, alternating
 * (distlab, etcd, distlab, …) while both clusters are up, each side's median printed:
 * on a machine shared with other work, a ratio of two runs minutes apart measured the
 * neighbours as much as the servers.
 */
const HEAD_TO_HEAD = 3;

/** The median throughput, p50 and p99 of `runs` (each its own median); counts summed. */
function median(runs: readonly LoadResult[]): LoadResult {
  if (runs.length === 1) return runs[0]!;
  const mid = <K extends "throughput" | "p50" | "p99">(k: K) =>
    runs.map((r) => r[k]).sort((a, b) => a - b)[Math.floor(runs.length / 2)]!;
  const statuses: Record<string, number> = {};
  for (const r of runs) {
    for (const [k, n] of Object.entries(r.statuses)) statuses[k] = (statuses[k] ?? 0) + n;
  }
  return {
    ok: runs.reduce((a, r) => a + r.ok, 0),
    unavailable: runs.reduce((a, r) => a + (r.unavailable ?? 0), 0),
    failed: runs.reduce((a, r) => a + r.failed, 0),
    statuses,
    seconds: runs.reduce((a, r) => a + r.seconds, 0),
    throughput: mid("throughput"),
    p50: mid("p50"),
    p99: mid("p99"),
  };
}

/** Threads of the second HTTP floor: the main thread and two Workers on one port. */
const FLOOR_THREADS = 3;

/**
 * `deno eval` arguments of the HTTP floor: a bare `Deno.serve` answering a small JSON
 * body, on `threads` threads sharing one port (`reusePort`: the kernel spreads the
 * connections), the shape item 2 of issue #16 suggests for serving HTTP in Workers.
 */
function floorArgs(threads: number): string[] {
  const port = threads === 1 ? 0 : freePort();
  const serve = (onListen: string) =>
    `Deno.serve({ hostname: "127.0.0.1", port: ${port}, reusePort: ${threads > 1}, ` +
    `onListen: ${onListen} }, async (req) => { await req.text(); ` +
    `return Response.json({ key: "k", value: 1, node: "n1" }); });`;
  const workers = `for (let i = 1; i < ${threads}; i++) new Worker(URL.createObjectURL(` +
    `new Blob([${JSON.stringify(serve("() => {}"))}], { type: "application/javascript" })), ` +
    `{ type: "module" });`;
  return [
    "eval",
    "--unstable-net",
    workers +
    serve(`({ port }) => console.log("URL http://127.0.0.1:" + port)`),
  ];
}

const FULL_PLAN = [
  { op: "put", concurrency: 1, requests: 500, maxMs: 3000 },
  { op: "get", concurrency: 1, requests: 500, maxMs: 3000 },
  { op: "put", concurrency: 64, requests: 60_000, maxMs: 4000 },
  { op: "get", concurrency: 64, requests: 60_000, maxMs: 4000 },
] as const;

/** `DISTLAB_BENCH_API=focus`: only the 64-connection lines (see the module doc). */
const FOCUS = Deno.env.get("DISTLAB_BENCH_API") === "focus";
const PLAN = FOCUS ? FULL_PLAN.filter((p) => p.concurrency === 64) : FULL_PLAN;

const label = (p: (typeof FULL_PLAN)[number]) => `${p.op} c=${String(p.concurrency).padEnd(2)}`;

/**
 * Runs the benchmark and prints its figures.
 *
 * @example
 * ```ts ignore
 * import { run } from "./api_bench.ts";
 * await run();
 * ```
 */
export async function run(): Promise<void> {
  const tmp = await Deno.makeTempDir({ prefix: "distlab-api-bench-" });
  const results = new Map<string, LoadResult>();
  try {
    console.log(
      "api: 3-node raft-kv behind the REST API (main.ts process), loopback, one load process; " +
        "no simulated latency (only the real hop between Workers); 2 cores shared by the " +
        "server, its Workers and the load",
    );

    for (const threads of [1, FLOOR_THREADS]) {
      const floor = await spawn(Deno.execPath(), floorArgs(threads), /URL (\S+)/);
      try {
        for (const p of PLAN) {
          // The threaded floor answers only the question of item 2 (does serving HTTP
          // on more threads lift the ceiling?), at 64 connections.
          if (threads > 1 && p.concurrency !== 64) continue;
          const before = await threadTicks(floor.pid);
          const r = await runLoad({
            url: floor.url,
            ...p,
            target: "distlab",
          });
          const key = threads === 1 ? "floor" : "threaded floor";
          results.set(`${key} ${label(p)}`, r);
          const cpu = p.concurrency === 64
            ? `   (${threadShares(before, await threadTicks(floor.pid), r.seconds * 1000, r.ok)})`
            : "";
          const one = results.get(`floor ${label(p)}`)!;
          console.log(
            threads === 1
              ? `anchor  http floor  ${label(p)} ${formatResult(r)}${cpu}`
              : `anchor  http floor, ${threads} threads (reusePort)  ${label(p)} ` +
                `${formatResult(r)}${cpu}   ${(r.throughput / one.throughput).toFixed(2)}x ` +
                "the one-thread floor",
          );
        }
      } finally {
        await floor.stop();
      }
    }

    // "processes": in memory too, each node an OS process (--processes) instead of a Worker.
    // "serial": --data-dir with the leader's parallel write off (it syncs, then sends):
    // the anchor of the parallel write (Raft thesis §10.2.1), same run.
    // "routed": --data-dir with every node-to-node message through the main thread.
    // "5 nodes": --data-dir with five nodes (beside a 5-member etcd).
    const allKinds = ["memory", "processes", "data-dir", "serial", "routed", "5 nodes"] as const;
    const kinds = FOCUS ? (["data-dir"] as const) : allKinds;
    let etcdMissing = false;
    /** The etcd cluster up beside the clusters measured now, and its size. */
    let beside: { size: number; etcd: Etcd } | null = null;
    const besideEtcd = async (size: number): Promise<Etcd | null> => {
      if (beside?.size === size) return beside.etcd;
      await beside?.etcd.stop();
      beside = null;
      if (etcdMissing) return null;
      try {
        const etcd = await startEtcd(`${tmp}/etcd-${size}`, size);
        if (etcd === null) {
          etcdMissing = true;
          console.log("anchor  etcd: not on PATH (Debian package etcd-server); skipped");
          return null;
        }
        beside = { size, etcd };
        return etcd;
      } catch (e) {
        console.log(`anchor  etcd (${size} members): ${(e as Error).message}; skipped`);
        return null;
      }
    };
    try {
      for (const storage of kinds) {
        const nodes = storage === "5 nodes" ? "5" : "3";
        const args = ["run", "-A", MAIN, "--port", "0", "--nodes", nodes, "--protocol", "raft-kv"];
        if (storage === "data-dir" || storage === "5 nodes") {
          args.push("--data-dir", `${tmp}/distlab-${nodes}`);
        }
        if (storage === "serial") {
          args.push("--data-dir", `${tmp}/serial`, "--option", "parallelWrite=false");
        }
        if (storage === "routed") args.push("--data-dir", `${tmp}/routed`, "--links", "routed");
        if (storage === "processes") args.push("--processes");
        // etcd with as many members runs beside every cluster (idle but for the lines it is
        // compared on), so that every 3-node line shares the machine alike; the --data-dir
        // lines alternate the two (see HEAD_TO_HEAD).
        const size = storage === "5 nodes" ? 5 : 3;
        const compared = storage === "data-dir" || storage === "5 nodes";
        const idle = await besideEtcd(size);
        const etcd = compared ? idle : null;
        let server: Proc | null = null;
        try {
          server = await spawn(Deno.execPath(), args, /API: (\S+)\/api\/v1/);
          await waitLeader(server.url);
          // Focused: warm the server up as the full run's 1-connection lines would.
          if (FOCUS) {
            for (const p of FULL_PLAN) {
              if (p.concurrency === 1) await runLoad({ url: server.url, ...p });
            }
          }
          for (const p of PLAN) {
            const busy = p.concurrency === 64;
            const rounds = etcd === null ? 1 : HEAD_TO_HEAD;
            const ours: LoadResult[] = [];
            const theirs: LoadResult[] = [];
            for (let round = 0; round < rounds; round++) {
              // Each side goes first in turn: what one run leaves behind (compaction, GC)
              // falls on both.
              const etcdFirst = etcd !== null && round % 2 === 1;
              if (etcdFirst) theirs.push(await runLoad({ url: etcd!.url, ...p, target: "etcd" }));
              const before = busy && round === 0 ? await threadTicks(server.pid) : null;
              const r = await runLoad({ url: server.url, ...p });
              if (before !== null) {
                console.log(
                  `threads ${storage.padEnd(9)}  ${label(p)} ` +
                    threadShares(before, await threadTicks(server.pid), r.seconds * 1000, r.ok),
                );
              }
              ours.push(r);
              if (etcd !== null && !etcdFirst) {
                theirs.push(await runLoad({ url: etcd.url, ...p, target: "etcd" }));
              }
            }
            const r = median(ours);
            results.set(`${storage} ${label(p)}`, r);
            const f = results.get(`floor ${label(p)}`)!;
            const w = results.get(`memory ${label(p)}`);
            console.log(
              `distlab ${storage.padEnd(9)}  ${label(p)} ${formatResult(r)}   ` +
                `(${(r.throughput / f.throughput * 100).toFixed(1)}% of the HTTP floor` +
                (storage === "processes"
                  ? `, ${(r.throughput / w!.throughput * 100).toFixed(1)}% of Workers)`
                  : ")") +
                (rounds > 1 ? `  [median of ${rounds}]` : ""),
            );
            if (etcd !== null) {
              const e = median(theirs);
              console.log(
                `anchor  etcd ${etcd.version} (${size} members, fsync)  ${label(p)} ` +
                  `${formatResult(e)}   distlab --data-dir / etcd: ` +
                  `${(r.throughput / e.throughput).toFixed(2)}x throughput, ` +
                  `p50 ${(r.p50 / e.p50).toFixed(2)}x, p99 ${(r.p99 / e.p99).toFixed(2)}x` +
                  `  [median of ${rounds}, alternating]`,
              );
            }
            const d = results.get(`data-dir ${label(p)}`);
            if (storage === "routed" && d !== undefined) {
              console.log(
                `anchor  direct links  ${label(p)} ${(d.throughput / r.throughput).toFixed(2)}x ` +
                  `the throughput of routed, p50 ${d.p50.toFixed(2)} vs ${r.p50.toFixed(2)} ms`,
              );
            }
            if (storage === "serial" && p.op === "put" && d !== undefined) {
              console.log(
                `anchor  parallel write  ${label(p)} p50 ${d.p50.toFixed(2)} ms parallel vs ` +
                  `${r.p50.toFixed(2)} ms serial (${(r.p50 / d.p50).toFixed(2)}x), ` +
                  `${(d.throughput / r.throughput).toFixed(2)}x throughput`,
              );
            }
          }
        } finally {
          await server?.stop();
        }
      }
    } finally {
      // Set by besideEtcd: the compiler does not follow assignments made in a closure.
      await (beside as { etcd: Etcd } | null)?.etcd.stop();
    }
  } finally {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
  }
}

if (import.meta.main) await run();
