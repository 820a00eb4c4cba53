/**
 * Waiting through an injected clock, cancellable with an abort signal.
 *
 * @module
 */

import type { Clock } from "./clock.ts";
import { abortReason } from "./abort_reason.ts";

/**
 * Resolves after `ms` of `clock` time, or rejects with the signal's reason as soon as
 * `signal` aborts (at once if it already has).
 *
 * @example
 * ```ts
 * import { sleep } from "./sleep.ts";
 * import { createVirtualClock } from "./virtual_clock.ts";
 * const clock = createVirtualClock();
 * const done = sleep(clock, 50);
 * clock.advance(50);
 * await done; // clock.now() is 50
 * ```
 */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      cancel();
      reject(abortReason(signal as AbortSignal));
    };
    const cancel = clock.setTimer(ms, () => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    });
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
