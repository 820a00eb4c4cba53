/**
 * The on-disk frame of one file-store log record, and how to write and read it.
 *
 * ```
 * [u32 LE payload length][u32 LE CRC-32 of payload][payload: UTF-8 JSON]
 * ```
 *
 * The payload is `["s", key, value]` (set) or `["d", key]` (delete). A frame is
 * only believed when its length fits in the file, its CRC matches, and its
 * payload is valid UTF-8 JSON of one of those two shapes; anything else is
 * reported as a {@link FrameProblem}, never guessed at.
 *
 * @module
 */

import { crc32 } from "./crc32.ts";

/**
 * Bytes before the payload: length and CRC, both u32 little-endian.
 *
 * @example
 * ```ts
 * import { FRAME_HEADER_BYTES } from "./record_frame.ts";
 * const payload = new TextEncoder().encode('{"op":"delete","key":"a"}');
 * FRAME_HEADER_BYTES + payload.length; // the frame's size on disk
 * ```
 */
export const FRAME_HEADER_BYTES = 8;

/**
 * One decoded log record.
 *
 * @example
 * ```ts
 * import type { LogRecord } from "./record_frame.ts";
 * const records: LogRecord[] = [{ op: "set", key: "a", value: 1 }, { op: "delete", key: "a" }];
 * ```
 */
export type LogRecord =
  | { readonly op: "set"; readonly key: string; readonly value: unknown }
  | { readonly op: "delete"; readonly key: string };

/**
 * Why a frame could not be read:
 * - `short-header`: fewer than 8 bytes left;
 * - `empty-payload`: length 0 (e.g. a zero-filled tail; a real payload is never empty);
 * - `short-payload`: the length runs past the end of the file;
 * - `bad-crc`: the payload does not match its checksum;
 * - `bad-json`: the checksum matches but the payload is not UTF-8 JSON;
 * - `bad-record`: valid JSON, but not a set or delete record.
 *
 * @example
 * ```ts
 * import type { FrameProblem } from "./record_frame.ts";
 * function torn(p: FrameProblem): boolean {
 *   return p === "short-header" || p === "short-payload";
 * }
 * ```
 */
export type FrameProblem =
  | "short-header"
  | "empty-payload"
  | "short-payload"
  | "bad-crc"
  | "bad-json"
  | "bad-record";

/**
 * The result of {@link readFrame}: a record and where the next frame starts, or a problem.
 *
 * @example
 * ```ts
 * import type { FrameRead } from "./record_frame.ts";
 * function next(r: FrameRead): number | null {
 *   return r.ok ? r.end : null;
 * }
 * ```
 */
export type FrameRead =
  | { readonly ok: true; readonly record: LogRecord; readonly end: number }
  | { readonly ok: false; readonly problem: FrameProblem };

/**
 * A growing byte buffer of encoded frames. `length` bytes are used; `count` frames
 * are in it. Reused between syncs, so the write path allocates only when it grows.
 *
 * @example
 * ```ts
 * import type { FrameBuffer } from "./record_frame.ts";
 * const bytes = new Uint8Array(4096);
 * const buffer: FrameBuffer = { bytes, view: new DataView(bytes.buffer), length: 0, count: 0 };
 * ```
 */
