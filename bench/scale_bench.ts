/**
 * A live cluster at scale: `deno task cluster --nodes N` (the real `main.ts` process, in
 * memory, raft-kv) for N = 3 (the anchor), 64 and 256. (256 Raft voters elect because
 * the live election window widens with the voters, `electionSpreadPerVoterMs`: with the
 * fixed 1–2 s window, 256 timers fired ~4 ms apart, faster than a campaign reaches 255
 * peers on 2 cores, and the votes split for minutes.) For each it prints the time from
 * launch to the API's URL (every node started), to a leader, and to an acknowledged PUT;
 * that `GET /api/v1/cluster` lists every node, and the rows `deno task cli status` prints
 * and how long it takes (the CLI's own start included); the process's resident memory once the
 * PUT is in, per node; and its CPU while idle for a few seconds (ticks and heartbeats of
 * every node). Past 32 nodes the nodes share Workers (`nodesPerWorker`). Loopback only;
 * each run is bounded (120 s to a leader).
 *
 * @module
 */

import { spawn } from "./api_bench.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;
const CLI = new URL("../cli.ts", import.meta.url).pathname;
const SIZES = [3, 64, 256] as const;

/** Reads /proc through `cat` (a program reads it itself only with every permission). */
async function procText(path: string): Promise<string> {
  const out = await new Deno.Command("cat", { args: [path], stdout: "piped", stderr: "null" })
    .output().catch(() => null);
  return out === null ? "" : new TextDecoder().decode(out.stdout);
}

async function rssMb(pid: number): Promise<number> {
  const m = /VmRSS:\s+(\d+)/.exec(await procText(`/proc/${pid}/status`));
  return m === null ? NaN : Number(m[1]) / 1024;
}

/** CPU seconds (user + system) the process used so far. */
async function cpuSeconds(pid: number): Promise<number> {
  const stat = await procText(`/proc/${pid}/stat`);
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12])) / 100;
}

/** Polls `fn` every 100 ms until it returns a value, for at most `ms`. */
async function until<T>(ms: number, fn: () => Promise<T | null>): Promise<T | null> {
  const deadline = performance.now() + ms;
  while (performance.now() < deadline) {
    const v = await fn().catch(() => null);
    if (v !== null) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  return null;
}

/**
 * Prints the figures.
 *
 * @example
 * ```ts ignore
 * import { run } from "./scale_bench.ts";
 * await run();
 * ```
 */
export async function run(): Promise<void> {
  console.log(
    "scale: deno task cluster --nodes N (raft-kv, in memory), loopback; N = 3 is the anchor",
  );
  for (const n of SIZES) {
    const t0 = performance.now();
    const server = await spawn(
      Deno.execPath(),
      ["run", "-A", MAIN, "--port", "0", "--nodes", String(n), "--protocol", "raft-kv"],
      /API: (\S+)\/api\/v1/,
    );
    try {
      const up = performance.now() - t0;
      const leader = await until(120_000, async () => {
        const res = await fetch(`${server.url}/api/v1/leader`);
        const body = await res.json();
        return res.status === 200 ? body.leader as string : null;
      });
      const elected = performance.now() - t0;
      const put = await until(60_000, async () => {
        const res = await fetch(`${server.url}/api/v1/kv/scale`, {
          method: "PUT",
          body: JSON.stringify({ n }),
        });
        await res.body?.cancel();
        return res.status === 200 ? true : null;
      });
      const written = performance.now() - t0;
      const view = await (await fetch(`${server.url}/api/v1/cluster`)).json() as {
        nodes: { up: boolean }[];
      };
      // What a person types: `deno task cli status` against this cluster, timed.
      const cli = performance.now();
      const status = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", CLI, "status", "--url", server.url],
        stdout: "piped",
        stderr: "null",
      }).output();
      const cliMs = performance.now() - cli;
      const rows = new TextDecoder().decode(status.stdout).split("\n")
        .filter((l) => /^n\d+\s/.test(l)).length;
      const rss = await rssMb(server.pid);
      const c0 = await cpuSeconds(server.pid);
      const i0 = performance.now();
      await new Promise((r) => setTimeout(r, 5_000));
      const idle = (await cpuSeconds(server.pid) - c0) / ((performance.now() - i0) / 1000);
      const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
      console.log(
        `  ${String(n).padStart(3)} nodes: API up ${s(up)}, leader ${leader ?? "none"} at ` +
          `${s(elected)}, PUT acknowledged ${put === null ? "never" : `at ${s(written)}`}; ` +
          `${view.nodes.filter((x) => x.up).length}/${n} listed up; ` +
          `cli status ${rows} rows in ${s(cliMs)}; ` +
          `RSS ${rss.toFixed(0)} MB (${(rss / n).toFixed(1)} MB/node); ` +
          `idle CPU ${(idle * 100).toFixed(0)}% of a core`,
      );
    } finally {
      await server.stop();
    }
  }
}

if (import.meta.main) await run();
