/**
 * What the memory benchmarks (`soak`, `overload`) share: a process's resident memory
 * from `/proc/<pid>/status`, sampled on a timer, and a summary of the samples after a
 * warm-up (range and slope), so "flat" is a figure, not a look at a chart.
 *
 * @module
 */

/**
 * Resident memory of `pid` in MB (VmRSS from /proc, which Deno lets only `--allow-all`
 * read; else `ps`, with `--allow-run`), or NaN where neither works.
 *
 * @example
 * ```ts ignore
 * import { rssMb } from "./mem_probe.ts";
 * rssMb(Deno.pid) > 0; // true on Linux
 * ```
 */
export function rssMb(pid: number): number {
  try {
    const status = Deno.readTextFileSync(`/proc/${pid}/status`);
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    return kb === undefined ? NaN : Number(kb) / 1024;
  } catch {
    // Not readable without --allow-all: ask ps.
  }
  try {
    const out = new Deno.Command("ps", { args: ["-o", "rss=", "-p", String(pid)] }).outputSync();
    const kb = Number(new TextDecoder().decode(out.stdout).trim());
    return out.success && kb > 0 ? kb / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/**
 * One RSS sample: seconds since sampling started, and MB.
 *
 * @example
 * ```ts
 * import type { Sample } from "./mem_probe.ts";
 * const s: Sample = { t: 10, mb: 512.5 };
 * ```
 */
export interface Sample {
  readonly t: number;
  readonly mb: number;
}

/**
 * Samples `pid`'s RSS now and every `everyMs` until the returned `stop()`, printing each
 * sample when `print` is set.
 *
 * @example
 * ```ts ignore
 * import { sampleRss } from "./mem_probe.ts";
 * const probe = sampleRss(Deno.pid, 10_000, true);
 * // … load …
 * const samples = probe.stop();
 * ```
 */
export function sampleRss(
  pid: number,
  everyMs: number,
  print = false,
): { readonly samples: readonly Sample[]; stop(): Sample[] } {
  const samples: Sample[] = [];
  const t0 = performance.now();
  const take = () => {
    const s = { t: Math.round((performance.now() - t0) / 1000), mb: rssMb(pid) };
    samples.push(s);
    if (print) console.log(`  rss t=${String(s.t).padStart(4)} s  ${s.mb.toFixed(0)} MB`);
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    samples,
    stop() {
      clearInterval(timer);
      take();
      return samples;
    },
  };
}

/**
 * The samples from `warmupS` on: first, min, max, the least-squares slope in MB per
 * minute (NaN with fewer than two samples) and its standard error (NaN with fewer than
 * three): RSS jumps by tens of MB as the V8 heaps grow and shrink, so a short run's slope
 * is mostly that noise, and the error says how much.
 *
 * @example
 * ```ts
 * import { summarize } from "./mem_probe.ts";
 * const s = summarize([{ t: 0, mb: 100 }, { t: 60, mb: 400 }, { t: 120, mb: 410 }, { t: 180, mb: 405 }], 60);
 * [s.min, s.max, Math.round(s.slopeMbPerMin)]; // [400, 410, 3]
 * ```
 */
export function summarize(
  samples: readonly Sample[],
  warmupS: number,
): {
  first: number;
  min: number;
  max: number;
  slopeMbPerMin: number;
  slopeStdErr: number;
  count: number;
} {
  const after = samples.filter((s) => s.t >= warmupS && Number.isFinite(s.mb));
  const n = after.length;
  const mbs = after.map((s) => s.mb);
  let slope = NaN, stdErr = NaN;
  if (n >= 2) {
    const mt = after.reduce((a, s) => a + s.t, 0) / n;
    const mm = mbs.reduce((a, v) => a + v, 0) / n;
    let num = 0, den = 0;
    for (const s of after) {
      num += (s.t - mt) * (s.mb - mm);
      den += (s.t - mt) ** 2;
    }
    const perS = num / den;
    slope = den === 0 ? NaN : perS * 60;
    if (n >= 3 && den > 0) {
      let sse = 0;
      for (const s of after) sse += (s.mb - mm - perS * (s.t - mt)) ** 2;
      stdErr = Math.sqrt(sse / (n - 2) / den) * 60;
    }
  }
  return {
    first: after[0]?.mb ?? NaN,
    min: n === 0 ? NaN : Math.min(...mbs),
    max: n === 0 ? NaN : Math.max(...mbs),
    slopeMbPerMin: slope,
    slopeStdErr: stdErr,
    count: n,
  };
}

/**
 * The `p`-quantile of ascending `sorted` (NaN when empty).
 *
 * @example
 * ```ts
 * import { quantile } from "./mem_probe.ts";
 * quantile([1, 2, 3, 4], 0.5); // 3
 * ```
 */
export function quantile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}
