/**
 * Raft KV in the deterministic simulator (1–3 ms links, fixed seeds). Each line prints a
 * figure beside an anchor measured in the same run:
 *
 * - writes: the default flow control (4 appends in flight, up to 64 entries each)
 *   against a wide window without batching and against stop-and-wait, same
 *   closed-loop clients;
 * - reads: ReadIndex and lease reads against reads through the log;
 * - failover: time to a new leader after the leader crashes, and terms lost to a
 *   rejoining partitioned follower, PreVote + CheckQuorum against plain Raft;
 * - idle cost: messages per follower per second against the heartbeat rate;
 * - simulation speed: committed writes per wall second against the bare state machine;
 * - failover over 200 seeds (`failover_bench.ts`, also `deno task bench failover`);
 * - throughput: 3 and 5 nodes, 1 and 64 closed-loop clients, writes and ReadIndex
 *   reads, in ops per virtual second and wall µs per op, against the `register`
 *   protocol (one copy, reached through a forwarding node: one round trip, no
 *   replication) under the same load.
 *
 * The real Worker cluster is measured by `raft_cluster_bench.ts`.
 *
 * Virtual time is the simulator's; wall time is this machine's.
 *
 * @module
 */

import { Simulation } from "../nodes/simulator.ts";
import { KvStateMachine, raftKv, type RaftOp } from "../protocols/raft/mod.ts";
import { register } from "../protocols/register/register.ts";
import type { AnyProtocol, NodeId, Reply } from "../protocols/node.ts";
import { printFailover } from "./failover_bench.ts";

function leaderOf(sim: Simulation): NodeId | undefined {
  return sim.nodes.find((n) => sim.isUp(n) && sim.status(n).role === "leader");
}

function cluster(seed: number, options: Record<string, unknown>, nodes = 5): Simulation {
  const sim = new Simulation({ protocol: raftKv, nodes, seed, options });
  sim.runUntil(() => leaderOf(sim) !== undefined, 5000);
  sim.runFor(200);
  return sim;
}

interface LoadResult {
  ops: number;
  msgs: number;
  virtualMs: number;
  wallMs: number;
  latencies: number[];
}

/** `clients` closed-loop clients send `op(i)` to `target()` (the leader) for `ms` of virtual time. */
function closedLoop(
  sim: Simulation,
  clients: number,
  ms: number,
  op: (client: number, seq: number) => RaftOp,
  target: () => NodeId | undefined = () => leaderOf(sim),
): LoadResult {
  const end = sim.now() + ms;
  const sent0 = sim.stats.sent;
  const latencies: number[] = [];
  let ops = 0;
  for (let c = 0; c < clients; c++) {
    let seq = 0;
    const next = () => {
      if (sim.now() >= end) return;
      const leader = target();
      if (leader === undefined) return sim.after(10, next);
      const t0 = sim.now();
      sim.request(leader, op(c, ++seq), c + 1, (r: Reply) => {
        if (r.type === "ok") {
          ops++;
          latencies.push(sim.now() - t0);
        }
        sim.after(1, next); // 1 ms of client think time
      });
    };
    next();
  }
  const w0 = performance.now();
  sim.runUntilTime(end);
  return {
    ops,
    msgs: sim.stats.sent - sent0,
    virtualMs: ms,
    wallMs: performance.now() - w0,
    latencies,
  };
}

function p50(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function writes(options: Record<string, unknown>): LoadResult {
  const sim = cluster(1, { snapshotThreshold: 10_000, ...options });
  return closedLoop(sim, 64, 2000, (c, seq) => ({ f: "write", key: `k${c % 8}`, value: seq, seq }));
}

function reads(readMode: string): LoadResult {
  const sim = cluster(2, { readMode });
  return closedLoop(sim, 16, 1000, (c) => ({ f: "read", key: `k${c % 8}` }));
}

function failover(options: Record<string, unknown>, rounds: number): number[] {
  const sim = cluster(3, options);
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const old = leaderOf(sim);
    if (old === undefined) break;
    sim.crash(old);
    const t0 = sim.now();
    if (sim.runUntil(() => leaderOf(sim) !== undefined, 5000)) times.push(sim.now() - t0);
    sim.restart(old);
    sim.runFor(500);
  }
  return times;
}

/** A follower is cut off for 2 s and returns, `rounds` times: how many terms pass. */
function rejoinDisruption(options: Record<string, unknown>, rounds: number): number {
  const sim = cluster(5, options);
  const term0 = sim.status(leaderOf(sim)!).term!;
  for (let i = 0; i < rounds; i++) {
    const leader = leaderOf(sim);
    const f = sim.nodes.find((n) => n !== leader)!;
    const block = sim.network.isolate(f);
    sim.runFor(2000);
    sim.network.remove(block);
    sim.runFor(1000);
  }
  const leader = leaderOf(sim);
  return leader === undefined ? NaN : sim.status(leader).term! - term0;
}

function idleMessagesPerFollowerSecond(heartbeatMs: number): number {
  const sim = cluster(4, {
    heartbeatMs,
    electionMinMs: heartbeatMs * 3,
    electionMaxMs: heartbeatMs * 6,
  });
  const leader = leaderOf(sim)!;
  let sent = 0;
  sim.onTrace((e) => {
    if (e.kind === "send" && e.node === leader) sent++;
  });
  sim.runFor(5000);
  return sent / 4 / 5;
}

function stateMachineOpsPerSecond(): number {
  const sm = new KvStateMachine();
  const n = 200_000;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    sm.apply({ client: i % 64, seq: i, op: { f: "write", key: `k${i % 8}`, value: i } });
  }
  return n / ((performance.now() - t0) / 1000);
}

const fmt = (x: number, d = 0): string => x.toFixed(d);

