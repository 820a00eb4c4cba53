/**
 * Overhead of the resilience policies: nanoseconds per call of a direct async call
 * (the anchor) against the same call through a circuit breaker, a bulkhead and a timeout,
 * measured in the same run. Goal: under 1 µs added per call.
 *
 * Two clocks: a stub clock (`now()` is a constant, `setTimer` returns a shared no-op
 * cancel), which isolates the policies' own cost, and the real clock of
 * `nodes/real_clock.ts` (`performance.now()` and coalesced host timers), which adds what a
 * Worker host pays for time.
 *
 * Run: `deno run -A bench/resilience_bench.ts`
 *
 * @module
 */

import { Bulkhead } from "../resilience/bulkhead.ts";
import { CircuitBreaker } from "../resilience/circuit_breaker.ts";
import type { Clock } from "../resilience/clock.ts";
import { wrap } from "../resilience/compose.ts";
import type { Policy } from "../resilience/policy.ts";
import { Timeout } from "../resilience/timeout.ts";
import { createRealClock } from "../nodes/real_clock.ts";

const CALLS = 200_000;
const ROUNDS = 7;

const noop = (): void => {};
const stubClock: Clock = { now: () => 0, setTimer: () => noop };

const work = (): Promise<number> => Promise.resolve(1);

/** Median ns per call of `round`, which makes CALLS calls. */
async function measure(round: () => Promise<number>): Promise<number> {
  await round(); // warm up
  const samples: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now();
    const sum = await round();
    const t1 = performance.now();
    if (sum !== CALLS) throw new Error(`lost calls: ${sum}`);
    samples.push(((t1 - t0) * 1e6) / CALLS);
  }
  samples.sort((a, b) => a - b);
  return samples[samples.length >> 1];
}

async function direct(): Promise<number> {
  let sum = 0;
  for (let i = 0; i < CALLS; i++) sum += await work();
  return sum;
}

function through(policy: Policy): () => Promise<number> {
  return async () => {
    let sum = 0;
    for (let i = 0; i < CALLS; i++) sum += await policy.execute(work);
    return sum;
  };
}

function stack(clock: Clock, timed: boolean): Policy {
  return wrap(
    new CircuitBreaker({
      clock,
      // A time window with a slow-call threshold reads the clock twice per call.
      window: timed ? { type: "time", seconds: 10 } : { type: "count", size: 100 },
      slowCallDurationMs: timed ? 1000 : undefined,
    }),
    new Bulkhead({ maxConcurrent: 64 }),
    new Timeout({ clock, ms: 1000 }),
  );
}

function line(label: string, ns: number, anchor: number): string {
  const added = ns - anchor;
  return `${label.padEnd(58)} ${ns.toFixed(0).padStart(6)} ns/call  ` +
    `(+${added.toFixed(0)} ns vs direct ${anchor.toFixed(0)} ns)`;
}

/**
 * Runs the benchmark and prints one line per figure, each beside the direct-call anchor.
 *
 * @example
 * ```ts
 * import { run } from "./resilience_bench.ts";
 * await run();
 * ```
 */
export async function run(): Promise<void> {
  const realClock = createRealClock({ unref: true });
  try {
    const anchor = await measure(direct);
    console.log(`resilience: ${CALLS} sequential awaited calls, median of ${ROUNDS} rounds`);
    console.log(
      `${"direct async call (anchor)".padEnd(58)} ${anchor.toFixed(0).padStart(6)} ns/call`,
    );
    const cases: [string, Policy][] = [
      [
        "breaker(count) only, stub clock",
        new CircuitBreaker({ clock: stubClock, window: { type: "count", size: 100 } }),
      ],
      ["bulkhead only", new Bulkhead({ maxConcurrent: 64 })],
      ["timeout only, stub clock", new Timeout({ clock: stubClock, ms: 1000 })],
      ["breaker(count) + bulkhead + timeout, stub clock", stack(stubClock, false)],
      ["breaker(count) + bulkhead + timeout, real clock", stack(realClock, false)],
      ["breaker(time, slow calls) + bulkhead + timeout, real clock", stack(realClock, true)],
    ];
    let worst = 0;
    for (const [label, policy] of cases) {
      const ns = await measure(through(policy));
      if (label.includes("+")) worst = Math.max(worst, ns - anchor);
      console.log(line(label, ns, anchor));
    }
    console.log(
      `goal < 1000 ns added per call for breaker + bulkhead + timeout: ` +
        `${worst < 1000 ? "met" : "NOT met"} (worst +${worst.toFixed(0)} ns)`,
    );
  } finally {
    realClock.dispose();
  }
}

if (import.meta.main) await run();
