/**
 * A simulated disk: writes are visible at once, become durable on `sync()`, and a crash
 * keeps only what was synced. The simulator gives one to each node.
 *
 * @module
 */

import { BufferedDisk } from "./buffered_disk.ts";

const NOTHING: ReadonlySet<string> = new Set();

/**
 * The keys written to a {@link MemoryDisk} since the last `take()`, for checks that
 * look only at what changed (see `MemoryDisk.journal`).
 *
 * @example
 * ```ts
 * import { MemoryDisk } from "./memory_disk.ts";
 * const disk = new MemoryDisk();
 * const j = disk.journal();
 * disk.set("a", 1);
 * [...j.take() ?? []]; // ["a"]
 * disk.crash();
 * j.take(); // null: the visible state was replaced, read everything again
 * ```
 */
export interface WriteJournal {
  /**
   * The keys set or deleted since the last call, or null when the disk was reset
   * (crash) since then, so that anything may have changed. Clears the journal.
   */
  take(): ReadonlySet<string> | null;
  /** Stops recording. */
  close(): void;
}

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
  #journals: { keys: Set<string>; reset: boolean }[] = [];
  /** Number of syncs that wrote something. */
  syncs = 0;
  /** Number of times the visible state was replaced (crashes). */
  resets = 0;

  protected persist(key: string, value: unknown): void {
    this.#durable.set(key, value);
  }

  protected erase(key: string): void {
    this.#durable.delete(key);
  }

  override set(key: string, value: unknown): void {
    super.set(key, value);
    // Opt-in: without journals a write costs what it did.
    for (const j of this.#journals) j.keys.add(key);
  }

  override delete(key: string): void {
    super.delete(key);
    for (const j of this.#journals) j.keys.add(key);
  }

  override sync(): number {
    const n = super.sync();
    if (n > 0) this.syncs++;
    return n;
  }

  /** Loses every unsynced write, as a power cut would. */
  crash(): void {
    this.restore(this.#durable);
    this.resets++;
    for (const j of this.#journals) {
      j.keys.clear();
      j.reset = true;
    }
  }

  /**
   * Starts recording which keys are written from now on (an opt-in write journal: each
   * caller gets its own).
   */
  journal(): WriteJournal {
    const j = { keys: new Set<string>(), reset: false };
    this.#journals.push(j);
    return {
      take: () => {
        if (j.reset) {
          j.reset = false;
          j.keys.clear();
          return null;
        }
        if (j.keys.size === 0) return NOTHING;
        const keys = j.keys;
        j.keys = new Set();
        return keys;
      },
      close: () => {
        this.#journals = this.#journals.filter((x) => x !== j);
      },
    };
  }

  /** Number of durable keys. */
  get size(): number {
    return this.#durable.size;
  }
}
