/**
 * A simulated disk: writes are visible at once, become durable on `sync()`, and a crash
 * keeps only what was synced. The simulator gives one to each node.
 *
 * @module
 */

import { BufferedDisk } from "./buffered_disk.ts";
import { type DurableStorage, StorageFault } from "../../protocols/storage.ts";
import {
  checkDiskFaults,
  decodeRecord,
  type DiskFaultCounts,
  type DiskFaults,
  emptyFaultCounts,
  encodeRecord,
} from "./disk_faults.ts";
import { appendFrame, createFrameBuffer, encodeSet, readFrame } from "./record_frame.ts";

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
 * In-memory durable storage with explicit sync and crash, and optional storage faults
 * ({@link MemoryDisk.setFaults}). Until faults are first turned on, it keeps values as
 * they are and draws nothing from any random source; from then on it keeps each durable
 * key as a checksummed frame (see `disk_faults.ts`), damages frames as the faults say,
 * and refuses — with a {@link StorageFault} — to return what it cannot verify.
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
  /** Storage faults injected and detected on this disk. */
  readonly faultCounts: DiskFaultCounts = emptyFaultCounts();
  #faults: DiskFaults | null = null;
  #random: () => number = () => {
    throw new Error("disk faults are off");
  };
  /** Once faults were on: each key's frame on the medium, and the index of versions. */
  #medium: Map<string, Uint8Array> | null = null;
  #index = new Map<string, number>();
  /** Once faults were on: what was last synced under each key, for checkers only. */
  #truth = new Map<string, unknown>();
  #version = 0;
  /** Keys whose frame failed its check when the medium was last read, and why. */
  #damaged = new Map<string, StorageFault>();
  /** The torn commit frame of a batch cut short by a power loss, until recovery. */
  #torn: Uint8Array | null = null;
  /** Which write of the current sync goes astray (-1: none; -2: it went). */
  #astray = -1;
  #persisted = 0;

  /**
   * Turns storage faults on with these probabilities (null: off), drawing from `random`.
   * Damage already done stays. A disk never given faults behaves, and draws, as before.
   */
  setFaults(faults: DiskFaults | null, random: () => number): void {
    this.#faults = faults === null ? null : checkDiskFaults(faults);
    this.#random = random;
    if (faults !== null) this.#arm();
  }

  /** From now on, keeps durable keys as checksummed frames on a medium that can fail. */
  #arm(): Map<string, Uint8Array> {
    if (this.#medium !== null) return this.#medium;
    const medium = this.#medium = new Map();
    for (const [k, v] of this.#durable) this.#write(k, v, medium);
    this.#truth = this.#durable;
    this.#durable = new Map();
    return medium;
  }

  /**
   * The disk as an invariant checker reads it: what the node sees, except that a
   * damaged record reads as what was last synced under its key, and no fault is drawn
   * or thrown. For oracles only — a node must read through the disk itself.
   */
  inspect(): DurableStorage {
    const readOnly = (): never => {
      throw new Error("a disk's inspection view is read-only");
    };
    return {
      set: readOnly,
      delete: readOnly,
      get: (key) => {
        const damage = this.#damaged.get(key);
        return damage === undefined ? super.get(key) : this.#truth.get(key);
      },
      keys: (prefix) => super.keys(prefix).concat(...this.#damagedKeys(prefix ?? "")).sort(),
    };
  }

  #damagedKeys(prefix: string): string[] {
    const out: string[] = [];
    for (const k of this.#damaged.keys()) if (k.startsWith(prefix)) out.push(k);
    return out;
  }

  /**
   * Flips bit `bit` (modulo its length) of the synced record of `key`, as a latent
   * sector error would — a fault put exactly where a test wants it. The disk keeps
   * checksummed records from now on, as with {@link setFaults}, but draws nothing.
   * Found when the medium is next read back (after a crash). Returns false when nothing
   * is synced under `key`.
   */
  corrupt(key: string, bit = 77): boolean {
    const medium = this.#arm();
    const bytes = medium.get(key)?.slice();
    if (bytes === undefined) return false;
    const at = bit % (bytes.length * 8);
    bytes[at >> 3] = bytes[at >> 3]! ^ (1 << (at & 7));
    medium.set(key, bytes);
    this.faultCounts.injected["bit-flip"]++;
    return true;
  }

  /** The fault probabilities in force, or null. */
  get faults(): DiskFaults | null {
    return this.#faults;
  }

  #draw(kind: keyof DiskFaults): boolean {
    const p = this.#faults?.[kind];
    if (p === undefined || p <= 0) return false;
    if (this.#random() >= p) return false;
    this.faultCounts.injected[kind]++;
    return true;
  }

  #fail(fault: StorageFault): never {
    this.faultCounts.detected[fault.kind]++;
    throw fault;
  }

  #write(key: string, value: unknown, medium: Map<string, Uint8Array>): void {
    const version = ++this.#version;
    this.#index.set(key, version);
    medium.set(key, encodeRecord(key, value, version));
  }

  protected persist(key: string, value: unknown): void {
    const medium = this.#medium;
    if (medium === null) {
      this.#durable.set(key, value);
      return;
    }
    this.#truth.set(key, value);
    const places = this.#persisted++ === this.#astray
      ? [...medium.keys()].filter((k) => k !== key)
      : [];
    if (places.length > 0) {
      // The index records the write as done; the frame lands on another key's place.
      const version = ++this.#version;
      this.#index.set(key, version);
      const victim = places[Math.floor(this.#random() * places.length)]!;
      medium.set(victim, encodeRecord(key, value, version));
      this.#astray = -2;
      return;
    }
    this.#write(key, value, medium);
  }

  protected erase(key: string): void {
    this.#durable.delete(key);
    this.#medium?.delete(key);
    this.#index.delete(key);
    this.#truth.delete(key);
  }

  override get(key: string): unknown {
    if (this.#faults !== null && this.#draw("read-error")) {
      this.#fail(new StorageFault("read-error", `reading ${key} failed (EIO)`));
    }
    if (this.#damaged.size > 0) {
      const damage = this.#damaged.get(key);
      if (damage !== undefined) this.#fail(damage);
    }
    return super.get(key);
  }

  override keys(prefix = ""): string[] {
    const keys = super.keys(prefix);
    if (this.#damaged.size === 0) return keys;
    // A damaged key is still there: reading it says so.
    return keys.concat(this.#damagedKeys(prefix)).sort();
  }

  override set(key: string, value: unknown): void {
    super.set(key, value);
    this.#damaged.delete(key);
    // Opt-in: without journals a write costs what it did.
    for (const j of this.#journals) j.keys.add(key);
  }

  override delete(key: string): void {
    super.delete(key);
    this.#damaged.delete(key);
    for (const j of this.#journals) j.keys.add(key);
  }

  /**
   * Makes the pending writes durable. With faults on, it may throw a
   * {@link StorageFault}: `disk-full` (nothing written), `fsync-error` (all or nothing
   * written, unknown to the caller) or `torn-write` (a power loss: nothing written,
   * the torn batch is found and cut at recovery); the caller must then crash the node.
   * A misdirected write or a bit flip is silent until the medium is read again.
   */
  override sync(): number {
    const n = this.pending;
    if (n > 0 && this.#faults !== null) this.#faultySync(n);
    const done = super.sync();
    if (done > 0) this.syncs++;
    // Drawn, but the write it picked was a delete or had nowhere else to land.
    if (this.#astray >= 0) this.faultCounts.injected["misdirected-write"]--;
    this.#astray = -1;
    if (done > 0 && this.#faults !== null) this.#flipABit();
    return done;
  }

  #faultySync(n: number): void {
    this.#astray = -1;
    if (this.#draw("disk-full")) {
      this.#fail(new StorageFault("disk-full", `no space left on device (ENOSPC): ${n} writes`));
    }
    if (this.#draw("fsync-error")) {
      // After EIO the pages may or may not have reached the medium: flip a coin.
      if (this.#random() < 0.5) super.sync();
      this.#fail(
        new StorageFault("fsync-error", `fsync failed (EIO): ${n} writes in an unknown state`),
      );
    }
    if (this.#draw("torn-write")) {
      const frame = createFrameBuffer(64);
      appendFrame(frame, encodeSet("commit", n));
      this.#torn = frame.bytes.slice(0, 1 + Math.floor(this.#random() * (frame.length - 1)));
      throw new StorageFault("torn-write", `power lost while writing a batch of ${n} writes`);
    }
    this.#astray = this.#draw("misdirected-write") ? Math.floor(this.#random() * n) : -1;
    this.#persisted = 0;
  }

  #flipABit(): void {
    const medium = this.#medium;
    if (medium === null || medium.size === 0 || !this.#draw("bit-flip")) return;
    const places = [...medium.keys()];
    const at = places[Math.floor(this.#random() * places.length)]!;
    const bytes = medium.get(at)!.slice();
    const bit = Math.floor(this.#random() * bytes.length * 8);
    bytes[bit >> 3] = bytes[bit >> 3]! ^ (1 << (bit & 7));
    medium.set(at, bytes);
  }

  /** Reads the medium back as recovery does: what verifies, and what is damaged. */
  #readMedium(medium: Map<string, Uint8Array>): Map<string, unknown> {
    const out = new Map<string, unknown>();
    this.#damaged.clear();
    if (this.#torn !== null) {
      const t = this.#torn;
      this.#torn = null;
      const read = readFrame(t, new DataView(t.buffer, t.byteOffset, t.byteLength), 0);
      // A torn commit frame never reads: the batch it would have committed is cut.
      if (!read.ok) this.faultCounts.detected["torn-write"]++;
    }
    for (const [key, version] of this.#index) {
      const r = decodeRecord(key, medium.get(key), version);
      if (r.ok) out.set(key, r.value);
      else this.#damaged.set(key, new StorageFault(r.kind, r.detail));
    }
    return out;
  }

  /** Loses every unsynced write, as a power cut would. */
  crash(): void {
    this.restore(this.#medium === null ? this.#durable : this.#readMedium(this.#medium));
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
    return this.#medium === null ? this.#durable.size : this.#index.size;
  }
}
