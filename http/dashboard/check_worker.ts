/**
 * The Worker that runs the dashboard's history checks, so that a long search never
 * holds up the main thread, where the cluster's router delivers every message.
 *
 * It answers each `{ id, text, timeoutMs }` with `{ id, summary }`.
 *
 * @module
 */

import { checkHistoryText } from "./history_check.ts";

/**
 * A request to the check Worker.
 *
 * @example
 * ```ts
 * import type { CheckRequest } from "./check_worker.ts";
 * const r: CheckRequest = { id: 1, text: "", timeoutMs: 2000 };
 * ```
 */
export interface CheckRequest {
  readonly id: number;
  readonly text: string;
  readonly timeoutMs: number;
}

self.onmessage = (e: MessageEvent<CheckRequest>) => {
  const { id, text, timeoutMs } = e.data;
  const summary = checkHistoryText(text, { now: () => performance.now(), timeoutMs });
  self.postMessage({ id, summary });
};
