/**
 * A simulated disk: writes are visible at once, become durable on `sync()`, and a crash
 * keeps only what was synced. The simulator gives one to each node.
 *
 * @module
 */

import { BufferedDisk } from "./buffered_disk.ts";

/**
 * In-memory durable storage with explicit sync and crash.
 *
 * @example
 * ```ts
 * import { MemoryDisk } from "./memory_disk.ts";
 * const disk = new MemoryDisk();
 * disk.set("a", 1);
 * disk.crash();
 * disk.get("a"); // undefined: never synced
 * ```
 */
export class MemoryDisk extends BufferedDisk {
  #durable = new Map<string, unknown>();
  /** Number of syncs that wrote something. */
  syncs = 0;

  protected persist(key: string, value: unknown): void {
    this.#durable.set(key, value);
  }

  protected erase(key: string): void {
    this.#durable.delete(key);
  }

  override sync(): number {
    const n = super.sync();
    if (n > 0) this.syncs++;
    return n;
  }

  /** Loses every unsynced write, as a power cut would. */
  crash(): void {
    this.restore(this.#durable);
  }

  /** Number of durable keys. */
  get size(): number {
    return this.#durable.size;
  }
}
