/**
 * Durable storage as a protocol sees it: a small key-value store of JSON values.
 *
 * Writes are visible to reads at once but survive a crash only after the host syncs
 * them (the host syncs after every input, before any message or reply of that input
 * leaves the node — but a message sent `beforeSync`, see `node.ts`). Values must be JSON-compatible and must not be mutated after they
 * are written.
 *
 * @module
 */

/**
 * Durable key-value storage.
 *
 * @example
 * ```ts
 * import type { DurableStorage } from "./storage.ts";
 * function saveTerm(storage: DurableStorage, term: number, vote: string | null): void {
 *   storage.set("hard", { term, vote });
 * }
 * ```
 */
export interface DurableStorage {
  /** The latest value written under `key` (synced or not), or `undefined`. */
  get(key: string): unknown;
  /** Writes `value` under `key`. */
  set(key: string, value: unknown): void;
  /** Removes `key`. */
  delete(key: string): void;
  /** Every key that starts with `prefix`, in ascending order. */
  keys(prefix?: string): string[];
}

/**
 * Storage the host controls: it adds syncing to what protocols see.
 *
 * @example
 * ```ts
 * import type { HostStorage } from "./storage.ts";
 * async function commit(disk: HostStorage): Promise<void> {
 *   if (disk.pending > 0) await disk.sync();
 * }
 * ```
 */
export interface HostStorage extends DurableStorage {
  /** Makes every write so far durable. Returns the number of writes synced. */
  sync(): number | Promise<number>;
  /** Writes not yet synced. */
  readonly pending: number;
}

/**
 * The storage faults a disk can suffer (the simulator injects each, per node, with a
 * probability, from its seeded PRNG):
 * - `fsync-error`: a sync fails (EIO); its writes are then in an unknown state — the
 *   whole batch is durable, or none of it;
 * - `disk-full`: a sync fails with ENOSPC; none of its writes is durable;
 * - `torn-write`: the power fails while a batch is written; its commit frame is torn,
 *   and recovery finds that by checksum and cuts the batch;
 * - `bit-flip`: a bit of a synced record changes (a latent sector error);
 * - `misdirected-write`: a record lands on another record's place, which it destroys,
 *   and its own place keeps the old contents;
 * - `read-error`: a read fails (EIO).
 *
 * @example
 * ```ts
 * import { DISK_FAULT_KINDS } from "./storage.ts";
 * DISK_FAULT_KINDS.includes("bit-flip"); // true
 * ```
 */
export const DISK_FAULT_KINDS = [
  "fsync-error",
  "disk-full",
  "torn-write",
  "bit-flip",
  "misdirected-write",
  "read-error",
] as const;

/**
 * One storage fault kind.
 *
 * @example
 * ```ts
 * import type { DiskFaultKind } from "./storage.ts";
 * const k: DiskFaultKind = "torn-write";
 * ```
 */
export type DiskFaultKind = typeof DISK_FAULT_KINDS[number];

/**
 * Thrown by storage that cannot do what it was asked without lying: a failed sync, a
 * full disk, a failed read, or a record whose checksum, place or version is wrong. A
 * protocol lets it propagate; the host then stops the node loudly (a crash whose reason
 * names the fault), so the node never serves a damaged value nor acknowledges a write
 * it may have lost. A protocol may catch it only to repair from a peer.
 *
 * @example
 * ```ts
 * import { StorageFault } from "./storage.ts";
 * const e = new StorageFault("bit-flip", "log/7: checksum mismatch");
 * e.message; // "storage fault (bit-flip): log/7: checksum mismatch"
 * ```
 */
export class StorageFault extends Error {
  /** Which fault it was. */
  readonly kind: DiskFaultKind;
  /** What the storage found, without the prefix. */
  readonly detail: string;

  constructor(kind: DiskFaultKind, detail: string) {
    super(`storage fault (${kind}): ${detail}`);
    this.name = "StorageFault";
    this.kind = kind;
    this.detail = detail;
  }
}
