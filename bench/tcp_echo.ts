/**
 * The raw anchor of `tcp_bench.ts`: one of two Deno processes bouncing messages over a
 * plain TCP connection — the same envelopes as the nodes send, one frame per message (a
 * 4-byte length, then the envelope as JSON, the encoding the nodes use for such plain
 * data), no checksum, no handshake, no runtime, no fault model. Two ways to answer what a read brings, in one write:
 *
 * - `bytes`: written straight back, byte for byte (the frames only counted) — the ceiling
 *   of TCP between two Deno processes, with no message ever looked at;
 * - `messages`: each envelope decoded and its answer encoded, as any receiver that acts
 *   on messages must (the analogue of one `postMessage` per message in
 *   `echo_worker.ts`).
 *
 *   deno run --allow-net bench/tcp_echo.ts serve PORT WARMUP_MS MEASURE_MS MODE
 *   deno run --allow-net bench/tcp_echo.ts dial PORT WARMUP_MS MEASURE_MS MODE WINDOW
 *
 * `serve` prints its port, then each side prints `{"received":N,"seconds":S}`: the
 * messages it got during the measuring window (after the warm-up).
 *
 * @module
 */

import { encodeFrame, frameReader } from "../nodes/process/frame_codec.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
// The fast path of `nodes/tcp/wire_codec.ts`, per message.
const serialize = (m: unknown): Uint8Array => encoder.encode(JSON.stringify(m));
const deserialize = (b: Uint8Array): unknown => JSON.parse(decoder.decode(b));

/**
 * Bounces every message that arrives on `conn` until `warmupMs + measureMs` have passed;
 * resolves with the count received during the measuring window.
 *
 * @example
 * ```ts ignore
 * import { echo } from "./tcp_echo.ts";
 * const { received, seconds } = await echo(conn, 500, 2000, "messages");
 * ```
 */
export async function echo(
  conn: Deno.TcpConn,
  warmupMs: number,
  measureMs: number,
  mode: "bytes" | "messages",
): Promise<{ received: number; seconds: number }> {
  const t0 = performance.now();
  const from = t0 + warmupMs;
  const until = from + measureMs;
  const reader = frameReader();
  let received = 0;
  for await (const chunk of conn.readable) {
    const now = performance.now();
    if (now >= until) break;
    const frames = reader.push(chunk);
    if (now >= from) received += frames.length;
    let bytes = chunk;
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
  return { received, seconds: measureMs / 1000 };
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
    const first: Uint8Array[] = [];
    for (let i = 0; i < Number(window); i++) {
      first.push(
        encodeFrame(
          serialize({ from: "n1", body: { type: "ball", seq: i }, lamport: i, vclock: { n1: i } }),
        ),
      );
    }
    for (const f of first) await conn.write(f);
  }
  conn.setNoDelay(true);
  const result = await echo(conn, warmupMs, measureMs, mode === "bytes" ? "bytes" : "messages");
  console.log(JSON.stringify(result));
  try {
    conn.close();
  } catch {
    // closed by the other side
  }
  Deno.exit(0);
}
