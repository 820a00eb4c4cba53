import { ERROR } from "../../protocols/errors.ts";
import assert from "node:assert/strict";
import { setTimeout as delay } from "node:timers/promises";
import { parseHistory } from "../../history/jsonl.ts";
import { fakeApi, FakeCluster, json, problemOf, snapshot } from "./fake_cluster.ts";
import { createApi } from "../../http/app.ts";
import { createVirtualClock } from "../../resilience/virtual_clock.ts";
import type { Reply } from "../../protocols/node.ts";
import { fail, info } from "../../protocols/reply.ts";

function historyOf(api: ReturnType<typeof fakeApi>["api"]) {
  return api.context.history.events().map((e) => [e.type, e.f, e.key, e.value, e.node ?? null]);
}

Deno.test("PUT, GET, CAS and DELETE go to the leader and are recorded in the history", async () => {
  const { api, req } = fakeApi();
  try {
    let res = await req("/api/v1/kv/k1", json({ a: [1, 2] }, "PUT"));
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { key: "k1", value: { a: [1, 2] }, node: "n1" });
    res = await req("/api/v1/kv/k1");
    assert.deepEqual(await res.json(), { key: "k1", value: { a: [1, 2] }, node: "n1" });
    res = await req("/api/v1/kv/k1/cas", json({ expected: { a: [1, 2] }, value: "b" }));
    assert.deepEqual(await res.json(), { key: "k1", value: "b", node: "n1" });
    res = await req("/api/v1/kv/k1", { method: "DELETE" });
    assert.deepEqual(await res.json(), { key: "k1", deleted: true, node: "n1" });
    assert.deepEqual(historyOf(api), [
      ["invoke", "write", "k1", { a: [1, 2] }, null],
      ["ok", "write", "k1", { a: [1, 2] }, "n1"],
      ["invoke", "read", "k1", undefined, null],
      ["ok", "read", "k1", { a: [1, 2] }, "n1"],
      ["invoke", "cas", "k1", [{ a: [1, 2] }, "b"], null],
      ["ok", "cas", "k1", [{ a: [1, 2] }, "b"], "n1"],
      ["invoke", "delete", "k1", undefined, null],
      ["ok", "delete", "k1", undefined, "n1"],
    ]);
    const text = await (await req("/api/v1/history")).text();
    assert.equal(parseHistory(text).length, 8, "GET /history is valid JSON Lines history");
  } finally {
    api.close();
  }
});

Deno.test("a missing key is a 404 (the read itself is an ok in the history)", async () => {
  const { api, req } = fakeApi();
  try {
    const p = await problemOf(await req("/api/v1/kv/nothing"), 404);
    assert.deepEqual([p.title, p.key, p.node], ["Unknown key", "nothing", "n1"]);
    assert.deepEqual(historyOf(api).at(-1), ["ok", "read", "nothing", null, "n1"]);
  } finally {
    api.close();
  }
});

Deno.test("a CAS mismatch is a 409 and a fail in the history", async () => {
  const { fake, api, req } = fakeApi();
  try {
    fake.data.set("x", 1);
    const p = await problemOf(await req("/api/v1/kv/x/cas", json({ expected: 2, value: 3 })), 409);
    assert.deepEqual([p.title, p.key], ["CAS mismatch", "x"]);
    assert.equal(fake.data.get("x"), 1);
    assert.deepEqual(historyOf(api).at(-1), ["fail", "cas", "x", [2, 3], "n1"]);
  } finally {
    api.close();
  }
});

Deno.test("a 'not leader' with a hint is followed, and the new leader is remembered", async () => {
  const { fake, api, req } = fakeApi();
  try {
    await req("/api/v1/kv/a", json(1, "PUT")); // learns n1
    fake.leader = "n3";
    const res = await req("/api/v1/kv/a", json(2, "PUT"));
    assert.deepEqual(await res.json(), { key: "a", value: 2, node: "n3" });
    assert.deepEqual(fake.requests.slice(-2).map((r) => r.node), ["n1", "n3"]);
    await req("/api/v1/kv/a");
    assert.equal(fake.requests.at(-1)!.node, "n3", "goes straight to the new leader");
  } finally {
    api.close();
  }
});

