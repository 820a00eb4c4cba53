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
 * - failover over 200 seeds: a 5-node cluster under a steady write load, its leader
 *   crashed at a seeded moment; the time from the crash until a new leader acknowledges
 *   a client write (p50 / p99 / max, in ms and in minimum election timeouts), against
 *   the detection part alone (crash → first follower timeout, floor `electionMinMs`) and
 *   against plain Raft (PreVote and CheckQuorum off) on the same seeds; also with
 *   150–200 ms timeouts, the setting of the Raft paper's best worst case (513 ms, §9.3,
 *   measured to a new leader rather than to a commit);
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
import { createRng } from "../protocols/random.ts";
import type { AnyProtocol, NodeId, Reply } from "../protocols/node.ts";
import type { TraceEvent } from "../nodes/trace.ts";

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

// --- failover over many seeds --------------------------------------------------------

const ELECTION_MIN_MS = 150; // the default `electionMinMs`; results are also given in multiples
const WRITERS = 8;
const CLIENT_TIMEOUT_MS = 50; // about ten times a write's latency under this load
const CLIENT_BACKOFF_MS = 5;
const THINK_MS = 1;

/** What one crash of the leader cost, each in ms after the crash. */
interface FailoverTrial {
  /** The first follower's election timer fired (a PreVote or vote round began). */
  detectMs: number;
  /** A new leader was elected. */
  electedMs: number;
  /** A new leader acknowledged a client write: the service is back. */
  committedMs: number;
  /** Campaigns begun between the crash and the new leader (a PreVote round, or a real
   * election without PreVote); more than one means a stale log or a split vote. */
  campaigns: number;
}

/**
 * A client writing in a loop as a real one must: it starts at some node, follows `not
 * leader` hints, gives up on a node after {@link CLIENT_TIMEOUT_MS} without an answer and
 * then tries the next one, and ignores hints that point at a node that recently timed
 * out (followers keep naming the crashed leader until their own timers fire). A retry
 * keeps its session `seq`, so the write is applied once.
 */
function writer(
  sim: Simulation,
  client: number,
  acked: (node: NodeId) => void,
): void {
  const nodes = sim.nodes;
  let target = nodes[client % nodes.length]!;
  const timedOut = new Map<NodeId, number>();
  const suspect = (n: NodeId) => sim.now() - (timedOut.get(n) ?? -Infinity) < 500;
  const after = (n: NodeId): NodeId => {
    for (let i = 1; i <= nodes.length; i++) {
      const c = nodes[(nodes.indexOf(n) + i) % nodes.length]!;
      if (!suspect(c)) return c;
    }
    return nodes[(nodes.indexOf(n) + 1) % nodes.length]!;
  };
  let seq = 0;
  let attempt = 0;
  const send = (op: RaftOp) => {
    const mine = ++attempt;
    const node = target;
    sim.request(node, op, client, (r: Reply) => {
      if (mine !== attempt) return; // this attempt already timed out
      attempt++;
      if (r.type === "ok") {
        acked(node);
        sim.after(THINK_MS, write);
      } else if (r.type === "fail" && r.leader !== undefined && !suspect(r.leader)) {
        target = r.leader;
        send(op);
      } else {
        target = after(node);
        sim.after(CLIENT_BACKOFF_MS, () => send(op));
      }
    });
    sim.after(CLIENT_TIMEOUT_MS, () => {
      if (mine !== attempt) return;
      attempt++;
      timedOut.set(node, sim.now());
      target = after(node);
      send(op);
    });
  };
  const write = () => {
    seq++;
    send({ f: "write", key: `k${client}`, value: seq, seq });
  };
  write();
}

/**
 * One seed: 5 nodes, {@link WRITERS} writers, the leader crashed at a seeded moment 0.3–1.3 s
 * into the load; runs until a new leader acknowledges a write (or 5 s pass).
 */
function failoverTrial(seed: number, options: Record<string, unknown>): FailoverTrial {
  const sim = new Simulation({ protocol: raftKv, nodes: 5, seed, options });
  if (!sim.runUntil(() => leaderOf(sim) !== undefined, 5000)) throw new Error(`seed ${seed}`);
  const old = leaderOf(sim)!;
  let crashAt = Infinity;
  let committedAt = NaN;
  let detectAt = NaN;
  let electedAt = NaN;
  let campaigns = 0;
  const preVote = options.preVote !== false;
  for (let c = 0; c < WRITERS; c++) {
    writer(sim, c + 1, (node) => {
      if (node !== old && sim.now() >= crashAt && Number.isNaN(committedAt)) {
        committedAt = sim.now();
      }
    });
  }
  const at = sim.now() + 300 + createRng(`crash:${seed}`).next() * 1000;
  sim.at(at, () => {
    crashAt = sim.now();
    sim.crash(old);
    // Tracing from here only: it costs, and only the events after the crash count.
    sim.onTrace((e: TraceEvent) => {
      if (!Number.isNaN(electedAt)) return;
      if (e.kind === "election") {
        if ((e.data as { pre?: boolean }).pre === true || !preVote) campaigns++;
        if (Number.isNaN(detectAt)) detectAt = e.time;
      } else if (e.kind === "role" && (e.data as { role?: string }).role === "leader") {
        electedAt = e.time;
      }
    });
  });
  sim.runUntil(() => !Number.isNaN(committedAt), at - sim.now() + 5000);
  return {
    detectMs: detectAt - crashAt,
    electedMs: electedAt - crashAt,
    committedMs: committedAt - crashAt,
    campaigns,
  };
}

