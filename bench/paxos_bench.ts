/**
 * Multi-Paxos (`paxos-kv`) in the simulator: throughput and messages per operation with
 * 1 and 64 concurrent closed-loop clients (0.5 ms from the node, each way) on a
 * five-node cluster, after a leader is elected. Anchors measured in the same run: the steady-state bound 2(N−1) messages per
 * operation, beside raft-kv on the same workload, and the `register` protocol (one copy, no agreement; clients talk to its
 * owner) under the same load, so the price of agreement shows per operation.
 *
 * Figures per configuration: operations per simulated second, messages per operation
 * (all, and beyond the idle cluster's heartbeat traffic over the same time), client latency p50/p99 in simulated ms, and the
 * simulator's real cost in µs per operation.
 *
 * Run: `deno run -A bench/paxos_bench.ts`
 *
 * @module
 */

import { Simulation } from "../nodes/simulator.ts";
import type { AnyProtocol, NodeId } from "../protocols/node.ts";
import { paxosKv } from "../protocols/paxos/multi_paxos.ts";
import { register } from "../protocols/register/register.ts";
import { raftKv } from "../protocols/raft/mod.ts";

const NODES = 5;
const SECONDS = 4;
const SEED = 1;
const CLIENT_MS = 0.5;

interface Figures {
  ops: number;
  opsPerSec: number;
  msgsPerOp: number;
  protocolMsgsPerOp: number;
  p50: number;
  p99: number;
  wallUsPerOp: number;
}

function target(sim: Simulation, protocol: AnyProtocol): NodeId {
  if (protocol === register) return "n1"; // the register's owner
  const leader = () => sim.nodes.find((n) => sim.status(n).role === "leader");
  if (!sim.runUntil(() => leader() !== undefined, 5000)) throw new Error("no leader elected");
  sim.runFor(200); // let the election's own traffic settle
  return leader()!;
}

/** Messages a cluster sends in SECONDS with no clients at all (heartbeats). */
function idleMessages(protocol: AnyProtocol): number {
  const sim = new Simulation({ protocol, nodes: NODES, seed: SEED });
  target(sim, protocol);
  const before = sim.stats.sent;
  sim.runFor(SECONDS * 1000);
  return sim.stats.sent - before;
}

function measure(protocol: AnyProtocol, clients: number): Figures {
  const idle = idleMessages(protocol);
  const sim = new Simulation({ protocol, nodes: NODES, seed: SEED });
  const node = target(sim, protocol);
  const start = sim.now();
  const end = start + SECONDS * 1000;
  const sentBefore = sim.stats.sent;
  const latencies: number[] = [];
  let value = 0;
  for (let c = 0; c < clients; c++) {
    const issue = () => {
      if (sim.now() >= end) return;
      const t0 = sim.now();
      const op = c % 2 === 0
        ? { f: "write", key: `k${c % 16}`, value: value++ }
        : { f: "read", key: `k${c % 16}` };
      // Clients sit CLIENT_MS from the node, each way.
      sim.after(CLIENT_MS, () =>
        sim.request(node, op, c, (r) => {
          if (r.type !== "ok") throw new Error(`unexpected reply ${JSON.stringify(r)}`);
          sim.after(CLIENT_MS, () => {
            latencies.push(sim.now() - t0);
            issue();
          });
        }));
    };
    sim.at(start + c * 0.01, issue);
  }
  const wall0 = performance.now();
  sim.runUntilTime(end);
  const wall = performance.now() - wall0;
  const sent = sim.stats.sent - sentBefore;
  latencies.sort((a, b) => a - b);
  const ops = latencies.length;
  return {
    ops,
    opsPerSec: ops / SECONDS,
    msgsPerOp: sent / ops,
    protocolMsgsPerOp: Math.max(0, sent - idle) / ops,
    p50: latencies[Math.floor(ops * 0.5)]!,
    p99: latencies[Math.floor(ops * 0.99)]!,
    wallUsPerOp: (wall * 1000) / ops,
  };
}

function line(label: string, f: Figures): string {
  return `${label.padEnd(42)} ${f.opsPerSec.toFixed(0).padStart(7)} ops/s(sim)  ` +
    `${f.msgsPerOp.toFixed(2).padStart(6)} msgs/op (${
      f.protocolMsgsPerOp.toFixed(2)
    } beyond idle traffic)  ` +
    `p50 ${f.p50.toFixed(1)} ms  p99 ${f.p99.toFixed(1)} ms  ${
      f.wallUsPerOp.toFixed(1)
    } µs/op(wall)`;
}

/**
 * Prints the figures.
 *
 * @example
 * ```ts
 * import { run } from "./paxos_bench.ts";
 * await run();
 * ```
 */
export async function run(): Promise<void> {
  console.log(
    `${NODES} nodes, ${SECONDS} s simulated per run, links 1-3 ms, clients ${CLIENT_MS} ms away, ` +
      `closed loop ` +
      `(half writes, half reads)`,
  );
  console.log(
    `anchor: steady-state Multi-Paxos bound 2(N-1) = ${2 * (NODES - 1)} msgs/op + heartbeats`,
  );
  for (const clients of [1, 64]) {
    const paxos = measure(paxosKv, clients);
    const raft = measure(raftKv, clients);
    const anchor = measure(register, clients);
    console.log(line(`paxos-kv, ${clients} client${clients > 1 ? "s" : ""}`, paxos));
    console.log(line(`raft-kv, ${clients} client${clients > 1 ? "s" : ""}`, raft));
    console.log(
      line(`  anchor: register (one copy), ${clients} client${clients > 1 ? "s" : ""}`, anchor),
    );
    console.log(
      `  paxos-kv / register: ${(paxos.opsPerSec / anchor.opsPerSec).toFixed(2)}x throughput, ` +
        `+${(paxos.p50 - anchor.p50).toFixed(1)} ms p50 for agreement; ` +
        `raft-kv / paxos-kv: ${(raft.opsPerSec / paxos.opsPerSec).toFixed(2)}x throughput, ` +
        `${(raft.msgsPerOp / paxos.msgsPerOp).toFixed(2)}x messages per op`,
    );
  }
  await Promise.resolve();
}

if (import.meta.main) await run();
