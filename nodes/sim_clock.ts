/**
 * The simulator's virtual time as the resilience library's {@link Clock}, so a circuit
 * breaker, a timeout or a backoff schedule runs on the same clock as the simulated
 * cluster it guards — deterministically, with no real timers.
 *
 * @module
 */

import type { Clock } from "../resilience/clock.ts";

/**
 * The part of a `Simulation` the adapter needs: its virtual time and one-shot timers.
 *
 * @example
 * ```ts
 * import type { SimTimeSource } from "./sim_clock.ts";
 * import { Simulation } from "./simulator.ts";
 * import { register } from "../protocols/register/register.ts";
 * const source: SimTimeSource = new Simulation({ protocol: register, nodes: 1, seed: 1 });
 * source.now(); // 0
 * ```
 */
export interface SimTimeSource {
  /** Virtual time in ms. */
  now(): number;
  /** Runs `fn` after `ms` of virtual time. */
  after(ms: number, fn: () => void): void;
}

/**
 * A {@link Clock} on a simulation's virtual time: `now()` is `sim.now()`, and
 * `setTimer(ms, fn)` schedules `fn` with `sim.after(ms, …)`. The simulator's queue cannot
 * remove an event, so cancelling marks the timer dead and it fires as a no-op.
 *
 * @example
 * ```ts
 * import { createSimClock } from "./sim_clock.ts";
 * import { Simulation } from "./simulator.ts";
 * import { register } from "../protocols/register/register.ts";
 * const sim = new Simulation({ protocol: register, nodes: 1, seed: 1 });
 * const clock = createSimClock(sim);
 * const fired: number[] = [];
 * clock.setTimer(10, () => fired.push(clock.now()));
 * const cancel = clock.setTimer(20, () => fired.push(-1));
 * cancel();
 * sim.runFor(50);
 * fired; // [10]
 * ```
 */
export function createSimClock(sim: SimTimeSource): Clock {
  return {
    now: () => sim.now(),
    setTimer(ms: number, fn: () => void): () => void {
      let live = true;
      // The Clock contract: negative or NaN means 0.
      sim.after(ms > 0 ? ms : 0, () => {
        if (!live) return;
        live = false;
        fn();
      });
      return () => {
        live = false;
      };
    },
  };
}
