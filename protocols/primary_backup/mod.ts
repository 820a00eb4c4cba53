/**
 * Primary-backup replication (chapter §5): the three replication modes, live mode
 * changes, replication lag, and manual and automatic failover.
 *
 * @example
 * ```ts
 * import { MODE_TRADEOFF, primaryBackup } from "./mod.ts";
 * primaryBackup.name; // "primary-backup"
 * MODE_TRADEOFF.sync; // "strong consistency, slow writes"
 * ```
 *
 * @module
 */

export { primaryBackup, type PrimaryBackupRole } from "./primary_backup.ts";
export type { Change, PrimaryBackupMessage, PrimaryBackupOp } from "./message.ts";
export * from "./mode.ts";
export * from "./ack_policy.ts";
export * from "./detector.ts";
export * from "./options.ts";
export * from "./succession.ts";
