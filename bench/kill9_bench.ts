/**
 * `deno task bench kill9`: whole-process `kill -9` of `deno task cluster --data-dir`
 * under a concurrent write load, many times (`--rounds=N`, default 20; the suite runs
 * 3): kills survived, acknowledged writes, writes lost (the goal: 0), how many kills
 * came while a restarted follower was catching up, and how long a restarted cluster
 * takes to elect a leader beside a cold start of an empty one in the same rounds.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { killRound, type KillRoundResult } from "../torture/live_kill.ts";

function rounds(): number {
  const { values } = parseArgs({
    args: Deno.args.filter((a) => a !== "--"),
    options: { rounds: { type: "string" } },
    strict: false,
  });
  const raw = values.rounds;
  const n = raw === undefined ? 20 : Number(raw);
  if (!(Number.isInteger(n) && n >= 1 && n <= 10_000)) {
    throw new Error(`--rounds must be an integer from 1 to 10000, got '${raw}'`);
  }
  return n;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? 0;

/**
 * Runs the rounds and prints the figures.
 *
 * @example
 * ```ts ignore
 * import { run } from "./kill9_bench.ts";
 * await run();
 * ```
 */
export async function run(): Promise<void> {
  const n = rounds();
  console.log(
    `kill9: ${n} rounds of 8 writers on a 3-node raft-kv with --data-dir (snapshot every 20 ` +
      `entries), SIGKILL of the whole process at a seeded point, restart, read back`,
  );
  const results: KillRoundResult[] = [];
  for (let seed = 1; seed <= n; seed++) {
    const dir = await Deno.makeTempDir({ prefix: "distlab-kill9-" });
    try {
      const r = await killRound({ seed, dataDir: dir });
      results.push(r);
      console.log(
        `  seed ${String(seed).padStart(3)}: killed at ${r.killedAtMs} ms, ${r.acknowledged} ` +
          `acknowledged, ${r.unknown} unknown, lost ${r.lost.length}` +
          (r.duringCatchUp ? ", a follower restarted just before" : ""),
      );
      for (const l of r.lost.slice(0, 5)) console.log(`      lost ${l}`);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  }
  const lost = results.reduce((a, r) => a + r.lost.length, 0);
  const acked = results.reduce((a, r) => a + r.acknowledged, 0);
  console.log(
    `kills survived ${results.filter((r) => r.lost.length === 0).length}/${n}, ` +
      `acknowledged writes ${acked}, lost ${lost} (goal 0), ` +
      `kills soon after a follower restarted (catching up) ${
        results.filter((r) => r.duringCatchUp).length
      }`,
  );
  console.log(
    `leader after the restart: median ${median(results.map((r) => r.recoveryMs))} ms ` +
      `(anchor, a cold start of an empty cluster in the same rounds: median ` +
      `${median(results.map((r) => r.coldStartMs))} ms)`,
  );
}

if (import.meta.main) await run();
