/**
 * Frames for a TCP stream between nodes: the length-prefixed frames of
 * `process/frame_codec.ts` whose payload starts with the CRC-32C of the rest. A pipe to
 * a child process is trusted; a socket is not — anything may connect to a node's port,
 * and a frame damaged on its way must be refused, not decoded. A reader throws a
 * {@link FrameError} (the connection is then closed, the process goes on) on a frame
 * over the limit, a bad checksum, or a frame too short to hold one.
 *
 * @module
 */

import { crc32c } from "../faults/crc32c.ts";
import { encodeFrame, frameReader, type FrameReaderOptions } from "../process/frame_codec.ts";

/** The largest frame a node accepts from a peer by default (16 MiB). */
export const MAX_PEER_FRAME_BYTES = 16 * 1024 * 1024;

/**
 * The bytes before a frame's payload (and its prefix, if any): length and checksum. A
 * payload encoded with this much room before it can be framed in place
 * ({@link checkedFrameInPlace}).
 *
 * @example
 * ```ts
 * import { CHECKED_HEADER_BYTES } from "./checked_frame.ts";
 * CHECKED_HEADER_BYTES; // 8
 * ```
 */
export const CHECKED_HEADER_BYTES = 8;

/**
 * Why a stream was refused: `oversized`, `checksum` or `short` (shorter than its checksum).
 *
 * @example
 * ```ts
 * import { FrameError } from "./checked_frame.ts";
 * new FrameError("checksum", "bad checksum").kind; // "checksum"
 * ```
 */
export class FrameError extends Error {
  /** What was wrong with the frame. */
  readonly kind: "oversized" | "checksum" | "short";
  constructor(kind: "oversized" | "checksum" | "short", message: string) {
    super(message);
    this.name = "FrameError";
    this.kind = kind;
  }
}

/**
 * One frame: length (4 bytes, big-endian, counting the checksum), CRC-32C of the payload
 * (4 bytes), the payload.
 *
 * @example
 * ```ts
 * import { encodeCheckedFrame } from "./checked_frame.ts";
 * encodeCheckedFrame(new Uint8Array([7])).length; // 9
 * ```
 */
export function encodeCheckedFrame(payload: Uint8Array): Uint8Array {
  const body = new Uint8Array(4 + payload.length);
  new DataView(body.buffer).setUint32(0, crc32c(payload));
  body.set(payload, 4);
  return encodeFrame(body);
}

/**
 * Many frames in one buffer, each as {@link encodeCheckedFrame} would make it, with
 * `prefix(payload)` (a tag, say) put before each payload when given — one allocation and
 * one copy of each payload, whatever the number of frames.
 *
 * @example
 * ```ts
 * import { encodeCheckedFrame, encodeCheckedFrames } from "./checked_frame.ts";
 * const one = new Uint8Array([7]);
 * encodeCheckedFrames([one, one]).length === 2 * encodeCheckedFrame(one).length; // true
 * encodeCheckedFrames([one], () => new Uint8Array([9])).length; // 10
 * ```
 */
export function encodeCheckedFrames(
  payloads: readonly Uint8Array[],
  prefix?: (payload: Uint8Array) => Uint8Array,
): Uint8Array {
  const prefixes = prefix === undefined ? null : payloads.map(prefix);
  let size = 0;
  for (let i = 0; i < payloads.length; i++) {
    size += 8 + (prefixes?.[i]?.length ?? 0) + payloads[i]!.length;
  }
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let at = 0;
  for (let i = 0; i < payloads.length; i++) {
    const p = payloads[i]!;
    const pre = prefixes?.[i];
    const body = 4 + (pre?.length ?? 0) + p.length;
    view.setUint32(at, body);
    let q = at + 8;
    if (pre !== undefined) {
      out.set(pre, q);
      q += pre.length;
    }
    out.set(p, q);
    view.setUint32(at + 4, crc32c(out, at + 8, at + 4 + body));
    at += 4 + body;
  }
  return out;
}

/**
 * One frame made where its payload lies: `buffer` is {@link CHECKED_HEADER_BYTES} free
 * bytes, room for `prefix` (a tag, say) when given, then the payload. Writes the length,
 * the prefix and the checksum into that room and returns `buffer`, now the frame
 * {@link encodeCheckedFrames} would make of `[payload]` — without a copy of the payload.
 *
 * @example
 * ```ts
 * import { checkedFrameInPlace, encodeCheckedFrame } from "./checked_frame.ts";
 * const buffer = new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 7]);
 * checkedFrameInPlace(buffer); // the same bytes as encodeCheckedFrame(new Uint8Array([7]))
 * ```
 */
export function checkedFrameInPlace(buffer: Uint8Array, prefix?: Uint8Array): Uint8Array {
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  view.setUint32(0, buffer.length - 4);
  if (prefix !== undefined) buffer.set(prefix, CHECKED_HEADER_BYTES);
  view.setUint32(4, crc32c(buffer, CHECKED_HEADER_BYTES));
  return buffer;
}

/** Splits a byte stream into checked payloads. */
export interface CheckedFrameReader {
  /** Takes the next chunk; returns the payloads it completed. Throws a {@link FrameError}. */
  push(chunk: Uint8Array): Uint8Array[];
  /** Bytes held of a frame not yet complete. */
  readonly pending: number;
}

/**
 * A reader of frames written by {@link encodeCheckedFrame}, refusing payloads over
 * `maxBytes`. With `{ views: true }` the payloads are views of the chunk pushed, valid
 * until the next push (see `FrameReaderOptions`).
 *
 * @example
 * ```ts
 * import { checkedFrameReader, encodeCheckedFrame } from "./checked_frame.ts";
 * const r = checkedFrameReader();
 * r.push(encodeCheckedFrame(new Uint8Array([1, 2]))); // [Uint8Array [1, 2]]
 * ```
 */
export function checkedFrameReader(
  maxBytes = MAX_PEER_FRAME_BYTES,
  options: FrameReaderOptions = {},
): CheckedFrameReader {
  const frames = frameReader(maxBytes + 4, options);
  return {
    get pending() {
      return frames.pending;
    },
    push(chunk: Uint8Array): Uint8Array[] {
      let raw: Uint8Array[];
      try {
        raw = frames.push(chunk);
      } catch (e) {
        throw new FrameError("oversized", e instanceof Error ? e.message : String(e));
      }
      const out: Uint8Array[] = new Array(raw.length);
      for (let i = 0; i < raw.length; i++) {
        const f = raw[i]!;
        if (f.length < 4) {
          throw new FrameError("short", `frame of ${f.length} bytes has no room for a checksum`);
        }
        const want = new DataView(f.buffer, f.byteOffset).getUint32(0);
        const got = crc32c(f, 4);
        if (want !== got) {
          throw new FrameError(
            "checksum",
            `bad checksum: frame says ${hex(want)}, its ${f.length - 4} bytes give ${hex(got)}`,
          );
        }
        out[i] = f.subarray(4);
      }
      return out;
    },
  };
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, "0")}`;
}
