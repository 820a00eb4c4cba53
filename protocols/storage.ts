/**
 * Durable storage as a protocol sees it: a small key-value store of JSON values.
 *
 * Writes are visible to reads at once but survive a crash only after the host syncs
 * them (the host syncs after every input, before any message or reply of that input
 * leaves the node). Values must be JSON-compatible and must not be mutated after they
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
