/**
 * Whole-process crashes of the live cluster: `deno task cluster --data-dir DIR` under a
 * concurrent write load is killed with `SIGKILL` at a seeded point, started again from
 * the same directory, and every acknowledged write is read back. With a snapshot every
 * few entries the kill often lands in a log compaction, and a follower crashed and
 * restarted during the load is usually catching up by snapshot installation when the
 * kill comes.
 *
 * What counts as lost: each writer owns its keys and writes increasing values, one at
 * a time, so after the restart a key must hold its last acknowledged value, or one of
 * the values written after it whose outcome was unknown (a timeout, the kill). Anything
 * else — an older value, a missing key — is a lost acknowledged write.
 *
 * @module
 */

import { createRng } from "../protocols/random.ts";
import { type ClusterProcess, startClusterProcess } from "./cluster_process.ts";

/** One kill-and-restart round. */
export interface KillRoundOptions {
  /** Seeds the kill point, the follower crash and the cluster. */
  readonly seed: number;
  /** The data directory (kept between the two starts; removed by the caller). */
  readonly dataDir: string;
  /** Concurrent writers (default 8). */
  readonly writers?: number;
  /** Keys per writer (default 4). */
  readonly keysPerWriter?: number;
  /** Nodes (default 3). */
  readonly nodes?: number;
  /** Raft's snapshot threshold: small, so kills land in compactions (default 20). */
  readonly snapshotThreshold?: number;
  /** How long to wait for the cluster to start, elect, answer (default 60 s). */
  readonly deadlineMs?: number;
  /**
   * Where the second start reads from (default `dataDir`). Another, empty directory
   * shows what the check catches: every acknowledged write is then lost.
   */
  readonly restartFrom?: string;
}

/** What one round found. */
export interface KillRoundResult {
  readonly seed: number;
  /** Writes acknowledged before the kill. */
  readonly acknowledged: number;
  /** Writes whose outcome was unknown (in flight at the kill, or timed out). */
  readonly unknown: number;
  /** Acknowledged writes the restarted cluster no longer has: `key: read, expected`. */
  readonly lost: readonly string[];
  /** When the kill came, in ms after the load started. */
  readonly killedAtMs: number;
  /** Whether a follower was restarted (catching up, likely by snapshot) shortly before. */
  readonly duringCatchUp: boolean;
  /** How long the restarted cluster took to elect a leader. */
  readonly recoveryMs: number;
  /** How long the first start (an empty directory) took to elect one: the anchor. */
  readonly coldStartMs: number;
}

function startServer(args: string[], deadlineMs: number): Promise<ClusterProcess> {
  return startClusterProcess(args, { deadlineMs });
}