Deno.test("leader hints are followed at most twice; then 503 with Retry-After", async () => {
  const { fake, api, req } = fakeApi();
  try {
    // Every node points at the next: a request could chase hints forever.
    const next: Record<string, string> = { n1: "n2", n2: "n3", n3: "n1" };
    fake.handler = (node) => fail("not-leader", "not leader", { leader: next[node]! });
    const res = await req("/api/v1/kv/a", json(1, "PUT"));
    const p = await problemOf(res, 503);
    assert.equal(p.title, "No leader");
    assert.equal(res.headers.get("retry-after"), "1");
    assert.equal(fake.requests.length, 3);
    assert.deepEqual(historyOf(api).at(-1)!.slice(0, 2), ["fail", "write"]);
  } finally {
    api.close();
  }
});

Deno.test("with no leader anywhere a write is a 503 no-leader and a fail in the history", async () => {
  const { fake, api, req } = fakeApi();
  try {
    fake.leader = null;
    const res = await req("/api/v1/kv/a", json(1, "PUT"));
    const p = await problemOf(res, 503);
    assert.equal(p.type, "/api/v1/problems/no-leader");
    assert.ok(Number(res.headers.get("retry-after")) >= 1);
    assert.deepEqual(historyOf(api).at(-1)!.slice(0, 2), ["fail", "write"]);
  } finally {
    api.close();
  }
});

Deno.test("a node that dies holding a request gives 504 outcome unknown and info", async () => {
  const { fake, api, req } = fakeApi();
  try {
    fake.handler = () => info("crash", "node crashed");
    const p = await problemOf(await req("/api/v1/kv/a", json(1, "PUT")), 504);
    assert.equal(p.title, "Outcome unknown");
    assert.match(String(p.detail), /may or may not have been applied/);
    assert.deepEqual(historyOf(api).at(-1)!.slice(0, 2), ["info", "write"]);
  } finally {
    api.close();
  }
});

Deno.test("an info reply is 504 whatever code a user's protocol put on it", async () => {
  const { fake, api, req } = fakeApi();
  try {
    // A definite code on an indefinite reply: the write may have happened, so not a 503.
    fake.handler = () => ({ type: "info", code: ERROR["not-leader"], error: "lost track" });
    const p = await problemOf(await req("/api/v1/kv/a", json(1, "PUT")), 504);
    assert.equal(p.title, "Outcome unknown");
    assert.deepEqual(historyOf(api).at(-1)!.slice(0, 2), ["info", "write"]);
  } finally {
    api.close();
  }
});

Deno.test("a node that does not answer in time gives 504, and the request is withdrawn", async () => {
  const { fake, api, clock, req } = fakeApi();
  try {
    let withdrawn = false;
    fake.handler = (_node, _op, _client, signal) =>
      new Promise<Reply>(() => signal?.addEventListener("abort", () => withdrawn = true));
    const pending = req("/api/v1/kv/a", json(1, "PUT"));
    while (clock.pending === 0) await delay(0);
    await clock.advanceAsync(1000);
    const p = await problemOf(await pending, 504);
    assert.match(String(p.detail), /did not answer within 1000 ms/);
    assert.equal(withdrawn, true);
    assert.deepEqual(historyOf(api).at(-1)!.slice(0, 2), ["info", "write"]);
  } finally {
    api.close();
  }
});

Deno.test("?node= pins a node: no forwarding, a follower's refusal is a 503 naming the leader", async () => {
  const { fake, api, req } = fakeApi();
  try {
    const res = await req("/api/v1/kv/a?node=n2", json(1, "PUT"));
    const p = await problemOf(res, 503);
    assert.deepEqual([p.node, p.leader], ["n2", "n1"]);
    assert.deepEqual(fake.requests.map((r) => r.node), ["n2"]);
    fake.data.set("a", 5);
    const ok = await req("/api/v1/kv/a?node=n1");
    assert.deepEqual(await ok.json(), { key: "a", value: 5, node: "n1" });
  } finally {
    api.close();
  }
});

