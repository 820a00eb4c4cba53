/**
 * Runs history checks in a Worker ({@link createWorkerChecker}): one check at a time, a
 * bounded number waiting, each within a deadline (a search that overruns is stopped by terminating the Worker,
 * and answers `unknown`), and the Worker is let go after a while without checks so that
 * an idle dashboard holds nothing.
 *
 * @module
 */

import type { CheckSummary } from "./history_check.ts";

/**
 * Something that checks JSON Lines histories.
 *
 * @example
 * ```ts
 * import type { HistoryChecker } from "./worker_checker.ts";
 * const always: HistoryChecker = {
 *   check: () => Promise.resolve({ verdict: "linearizable", operations: 0, steps: 0 }),
 *   close() {},
 * };
 * ```
 */
export interface HistoryChecker {
  /** The verdict on `text`. */
  check(text: string): Promise<CheckSummary>;
  /** Stops the Worker, if one runs; a later check starts a new one. */
  close(): void;
}

/**
 * Limits of {@link createWorkerChecker}.
 *
 * @example
 * ```ts
 * import type { WorkerCheckerOptions } from "./worker_checker.ts";
 * const o: WorkerCheckerOptions = { timeoutMs: 2000, idleMs: 10_000 };
 * ```
 */
export interface WorkerCheckerOptions {
  /** The search's own budget; the Worker is stopped 1 s after it (default 2000). */
  readonly timeoutMs?: number;
  /** Let the Worker go after this long without a check (default 15 000). */
  readonly idleMs?: number;
  /** Checks waiting or running at once; more are refused with {@link CheckerBusyError} (4). */
  readonly maxPending?: number;
}

/**
 * Refused: the checker already has its fill of checks waiting. Nothing was queued; try
 * again later (the HTTP route answers 503 with `Retry-After`).
 *
 * @example
 * ```ts
 * import { CheckerBusyError } from "./worker_checker.ts";
 * new CheckerBusyError(4).pending; // 4
 * ```
 */
export class CheckerBusyError extends Error {
  /** Checks waiting or running when this one was refused. */
  readonly pending: number;
  constructor(pending: number) {
    super(`the checker is busy: ${pending} checks are waiting or running; try again shortly`);
    this.name = "CheckerBusyError";
    this.pending = pending;
  }
}

const WORKER_URL = new URL("./check_worker.ts", import.meta.url);

/**
 * A {@link HistoryChecker} backed by a Worker running `check_worker.ts`.
 *
 * @example
 * ```ts ignore
 * import { createWorkerChecker } from "./worker_checker.ts";
 * const checker = createWorkerChecker();
 * (await checker.check("")).verdict; // "linearizable"
 * checker.close();
 * ```
 */
export function createWorkerChecker(options: WorkerCheckerOptions = {}): HistoryChecker {
  const timeoutMs = options.timeoutMs ?? 2000;
  const idleMs = options.idleMs ?? 15_000;
  const maxPending = options.maxPending ?? 4;
  let pending = 0;
  let worker: Worker | null = null;
  let idle: ReturnType<typeof setTimeout> | undefined;
  let nextId = 1;
  // Checks run one after another: a second search beside the first would only slow both.
  let queue: Promise<unknown> = Promise.resolve();

  const stop = () => {
    if (idle !== undefined) clearTimeout(idle);
    idle = undefined;
    worker?.terminate();
    worker = null;
  };

  const run = (text: string): Promise<CheckSummary> => {
    if (idle !== undefined) clearTimeout(idle);
    idle = undefined;
    const w = worker ??= new Worker(WORKER_URL, { type: "module" });
    const id = nextId++;
    const { promise, resolve } = Promise.withResolvers<CheckSummary>();
    const hard = setTimeout(() => {
      stop();
      resolve({
        verdict: "unknown",
        operations: 0,
        steps: 0,
        reason: `the check did not finish within ${timeoutMs + 1000} ms`,
      });
    }, timeoutMs + 1000);
    const onMessage = (e: MessageEvent<{ id: number; summary: CheckSummary }>) => {
      if (e.data.id !== id) return;
      resolve(e.data.summary);
    };
    const onError = (e: ErrorEvent) => {
      e.preventDefault();
      stop();
      resolve({ verdict: "unknown", operations: 0, steps: 0, reason: e.message });
    };
    w.addEventListener("message", onMessage);
    w.addEventListener("error", onError);
    w.postMessage({ id, text, timeoutMs });
    return promise.finally(() => {
      clearTimeout(hard);
      w.removeEventListener("message", onMessage);
      w.removeEventListener("error", onError);
      if (worker === w) {
        const handle = setTimeout(stop, idleMs);
        Deno.unrefTimer(handle);
        idle = handle;
      }
    });
  };

  return {
    check(text) {
      // Bounded: each waiting check holds its history in memory.
      if (pending >= maxPending) return Promise.reject(new CheckerBusyError(pending));
      pending++;
      const result = queue.then(() => run(text)).finally(() => pending--);
      queue = result.catch(() => {});
      return result;
    },
    close: stop,
  };
}