async function waitForLeader(url: string, deadlineMs: number): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < deadlineMs) {
    try {
      const res = await fetch(`${url}/api/v1/leader`, { signal: AbortSignal.timeout(2000) });
      await res.body?.cancel();
      if (res.status === 200) return performance.now() - started;
    } catch {
      // not answering yet
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no leader within ${deadlineMs} ms`);
}

/** Per key: the last acknowledged value and the unknown-outcome values written after it. */
interface KeyState {
  acked: number | undefined;
  maybe: number[];
}

/**
 * Runs one round: start, load, kill -9, restart, read back. The caller removes
 * `dataDir`.
 *
 * @example
 * ```ts ignore
 * import { killRound } from "./live_kill.ts";
 * const r = await killRound({ seed: 1, dataDir: await Deno.makeTempDir() });
 * r.lost.length; // 0
 * ```
 */
export async function killRound(o: KillRoundOptions): Promise<KillRoundResult> {
  const rng = createRng(o.seed);
  const writers = o.writers ?? 8;
  const perWriter = o.keysPerWriter ?? 4;
  const nodes = o.nodes ?? 3;
  const deadlineMs = o.deadlineMs ?? 60_000;
  const args = [
    ...["--port", "0", "--nodes", String(nodes), "--protocol", "raft-kv"],
    ...["--data-dir", o.dataDir, "--seed", String(o.seed)],
    ...[
      "--option",
      `snapshotThreshold=${o.snapshotThreshold ?? 20}`,
      "--option",
      "compactMargin=5",
    ],
  ];
  const keys = new Map<string, KeyState>();
  let acknowledged = 0;
  let unknown = 0;
  // Kill after this many acknowledgements; a follower crash and restart come before it.
  const killAfter = 60 + rng.int(240);
  const crashAt = Math.floor(killAfter * (0.2 + 0.3 * rng.next()));
  const restartAt = Math.floor(killAfter * (0.8 + 0.15 * rng.next()));
  const victim = `n${1 + rng.int(nodes)}`;
  let restartedAt = -1;

  const server = await startServer(args, deadlineMs);
  const coldStartMs = await waitForLeader(server.url, deadlineMs);
  const loadStart = performance.now();
  let killed = false;
  let killedAtMs = 0;
  const kill = (): void => {
    if (killed) return;
    killed = true;
    killedAtMs = performance.now() - loadStart;
    server.child.kill("SIGKILL");
  };
  const onAck = (): void => {
    acknowledged++;
    if (acknowledged === crashAt) void nodeAction(server.url, victim, "crash");
    if (acknowledged === restartAt) {
      restartedAt = acknowledged;
      void nodeAction(server.url, victim, "restart");
    }
    if (acknowledged >= killAfter) kill();
  };
  const writer = async (w: number): Promise<void> => {
    let value = 0;
    for (let i = 0; !killed; i++) {
      const key = `w${w}k${i % perWriter}`;
      const st = keys.get(key) ?? { acked: undefined, maybe: [] };
      keys.set(key, st);
      value++;
      let status = 0;
      try {
        const res = await fetch(`${server.url}/api/v1/kv/${key}`, {
          method: "PUT",
          body: JSON.stringify(value),
          signal: AbortSignal.timeout(5000),
        });
        status = res.status;
        await res.body?.cancel();
      } catch {
        status = 0; // the kill, or a timeout: the write may or may not have happened
      }
      if (status === 200) {
        st.acked = value;
        st.maybe = [];
        onAck();
      } else {
        // 503s and 504s included: a retried write could have been applied after all.
        st.maybe.push(value);
        unknown++;
        if (status !== 0) await new Promise((r) => setTimeout(r, 20));
      }
    }
  };
  // The load stops at the kill; a load that stalls for the whole deadline kills too.
  const stall = setTimeout(kill, deadlineMs);
  await Promise.all(Array.from({ length: writers }, (_, w) => writer(w)));
  clearTimeout(stall);
  await server.child.status;

  const dir = o.restartFrom ?? o.dataDir;
  const again = await startServer(args.map((a) => a === o.dataDir ? dir : a), deadlineMs);
  const lost: string[] = [];
  let recoveryMs = 0;
  try {
    recoveryMs = await waitForLeader(again.url, deadlineMs);
    for (const [key, st] of keys) {
      const res = await fetch(`${again.url}/api/v1/kv/${key}`);
      const read = res.status === 200 ? (await res.json()).value as number : undefined;
      if (res.status !== 200) await res.body?.cancel();
      const ok = read === st.acked || (read !== undefined && st.maybe.includes(read));
      if (!ok) lost.push(`${key}: read ${read ?? "nothing"}, acknowledged ${st.acked}`);
    }
  } finally {
    again.child.kill("SIGINT");
    await again.child.status;
  }
  return {
    seed: o.seed,
    acknowledged,
    unknown,
    lost,
    killedAtMs: Math.round(killedAtMs),
    duringCatchUp: restartedAt > 0 && acknowledged - restartedAt < 60,
    recoveryMs: Math.round(recoveryMs),
    coldStartMs: Math.round(coldStartMs),
  };
}

async function nodeAction(url: string, node: string, action: "crash" | "restart") {
  try {
    const res = await fetch(`${url}/api/v1/nodes/${node}/${action}`, { method: "POST" });
    await res.body?.cancel();
  } catch {
    // the whole process may be gone already
  }
}
