/**
 * The leader's side of a leadership transfer that needs nothing above the node's state:
 * sending TimeoutNow to a caught-up target, and giving a transfer up. Starting one
 * (`election.ts`) catches the target up first.
 *
 * @module
 */

import type { RaftState } from "./node_state.ts";
import { send } from "./node_state.ts";
import { fail, info } from "../reply.ts";

/**
 * Tells the transfer target to campaign now (once).
 *
 * @example
 * ```ts ignore
 * import { sendTimeoutNow } from "./transfer.ts";
 * sendTimeoutNow(s);
 * ```
 */
export function sendTimeoutNow(s: RaftState): void {
  const t = s.transfer;
  if (!t || t.sent) return;
  t.sent = true;
  send(s, t.target, { type: "timeout-now", term: s.term });
}

/**
 * Gives up a leadership transfer, failing its request (`info` if TimeoutNow went out).
 *
 * @example
 * ```ts ignore
 * import { abortTransfer } from "./transfer.ts";
 * abortTransfer(s, "transfer timed out");
 * ```
 */
export function abortTransfer(s: RaftState, error: string): void {
  const t = s.transfer;
  if (!t) return;
  s.transfer = null;
  s.ctx.reply(
    t.requestId,
    t.sent ? info("timeout", error) : fail("temporarily-unavailable", error),
  );
}
