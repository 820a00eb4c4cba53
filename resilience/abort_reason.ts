/**
 * What an aborted policy rejects with.
 *
 * @module
 */

/**
 * The reason `signal` aborted with, or a standard `AbortError` when it gave none.
 *
 * @example
 * ```ts
 * import { abortReason } from "./abort_reason.ts";
 * const c = new AbortController();
 * c.abort("shutting down");
 * abortReason(c.signal); // "shutting down"
 * ```
 */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("The operation was aborted.", "AbortError");
}
