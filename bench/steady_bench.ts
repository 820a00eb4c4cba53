/**
 * A busy machine is not a fault: the default `deno task cluster` (5-node raft-kv, the
 * real `main.ts` process on loopback) under PUTs from 64 connections for
 * {@link DURATION_S} seconds (`STEADY_SECONDS` to change), with no fault injected. Goals:
 * no leader change (the term stays), no 503 answer (retries counted), and every node's
 * breaker closed at the end. The leader and term are sampled every second.
 *
 * Anchor, in the same run: the throughput the same load reached, so the figures can be
 * compared with `bench api` on a noisy machine.
 *
 * Run: `deno task bench steady`
 *
 * @module
 */

import { formatResult, runLoad } from "./api_load.ts";
import { spawn, waitLeader } from "./api_bench.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;
const DURATION_S = Number(Deno.env.get("STEADY_SECONDS") ?? 60);

interface Leader {
  readonly leader: string;
  readonly term: number;
}

async function leaderOf(url: string): Promise<Leader | null> {
  const res = await fetch(`${url}/api/v1/leader`);
  if (res.status !== 200) {
    await res.body?.cancel();
    return null;
  }
  return await res.json();
}

/** Runs the benchmark and prints its figures. */
export async function run(): Promise<void> {
  const server = await spawn(
    Deno.execPath(),
    ["run", "-A", MAIN, "--port", "0"],
    /API: (\S+)\/api\/v1/,
  );
  try {
    const url = server.url;
    await waitLeader(url);
    const first = (await leaderOf(url))!;
    const seen: (Leader | null)[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        seen.push(await leaderOf(url));
        await new Promise((r) => setTimeout(r, 1000));
      }
    })();
    const load = await runLoad({
      url,
      op: "put",
      concurrency: 64,
      requests: Number.MAX_SAFE_INTEGER,
      maxMs: DURATION_S * 1000,
    });
    sampling = false;
    await sampler;
    const last = (await leaderOf(url))!;
    const cluster = await (await fetch(`${url}/api/v1/cluster`)).json();
    const open = cluster.nodes.filter((n: { breaker: string }) => n.breaker !== "closed")
      .map((n: { id: string; breaker: string }) => `${n.id}:${n.breaker}`);
    const noLeader = seen.filter((l) => l === null).length;
    const terms = new Set(seen.filter((l) => l !== null).map((l) => l!.term));
    console.log(`load: ${formatResult(load)}`);
    console.log(
      `leader ${first.leader} term ${first.term} -> ${last.leader} term ${last.term}; ` +
        `${seen.length} samples, ${noLeader} without a leader, terms seen ${[...terms].join(",")}`,
    );
    console.log(`503 answers (retries included): ${load.unavailable ?? 0}`);
    console.log(`breakers not closed at the end: ${open.length === 0 ? "none" : open.join(" ")}`);
    const met = last.term === first.term && noLeader === 0 && (load.unavailable ?? 0) === 0 &&
      open.length === 0;
    console.log(
      `anchor: ${Math.round(load.throughput)} PUT/s at 64 connections for ${DURATION_S} s; ` +
        `goal (no leader change, no 503, breakers closed): ${met ? "met" : "missed"}`,
    );
  } finally {
    await server.stop();
  }
}

if (import.meta.main) await run();
