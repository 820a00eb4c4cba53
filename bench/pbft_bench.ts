/**
 * PBFT with 4 replicas against raft-kv with 4 nodes on the same simulated workload in the
 * same run: closed-loop clients (half writes, half reads) on hmac-sha256 links, the
 * client's node being Raft's leader and PBFT's primary. PBFT orders reads too and sends
 * every phase to every replica, so its messages per operation grow as n² (anchor:
 * 3(n − 1) + (n − 1)² + n(n − 1) = 30 for n = 4 — request, pre-prepare and reply, the
 * backups' prepares, everyone's commits — against Raft's 2(n − 1) = 6 per batch of
 * entries, less per operation when batched).
 *
 * @module
 */

import { Simulation } from "../nodes/simulator.ts";
import type { AnyProtocol, NodeId } from "../protocols/node.ts";
import { raftKv } from "../protocols/raft/mod.ts";
import { pbft } from "../protocols/pbft/mod.ts";

const NODES = 4;
const SECONDS = 4;

interface Figures {
  ops: number;
  opsPerSec: number;
  msgsPerOp: number;
  p50: number;
  wallUsPerOp: number;
}

function measure(protocol: AnyProtocol, clients: number): Figures {
  const sim = new Simulation({ protocol, nodes: NODES, seed: 1, integrity: "hmac-sha256" });
  let node: NodeId = "n1"; // PBFT's primary of view 0
  if (protocol === raftKv) {
    const leader = () => sim.nodes.find((n) => sim.status(n).role === "leader");
    if (!sim.runUntil(() => leader() !== undefined, 5000)) throw new Error("no leader");
    sim.runFor(200);
    node = leader()!;
  }
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
      sim.request(node, op, c, (r) => {
        if (r.type !== "ok") throw new Error(`unexpected reply ${JSON.stringify(r)}`);
        latencies.push(sim.now() - t0);
        issue();
      });
    };
    sim.at(start + c * 0.01, issue);
  }
  const wall0 = performance.now();
  sim.runUntilTime(end);
  const wall = performance.now() - wall0;
  latencies.sort((a, b) => a - b);
  const ops = latencies.length;
  return {
    ops,
    opsPerSec: ops / SECONDS,
    msgsPerOp: (sim.stats.sent - sentBefore) / ops,
    p50: latencies[Math.floor(ops * 0.5)]!,
    wallUsPerOp: (wall * 1000) / ops,
  };
}

function line(label: string, f: Figures): string {
  return `${label.padEnd(24)} ${f.opsPerSec.toFixed(0).padStart(6)} ops/s(sim)  ` +
    `${f.msgsPerOp.toFixed(1).padStart(6)} msgs/op  p50 ${f.p50.toFixed(1)} ms  ` +
    `${f.wallUsPerOp.toFixed(1)} µs/op(wall)`;
}

/**
 * Prints the figures.
 *
 * @example
 * ```ts
 * import { run } from "./pbft_bench.ts";
 * await run();
 * ```
 */
export async function run(): Promise<void> {
  console.log(
    `${NODES} nodes, ${SECONDS} s simulated per run, links 1-3 ms with hmac-sha256, closed loop`,
  );
  const n = NODES;
  console.log(
    `anchor: PBFT per op = 3(n−1) request, pre-prepare, reply + (n−1)² prepares + n(n−1) ` +
      `commits = ${3 * (n - 1) + (n - 1) ** 2 + n * (n - 1)} (+ status and checkpoints)`,
  );
  for (const clients of [1, 16]) {
    const p = measure(pbft, clients);
    const r = measure(raftKv, clients);
    console.log(line(`pbft, ${clients} client${clients > 1 ? "s" : ""}`, p));
    console.log(line(`raft-kv, ${clients} client${clients > 1 ? "s" : ""}`, r));
    console.log(
      `  pbft / raft-kv: ${(p.opsPerSec / r.opsPerSec).toFixed(2)}x throughput, ` +
        `${(p.msgsPerOp / r.msgsPerOp).toFixed(1)}x messages per op`,
    );
  }
  await Promise.resolve();
}

if (import.meta.main) await run();
