/**
 * The in-memory storage of a Worker node without `--data-dir`. A Worker that is
 * terminated loses its memory, so "durable" here means "shipped to the main thread":
 * `sync()` moves the pending writes into a delta that the Worker posts in its next
 * output, and the main thread keeps the mirror a restarted Worker starts from.
 *
 * @module
 */

import { BufferedDisk } from "../storage/buffered_disk.ts";
import type { WriteDelta } from "../worker_protocol.ts";

/**
 * Storage whose synced writes are collected as deltas for a mirror elsewhere.
 *
 * @example
 * ```ts
 * import { MirroredDisk } from "./mirrored_disk.ts";
 * const disk = new MirroredDisk([["a", 1]]);
 * disk.set("b", 2);
 * disk.delete("a");
 * disk.sync(); // 2
 * disk.takeSynced(); // [["b", 2], ["a"]]
 * ```
 */
export class MirroredDisk extends BufferedDisk {
  #synced: WriteDelta[] = [];

  protected persist(key: string, value: unknown): void {
    this.#synced.push([key, value]);
  }

  protected erase(key: string): void {
    this.#synced.push([key]);
  }

  /** The writes synced since the last call, oldest first; `null` when there are none. */
  takeSynced(): WriteDelta[] | null {
    if (this.#synced.length === 0) return null;
    const out = this.#synced;
    this.#synced = [];
    return out;
  }
}

/**
 * Applies synced deltas to a mirror.
 *
 * @example
 * ```ts
 * import { applyDeltas } from "./mirrored_disk.ts";
 * const mirror = new Map<string, unknown>([["a", 1]]);
 * applyDeltas(mirror, [["b", 2], ["a"]]);
 * [...mirror]; // [["b", 2]]
 * ```
 */
export function applyDeltas(mirror: Map<string, unknown>, deltas: readonly WriteDelta[]): void {
  for (const d of deltas) {
    if (d.length === 1) mirror.delete(d[0]);
    else mirror.set(d[0], d[1]);
  }
}
