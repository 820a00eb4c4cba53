/**
 * The part every in-memory disk shares: writes are visible at once and wait in a
 * pending set until `sync()` hands them, in the order each key was last written, to
 * wherever the disk keeps them durably.
 *
 * @module
 */

import type { HostStorage } from "../../protocols/storage.ts";

const DELETED = Symbol("deleted");

/**
 * In-memory storage with explicit sync. A subclass says where synced writes go
 * (`persist`, `erase`) and may replace the visible state (`restore`).
 *
 * @example
 * ```ts
 * import { BufferedDisk } from "./buffered_disk.ts";
 * class LoggingDisk extends BufferedDisk {
 *   log: string[] = [];
 *   protected persist(key: string, value: unknown): void {
 *     this.log.push(`${key}=${value}`);
 *   }
 *   protected erase(key: string): void {
 *     this.log.push(`-${key}`);
 *   }
 * }
 * const disk = new LoggingDisk();
 * disk.set("a", 1);
 * disk.sync(); // 1
 * disk.log; // ["a=1"]
 * ```
 */
export abstract class BufferedDisk implements HostStorage {
  #view: Map<string, unknown>;
  #pending = new Map<string, unknown>();

  /** Starts from `entries`, what earlier incarnations synced. */
  constructor(entries: Iterable<readonly [string, unknown]> = []) {
    this.#view = new Map(entries);
  }

  /** Makes a synced write durable. */
  protected abstract persist(key: string, value: unknown): void;
  /** Makes a synced delete durable. */
  protected abstract erase(key: string): void;

  get(key: string): unknown {
    return this.#view.get(key);
  }

  set(key: string, value: unknown): void {
    this.#view.set(key, value);
    // Re-insert so that sync hands writes over in the order of the last write to each key.
    this.#pending.delete(key);
    this.#pending.set(key, value);
  }

  delete(key: string): void {
    this.#view.delete(key);
    this.#pending.delete(key);
    this.#pending.set(key, DELETED);
  }

  keys(prefix = ""): string[] {
    const out: string[] = [];
    for (const k of this.#view.keys()) if (k.startsWith(prefix)) out.push(k);
    return out.sort();
  }

  /** Writes not yet synced. */
  get pending(): number {
    return this.#pending.size;
  }

  /** Hands every pending write to `persist` / `erase`; returns how many there were. */
  sync(): number {
    const n = this.#pending.size;
    if (n === 0) return 0;
    for (const [k, v] of this.#pending) {
      if (v === DELETED) this.erase(k);
      else this.persist(k, v);
    }
    this.#pending.clear();
    return n;
  }

  /** Forgets the pending writes and makes `entries` the visible state. */
  protected restore(entries: Iterable<readonly [string, unknown]>): void {
    this.#pending.clear();
    this.#view = new Map(entries);
  }
}
