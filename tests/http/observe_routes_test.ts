import assert from "node:assert/strict";
import { fakeApi, json, problemOf, snapshot } from "./fake_cluster.ts";
import { readSse } from "../../client/sse.ts";

async function take(body: ReadableStream<Uint8Array>, n: number) {
  const out: { event: string; data: Record<string, unknown> }[] = [];
  for await (const m of readSse(body)) {
    out.push({ event: m.event, data: JSON.parse(m.data) });
    if (out.length === n) break;
  }
  return out;
}

Deno.test("GET /events streams node and protocol events, not per-message ones unless asked", async () => {
  const { fake, api, req } = fakeApi();
  try {
    const res = await req("/api/v1/events");
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/event-stream/);
    fake.emit({ time: 1, kind: "send", node: "n1", peer: "n2" });
    fake.emit({ time: 2, kind: "election", node: "n2", data: { term: 4 } });
    await req("/api/v1/faults/isolate", json({ node: "n3" }));
    const events = await take(res.body!, 2);
    assert.deepEqual(events.map((e) => [e.event, e.data.node]), [["election", "n2"], [
      "fault",
      "*",
    ]]);
    assert.equal(typeof events[0]!.data.id, "number");
  } finally {
    api.close();
  }
});

Deno.test("GET /events filters by kind and node; naming a message kind subscribes to messages", async () => {
  const { fake, api, req } = fakeApi();
  try {
    const res = await req("/api/v1/events?kind=send,role&node=n2");
    const messageListeners = [...fake.listeners.values()].filter((m) => m).length;
    assert.equal(messageListeners, 1, "a message subscription while the stream is open");
    fake.emit({ time: 1, kind: "send", node: "n1", peer: "n2" });
    fake.emit({ time: 2, kind: "send", node: "n2", peer: "n1" });
    fake.emit({ time: 3, kind: "election", node: "n2" });
    fake.emit({ time: 4, kind: "role", node: "n2", data: { role: "leader" } });
    const events = await take(res.body!, 2);
    assert.deepEqual(events.map((e) => [e.event, e.data.time]), [["send", 2], ["role", 4]]);
  } finally {
    api.close();
  }
  assert.equal([...fake.listeners.values()].filter((m) => m).length, 0, "closed with the API");
});

Deno.test("closing the API ends every event stream", async () => {
  const { api, req } = fakeApi();
  const res = await req("/api/v1/events");
  assert.equal(api.context.hub.streams, 1);
  api.close();
  assert.equal(api.context.hub.streams, 0);
  assert.equal(await res.text(), ": distlab events\nretry: 1000\n\n");
});