function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = xs.map((x) => Number.isNaN(x) ? Infinity : x).sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}

// --- throughput matrix ---------------------------------------------------------------

/** Virtual ms per case: longer with one client, so that it completes ~1000 operations. */
const matrixMs = (clients: number): number => clients === 1 ? 5000 : 1000;

/** Raft (ReadIndex reads) or the register anchor under the closed-loop load. */
function matrixCase(
  protocol: AnyProtocol,
  nodes: number,
  clients: number,
  f: "write" | "read",
): LoadResult {
  const op = (c: number, seq: number): RaftOp =>
    f === "write"
      ? { f: "write", key: `k${c % 8}`, value: seq, seq }
      : { f: "read", key: `k${c % 8}` };
  let sim: Simulation;
  let target: () => NodeId | undefined;
  if (protocol === raftKv) {
    sim = cluster(10 + nodes, {}, nodes);
    target = () => leaderOf(sim);
  } else {
    sim = new Simulation({ protocol, nodes, seed: 10 + nodes });
    target = () => "n2"; // a forwarding node: one round trip to the owner n1
  }
  // Every key exists before reads start.
  closedLoop(sim, 8, 50, (c) => ({ f: "write", key: `k${c}`, value: 0 }), target);
  return closedLoop(sim, clients, matrixMs(clients), op, target);
}

function printMatrix(): void {
  console.log(
    `throughput in the simulator (1-3 ms links, closed-loop clients with 1 ms think time, ` +
      `5 s virtual with 1 client, 1 s with 64; reads are ReadIndex):`,
  );
  const line = (x: LoadResult) => {
    const rate = fmt(x.ops / (x.virtualMs / 1000));
    const us = fmt(x.wallMs * 1000 / x.ops, 1);
    const lat = `p50 ${fmt(quantile(x.latencies, 0.5), 1)} / p99 ${
      fmt(quantile(x.latencies, 0.99), 1)
    } ms`;
    return `${rate} ops/s, ${us} wall µs/op, ${lat}`;
  };
  for (const nodes of [3, 5]) {
    for (const clients of [1, 64]) {
      for (const f of ["write", "read"] as const) {
        const r = matrixCase(raftKv, nodes, clients, f);
        const a = matrixCase(register, nodes, clients, f);
        const who = `${nodes} nodes, ${String(clients).padStart(2)} client${
          clients === 1 ? " " : "s"
        }, ${f}s:`;
        console.log(`  ${who} raft ${line(r)} | anchor register via a forwarding node ${line(a)}`);
      }
    }
  }
}

/**
 * Runs every measurement and prints one line per figure with its anchor.
 *
 * @example
 * ```ts
 * import { run } from "./raft_bench.ts";
 * await run();
 * ```
 */
export async function run(): Promise<void> {
  await Promise.resolve();
  console.log("raft-kv bench: 5 nodes in the simulator, 1-3 ms links");

  const batched = writes({});
  const unbatched = writes({ maxInflight: 64, maxEntriesPerAppend: 1 });
  const stopAndWait = writes({ maxInflight: 1, maxEntriesPerAppend: 1 });
  const rate = (r: LoadResult) => r.ops / (r.virtualMs / 1000);
  const w = (name: string, r: LoadResult) =>
    `${name} ${fmt(rate(r))} ops/s, ${fmt(r.msgs / r.ops, 2)} msgs/op, p50 ${
      fmt(p50(r.latencies), 1)
    } ms`;
  console.log(
    `writes, 64 clients: ${w("window 4 + batches of 64 (default)", batched)} | anchors ${
      w("window 64, 1 entry/append", unbatched)
    }; ${w("stop-and-wait", stopAndWait)}`,
  );

  const applyRate = stateMachineOpsPerSecond();
  console.log(
    `simulation speed: ${fmt(batched.ops / (batched.wallMs / 1000))} committed writes per ` +
      `wall second (5 nodes, every message simulated) | anchor KV state machine alone ` +
      `${fmt(applyRate)} applies per wall second`,
  );

  const ri = reads("read-index");
  const lease = reads("lease");
  const log = reads("log");
  const line = (name: string, r: LoadResult) =>
    `${name} ${fmt(rate(r))} reads/s, ${fmt(r.msgs / r.ops, 2)} msgs/read, p50 ${
      fmt(p50(r.latencies), 1)
    } ms`;
  console.log(
    `reads, 16 clients: ${line("read-index", ri)}; ${line("lease", lease)} | anchor ${
      line("log reads", log)
    }`,
  );

  const pv = failover({}, 20);
  const plain = failover({ preVote: false, checkQuorum: false }, 20);
  console.log(
    `failover after a leader crash (20 crashes): PreVote+CheckQuorum p50 ${fmt(p50(pv))} ms, ` +
      `max ${fmt(Math.max(...pv))} ms | anchor plain Raft p50 ${fmt(p50(plain))} ms, ` +
      `max ${fmt(Math.max(...plain))} ms (election timeout 150-300 ms)`,
  );

  const quiet = rejoinDisruption({}, 10);
  const noisy = rejoinDisruption({ preVote: false, checkQuorum: false }, 10);
  console.log(
    `a follower cut off for 2 s rejoins, 10 times: PreVote+CheckQuorum ${quiet} new terms | ` +
      `anchor plain Raft ${noisy} new terms`,
  );

  for (const hb of [50, 333]) {
    console.log(
      `idle leader, heartbeat ${hb} ms: ${fmt(idleMessagesPerFollowerSecond(hb), 2)} ` +
        `msgs/follower/s | anchor heartbeat rate ${fmt(1000 / hb, 2)}/s`,
    );
  }

  printFailover(200);
  printMatrix();
}

if (import.meta.main) await run();
