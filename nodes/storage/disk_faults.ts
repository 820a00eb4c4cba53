/**
 * Storage faults for the simulated disk, as TigerBeetle's VOPR injects them: the
 * per-node probabilities, the counters, and the on-disk record a faulty disk keeps so
 * that damage is found by checksum rather than by knowing where it was put.
 *
 * A disk with faults on keeps each durable key as one frame of `record_frame.ts`
 * (`[length][CRC-32][JSON]`) whose payload holds the key, the value and a version; an
 * index maps each key to the version last synced under it. The index plays the part of
 * TigerBeetle's superblock: it is small, kept in several copies and is not itself hit
 * by the faults. Reading a key from the medium believes its frame only when the CRC
 * matches, the frame names that key, and its version is the one the index expects —
 * which finds a bit flip, both halves of a misdirected write (the place it destroyed,
 * and the place that kept the old record), and nothing else.
 *
 * @module
 */

import type { DiskFaultKind } from "../../protocols/storage.ts";
import { DISK_FAULT_KINDS } from "../../protocols/storage.ts";
import {
  appendFrame,
  clearFrameBuffer,
  createFrameBuffer,
  encodeSet,
  readFrame,
} from "./record_frame.ts";

/**
 * The probability of each storage fault on one node's disk. `fsync-error`, `disk-full`,
 * `torn-write` and `misdirected-write` are drawn once per sync that writes something,
 * `bit-flip` once per such sync (it damages a random synced record), `read-error` once
 * per read. A kind left out never happens.
 *
 * @example
 * ```ts
 * import type { DiskFaults } from "./disk_faults.ts";
 * const flaky: DiskFaults = { "bit-flip": 0.02, "read-error": 0.001 };
 * ```
 */
export type DiskFaults = Readonly<Partial<Record<DiskFaultKind, number>>>;

/**
 * How many faults of each kind a disk suffered (`injected`) and how many a reader ran
 * into (`detected`: the sync or read that failed, or a damaged record refused). A
 * damaged record that is overwritten before anyone reads it is injected, not detected.
 *
 * @example
 * ```ts
 * import { emptyFaultCounts } from "./disk_faults.ts";
 * const c = emptyFaultCounts();
 * c.injected["bit-flip"]++;
 * ```
 */
export interface DiskFaultCounts {
  readonly injected: Record<DiskFaultKind, number>;
  readonly detected: Record<DiskFaultKind, number>;
}

/**
 * Counters at zero for every kind.
 *
 * @example
 * ```ts
 * import { emptyFaultCounts } from "./disk_faults.ts";
 * emptyFaultCounts().detected["torn-write"]; // 0
 * ```
 */
export function emptyFaultCounts(): DiskFaultCounts {
  const zero = () =>
    Object.fromEntries(DISK_FAULT_KINDS.map((k) => [k, 0])) as Record<DiskFaultKind, number>;
  return { injected: zero(), detected: zero() };
}

/**
 * Adds `b` into `a` (summing several disks' counters).
 *
 * @example
 * ```ts
 * import { addFaultCounts, emptyFaultCounts } from "./disk_faults.ts";
 * const total = emptyFaultCounts();
 * addFaultCounts(total, emptyFaultCounts());
 * ```
 */
export function addFaultCounts(a: DiskFaultCounts, b: DiskFaultCounts): void {
  for (const k of DISK_FAULT_KINDS) {
    a.injected[k] += b.injected[k];
    a.detected[k] += b.detected[k];
  }
}

/**
 * One line of counts, `kind injected/detected` for each kind.
 *
 * @example
 * ```ts
 * import { emptyFaultCounts, formatDiskFaults } from "./disk_faults.ts";
 * formatDiskFaults(emptyFaultCounts()); // "fsync-error 0/0, disk-full 0/0, …"
 * ```
 */
export function formatDiskFaults(c: DiskFaultCounts): string {
  return DISK_FAULT_KINDS.map((k) => `${k} ${c.injected[k]}/${c.detected[k]}`).join(", ");
}

/**
 * Checks a fault config: every kind known, every probability in [0, 1].
 *
 * @example
 * ```ts
 * import { checkDiskFaults } from "./disk_faults.ts";
 * checkDiskFaults({ "torn-write": 0.1 }); // returns it
 * ```
 */
export function checkDiskFaults(f: DiskFaults): DiskFaults {
  for (const [k, p] of Object.entries(f)) {
    if (!(DISK_FAULT_KINDS as readonly string[]).includes(k)) {
      throw new Error(`unknown disk fault '${k}' (known: ${DISK_FAULT_KINDS.join(", ")})`);
    }
    if (typeof p !== "number" || !(p >= 0 && p <= 1)) {
      throw new Error(`disk fault ${k}: probability ${p} is not in [0, 1]`);
    }
  }
  return f;
}

const scratch = createFrameBuffer(256);

/**
 * The frame of one record as a faulty disk stores it: `key`, `value` and the `version`
 * the index will expect, under the frame's CRC.
 *
 * @example
 * ```ts
 * import { encodeRecord } from "./disk_faults.ts";
 * encodeRecord("hard", { term: 2 }, 7).length; // 8-byte header + JSON
 * ```
 */
export function encodeRecord(key: string, value: unknown, version: number): Uint8Array {
  clearFrameBuffer(scratch);
  appendFrame(scratch, encodeSet(key, [version, value]));
  return scratch.bytes.slice(0, scratch.length);
}

/**
 * What reading one key's frame from the medium found: its value, or the fault that
 * explains why it cannot be believed.
 *
 * @example
 * ```ts
 * import type { RecordRead } from "./disk_faults.ts";
 * const r: RecordRead = { ok: false, kind: "bit-flip", detail: "k: bad-crc" };
 * ```
 */
export type RecordRead =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly kind: DiskFaultKind; readonly detail: string };

/**
 * Reads the frame stored at `key`'s place (`undefined`: nothing there) and checks it
 * against the version the index expects.
 *
 * @example
 * ```ts
 * import { decodeRecord, encodeRecord } from "./disk_faults.ts";
 * decodeRecord("k", encodeRecord("k", 1, 3), 3); // { ok: true, value: 1 }
 * decodeRecord("j", encodeRecord("k", 1, 3), 3).ok; // false: a misdirected write
 * ```
 */
export function decodeRecord(
  key: string,
  bytes: Uint8Array | undefined,
  version: number,
): RecordRead {
  if (bytes === undefined) {
    return {
      ok: false,
      kind: "misdirected-write",
      detail: `${key}: no record where version ${version} was written`,
    };
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const read = readFrame(bytes, view, 0);
  if (!read.ok || read.end !== bytes.length) {
    const problem = read.ok ? "trailing bytes" : read.problem;
    return { ok: false, kind: "bit-flip", detail: `${key}: ${problem} (checksum)` };
  }
  const r = read.record;
  if (r.op !== "set" || !Array.isArray(r.value) || r.value.length !== 2) {
    return { ok: false, kind: "bit-flip", detail: `${key}: not a record` };
  }
  if (r.key !== key) {
    return {
      ok: false,
      kind: "misdirected-write",
      detail: `${key}: holds the record of ${r.key} (a misdirected write)`,
    };
  }
  if (r.value[0] !== version) {
    return {
      ok: false,
      kind: "misdirected-write",
      detail: `${key}: stale record (version ${r.value[0]}, expected ${version})`,
    };
  }
  return { ok: true, value: r.value[1] };
}
