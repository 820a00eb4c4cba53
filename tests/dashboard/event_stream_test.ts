import assert from "node:assert/strict";
import { readEvents } from "../../dashboard/event_stream.ts";

Deno.test("event stream: reads events, reconnects after a drop with Last-Event-ID, stops on abort", async () => {
  const seen: string[] = [];
  const states: string[] = [];
  const ids: (string | null)[] = [];
  const auth: (string | null)[] = [];
  let connections = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    ids.push(req.headers.get("last-event-id"));
    auth.push(req.headers.get("authorization"));
    const n = ++connections;
    return new Response(`retry: 10\n\nid: ${n}\nevent: e\ndata: ${n}\n\n: ping\n\n`, {
      headers: { "content-type": "text/event-stream" },
    });
  });
  const stop = new AbortController();
  await readEvents(
    `http://127.0.0.1:${server.addr.port}/`,
    { authorization: "Bearer t" },
    {
      onEvent: (m) => {
        assert.equal(m.event, "e");
        seen.push(m.data);
        if (seen.length >= 3) stop.abort();
      },
      onState: (s) => states.push(s),
    },
    stop.signal,
    10,
  );
  await server.shutdown();
  assert.deepEqual(seen.slice(0, 3), ["1", "2", "3"]);
  assert.deepEqual(ids.slice(0, 3), [null, "1", "2"]);
  assert.deepEqual(auth.slice(0, 3), ["Bearer t", "Bearer t", "Bearer t"]);
  assert.deepEqual(states.slice(0, 3), ["open", "down", "open"]);
});