export interface FrameBuffer {
  bytes: Uint8Array;
  view: DataView;
  length: number;
  count: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * An empty frame buffer with room for `capacity` bytes.
 *
 * @example
 * ```ts
 * import { createFrameBuffer } from "./record_frame.ts";
 * const buf = createFrameBuffer(1024);
 * buf.length; // 0
 * ```
 */
export function createFrameBuffer(capacity = 4096): FrameBuffer {
  const bytes = new Uint8Array(Math.max(capacity, 64));
  return { bytes, view: new DataView(bytes.buffer), length: 0, count: 0 };
}

/**
 * The JSON payload of a set record. Throws on values `JSON.stringify` rejects
 * (BigInt, cycles), so nothing is written for them.
 *
 * @example
 * ```ts
 * import { encodeSet } from "./record_frame.ts";
 * encodeSet("k", { term: 1 }); // '["s","k",{"term":1}]'
 * ```
 */
export function encodeSet(key: string, value: unknown): string {
  return JSON.stringify(["s", key, value]);
}

/**
 * The JSON payload of a delete record.
 *
 * @example
 * ```ts
 * import { encodeDelete } from "./record_frame.ts";
 * encodeDelete("k"); // '["d","k"]'
 * ```
 */
export function encodeDelete(key: string): string {
  return JSON.stringify(["d", key]);
}

/**
 * Appends one frame holding `payload` (from {@link encodeSet} or {@link encodeDelete})
 * and returns the frame's size in bytes.
 *
 * @example
 * ```ts
 * import { appendFrame, createFrameBuffer, encodeSet } from "./record_frame.ts";
 * const buf = createFrameBuffer();
 * appendFrame(buf, encodeSet("k", 1)); // 19
 * buf.count; // 1
 * ```
 */
export function appendFrame(buf: FrameBuffer, payload: string): number {
  // UTF-8 needs at most 3 bytes per UTF-16 code unit.
  const need = buf.length + FRAME_HEADER_BYTES + payload.length * 3;
  if (need > buf.bytes.length) growFrameBuffer(buf, need);
  const start = buf.length;
  const body = start + FRAME_HEADER_BYTES;
  const { written } = encoder.encodeInto(payload, buf.bytes.subarray(body));
  buf.view.setUint32(start, written, true);
  buf.view.setUint32(start + 4, crc32(buf.bytes, body, body + written), true);
  buf.length = body + written;
  buf.count++;
  return FRAME_HEADER_BYTES + written;
}

/**
 * Empties a frame buffer, keeping its memory for reuse.
 *
 * @example
 * ```ts
 * import { appendFrame, clearFrameBuffer, createFrameBuffer } from "./record_frame.ts";
 * const buf = createFrameBuffer();
 * appendFrame(buf, '["d","k"]');
 * clearFrameBuffer(buf);
 * buf.count; // 0
 * ```
 */
export function clearFrameBuffer(buf: FrameBuffer): void {
  buf.length = 0;
  buf.count = 0;
}

function growFrameBuffer(buf: FrameBuffer, need: number): void {
  const bytes = new Uint8Array(Math.max(need, buf.bytes.length * 2));
  bytes.set(buf.bytes.subarray(0, buf.length));
  buf.bytes = bytes;
  buf.view = new DataView(bytes.buffer);
}

/**
 * Reads the frame at `offset` of `bytes` (`view` must be a DataView over the same
 * bytes, passed in so that a replay builds it once).
 *
 * @example
 * ```ts
 * import { appendFrame, createFrameBuffer, readFrame } from "./record_frame.ts";
 * const buf = createFrameBuffer();
 * appendFrame(buf, '["s","k",1]');
 * const log = buf.bytes.subarray(0, buf.length);
 * const view = new DataView(log.buffer, log.byteOffset, log.byteLength);
 * readFrame(log, view, 0); // { ok: true, record: { op: "set", key: "k", value: 1 }, end: 19 }
 * readFrame(log.subarray(0, 18), view, 0); // { ok: false, problem: "short-payload" }
 * ```
 */
export function readFrame(bytes: Uint8Array, view: DataView, offset: number): FrameRead {
  if (bytes.length - offset < FRAME_HEADER_BYTES) return { ok: false, problem: "short-header" };
  const length = view.getUint32(offset, true);
  if (length === 0) return { ok: false, problem: "empty-payload" };
  const body = offset + FRAME_HEADER_BYTES;
  if (length > bytes.length - body) return { ok: false, problem: "short-payload" };
  const end = body + length;
  if (crc32(bytes, body, end) !== view.getUint32(offset + 4, true)) {
    return { ok: false, problem: "bad-crc" };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(decoder.decode(bytes.subarray(body, end)));
  } catch {
    return { ok: false, problem: "bad-json" };
  }
  const record = toRecord(parsed);
  return record === undefined ? { ok: false, problem: "bad-record" } : { ok: true, record, end };
}

function toRecord(parsed: unknown): LogRecord | undefined {
  if (!Array.isArray(parsed) || typeof parsed[1] !== "string") return undefined;
  if (parsed[0] === "s" && parsed.length === 3) {
    return { op: "set", key: parsed[1], value: parsed[2] };
  }
  if (parsed[0] === "d" && parsed.length === 2) return { op: "delete", key: parsed[1] };
  return undefined;
}
