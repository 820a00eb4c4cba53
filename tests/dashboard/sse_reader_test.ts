import assert from "node:assert/strict";
import fc from "fast-check";
import { readEvents, SseParser } from "../../http/dashboard/static/sse_reader.js";

Deno.test("sse: named events, multi-line data, comments, ids and retry", () => {
  const p = new SseParser();
  const out = p.feed(
    ': distlab events\nretry: 1500\n\nid: 7\nevent: role\ndata: {"a":1}\n\n' +
      "data: one\r\ndata: two\r\n\r\nevent: x\n\n",
  );
  assert.deepEqual(out, [
    { event: "role", data: '{"a":1}', id: "7" },
    { event: "message", data: "one\ntwo", id: "7" },
  ]);
  assert.equal(p.retry, 1500);
});

Deno.test("sse: however the stream is cut into chunks, the same events come out", () => {
  const stream = Array.from(
    { length: 20 },
    (_, i) =>
      `id: ${i}\nevent: k${i % 3}\ndata: {"i":${i},"s":"é ${"x".repeat(i)}"}\n\n` +
      (i % 5 === 0 ? ": ping\n\n" : ""),
  ).join("");
  const whole = new SseParser().feed(stream);
  assert.equal(whole.length, 20);
  fc.assert(
    fc.property(fc.array(fc.nat(stream.length), { maxLength: 30 }), (cuts) => {
      const points = [...new Set(cuts)].sort((a, b) => a - b);
      const p = new SseParser();
      const got = [];
      let last = 0;
      for (const c of [...points, stream.length]) {
        got.push(...p.feed(stream.slice(last, c)));
        last = c;
      }
      assert.deepEqual(got, whole);
    }),
    { seed: 42, numRuns: 200 },
  );
});

Deno.test("sse: readEvents reads batches, reconnects after a drop with Last-Event-ID, stops on abort", async () => {
  const seen: string[] = [];
  const states: string[] = [];
  const ids: (string | null)[] = [];
  let connections = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    ids.push(req.headers.get("last-event-id"));
    const n = ++connections;
    return new Response(`retry: 10\n\nid: ${n}\nevent: e\ndata: ${n}\n\n`, {
      headers: { "content-type": "text/event-stream" },
    });
  });
  const stop = new AbortController();
  const done = readEvents(
    `http://127.0.0.1:${server.addr.port}/`,
    { authorization: "Bearer t" },
    (batch) => {
      for (const e of batch) seen.push(e.data);
      if (seen.length >= 3) stop.abort();
    },
    (s) => states.push(s),
    stop.signal,
  );
  await done;
  await server.shutdown();
  assert.deepEqual(seen.slice(0, 3), ["1", "2", "3"]);
  assert.deepEqual(ids.slice(0, 3), [null, "1", "2"]);
  assert.deepEqual(states.slice(0, 3), ["open", "down", "open"]);
});
