import assert from "node:assert/strict";
import fc from "fast-check";
import { encodeFrame, frameReader } from "../../nodes/process/frame_codec.ts";
import { streamChannel } from "../../nodes/process/stream_channel.ts";
import { notYet, waitFor } from "../support/deadline.ts";

Deno.test("frames come back whole however the stream cuts them", () => {
  fc.assert(
    fc.property(
      fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 20 }),
      fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 10 }),
      (payloads, cuts) => {
        const stream = new Uint8Array(payloads.reduce((n, p) => n + 4 + p.length, 0));
        let at = 0;
        for (const p of payloads) {
          stream.set(encodeFrame(p), at);
          at += 4 + p.length;
        }
        const r = frameReader();
        const got: Uint8Array[] = [];
        let i = 0;
        for (let c = 0; i < stream.length; c++) {
          const n = cuts[c % cuts.length];
          got.push(...r.push(stream.subarray(i, i + n)));
          i += n;
        }
        assert.deepEqual(got, payloads);
        assert.equal(r.pending, 0);
      },
    ),
  );
});

Deno.test("a frame longer than the limit is refused before it is buffered", () => {
  const r = frameReader(1000);
  const header = new Uint8Array([0, 0, 0x10, 0]); // 4096 bytes announced
  assert.throws(() => r.push(header), /4096 bytes exceeds the limit of 1000/);
  // Text where a frame should be (a stray console.log) reads as a huge length.
  assert.throws(() => frameReader().push(new TextEncoder().encode("hello\n")), /exceeds/);
});

function pipe() {
  return new TransformStream<Uint8Array, Uint8Array>();
}

Deno.test("a channel carries what postMessage carries, in order, batched per turn", async () => {
  const p = pipe();
  const got: unknown[] = [];
  let ended: Error | undefined | null = null;
  const ch = streamChannel(p.readable, p.writable, (m) => got.push(m), (e) => ended = e);
  const sent = [
    { type: "inputs", at: new Map([["n1", 2]]), missing: undefined, bytes: new Uint8Array([1]) },
    { type: "status", id: 7 },
    { type: "close" },
  ];
  for (const m of sent) ch.send(m);
  await waitFor("every message arrives", () => got.length >= sent.length || notYet(got));
  assert.deepEqual(got, sent);
  assert.ok("missing" in (got[0] as object), "undefined survives, as with structured clone");
  ch.close();
  await waitFor("the channel ends", () => ended !== null);
  assert.equal(ended, undefined, "a clean end");
});

Deno.test("a stream that ends inside a frame, or carries garbage, ends the channel with why", async () => {
  for (
    const [bytes, re] of [
      [new Uint8Array([0, 0, 0, 9, 1, 2]), /ended inside a frame/],
      [new Uint8Array([0, 0, 0, 2, 0xff, 0xff]), /./],
      [new TextEncoder().encode("not a frame at all\n"), /exceeds the limit/],
    ] as [Uint8Array, RegExp][]
  ) {
    const p = pipe();
    const ended = new Promise<Error | undefined>((resolve) => {
      streamChannel(p.readable, pipe().writable, () => {}, resolve);
    });
    const w = p.writable.getWriter();
    await w.write(bytes);
    await w.close();
    const e = await ended;
    assert.ok(e instanceof Error, `no error for ${bytes}`);
    assert.match(e.message, re);
  }
});
