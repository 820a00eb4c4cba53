/**
 * The frames between node processes: a round trip through any split of the stream, and
 * every kind of bad input refused with a {@link FrameError} naming what was wrong.
 */

import assert from "node:assert/strict";
import fc from "fast-check";
import {
  CHECKED_HEADER_BYTES,
  checkedFrameInPlace,
  checkedFrameReader,
  encodeCheckedFrame,
  encodeCheckedFrames,
  FrameError,
} from "../../nodes/tcp/checked_frame.ts";

function joined(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

Deno.test("checked frames: payloads come back whole through any split of the stream", () => {
  fc.assert(
    fc.property(
      fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 8 }),
      fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 20 }),
      (payloads, cuts) => {
        const stream = joined(payloads.map(encodeCheckedFrame));
        const r = checkedFrameReader();
        const got: Uint8Array[] = [];
        let at = 0;
        for (let i = 0; at < stream.length; i++) {
          const n = cuts[i % cuts.length]!;
          got.push(...r.push(stream.subarray(at, at + n)));
          at += n;
        }
        assert.deepEqual(got, payloads);
        assert.equal(r.pending, 0);
      },
    ),
  );
});

Deno.test("checked frames: a flipped bit anywhere in the payload or checksum is refused", () => {
  const frame = encodeCheckedFrame(new TextEncoder().encode("append-entries"));
  for (let byte = 4; byte < frame.length; byte++) {
    const bad = frame.slice();
    bad[byte]! ^= 0x10;
    try {
      checkedFrameReader().push(bad);
      assert.fail(`a flip in byte ${byte} went unnoticed`);
    } catch (e) {
      assert.ok(e instanceof FrameError, String(e));
      assert.equal((e as FrameError).kind, "checksum");
      assert.match((e as Error).message, /bad checksum/);
    }
  }
});

Deno.test("checked frames: an oversized frame is refused before anything is allocated", () => {
  const r = checkedFrameReader(1024);
  const header = new Uint8Array([0xff, 0xff, 0xff, 0xf0]);
  try {
    r.push(header);
    assert.fail("an oversized frame was taken");
  } catch (e) {
    assert.ok(e instanceof FrameError);
    assert.equal(e.kind, "oversized");
    assert.match(e.message, /exceeds the limit/);
  }
  // A frame just at the limit is fine.
  assert.equal(checkedFrameReader(1024).push(encodeCheckedFrame(new Uint8Array(1024))).length, 1);
});

Deno.test("checked frames: a frame too short to hold its checksum, and plain garbage, are refused", () => {
  try {
    checkedFrameReader().push(new Uint8Array([0, 0, 0, 2, 1, 2]));
    assert.fail("a short frame was taken");
  } catch (e) {
    assert.ok(e instanceof FrameError);
    assert.equal(e.kind, "short");
  }
  const garbage = new TextEncoder().encode("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  try {
    checkedFrameReader().push(garbage);
    assert.fail("garbage was taken");
  } catch (e) {
    assert.ok(e instanceof FrameError);
    assert.equal(e.kind, "oversized"); // "GET " read as a length is ~1.2 GB
  }
});

Deno.test("checked frames: many in one buffer are the frames one by one, a prefix inside the checksum", () => {
  const payloads = [new Uint8Array([1, 2, 3]), new Uint8Array(0), new Uint8Array(300).fill(7)];
  const one = payloads.map((p) => encodeCheckedFrame(p));
  const many = encodeCheckedFrames(payloads);
  assert.deepEqual(many, new Uint8Array(one.flatMap((f) => [...f])));
  const tagged = encodeCheckedFrames(payloads, (p) => new Uint8Array([p.length & 0xff, 9]));
  const back = checkedFrameReader().push(tagged);
  assert.deepEqual(back, payloads.map((p) => new Uint8Array([p.length & 0xff, 9, ...p])));
  const bad = tagged.slice();
  bad[9] ^= 1; // inside the first frame's prefix
  assert.throws(() => checkedFrameReader().push(bad), /bad checksum/);
});

Deno.test("checked frames: a reader of views gives the same payloads through any split, when each is used before the next push", () => {
  fc.assert(
    fc.property(
      fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 8 }),
      fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 20 }),
      (payloads, cuts) => {
        const stream = joined(payloads.map(encodeCheckedFrame));
        const r = checkedFrameReader(undefined, { views: true });
        // As a socket's reader: every read lands in the same buffer, overwritten next time.
        const read = new Uint8Array(64);
        const got: Uint8Array[] = [];
        let at = 0;
        for (let i = 0; at < stream.length; i++) {
          const n = Math.min(cuts[i % cuts.length]!, stream.length - at);
          read.set(stream.subarray(at, at + n));
          for (const p of r.push(read.subarray(0, n))) got.push(p.slice());
          read.fill(0xee);
          at += n;
        }
        assert.deepEqual(got, payloads);
        assert.equal(r.pending, 0);
      },
    ),
  );
});

Deno.test("checked frames: a reader of views still refuses a bad checksum and an oversized frame", () => {
  const frame = encodeCheckedFrame(new TextEncoder().encode("append-entries"));
  const bad = frame.slice();
  bad[frame.length - 1]! ^= 1;
  assert.throws(() => checkedFrameReader(undefined, { views: true }).push(bad), /bad checksum/);
  const r = checkedFrameReader(1024, { views: true });
  assert.throws(() => r.push(new Uint8Array([0xff, 0xff, 0xff, 0xf0])), /exceeds the limit/);
});

Deno.test("checked frames: a frame made in place is the frame encoded, with or without a prefix", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ maxLength: 40 }), (p, pre) => {
      const room = CHECKED_HEADER_BYTES;
      const plain = new Uint8Array(room + p.length);
      plain.set(p, room);
      assert.deepEqual(checkedFrameInPlace(plain), encodeCheckedFrame(p));
      const prefixed = new Uint8Array(room + pre.length + p.length);
      prefixed.set(p, room + pre.length);
      assert.deepEqual(checkedFrameInPlace(prefixed, pre), encodeCheckedFrames([p], () => pre));
    }),
  );
});