Deno.test("bad event filters are 400 / 404 and open no stream", async () => {
  const { fake, api, req } = fakeApi();
  try {
    const before = snapshot(fake, api);
    let p = await problemOf(await req("/api/v1/events?kind=Bad!"), 400);
    assert.equal(p.field, "kind");
    p = await problemOf(await req("/api/v1/events?kind=election,zzz"), 400);
    assert.equal(p.field, "kind");
    assert.match(
      String(p.detail),
      /^no event of kind 'zzz' comes from raft-kv \(kinds: all, send, /,
    );
    p = await problemOf(await req("/api/v1/events?node=n1,n7"), 404);
    assert.match(String(p.detail), /unknown node 'n7'/);
    assert.equal(api.context.hub.streams, 0);
    assert.equal(snapshot(fake, api), before);
  } finally {
    api.close();
  }
});

Deno.test("GET /history is JSON Lines in the DESIGN format", async () => {
  const { api, req } = fakeApi();
  try {
    await req("/api/v1/kv/x", json(5, "PUT"));
    const res = await req("/api/v1/history");
    assert.match(res.headers.get("content-type") ?? "", /^application\/jsonl/);
    const lines = (await res.text()).trimEnd().split("\n").map((l) => JSON.parse(l));
    assert.equal(lines.length, 2);
    assert.deepEqual(
      lines.map((l) => [l.process, l.type, l.f, l.key, l.value]),
      [[1, "invoke", "write", "x", 5], [1, "ok", "write", "x", 5]],
    );
    assert.ok(lines[1].time >= lines[0].time && Number.isInteger(lines[0].time));
  } finally {
    api.close();
  }
});

Deno.test("GET /history at its limit serves the newest events and says what it dropped", async () => {
  const { api, req } = fakeApi({ options: { historyLimit: 4 } });
  try {
    const plain = await req("/api/v1/history");
    assert.equal(plain.headers.get("x-history-truncated"), null);
    await plain.body?.cancel();
    for (const v of [1, 2, 3]) (await req("/api/v1/kv/x", json(v, "PUT"))).body?.cancel();
    const res = await req("/api/v1/history");
    assert.equal(res.headers.get("x-history-truncated"), "true");
    assert.equal(res.headers.get("x-history-dropped"), "2");
    assert.equal(res.headers.get("x-history-first"), "2");
    const lines = (await res.text()).trimEnd().split("\n").map((l) => JSON.parse(l));
    assert.deepEqual(lines.map((l) => [l.type, l.value]), [
      ["invoke", 2],
      ["ok", 2],
      ["invoke", 3],
      ["ok", 3],
    ]);
    assert.equal(res.headers.get("x-history-first-time"), String(lines[0].time));
  } finally {
    api.close();
  }
});

Deno.test("GET /metrics reports links, breakers, elections, requests and commit latency", async () => {
  const { fake, api, req } = fakeApi();
  try {
    await req("/api/v1/kv/x", json(5, "PUT"));
    await req("/api/v1/kv/x");
    fake.emit({ time: 1, kind: "election", node: "n2", data: { term: 4, pre: false } });
    fake.emit({ time: 1, kind: "role", node: "n2", data: { role: "leader", term: 4 } });
    const res = await req("/api/v1/metrics");
    assert.match(res.headers.get("content-type") ?? "", /^text\/plain; version=0.0.4/);
    const text = await res.text();
    for (
      const line of [
        'distlab_messages_sent_total{from="n1",to="n2"} 4',
        'distlab_messages_dropped_total{from="n1",to="n2"} 1',
        'distlab_breaker_state{node="n1",state="closed"} 1',
        'distlab_elections_total{node="n2",kind="real"} 1',
        'distlab_role_changes_total{node="n2",role="leader"} 1',
        'distlab_kv_requests_total{op="write",status="200"} 1',
        "distlab_commit_latency_seconds_count 1",
        'distlab_http_requests_total{method="PUT",route="/api/v1/kv/:key",status="200"} 1',
        'distlab_node_up{node="n1"} 1',
      ]
    ) assert.ok(text.includes(line), `missing: ${line}`);
  } finally {
    api.close();
  }
});

Deno.test("GET /metrics says what each bounded buffer holds, its limit and what it dropped", async () => {
  const { fake, api, req } = fakeApi({ options: { maxClients: 3, historyLimit: 10 } });
  // The cluster's own bound (paused nodes' backlogs), as a Worker cluster reports it.
  Object.assign(fake, {
    backlog: () => ({ messages: 7, requests: 2, limit: 10, dropped: 900, refused: 4 }),
  });
  try {
    // 50 requests, each under a new Idempotency-Key: far more keys and events than kept.
    for (let i = 0; i < 50; i++) {
      const init = json(i, "PUT");
      const res = await req("/api/v1/kv/x", {
        ...init,
        headers: { ...init.headers as Record<string, string>, "idempotency-key": `key-${i}` },
      });
      assert.equal(res.status, 200);
    }
    assert.equal(api.context.sessions.size, 3);
    const text = await (await req("/api/v1/metrics")).text();
    for (
      const line of [
        'distlab_buffer_size{buffer="client_sessions"} 3',
        'distlab_buffer_limit{buffer="client_sessions"} 3',
        'distlab_buffer_dropped_total{buffer="client_sessions"} 47',
        'distlab_buffer_size{buffer="history"} 10',
        'distlab_buffer_limit{buffer="history"} 10',
        // Two events (invoke, complete) per request.
        'distlab_buffer_dropped_total{buffer="history"} 90',
        'distlab_buffer_size{buffer="event_streams"} 0',
        'distlab_buffer_limit{buffer="event_streams"} 64',
        'distlab_buffer_size{buffer="paused_messages"} 7',
        'distlab_buffer_dropped_total{buffer="paused_messages"} 900',
        'distlab_buffer_size{buffer="paused_requests"} 2',
        'distlab_buffer_dropped_total{buffer="paused_requests"} 4',
      ]
    ) assert.ok(text.includes(line), `missing: ${line}\n${text.slice(-1500)}`);
  } finally {
    api.close();
  }
});

Deno.test("a reader that never reads is dropped with a last event saying why, holding no more than its buffer", async () => {
  const { fake, api, req } = fakeApi({ events: { streamBufferBytes: 8 * 1024 } });
  try {
    const res = await req("/api/v1/events");
    assert.equal(api.context.hub.streams, 1);
    for (let i = 0; i < 500; i++) {
      fake.emit({ time: i, kind: "election", node: "n1", data: { pad: "x".repeat(100) } });
    }
    assert.equal(api.context.hub.streams, 0, "dropped while the events kept coming");
    assert.equal(api.context.hub.droppedStreams, 1);
    const text = await res.text();
    assert.ok(text.length < 8 * 1024 + 1024, `${text.length} bytes were held for it`);
    const last = text.trimEnd().split("\n\n").at(-1)!;
    assert.match(
      last,
      /^event: dropped\ndata: \{"reason":"too slow: over 8192 bytes of events waiting"/,
    );
  } finally {
    api.close();
  }
});

Deno.test("past the stream limit a new event stream is a 503 with Retry-After", async () => {
  const { api, req } = fakeApi({ events: { maxStreams: 2 } });
  try {
    const a = await req("/api/v1/events");
    const b = await req("/api/v1/events");
    const p = await problemOf(await req("/api/v1/events"), 503);
    assert.equal(p.title, "Too many event streams");
    assert.equal(api.context.hub.streams, 2);
    await a.body!.cancel();
    const c = await req("/api/v1/events");
    assert.equal(c.status, 200, "room again once one closed");
    await b.body!.cancel();
    await c.body!.cancel();
  } finally {
    api.close();
  }
});
