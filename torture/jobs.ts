/**
 * A torture run on every core: the seeds are dealt round-robin to `--jobs` Worker
 * threads (slow seeds spread evenly), each runs its share exactly as one thread would,
 * and their summaries add up to the one a single thread prints — seeds are independent
 * and each replays from its number alone, so only the wall time differs.
 *
 * @module
 */

import type { ParsedTorture } from "./args.ts";
import { type OnSeed, runSeeds, type SeedDone } from "./run_seeds.ts";
import { sumSummaries, type TortureSummary } from "./summary.ts";

/**
 * What a job thread is given: the command line and its share.
 *
 * @example
 * ```ts
 * import type { JobTask } from "./jobs.ts";
 * const t: JobTask = { argv: ["--protocol", "raft-kv"], index: 0, count: 2 };
 * ```
 */
export interface JobTask {
  readonly argv: readonly string[];
  /** This thread's share: every `count`-th seed from the `index`-th. */
  readonly index: number;
  readonly count: number;
}

/**
 * What a job thread posts back.
 *
 * @example
 * ```ts
 * import type { JobReply } from "./jobs.ts";
 * const r: JobReply = { type: "seed", done: { seed: 1, ops: 10, violation: null } };
 * ```
 */
export type JobReply =
  | { readonly type: "seed"; readonly done: SeedDone }
  | { readonly type: "done"; readonly summary: TortureSummary }
  | { readonly type: "error"; readonly message: string };

/**
 * Runs the parsed command `run` (from `argv`) on `run.jobs` threads — in this one when
 * it is 1 — and returns the summary of all its seeds.
 *
 * @example
 * ```ts ignore
 * const argv = ["--protocol", "raft-kv", "--seeds", "8", "--jobs", "2"];
 * (await runInJobs(argv, await parseTortureArgs(argv), () => {})).runs; // 8
 * ```
 */
export async function runInJobs(
  argv: readonly string[],
  run: ParsedTorture,
  onSeed: OnSeed,
): Promise<TortureSummary> {
  if (run.jobs <= 1) return await runSeeds(run, onSeed);
  const started = performance.now();
  const workers: Worker[] = [];
  try {
    const parts = await Promise.all(
      Array.from({ length: run.jobs }, (_, index) => {
        const w = new Worker(new URL("./job_worker.ts", import.meta.url), { type: "module" });
        workers.push(w);
        return new Promise<TortureSummary>((resolve, reject) => {
          w.onmessage = (e: MessageEvent<JobReply>) => {
            const m = e.data;
            if (m.type === "seed") void onSeed(m.done);
            else if (m.type === "done") resolve(m.summary);
            else reject(new Error(m.message));
          };
          w.onerror = (e) => {
            e.preventDefault();
            reject(new Error(`torture job ${index}: ${e.message}`));
          };
          w.postMessage({ argv, index, count: run.jobs } satisfies JobTask);
        });
      }),
    );
    return { ...sumSummaries(parts), wallMs: Math.round(performance.now() - started) };
  } finally {
    for (const w of workers) w.terminate();
  }
}