Deno.test("requests carry client and sequence numbers: headers keep them across retries", async () => {
  const { fake, api, req } = fakeApi();
  try {
    const h = (headers: Record<string, string>) => ({ ...json(1, "PUT"), headers });
    await req("/api/v1/kv/a", h({ "X-Client-Id": "cli-1", "X-Request-Seq": "1" }));
    await req("/api/v1/kv/a", h({ "X-Client-Id": "cli-1", "X-Request-Seq": "1" })); // retry
    await req("/api/v1/kv/a", h({ "X-Client-Id": "cli-1", "X-Request-Seq": "2" }));
    await req("/api/v1/kv/a", h({ "X-Client-Id": "cli-1" })); // server numbers it: 3
    await req("/api/v1/kv/a", h({ "Idempotency-Key": "k-9" }));
    await req("/api/v1/kv/a", h({ "Idempotency-Key": "k-9" }));
    await req("/api/v1/kv/a", h({}));
    await req("/api/v1/kv/a", h({}));
    const r = fake.requests;
    assert.deepEqual(r.map((x) => x.op.seq), [1, 1, 2, 3, 1, 1, 1, 1]);
    assert.equal(new Set(r.slice(0, 4).map((x) => x.client)).size, 1, "one client for cli-1");
    assert.equal(r[4]!.client, r[5]!.client, "one client per idempotency key");
    assert.notEqual(r[4]!.client, r[0]!.client);
    assert.notEqual(r[6]!.client, r[7]!.client, "a fresh client per anonymous request");
    const processes = api.context.history.events().map((e) => e.process);
    assert.ok(processes.every((p) => p >= 1 && p < 10), "history processes are small numbers");
  } finally {
    api.close();
  }
});

Deno.test("consistency reaches a Raft read; other protocols get plain ops without seq", async () => {
  const { fake, api, req } = fakeApi();
  try {
    await req("/api/v1/kv/a?consistency=stale");
    assert.deepEqual(fake.requests[0]!.op, { f: "read", key: "a", seq: 1, consistency: "stale" });
  } finally {
    api.close();
  }
  const lww = new FakeCluster({ protocol: "lww" });
  lww.handler = () => ({ type: "ok", value: 1 });
  const api2 = createApi(lww, { clock: createVirtualClock() });
  try {
    await api2.app.request("/api/v1/kv/a?consistency=stale");
    await api2.app.request("/api/v1/kv/a", json(2, "PUT"));
    assert.deepEqual(lww.requests.map((r) => r.op), [
      { f: "read", key: "a" },
      { f: "write", key: "a", value: 2 },
    ]);
  } finally {
    api2.close();
  }
});

Deno.test("a client with a request in flight gets 409 for a second one", async () => {
  const { fake, api, clock, req } = fakeApi();
  try {
    let release: (r: Reply) => void = () => {};
    fake.handler = () => new Promise<Reply>((resolve) => release = resolve);
    const headers = { "X-Client-Id": "c1" };
    const first = req("/api/v1/kv/a", { ...json(1, "PUT"), headers });
    while (clock.pending === 0) await delay(0);
    const p = await problemOf(await req("/api/v1/kv/b", { ...json(1, "PUT"), headers }), 409);
    assert.equal(p.title, "Request in flight");
    release({ type: "ok" });
    assert.equal((await first).status, 200);
  } finally {
    api.close();
  }
});

