/**
 * Storage faults on the real file store behind `--data-dir`: the layer a file store
 * consults before each append, fsync and read, with the simulator's kinds, probabilities
 * and counters (`disk_faults.ts`), plus one-shot faults (the next chance only).
 *
 * What each kind does to the real file (see `file_store.ts`):
 * - `disk-full`: the append is refused as ENOSPC would be; nothing is written;
 * - `fsync-error`: the batch is written but not synced, and the sync fails (EIO);
 * - `torn-write`: only a prefix of the batch reaches the file (synced), as at a power loss;
 * - `misdirected-write`: the batch lands inside the header of an earlier batch's first
 *   record, destroying it, and its own place stays empty;
 * - `bit-flip`: after a sync, one bit of a synced record written before it changes in
 *   the file (a latent sector error);
 * - `read-error`: a read fails (EIO): opening the log, or reading a key.
 *
 * The first four stop the node (the store throws a {@link StorageFault}); the next two
 * are silent until the log is read again, at a restart, where the checksum finds them.
 *
 * @module
 */

import { DISK_FAULT_KINDS, type DiskFaultKind, StorageFault } from "../../protocols/storage.ts";
import {
  checkDiskFaults,
  type DiskFaultCounts,
  type DiskFaults,
  emptyFaultCounts,
} from "./disk_faults.ts";

/**
 * The storage faults set on one node's file store: a probability per kind, and kinds
 * armed once (each happens at its next chance, then is gone).
 *
 * @example
 * ```ts
 * import type { DiskFaultSetting } from "./file_faults.ts";
 * const s: DiskFaultSetting = { faults: { "read-error": 0.01 }, once: ["fsync-error"] };
 * ```
 */
export interface DiskFaultSetting {
  readonly faults: DiskFaults;
  readonly once: readonly DiskFaultKind[];
}

/**
 * No faults.
 *
 * @example
 * ```ts
 * import { NO_DISK_FAULTS } from "./file_faults.ts";
 * NO_DISK_FAULTS.once.length; // 0
 * ```
 */
export const NO_DISK_FAULTS: DiskFaultSetting = Object.freeze({
  faults: Object.freeze({}),
  once: Object.freeze([]) as readonly DiskFaultKind[],
});

/**
 * The setting after one change: `none` clears everything; a kind with a probability
 * sets it (0 removes it); a kind without one arms it once. Throws on an unknown kind or
 * a probability outside [0, 1] (the simulator's check).
 *
 * @example
 * ```ts
 * import { changeDiskFaults, NO_DISK_FAULTS } from "./file_faults.ts";
 * const a = changeDiskFaults(NO_DISK_FAULTS, "bit-flip", 0.1);
 * changeDiskFaults(a, "fsync-error"); // { faults: { "bit-flip": 0.1 }, once: ["fsync-error"] }
 * changeDiskFaults(a, "none"); // no faults
 * ```
 */
export function changeDiskFaults(
  setting: DiskFaultSetting,
  kind: DiskFaultKind | "none",
  probability?: number,
): DiskFaultSetting {
  if (kind === "none") return NO_DISK_FAULTS;
  if (!(DISK_FAULT_KINDS as readonly string[]).includes(kind)) checkDiskFaults({ [kind]: 0 });
  if (probability === undefined) {
    const once = setting.once.includes(kind) ? setting.once : [...setting.once, kind];
    return { faults: setting.faults, once };
  }
  const faults: Record<string, number> = { ...setting.faults, [kind]: probability };
  checkDiskFaults(faults);
  if (probability === 0) delete faults[kind];
  return { faults, once: setting.once };
}

/**
 * Whether a setting injects nothing.
 *
 * @example
 * ```ts
 * import { isNoDiskFaults, NO_DISK_FAULTS } from "./file_faults.ts";
 * isNoDiskFaults(NO_DISK_FAULTS); // true
 * ```
 */
export function isNoDiskFaults(setting: DiskFaultSetting): boolean {
  return setting.once.length === 0 && Object.keys(setting.faults).length === 0;
}

/**
 * The fault layer a file store consults: it decides, from its setting and a random
 * source of its own (never the protocol's), whether a fault happens now, and counts.
 *
 * @example
 * ```ts
 * import { FileFaults } from "./file_faults.ts";
 * const f = new FileFaults(() => 0.5, { faults: {}, once: ["disk-full"] });
 * f.draw("disk-full"); // true: the one-shot
 * f.draw("disk-full"); // false: it is gone
 * ```
 */
export class FileFaults {
  /** Faults injected, and detected (a failed sync or read; damage found on open). */
  readonly counts: DiskFaultCounts = emptyFaultCounts();
  readonly #random: () => number;
  #setting: DiskFaultSetting;
  readonly #onInject: (kind: DiskFaultKind) => void;

  /** `onInject` hears of each fault as it is injected (a Worker tells the main thread). */
  constructor(
    random: () => number,
    setting: DiskFaultSetting = NO_DISK_FAULTS,
    onInject: (kind: DiskFaultKind) => void = () => {},
  ) {
    this.#random = random;
    this.#setting = setting;
    this.#onInject = onInject;
  }

  /** The setting in force (one-shots already used are gone from it). */
  get setting(): DiskFaultSetting {
    return this.#setting;
  }

  /** Replaces the setting. */
  set(setting: DiskFaultSetting): void {
    checkDiskFaults(setting.faults);
    this.#setting = setting;
  }

  /** Whether any fault is set (a store skips the layer when none is). */
  get active(): boolean {
    return !isNoDiskFaults(this.#setting);
  }

  /** Whether `kind` happens at this chance: a one-shot (used up), else its probability. */
  draw(kind: DiskFaultKind): boolean {
    const s = this.#setting;
    if (s.once.includes(kind)) {
      this.#setting = { faults: s.faults, once: s.once.filter((k) => k !== kind) };
      this.counts.injected[kind]++;
      return true;
    }
    const p = s.faults[kind];
    if (p === undefined || p <= 0 || this.#random() >= p) return false;
    this.counts.injected[kind]++;
    return true;
  }

  /** A drawn fault was done to the file: count it and say so. */
  done(kind: DiskFaultKind): void {
    this.#onInject(kind);
  }

  /** A drawn fault had nothing to act on: it did not happen. */
  undo(kind: DiskFaultKind): void {
    this.counts.injected[kind]--;
  }

  /** A number in [0, n) from the layer's random source. */
  pick(n: number): number {
    return Math.floor(this.#random() * n);
  }

  /** Counts `kind` as detected and returns the fault to throw. */
  fail(kind: DiskFaultKind, detail: string): StorageFault {
    this.#onInject(kind);
    this.counts.detected[kind]++;
    return new StorageFault(kind, detail);
  }
}
