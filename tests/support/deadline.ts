/**
 * The one place real-time tests take their deadlines from. A test of real Workers, HTTP,
 * processes or the browser waits for a condition, never for a duration; how long it may
 * wait is a base figure here times `DISTLAB_TEST_TIME_SCALE` (default 1), so a slow or
 * starved machine can be given more room without editing any test.
 *
 * When a wait runs out, the error says what it waited for, how long, and the last state
 * it saw, so a failure on a busy CI machine can be read without running it again.
 *
 * @module
 */

import { setTimeout as delay } from "node:timers/promises";

function readScale(): number {
  let raw: string | undefined;
  try {
    raw = Deno.env.get("DISTLAB_TEST_TIME_SCALE");
  } catch {
    raw = undefined; // no --allow-env: the default
  }
  if (raw === undefined || raw === "") return 1;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) {
    throw new RangeError(`DISTLAB_TEST_TIME_SCALE must be a positive number, got '${raw}'`);
  }
  return n;
}

/**
 * The factor every deadline is multiplied by (`DISTLAB_TEST_TIME_SCALE`, default 1).
 *
 * @example
 * ```ts
 * import { TIME_SCALE } from "./deadline.ts";
 * TIME_SCALE >= 1 || TIME_SCALE < 1; // a positive number
 * ```
 */
export const TIME_SCALE: number = readScale();

/**
 * Named base deadlines, in ms, before scaling. `short` is for things that need no
 * election or failover (a server answers, a Worker reports); `cluster` for a cluster to
 * elect or fail over with the live defaults; `long` for whole-process or browser flows.
 *
 * @example
 * ```ts
 * import { DEADLINES } from "./deadline.ts";
 * DEADLINES.short < DEADLINES.cluster; // true
 * ```
 */
export const DEADLINES = { short: 10_000, cluster: 30_000, long: 60_000 } as const;

/**
 * `base` ms (a number or a name from {@link DEADLINES}) times {@link TIME_SCALE}.
 *
 * @example
 * ```ts
 * import { deadlineMs } from "./deadline.ts";
 * deadlineMs("cluster") >= 0; // true
 * ```
 */
export function deadlineMs(base: number | keyof typeof DEADLINES = "cluster"): number {
  const ms = typeof base === "number" ? base : DEADLINES[base];
  return Math.round(ms * TIME_SCALE);
}

/** How {@link waitFor} polls. */
export interface WaitOptions {
  /** Base deadline before scaling (default `"cluster"`). */
  readonly timeout?: number | keyof typeof DEADLINES;
  /** Pause between polls, ms (default 25). */
  readonly intervalMs?: number;
}

/**
 * A probe's "not yet", with what it saw (shown if the wait times out). Made by
 * {@link notYet}.
 *
 * @example
 * ```ts
 * import { NotYet } from "./deadline.ts";
 * new NotYet(3).saw; // 3
 * ```
 */
export class NotYet {
  /** What the probe saw instead of what it waits for. */
  readonly saw: unknown;
  /** Use {@link notYet}. */
  constructor(saw: unknown) {
    this.saw = saw;
  }
}

/**
 * "Not yet": a probe's answer when the condition does not hold, carrying what it saw.
 *
 * @example
 * ```ts
 * import { notYet, waitFor } from "./deadline.ts";
 * let n = 0;
 * await waitFor("n reaches 3", () => (++n >= 3 ? n : notYet(n))); // 3
 * ```
 */
export function notYet(saw: unknown): NotYet {
  return new NotYet(saw);
}

/**
 * Polls `probe` until it gives a result, and returns it. A probe returns the result, or
 * "not yet": {@link notYet} with what it saw, or `null`, `undefined` or `false`. A probe
 * that throws counts as "not yet", with the error as what was seen (a server still
 * starting). On timeout it throws `timed out after N ms waiting until WHAT; last seen: …`.
 *
 * @example
 * ```ts
 * import { waitFor } from "./deadline.ts";
 * let n = 0;
 * await waitFor("n reaches 3", () => (++n >= 3 ? n : null)); // 3
 * ```
 */
export async function waitFor<T>(
  what: string,
  probe: () =>
    | Promise<T | NotYet | null | undefined | false>
    | T
    | NotYet
    | null
    | undefined
    | false,
  options: WaitOptions = {},
): Promise<T> {
  const ms = deadlineMs(options.timeout ?? "cluster");
  const interval = options.intervalMs ?? 25;
  const start = performance.now();
  let saw: unknown = "nothing yet";
  for (;;) {
    try {
      const r = await probe();
      if (r instanceof NotYet) saw = r.saw;
      else if (r === null || r === undefined || r === false) saw = r;
      else return r as T;
    } catch (e) {
      saw = e instanceof Error ? `${e.name}: ${e.message}` : e;
    }
    if (performance.now() - start > ms) {
      throw new Error(`timed out after ${ms} ms waiting until ${what}; last seen: ${show(saw)}`);
    }
    await delay(interval);
  }
}

/**
 * Resolves `p`, or throws `timed out after N ms: WHAT` once the scaled deadline passes.
 *
 * @example
 * ```ts
 * import { within } from "./deadline.ts";
 * await within("a resolved promise", Promise.resolve(1), "short"); // 1
 * ```
 */
export async function within<T>(
  what: string,
  p: Promise<T>,
  timeout: number | keyof typeof DEADLINES = "cluster",
): Promise<T> {
  const ms = deadlineMs(timeout);
  const ac = new AbortController();
  try {
    return await Promise.race([
      p,
      delay(ms, undefined, { signal: ac.signal }).then(() => {
        throw new Error(`timed out after ${ms} ms: ${what}`);
      }),
    ]);
  } finally {
    ac.abort();
  }
}

function show(v: unknown): string {
  if (typeof v === "string") return v.length > 600 ? `${v.slice(0, 600)}…` : v;
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > 600 ? `${s.slice(0, 600)}…` : s;
}
