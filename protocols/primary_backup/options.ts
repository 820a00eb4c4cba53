/**
 * Options of `primary-backup`, with their defaults (times in ms of the node's clock).
 *
 * @module
 */

import type { NodeId } from "../node.ts";
import { isReplicationMode, type ReplicationMode } from "./mode.ts";
import { booleanOption, positiveOption } from "../options.ts";

/**
 * Parsed `primary-backup` options.
 *
 * @example
 * ```ts
 * import { parsePrimaryBackupOptions } from "./options.ts";
 * parsePrimaryBackupOptions({ mode: "async" }).mode; // "async"
 * ```
 */
export interface PrimaryBackupOptions {
  /** Replication mode at start (default `semi-sync`); `set-mode` changes it live. */
  readonly mode: ReplicationMode;
  /** The first primary (default: the lowest-numbered node). */
  readonly primary?: NodeId;
  /** Primary heartbeat period (default 20). */
  readonly heartbeatMs: number;
  /** Failure detector: `fixed` timeout (default) or `phi` accrual. */
  readonly detector: "fixed" | "phi";
  /** Fixed detector: suspect after this long without a heartbeat (default 100). */
  readonly failureTimeoutMs: number;
  /** Phi detector: suspect above this φ (default 8). */
  readonly phiThreshold: number;
  /** A semi-synchronous primary falls back to async after waiting this long (default 200). */
  readonly semiSyncTimeoutMs: number;
  /** How long a backup that suspects the primary collects the others' positions (default 40). */
  readonly probeWaitMs: number;
  /** A backup not acknowledging is sent the missing changes again after this long (default 40). */
  readonly retransmitMs: number;
  /** Promote a backup automatically when the primary is suspected (default true). */
  readonly autoFailover: boolean;
  /**
   * In async mode the primary ships changes in the background, in one batch every
   * `asyncShipMs` (default 10), as a binlog sender thread does; a crash loses what was
   * acknowledged but not yet shipped. Sync and semi-sync ship each change at once.
   */
  readonly asyncShipMs: number;
  /** Changes kept for catching up backups; older gaps are filled with a snapshot (default 10000). */
  readonly maxLog: number;
}

/**
 * Reads `primary-backup` options, filling in defaults; throws on a bad value.
 *
 * @example
 * ```ts
 * import { parsePrimaryBackupOptions } from "./options.ts";
 * parsePrimaryBackupOptions({}).semiSyncTimeoutMs; // 200
 * ```
 */
export function parsePrimaryBackupOptions(
  raw: Readonly<Record<string, unknown>>,
): PrimaryBackupOptions {
  const mode = raw.mode ?? "semi-sync";
  if (!isReplicationMode(mode)) throw new Error(`option mode must be sync, async or semi-sync`);
  const detector = raw.detector ?? "fixed";
  if (detector !== "fixed" && detector !== "phi") {
    throw new Error(`option detector must be "fixed" or "phi"`);
  }
  const autoFailover = booleanOption(raw, "autoFailover", true);
  if (raw.primary !== undefined && typeof raw.primary !== "string") {
    throw new Error("option primary must be a node id");
  }
  return {
    mode,
    primary: raw.primary as NodeId | undefined,
    heartbeatMs: positiveOption(raw, "heartbeatMs", 20),
    detector,
    failureTimeoutMs: positiveOption(raw, "failureTimeoutMs", 100),
    phiThreshold: positiveOption(raw, "phiThreshold", 8),
    semiSyncTimeoutMs: positiveOption(raw, "semiSyncTimeoutMs", 200),
    probeWaitMs: positiveOption(raw, "probeWaitMs", 40),
    retransmitMs: positiveOption(raw, "retransmitMs", 40),
    autoFailover,
    asyncShipMs: positiveOption(raw, "asyncShipMs", 10),
    maxLog: positiveOption(raw, "maxLog", 10000),
  };
}
