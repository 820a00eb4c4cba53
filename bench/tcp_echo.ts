/**
 * The raw echoes of `tcp_bench.ts`: one of two Deno processes bouncing messages over a
 * plain TCP connection — the same envelopes as the nodes send, framed by a 4-byte length,
 * with no checksum, no handshake, no runtime, no fault model. Three ways to carry and
 * answer what a read brings, in one write:
 *
 * - `bytes`: one frame per message (its envelope as JSON), written straight back, byte
 *   for byte (the frames only counted) — the ceiling of TCP between two Deno processes,
 *   with no message ever looked at;
 * - `messages`: one frame per message, each envelope decoded and its answer encoded on
 *   its own (the analogue of one `postMessage` per message in `echo_worker.ts`);
 * - `batches`: what the nodes do minus the node: the frames of a read decoded into
 *   message objects by the nodes' own batch codec (`encodeBatch` / `decodeBatch` of
 *   `nodes/tcp/wire_codec.ts`), every message answered, the answers encoded as one
 *   frame — the fastest raw receiver that acts on every message. It carries them as
 *   the nodes do, without copying a payload: reads land in one reused buffer and frames
 *   are decoded where they lie there; the answers are encoded with room for the frame's
 *   length, written in place.
 *
 *   deno run --allow-net bench/tcp_echo.ts serve PORT WARMUP_MS MEASURE_MS MODE
 *   deno run --allow-net bench/tcp_echo.ts dial PORT WARMUP_MS MEASURE_MS MODE WINDOW
 *
 * `serve` prints its port, then each side prints `{"received":N,"seconds":S,"cpuMicros":C}`:
 * the messages it got during the measuring window (after the warm-up), and the CPU time
 * it used meanwhile.
 *
 * @module
 */

import process from "node:process";
import { encodeFrame, type FrameReader, frameReader } from "../nodes/process/frame_codec.ts";
import { decodeBatch, encodeBatch } from "../nodes/tcp/wire_codec.ts";
import type { WireDelivery } from "../nodes/worker_protocol.ts";

/** How an echo carries and answers messages (see the module's doc). */
type Mode = "bytes" | "messages" | "batches";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
// One JSON text per message (`bytes`, `messages`).
const serialize = (m: unknown): Uint8Array => encoder.encode(JSON.stringify(m));
const deserialize = (b: Uint8Array): unknown => JSON.parse(decoder.decode(b));

/**
 * Bounces every message that arrives on `conn` until `warmupMs + measureMs` have passed;
 * resolves with the count received during the measuring window and the CPU time (user
 * and system, µs) this process used in it.
 *
 * @example
 * ```ts ignore
 * import { echo } from "./tcp_echo.ts";
 * const { received, seconds, cpuMicros } = await echo(conn, 500, 2000, "batches");
 * ```
 */
export async function echo(
  conn: Deno.TcpConn,
  warmupMs: number,
  measureMs: number,
  mode: Mode,
): Promise<{ received: number; seconds: number; cpuMicros: number }> {
  const t0 = performance.now();
  const from = t0 + warmupMs;
  const until = from + measureMs;
  // `batches` reads as the nodes do (`peer_transport.ts`): into one buffer, its frames
  // decoded where they lie; the other two as they always have, from the stream.
  const views = mode === "batches";
  const reader: FrameReader = frameReader(undefined, { views });
  const buf = new Uint8Array(256 * 1024);
  const stream = views ? null : conn.readable.getReader();
  let received = 0;
  let cpu0: { user: number; system: number } | null = null;
  for (;;) {
    let chunk: Uint8Array;
    if (stream === null) {
      const n = await conn.read(buf).catch(() => null);
      if (n === null) break;
      chunk = buf.subarray(0, n); // answered before the next read
    } else {
      const r = await stream.read().catch(() => null);
      if (r === null || r.done) break;
      chunk = r.value;
    }
    const now = performance.now();
    if (now >= until) break;
    if (now >= from && cpu0 === null) cpu0 = process.cpuUsage();
    const frames = reader.push(chunk);
    let bytes: Uint8Array = chunk;
    if (mode === "batches") {
      const answers: WireDelivery[] = [];
      for (const f of frames) {
        for (const m of decodeBatch(f, "n1")) {
          answers.push({ from: "echo", body: m.body, lamport: m.lamport + 1, vclock: m.vclock });
        }
      }
      if (now >= from) received += answers.length;
      // Encoded with room for the frame's length, which is written in place.
      bytes = answers.length > 0 ? encodeBatch(answers, 4) : new Uint8Array(0);
      if (bytes.length > 0) new DataView(bytes.buffer).setUint32(0, bytes.length - 4);
    } else if (now >= from) received += frames.length;
    if (mode === "messages") {
      const out: Uint8Array[] = [];
      for (const f of frames) {
        const m = deserialize(f) as { from: string; lamport: number };
        out.push(encodeFrame(serialize({ ...m, from: "echo", lamport: m.lamport + 1 })));
      }
      bytes = new Uint8Array(out.reduce((n, f) => n + f.length, 0));
      let at = 0;
      for (const f of out) {
        bytes.set(f, at);
        at += f.length;
      }
    }
    for (let w = 0; w < bytes.length;) w += await conn.write(bytes.subarray(w));
  }
  const cpu = cpu0 === null ? { user: 0, system: 0 } : process.cpuUsage(cpu0);
  return { received, seconds: measureMs / 1000, cpuMicros: cpu.user + cpu.system };
}

if (import.meta.main) {
  const [role, port, warmup, measure, mode, window] = Deno.args;
  const warmupMs = Number(warmup);
  const measureMs = Number(measure);
  let conn: Deno.TcpConn;
  if (role === "serve") {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: Number(port) });
    console.log(JSON.stringify({ port: listener.addr.port }));
    conn = await listener.accept();
    listener.close();
  } else {
    conn = await Deno.connect({ hostname: "127.0.0.1", port: Number(port) });
    conn.setNoDelay(true);
    const first: WireDelivery[] = [];
    for (let i = 0; i < Number(window); i++) {
      first.push({
        from: "n1",
        body: { type: "ball", seq: i },
        lamport: i,
        vclock: { n1: i, n2: i },
      });
    }
    if (mode === "batches") {
      // As the nodes start: one batch of the whole window.
      await conn.write(encodeFrame(encodeBatch(first)));
    } else {
      for (const m of first) await conn.write(encodeFrame(serialize(m)));
    }
  }
  conn.setNoDelay(true);
  const result = await echo(
    conn,
    warmupMs,
    measureMs,
    mode === "bytes" || mode === "batches" ? mode : "messages",
  );
  console.log(JSON.stringify(result));
  try {
    conn.close();
  } catch {
    // closed by the other side
  }
  Deno.exit(0);
}
