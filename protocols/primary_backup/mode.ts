/**
 * The chapter's three replication modes and the trade-off each makes:
 *
 * | mode | the primary acknowledges a write | consistency on failover | writes |
 * |---|---|---|---|
 * | `sync` | after every (live) backup has it | strong: nothing acknowledged is lost | slow |
 * | `async` | at once | weak: the last writes may be lost | fast |
 * | `semi-sync` | after the first backup has it | balanced | in between |
 *
 * @module
 */

/**
 * A replication mode.
 *
 * @example
 * ```ts
 * import type { ReplicationMode } from "./mode.ts";
 * const m: ReplicationMode = "semi-sync";
 * ```
 */
export type ReplicationMode = "sync" | "async" | "semi-sync";

/**
 * Every mode, strongest first.
 *
 * @example
 * ```ts
 * import { REPLICATION_MODES } from "./mode.ts";
 * REPLICATION_MODES.length; // 3
 * ```
 */
export const REPLICATION_MODES: readonly ReplicationMode[] = ["sync", "semi-sync", "async"];

/**
 * The chapter's one-line summary of each mode's trade-off.
 *
 * @example
 * ```ts
 * import { MODE_TRADEOFF } from "./mode.ts";
 * MODE_TRADEOFF.async; // "weak consistency, fast writes"
 * ```
 */
export const MODE_TRADEOFF: Readonly<Record<ReplicationMode, string>> = {
  sync: "strong consistency, slow writes",
  "semi-sync": "balanced",
  async: "weak consistency, fast writes",
};

/**
 * Whether `x` names a mode.
 *
 * @example
 * ```ts
 * import { isReplicationMode } from "./mode.ts";
 * isReplicationMode("sync"); // true
 * isReplicationMode("eventual"); // false
 * ```
 */
export function isReplicationMode(x: unknown): x is ReplicationMode {
  return x === "sync" || x === "async" || x === "semi-sync";
}
