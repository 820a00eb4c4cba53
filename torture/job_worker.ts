/**
 * One thread of a `deno task torture --jobs J` run (started by `jobs.ts`; not meant to
 * be imported): parses the same command line, runs every J-th of its seeds, and posts
 * each seed's end and then its summary.
 *
 * @example
 * ```ts ignore
 * new Worker(new URL("./job_worker.ts", import.meta.url), { type: "module" });
 * ```
 *
 * @module
 */

/// <reference lib="deno.worker" />

import { parseTortureArgs } from "./args.ts";
import { runSeeds } from "./run_seeds.ts";
import type { JobReply, JobTask } from "./jobs.ts";

const post = (m: JobReply) => self.postMessage(m);

self.onmessage = async (e: MessageEvent<JobTask>) => {
  const { argv, index, count } = e.data;
  try {
    const run = await parseTortureArgs(argv);
    const seeds = run.seeds.filter((_, i) => i % count === index);
    const summary = await runSeeds({ ...run, seeds, jobs: 1 }, (done) => {
      post({ type: "seed", done });
    });
    post({ type: "done", summary });
  } catch (err) {
    post({ type: "error", message: err instanceof Error ? err.message : String(err) });
  }
};
