/**
 * Replaying a file-store log on open, and telling a torn tail from corruption.
 *
 * A crash in the middle of a write leaves a *torn tail*: the last frame is short
 * or damaged and nothing intact follows it. That is expected, and cutting it loses
 * only writes that were never acknowledged (the store acknowledges after fsync).
 * A damaged frame *followed by intact ones* is different: the disk or something
 * else changed bytes that were once durable. Both are cut from the first bad frame
 * on (a log with a hole in it cannot be trusted to mean anything), but the report
 * says which it was so that the host can shout about corruption.
 *
 * @module
 */

import {
  FRAME_HEADER_BYTES,
  type FrameProblem,
  type LogRecord,
  readFrame,
} from "./record_frame.ts";

/**
 * What replaying a log found, and what must be cut from it.
 *
 * @example
 * ```ts
 * import type { RecoveryReport } from "./log_replay.ts";
 * function summary(r: RecoveryReport): string {
 *   return r.kind === "clean" ? `${r.recordsRead} records` : `cut ${r.bytesCut} bytes (${r.problem})`;
 * }
 * ```
 */
export interface RecoveryReport {
  /**
   * `clean`: every byte was an intact frame. `torn-tail`: a bad frame with nothing
   * intact after it (a crash mid-write). `corruption`: a bad frame followed by
   * intact frames, which were cut too.
   */
  readonly kind: "clean" | "torn-tail" | "corruption";
  /** Intact frames read and applied, up to the first bad one. */
  readonly recordsRead: number;
  /** Length of the good prefix: the file is truncated to this. */
  readonly bytesKept: number;
  /** Bytes from the first bad frame to the end of the file. */
  readonly bytesCut: number;
  /** Where the first bad frame starts (absent when clean). */
  readonly badOffset?: number;
  /** Why that frame was bad (absent when clean). */
  readonly problem?: FrameProblem;
  /** Intact frames found after the bad one and cut with it (0 unless `corruption`). */
  readonly recordsLost: number;
}

/**
 * Reads every intact frame of `bytes` in order, calling `apply` with each record
 * and its frame size, and stops at the first bad frame.
 *
 * @example
 * ```ts
 * import { replayLog } from "./log_replay.ts";
 * import { appendFrame, createFrameBuffer } from "./record_frame.ts";
 * const buf = createFrameBuffer();
 * appendFrame(buf, '["s","a",1]');
 * appendFrame(buf, '["s","b",2]');
 * const torn = buf.bytes.subarray(0, buf.length - 3);
 * const report = replayLog(torn, (record) => console.log(record.key));
 * report.kind; // "torn-tail"
 * report.recordsRead; // 1
 * report.bytesCut; // 16
 * ```
 */
export function replayLog(
  bytes: Uint8Array,
  apply: (record: LogRecord, frameBytes: number) => void,
): RecoveryReport {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 0;
  let recordsRead = 0;
  while (offset < bytes.length) {
    const read = readFrame(bytes, view, offset);
    if (!read.ok) {
      const recordsLost = countIntactAfter(bytes, view, offset + 1);
      return {
        kind: recordsLost > 0 ? "corruption" : "torn-tail",
        recordsRead,
        bytesKept: offset,
        bytesCut: bytes.length - offset,
        badOffset: offset,
        problem: read.problem,
        recordsLost,
      };
    }
    apply(read.record, read.end - offset);
    recordsRead++;
    offset = read.end;
  }
  return { kind: "clean", recordsRead, bytesKept: offset, bytesCut: 0, recordsLost: 0 };
}

/**
 * Counts intact frames after a bad one. The bad frame's length cannot be trusted,
 * so this resynchronises by trying every byte offset; once a frame reads, it
 * follows the chain and resynchronises again after any further bad frame. A false
 * match is unlikely twice over: its CRC must match, and a header cannot hide inside
 * a payload, since the length of any frame under 16 MiB has a zero high byte and
 * JSON text never holds a raw zero byte.
 */
function countIntactAfter(bytes: Uint8Array, view: DataView, from: number): number {
  let found = 0;
  let offset = from;
  while (bytes.length - offset >= FRAME_HEADER_BYTES) {
    const read = readFrame(bytes, view, offset);
    if (read.ok) {
      found++;
      offset = read.end;
    } else {
      offset++;
    }
  }
  return found;
}
