/**
 * Raft KV on the real Worker cluster: one Web Worker per node, every message through the
 * main thread's router, storage in memory (mirrored), no added network delay, no HTTP.
 * For 3 and 5 nodes, 1 and 64 concurrent in-process closed-loop clients write for
 * {@link MEASURE_MS} of wall time (after {@link WARMUP_MS} of warm-up) and report
 * writes per wall second and latency p50 / p99.
 *
 * Anchor, measured in the same run under the same load: the `register` protocol (one
 * copy, no agreement) with the clients talking to a forwarding node, so that every
 * write makes the same single round trip through the router that a Raft commit needs
 * at least (leader → followers → leader), without the replication.
 *
 * Run: `deno run -A bench/raft_cluster_bench.ts`
 *
 * @module
 */

import { setTimeout as delay } from "node:timers/promises";
import { type Cluster, startCluster } from "../nodes/worker_cluster.ts";
import type { NodeId } from "../protocols/node.ts";

const WARMUP_MS = 400;
const MEASURE_MS = 2000;
const SEED = 1;

interface Load {
  ops: number;
  seconds: number;
  latencies: number[];
  /** Answers other than `ok` (none expected without faults). */
  failed: number;
}

/** The Raft leader once one is elected (polling statuses), or throws after 10 s. */
async function awaitLeader(cluster: Cluster): Promise<NodeId> {
  const end = performance.now() + 10_000;
  while (performance.now() < end) {
    for (const id of cluster.nodes) {
      if ((await cluster.status(id)).role === "leader") return id;
    }
    await delay(20);
  }
  throw new Error("no Raft leader within 10 s");
}

/**
 * `clients` closed-loop writers, each sending its next write as soon as the last is
 * answered, to `target.node` (following `not leader` hints). Counts what completes
 * inside the measuring window.
 */
async function closedLoop(
  cluster: Cluster,
  target: { node: NodeId },
  clients: number,
  firstClient: number,
): Promise<Load> {
  const t0 = performance.now();
  const from = t0 + WARMUP_MS;
  const until = from + MEASURE_MS;
  const latencies: number[] = [];
  let ops = 0;
  let failed = 0;
  const client = async (c: number) => {
    let seq = 0;
    while (performance.now() < until) {
      seq++;
      const op = { f: "write", key: `k${c % 16}`, value: seq, seq };
      const start = performance.now();
      const r = await cluster.request(target.node, op, c);
      const end = performance.now();
      if (r.type === "ok") {
        if (start >= from && end <= until) {
          ops++;
          latencies.push(end - start);
        }
      } else {
        failed++;
        if (r.type === "fail" && r.leader !== undefined) target.node = r.leader;
        await delay(5);
      }
    }
  };
  await Promise.all(Array.from({ length: clients }, (_, i) => client(firstClient + i)));
  return { ops, seconds: MEASURE_MS / 1000, latencies, failed };
}

function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}

function describe(l: Load): string {
  const rate = Math.round(l.ops / l.seconds).toLocaleString("en");
  return `${rate} writes/s, p50 ${quantile(l.latencies, 0.5).toFixed(2)} ms, ` +
    `p99 ${quantile(l.latencies, 0.99).toFixed(2)} ms` +
    (l.failed > 0 ? `, ${l.failed} failed` : "");
}

/** Starts a cluster of `protocol` and runs the 1- and 64-client loads on it. */
async function measure(protocol: "raft-kv" | "register", nodes: number): Promise<Load[]> {
  const cluster = await startCluster({
    protocol,
    nodes,
    seed: SEED,
    network: { delay: { kind: "constant", ms: 0 } },
  });
  try {
    // The register's owner is n1; n2 forwards to it: one round trip per write.
    const target = { node: protocol === "raft-kv" ? await awaitLeader(cluster) : "n2" };
    const out: Load[] = [];
    // Fresh client ids per load: a Raft session's sequence numbers only go up.
    out.push(await closedLoop(cluster, target, 1, 1));
    out.push(await closedLoop(cluster, target, 64, 2));
    return out;
  } finally {
    await cluster.close();
  }
}

/**
 * Prints the Worker cluster's figures, each beside the register anchor.
 *
 * @example
 * ```ts
 * import { run } from "./raft_cluster_bench.ts";
 * await run();
 * ```
 */
export async function run(): Promise<void> {
  console.log(
    `raft-kv on the Worker cluster (one Worker per node, router on the main thread, ` +
      `in-memory storage, zero added delay; ${MEASURE_MS} ms measured after ${WARMUP_MS} ms ` +
      `warm-up per case)`,
  );
  for (const nodes of [3, 5]) {
    const raft = await measure("raft-kv", nodes);
    const reg = await measure("register", nodes);
    [1, 64].forEach((clients, i) => {
      console.log(
        `  ${nodes} nodes, ${String(clients).padStart(2)} client${clients === 1 ? " " : "s"}: ` +
          `raft ${describe(raft[i]!)} | anchor register via a forwarding node ` +
          `${describe(reg[i]!)}`,
      );
    });
  }
}

if (import.meta.main) await run();