function failoverSeeds(seeds: number, options: Record<string, unknown>): FailoverTrial[] {
  const trials: FailoverTrial[] = [];
  for (let seed = 1; seed <= seeds; seed++) trials.push(failoverTrial(seed, options));
  return trials;
}

/** Nearest-rank quantile (NaN, a trial that never finished, counts as the worst). */
function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = xs.map((x) => Number.isNaN(x) ? Infinity : x).sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}

/** `p50 … p99 … max …` in ms and in minimum election timeouts. */
function spread(xs: readonly number[]): string {
  const one = (name: string, v: number) => `${name} ${fmt(v)} ms (${fmt(v / ELECTION_MIN_MS, 2)}×)`;
  return [
    one("p50", quantile(xs, 0.5)),
    one("p99", quantile(xs, 0.99)),
    one("max", quantile(xs, 1)),
  ].join(", ");
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

function printFailover(seeds: number): void {
  const w0 = performance.now();
  const pv = failoverSeeds(seeds, {});
  const plain = failoverSeeds(seeds, { preVote: false, checkQuorum: false });
  const narrow = failoverSeeds(seeds, { electionMaxMs: 200 });
  const wallS = (performance.now() - w0) / 1000;
  const committed = pv.map((t) => t.committedMs);
  const p99 = quantile(committed, 0.99);
  const goal = 1.7 * ELECTION_MIN_MS;
  const retried = (ts: FailoverTrial[]) =>
    `${ts.filter((t) => t.campaigns > 1).length} of ${seeds} needed more than one campaign`;
  const firstTimer = firstTimerQuantile(0.99, 4);
  console.log(
    `failover, ${seeds} seeds (5 nodes, ${WRITERS} writers, leader crashed at a seeded moment, ` +
      `election timeout 150-300 ms, heartbeat 50 ms; ${fmt(wallS, 1)} s wall for 3 × ${seeds} ` +
      `runs):`,
  );
  console.log(
    `  crash -> first write acked by the new leader, PreVote+CheckQuorum: ${spread(committed)}` +
      ` | goal p99 <= 1.7× = ${fmt(goal)} ms: ${p99 <= goal ? "met" : "missed"}`,
  );
  console.log(
    `    of which crash -> first follower timeout: ${spread(pv.map((t) => t.detectMs))}; ` +
      `crash -> new leader: ${spread(pv.map((t) => t.electedMs))}; ` +
      `${retried(pv)} (a stale log or a split vote)`,
  );
  // The part no protocol removes is the first timer; what Raft adds on top is the rest.
  const detectP99 = quantile(pv.map((t) => t.detectMs), 0.99);
  const added = p99 - detectP99;
  console.log(
    `    at p99, crash -> first write acked minus crash -> first follower timeout: ` +
      `${fmt(p99)} - ${fmt(detectP99)} = ${fmt(added)} ms | goal <= 30 ms: ` +
      `${added <= 30 ? "met" : "missed"}`,
  );
  console.log(
    `  anchor detection floor: electionMinMs ${ELECTION_MIN_MS} ms (1.00×); the first of 4 ` +
      `timers drawn from U(150, 300) has p99 ${fmt(firstTimer)} ms ` +
      `(${fmt(firstTimer / ELECTION_MIN_MS, 2)}×) before any message is sent`,
  );
  console.log(
    `  anchor plain Raft (no PreVote/CheckQuorum), same seeds: ` +
      `${spread(plain.map((t) => t.committedMs))}; ${retried(plain)}`,
  );
  console.log(
    `  for comparison, 150-200 ms timeouts (the paper's best worst case), same seeds: ` +
      `${spread(narrow.map((t) => t.committedMs))}; ${retried(narrow)}`,
  );
  console.log(
    `  reference, Raft paper section 9.3 / Fig. 16: worst of 1000 trials 513 ms (3.42×) with ` +
      `150-200 ms timeouts, measured to a new leader (no commit), ~15 ms broadcast time, logs ` +
      `of unequal length, crash at a random moment of the 75 ms heartbeat interval`,
  );
}

/** The `q` quantile of the earliest of `k` timers drawn uniformly from [150, 300) ms. */
function firstTimerQuantile(q: number, k: number): number {
  // P(min > x) = ((300 − x) / 150)^k
  return 300 - 150 * Math.pow(1 - q, 1 / k);
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
