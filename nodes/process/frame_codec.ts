/**
 * Length-prefixed frames for a byte stream (a child process's stdin and stdout): a
 * 4-byte big-endian length, then that many bytes. A stream carries no message
 * boundaries, so the reader joins and splits chunks back into the frames that were
 * written; a length over the limit means the stream is not ours (or is damaged), and the
 * reader refuses it rather than allocate it.
 *
 * @module
 */

/** The largest frame a reader accepts by default (64 MiB). */
export const MAX_FRAME_BYTES = 64 * 1024 * 1024;

/**
 * One frame: the payload's length in 4 bytes (big-endian), then the payload.
 *
 * @example
 * ```ts
 * import { encodeFrame } from "./frame_codec.ts";
 * encodeFrame(new Uint8Array([7])); // Uint8Array [0, 0, 0, 1, 7]
 * ```
 */
export function encodeFrame(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + payload.length);
  new DataView(out.buffer).setUint32(0, payload.length);
  out.set(payload, 4);
  return out;
}

/** Splits a byte stream back into frames. */
export interface FrameReader {
  /** Takes the next chunk of the stream; returns the frames it completed, in order. */
  push(chunk: Uint8Array): Uint8Array[];
  /** Bytes held of a frame not yet complete (0 at a frame boundary). */
  readonly pending: number;
}

/**
 * How a {@link FrameReader} hands out frames.
 *
 * @example
 * ```ts
 * import type { FrameReaderOptions } from "./frame_codec.ts";
 * const o: FrameReaderOptions = { views: true };
 * ```
 */
export interface FrameReaderOptions {
  /**
   * Frames are views of the chunk pushed (or of the reader's buffer), valid only until
   * the next `push` — no copy. For a reader whose frames are decoded at once, as a
   * socket's are, before it reads again into the same buffer. Default: each frame is a
   * copy of its own.
   */
  readonly views?: boolean;
}

/**
 * A reader of frames written by {@link encodeFrame}; throws on a frame longer than
 * `maxBytes`.
 *
 * @example
 * ```ts
 * import { encodeFrame, frameReader } from "./frame_codec.ts";
 * const r = frameReader();
 * const bytes = encodeFrame(new Uint8Array([1, 2, 3]));
 * r.push(bytes.subarray(0, 5)).length; // 0
 * r.push(bytes.subarray(5)); // [Uint8Array [1, 2, 3]]
 * ```
 */
export function frameReader(
  maxBytes = MAX_FRAME_BYTES,
  options: FrameReaderOptions = {},
): FrameReader {
  const views = options.views === true;
  let buf = new Uint8Array(0);
  let start = 0;
  let end = 0;
  /** Every whole frame of `bytes[at..to)`, as views or copies; returns where the rest starts. */
  const split = (bytes: Uint8Array, at: number, to: number, frames: Uint8Array[]): number => {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    while (to - at >= 4) {
      const len = view.getUint32(at);
      if (len > maxBytes) {
        throw new RangeError(`frame of ${len} bytes exceeds the limit of ${maxBytes}`);
      }
      if (to - at < 4 + len) break;
      frames.push(
        views ? bytes.subarray(at + 4, at + 4 + len) : bytes.slice(at + 4, at + 4 + len),
      );
      at += 4 + len;
    }
    return at;
  };
  return {
    get pending() {
      return end - start;
    },
    push(chunk: Uint8Array): Uint8Array[] {
      const frames: Uint8Array[] = [];
      if (views && start === end) {
        // At a frame boundary: the chunk's whole frames need no copy, only its tail does.
        const rest = split(chunk, 0, chunk.length, frames);
        if (rest === chunk.length) return frames;
        chunk = chunk.subarray(rest);
        start = end = 0;
      }
      if (end + chunk.length > buf.length) {
        // Compact, then grow: the buffer holds at most one partial frame plus a chunk.
        const need = end - start + chunk.length;
        const next = need > buf.length ? new Uint8Array(Math.max(need, buf.length * 2)) : buf;
        next.set(buf.subarray(start, end));
        buf = next;
        end -= start;
        start = 0;
      }
      buf.set(chunk, end);
      end += chunk.length;
      start = split(buf, start, end, frames);
      if (start === end) start = end = 0;
      return frames;
    },
  };
}