Deno.test("bad KV input is a 400 naming the field, 404 or 413, and changes nothing", async () => {
  const { fake, api, req } = fakeApi({ maxBody: 2048 });
  try {
    fake.data.set("a", 1);
    const cases: [string, RequestInit, number, string | null, RegExp][] = [
      [
        "/api/v1/kv/a?consistency=strong",
        {},
        400,
        "consistency",
        /one of linearizable, lease, stale/,
      ],
      ["/api/v1/kv/a?node=n9", {}, 404, null, /unknown node 'n9'/],
      ["/api/v1/kv/a?node=", {}, 400, "node", /node id/],
      [
        "/api/v1/kv/a",
        { headers: { "X-Request-Seq": "1" } },
        400,
        "X-Request-Seq",
        /needs an X-Client-Id/,
      ],
      [
        "/api/v1/kv/a",
        { headers: { "X-Client-Id": "c", "X-Request-Seq": "0" } },
        400,
        "X-Request-Seq",
        /positive integer/,
      ],
      [
        "/api/v1/kv/a",
        { headers: { "X-Client-Id": "c", "X-Request-Seq": "x" } },
        400,
        "X-Request-Seq",
        /positive/,
      ],
      [
        "/api/v1/kv/a",
        { headers: { "X-Client-Id": "x".repeat(200) } },
        400,
        "X-Client-Id",
        /1 to 128/,
      ],
      [
        "/api/v1/kv/a",
        { headers: { "Idempotency-Key": "a b" } },
        400,
        "Idempotency-Key",
        /printable/,
      ],
      ["/api/v1/kv/" + "k".repeat(1025), {}, 400, "key", /1 to 1024/],
      ["/api/v1/kv/a", json("{", "PUT"), 400, "body", /not valid JSON/],
      ["/api/v1/kv/a", { method: "PUT" }, 400, "body", /JSON body is required/],
      ["/api/v1/kv/a", json("null", "PUT"), 400, "body", /DELETE the key/],
      ["/api/v1/kv/a", json("x".repeat(3000), "PUT"), 413, null, /larger than 2048 bytes/],
      ["/api/v1/kv/a/cas", json({ value: 1 }), 400, "expected", /expected is required/],
      ["/api/v1/kv/a/cas", json({ expected: 1 }), 400, "value", /value is required/],
      ["/api/v1/kv/a/cas", json({ expected: 1, value: 2, x: 3 }), 400, "x", /unknown field/],
      ["/api/v1/kv/a/cas", json("[1,2]"), 400, "body", /JSON object/],
      ["/api/v1/kv/a?node=n9", { method: "DELETE" }, 404, null, /unknown node/],
    ];
    const before = snapshot(fake, api);
    for (const [path, init, status, field, detail] of cases) {
      const what = `${init.method ?? "GET"} ${path.slice(0, 60)}`;
      const p = await problemOf(await req(path, init), status).catch((e) => {
        throw new Error(`${what}: ${e.message}`);
      });
      if (field !== null) assert.equal(p.field, field, what);
      assert.match(String(p.detail), detail, what);
    }
    assert.equal(snapshot(fake, api), before);
  } finally {
    api.close();
  }
});

Deno.test("a down node opens its breaker: later calls fail fast without reaching the cluster", async () => {
  const { fake, api, req } = fakeApi();
  const breakerEvents: unknown[] = [];
  api.context.hub.observe((e) => {
    if (e.kind === "breaker") breakerEvents.push(e.data);
  });
  try {
    fake.crash("n2");
    for (let i = 0; i < 3; i++) {
      const p = await problemOf(await req("/api/v1/kv/a?node=n2"), 503);
      assert.equal(p.title, "Node down");
    }
    const reached = fake.requests.length;
    const res = await req("/api/v1/kv/a?node=n2");
    const p = await problemOf(res, 503);
    assert.equal(p.title, "Circuit breaker open");
    assert.equal(res.headers.get("retry-after"), "1");
    assert.equal(fake.requests.length, reached, "refused without calling the node");
    assert.deepEqual(breakerEvents, [{
      from: "closed",
      to: "open",
      reason: "consecutive_failures",
    }]);
    const cluster = await (await req("/api/v1/cluster")).json();
    assert.equal(cluster.nodes[1].breaker, "open");
    // Unpinned requests route around the open breaker to the leader.
    assert.equal((await req("/api/v1/kv/a", json(1, "PUT"))).status, 200);
    // A restart closes the breaker at once.
    await req("/api/v1/nodes/n2/restart", { method: "POST" });
    assert.equal(api.context.gateway.breakerState("n2"), "closed");
  } finally {
    api.close();
  }
});

Deno.test("a failure's status comes from its code, never its wording", async () => {
  const { fake, api, req } = fakeApi();
  try {
    // Reworded: the text says "not leader", but the code says aborted — a definite 409.
    fake.handler = () => fail("abort", "not leader, no quorum, timeout");
    let p = await problemOf(await req("/api/v1/kv/a", json(1, "PUT")), 409);
    assert.equal(p.title, "Aborted");
    // And the other way: prose that sounds final, a code that says "ask again".
    fake.handler = () => fail("quorum-unavailable", "aborted: cas mismatch");
    p = await problemOf(await req("/api/v1/kv/a", json(1, "PUT")), 503);
    assert.equal(p.title, "No quorum");
    fake.handler = () => fail("malformed-request", "bad op");
    p = await problemOf(await req("/api/v1/kv/a", json(1, "PUT")), 400);
    assert.equal(p.detail, "node n1: bad op");
  } finally {
    api.close();
  }
});
