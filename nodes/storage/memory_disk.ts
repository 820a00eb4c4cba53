/**
 * A simulated disk: writes are visible at once, become durable on `sync()`, and a crash
 * keeps only what was synced. The simulator gives one to each node.
 *
 * @module
 */

import type { HostStorage } from "../../protocols/storage.ts";

const DELETED = Symbol("deleted");

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
export class MemoryDisk implements HostStorage {
  #durable = new Map<string, unknown>();
  #view = new Map<string, unknown>();
  #pending = new Map<string, unknown>();
  /** Number of syncs that wrote something. */
  syncs = 0;

  get(key: string): unknown {
    return this.#view.get(key);
  }

  set(key: string, value: unknown): void {
    this.#view.set(key, value);
    this.#pending.set(key, value);
  }

  delete(key: string): void {
    this.#view.delete(key);
    this.#pending.set(key, DELETED);
  }

  keys(prefix = ""): string[] {
    const out: string[] = [];
    for (const k of this.#view.keys()) if (k.startsWith(prefix)) out.push(k);
    return out.sort();
  }

  get pending(): number {
    return this.#pending.size;
  }

  sync(): number {
    const n = this.#pending.size;
    if (n === 0) return 0;
    for (const [k, v] of this.#pending) {
      if (v === DELETED) this.#durable.delete(k);
      else this.#durable.set(k, v);
    }
    this.#pending.clear();
    this.syncs++;
    return n;
  }

  /** Loses every unsynced write, as a power cut would. */
  crash(): void {
    this.#pending.clear();
    this.#view = new Map(this.#durable);
  }

  /** Number of durable keys. */
  get size(): number {
    return this.#durable.size;
  }
}
