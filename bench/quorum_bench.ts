/**
 * Quorum KV benchmark (chapter §3/§5, exercise 3).
 *
 * Prints, all measured in the same run:
 * - Merkle anti-entropy: after one replica missed a few writes among thousands of keys,
 *   the hashes and entries exchanged until it caught up, beside the entries a full
 *   exchange of every shared key would send (the anchor);
 * - write latency (virtual ms, p50/p99) for W = 1, 2, 3 on a network with 1–20 ms
 *   delays, beside W = 1 (the anchor): a larger quorum waits for slower replicas;
 * - concurrent writes lost by `conflict: "lww"` in a fixed torture slice, beside the
 *   `vclock` mode on the same slice (the anchor, which keeps them as siblings);
 * - simulation cost: wall ms per 1,000 client operations of quorum-kv beside the `lww`
 *   gossip protocol under the same workload.
 *
 * Run: `deno run -A bench/quorum_bench.ts`
 *
 * @module
 */

import { Simulation } from "../nodes/simulator.ts";
import { runSimulation } from "../torture/sim_run.ts";
import { lww } from "../protocols/lww/lww.ts";
import type { Reply } from "../protocols/node.ts";
import { quorumKv } from "../protocols/quorum/mod.ts";
import type { QuorumOp } from "../protocols/quorum/request.ts";
import type { AntiEntropyStats } from "../protocols/quorum/anti_entropy.ts";
import { info } from "../protocols/reply.ts";

function call(sim: Simulation, node: string, op: QuorumOp): Reply {
  let reply: Reply | undefined;
  sim.request(node, op, 0, (r) => reply = r);
  sim.runUntil(() => reply !== undefined, 5000);
  return reply ?? info("timeout", "no reply");
}

function antiEntropy(keys: number, missed: number): void {
  const sim = new Simulation({
    protocol: quorumKv,
    nodes: 3,
    seed: 1,
    options: { sloppy: false, antiEntropyMs: 100, merkleDepth: 10, readRepair: false },
  });
  sim.runFor(300);
  for (let i = 0; i < keys; i++) call(sim, "n1", { f: "write", key: `k${i}`, value: i, w: 3 });
  sim.network.partition([["n1", "n2"], ["n3"]]);
  for (let i = 0; i < missed; i++) {
    call(sim, "n1", { f: "write", key: `k${i * 37}`, value: -i, w: 2 });
  }
  sim.network.heal();
  const stats = () =>
    sim.nodes.map((n) => sim.status(n).antiEntropy as AntiEntropyStats).reduce((a, s) => ({
      rounds: a.rounds + s.rounds,
      inSync: a.inSync + s.inSync,
      hashesSent: a.hashesSent + s.hashesSent,
      entriesSent: a.entriesSent + s.entriesSent,
      keysRepaired: a.keysRepaired + s.keysRepaired,
    }));
  const before = stats();
  const started = sim.now();
  const dump = (n: string) => JSON.stringify(sim.host(n)!.node.dump!());
  sim.runUntil(() => dump("n3") === dump("n1"), 10_000);
  const after = stats();
  const hashes = after.hashesSent - before.hashesSent;
  const entries = after.entriesSent - before.entriesSent;
  console.log(
    `anti-entropy, ${keys} keys, ${missed} missed by n3: caught up in ` +
      `${Math.round(sim.now() - started)} ms virtual; sent ${hashes} hashes + ${entries} entries ` +
      `(${after.keysRepaired - before.keysRepaired} keys repaired) vs ${keys} entries ` +
      `for a full exchange (anchor)`,
  );
}

function latency(): void {
  let anchor = "";
  for (const w of [1, 2, 3]) {
    const sim = new Simulation({
      protocol: quorumKv,
      nodes: 3,
      seed: 2,
      options: { sloppy: false, antiEntropyMs: 0 },
      network: { delay: { kind: "uniform", min: 1, max: 20 } },
    });
    sim.runFor(300);
    const times: number[] = [];
    for (let i = 0; i < 500; i++) {
      const t = sim.now();
      call(sim, `n${1 + (i % 3)}`, { f: "write", key: `k${i % 50}`, value: i, w });
      times.push(sim.now() - t);
    }
    times.sort((a, b) => a - b);
    const p = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
    const line = `p50 ${p(0.5).toFixed(1)} ms, p99 ${p(0.99).toFixed(1)} ms`;
    if (w === 1) {
      anchor = line;
      console.log(`write latency W=1: ${line} (anchor: the coordinator's own acknowledgement)`);
    } else {
      console.log(`write latency W=${w}: ${line} vs W=1 ${anchor}; links delay 1–20 ms`);
    }
  }
}

function conflicts(): void {
  const seeds = 10;
  const total = {
    vclock: { lost: 0, siblings: 0, acked: 0 },
    lww: { lost: 0, siblings: 0, acked: 0 },
  };
  for (const conflict of ["vclock", "lww"] as const) {
    for (let seed = 1; seed <= seeds; seed++) {
      const r = runSimulation({
        protocol: quorumKv,
        nodes: 5,
        seed,
        durationMs: 3000,
        nemesis: ["partition"],
        clients: 6,
        keys: 3,
        options: { conflict },
      });
      const statuses = Object.values(r.statuses);
      // Replicas mostly drop the same versions: the largest count is a lower bound on
      // the distinct writes lost.
      total[conflict].lost += Math.max(...statuses.map((s) => Number(s.lostWrites)));
      total[conflict].siblings += Math.max(...statuses.map((s) => Number(s.siblingKeys)));
      total[conflict].acked += (r.history ?? []).filter((e) =>
        e.type === "ok" && (e.f === "write" || e.f === "cas")
      ).length;
    }
  }
  console.log(
    `concurrent writes silently dropped over ${seeds} partition seeds: lww ≥ ${total.lww.lost} ` +
      `of ${total.lww.acked} acknowledged writes vs vclock ${total.vclock.lost} of ` +
      `${total.vclock.acked} (anchor; it kept up to ${total.vclock.siblings} keys with siblings ` +
      `at the end instead)`,
  );
}

function cost(): void {
  const perProtocol: string[] = [];
  for (const protocol of [lww, quorumKv]) {
    const r = runSimulation({
      protocol,
      nodes: 5,
      seed: 3,
      durationMs: 5000,
      nemesis: [],
      clients: 8,
      keys: 10,
    });
    const ops = (r.history ?? []).filter((e) => e.type === "invoke").length;
    perProtocol.push(`${protocol.name} ${(r.wallMs / ops * 1000).toFixed(1)} ms (${ops} ops)`);
  }
  console.log(
    `simulation wall time per 1000 client ops: ${perProtocol[1]} vs ${perProtocol[0]} (anchor)`,
  );
}

/**
 * Runs the quorum benchmark and prints its figures.
 *
 * @example
 * ```ts
 * import { run } from "./quorum_bench.ts";
 * await run();
 * ```
 */
export async function run(): Promise<void> {
  antiEntropy(5000, 10);
  latency();
  conflicts();
  cost();
  await Promise.resolve();
}

if (import.meta.main) await run();
