/**
 * Structured messages over a pair of byte streams (a child process's stdin and stdout):
 * each message serialized as the structured clone algorithm does (`node:v8`, so Maps,
 * typed arrays and `undefined` cross as they do with `postMessage`), one frame each.
 * Messages sent in one turn of the event loop go out in one write.
 *
 * @module
 */

import { deserialize, serialize } from "node:v8";
import { encodeFrame, frameReader } from "./frame_codec.ts";

/** The sending half of a {@link streamChannel}. */
export interface StreamChannel<Out> {
  /** Queues a message; messages sent in one turn are written together, in order. */
  send(message: Out): void;
  /** Stops reading and writing. */
  close(): void;
}

/**
 * Reads messages from `readable` (each to `onMessage`, in order) and writes messages to
 * `writable`. `onEnd` is called once when the readable ends, with the error if it ended
 * on one (an undecodable frame or message included).
 *
 * @example
 * ```ts
 * import { streamChannel } from "./stream_channel.ts";
 * const pipe = new TransformStream<Uint8Array, Uint8Array>();
 * const got: unknown[] = [];
 * const ch = streamChannel(pipe.readable, pipe.writable, (m) => got.push(m), () => {});
 * ch.send({ type: "ping", at: new Map([[1, 2]]) });
 * ```
 */
export function streamChannel<In, Out>(
  readable: ReadableStream<Uint8Array>,
  writable: WritableStream<Uint8Array>,
  onMessage: (message: In) => void,
  onEnd: (error?: Error) => void,
): StreamChannel<Out> {
  const writer = writable.getWriter();
  const reader = readable.getReader();
  let queued: Uint8Array[] = [];
  let closed = false;

  const flush = (): void => {
    const frames = queued;
    queued = [];
    if (closed || frames.length === 0) return;
    let bytes = frames[0];
    if (frames.length > 1) {
      bytes = new Uint8Array(frames.reduce((n, f) => n + f.length, 0));
      let at = 0;
      for (const f of frames) {
        bytes.set(f, at);
        at += f.length;
      }
    }
    // A write to a process that died fails; its end is reported by the reader.
    writer.write(bytes).catch(() => {});
  };

  (async () => {
    const frames = frameReader();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        for (const f of frames.push(value)) onMessage(deserialize(f) as In);
      }
      if (frames.pending > 0) throw new Error(`stream ended inside a frame`);
      onEnd();
    } catch (e) {
      onEnd(e instanceof Error ? e : new Error(String(e)));
    }
  })();

  return {
    send(message: Out): void {
      if (closed) return;
      if (queued.length === 0) queueMicrotask(flush);
      queued.push(encodeFrame(serialize(message)));
    },
    close(): void {
      if (closed) return;
      closed = true;
      reader.cancel().catch(() => {});
      writer.close().catch(() => {});
    },
  };
}
