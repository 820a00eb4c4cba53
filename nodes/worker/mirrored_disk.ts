/**
 * The in-memory storage of a Worker node without `--data-dir`. A Worker that is
 * terminated loses its memory, so "durable" here means "shipped to the main thread":
 * `sync()` moves the pending writes into a delta that the Worker posts in its next
 * output, and the main thread keeps the mirror a restarted Worker starts from.
 *
 * @module
 */

import type { HostStorage } from "../../protocols/storage.ts";
import type { WriteDelta } from "../worker_protocol.ts";

const DELETED = Symbol("deleted");

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
export class MirroredDisk implements HostStorage {
  #view: Map<string, unknown>;
  #pending = new Map<string, unknown>();
  #synced: WriteDelta[] = [];

  /** Starts from `entries`, the mirror of what earlier incarnations synced. */
  constructor(entries: Iterable<readonly [string, unknown]> = []) {
    this.#view = new Map(entries);
  }

  get(key: string): unknown {
    return this.#view.get(key);
  }

  set(key: string, value: unknown): void {
    this.#view.set(key, value);
    // Re-insert so the delta keeps the order of the last write to each key.
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

  get pending(): number {
    return this.#pending.size;
  }

  sync(): number {
    const n = this.#pending.size;
    if (n === 0) return 0;
    for (const [k, v] of this.#pending) this.#synced.push(v === DELETED ? [k] : [k, v]);
    this.#pending.clear();
    return n;
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
