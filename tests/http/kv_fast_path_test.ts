import assert from "node:assert/strict";
import { fakeApi } from "./fake_cluster.ts";
import { kvFastPath } from "../../http/kv_fast_path.ts";
import { DEFAULT_MAX_BODY } from "../../http/middleware/body_limit.ts";

const BASE = "http://127.0.0.1:8080/api/v1/kv/";

interface Step {
  readonly path: string;
  readonly method?: string;
  readonly body?: string;
  readonly headers?: Record<string, string>;
}

function request(s: Step): Request {
  const headers: Record<string, string> = { ...s.headers };
  if (s.body !== undefined) {
    headers["content-type"] = "application/json";
    headers["content-length"] = String(new TextEncoder().encode(s.body).byteLength);
  }
  return new Request(BASE + s.path, {
    method: s.method ?? "GET",
    headers,
    ...(s.body !== undefined ? { body: s.body } : {}),
  });
}

/** What a client and a checker see of an answer (times and server timing left out). */
async function seen(res: Response): Promise<unknown> {
  return {
    status: res.status,
    type: res.headers.get("content-type"),
    timing: /^total;dur=\d+\.\d;desc="inside the server"$/.test(
      res.headers.get("server-timing") ?? "",
    ),
    retryAfter: res.headers.get("retry-after"),
    body: await res.json(),
  };
}

const STEPS: Step[] = [
  {
    path: "k1",
    method: "PUT",
    body: '{"a":[1,2]}',
    headers: { "x-client-id": "c1", "x-request-seq": "1" },
  },
  { path: "k1" },
  { path: "nothing" },
  // The retry of seq 1 (applied once), then seq 1 reused for another value.
  {
    path: "k1",
    method: "PUT",
    body: '{"a":[1,2]}',
    headers: { "x-client-id": "c1", "x-request-seq": "1" },
  },
  { path: "k1", method: "PUT", body: "3", headers: { "x-client-id": "c1", "x-request-seq": "1" } },
  { path: "k2", method: "PUT", body: "3", headers: { "x-request-seq": "1" } },
  { path: "k2", method: "PUT", body: "3", headers: { "x-client-id": "c2", "x-request-seq": "0" } },
  { path: "k2", method: "PUT", body: "3", headers: { "x-client-id": "c 2" } },
  { path: "k2", method: "PUT", body: "3", headers: { "idempotency-key": "K" } },
  { path: "k2", method: "PUT", body: "4", headers: { "idempotency-key": "K" } },
  // Bodies the app words the problem of: the fast path hands them over.
  { path: "k3", method: "PUT", body: "null" },
  { path: "k3", method: "PUT", body: "{not json" },
  { path: "k3", method: "PUT", body: "" },
  { path: "k3", method: "PUT", body: '"x"' },
  { path: "k3?consistency=stale" },
  { path: "k3?consistency=never" },
  { path: "a%2Fb", method: "PUT", body: "1" },
  { path: "a%2Fb" },
  { path: "k1" },
];

Deno.test("the KV fast path answers, records and counts as the app does", async () => {
  const fast = fakeApi();
  const slow = fakeApi();
  try {
    for (const step of STEPS) {
      const a = await seen(await fast.api.fetch(request(step)));
      const b = await seen(await slow.api.app.fetch(request(step)));
      assert.deepEqual(a, b, `${step.method ?? "GET"} ${step.path}`);
    }
    const history = (api: typeof fast.api) =>
      api.context.history.events().map(({ time: _, ...e }) => e);
    assert.deepEqual(history(fast.api), history(slow.api));
    assert.ok(history(fast.api).length >= 20);
    const metrics = async (api: typeof fast.api) =>
      (await (await api.app.request("/api/v1/metrics")).text()).split("\n")
        .filter((l) => /^distlab_(http|kv)_requests_total/.test(l)).sort();
    const counted = await metrics(fast.api);
    assert.deepEqual(counted, await metrics(slow.api));
    assert.ok(
      counted.some((l) => l.includes('route="/api/v1/kv/:key",status="422"')),
      counted.join("\n"),
    );
    assert.equal(fast.api.shedder.inFlight, 0);
  } finally {
    fast.api.close();
    slow.api.close();
  }
});

Deno.test("the KV fast path takes plain PUTs and GETs only", () => {
  const { api } = fakeApi();
  try {
    const c = api.context;
    const fast = kvFastPath({
      kv: c.kv,
      sessions: c.sessions,
      metrics: c.metrics,
      shedder: api.shedder,
      admin: c.admin,
      maxBody: DEFAULT_MAX_BODY,
    }, () => new Response("app"));
    const takes = (s: Step) => {
      const r = fast(request(s));
      r?.then((res) => res.body?.cancel(), () => {});
      return r !== null;
    };
    assert.equal(takes({ path: "k" }), true);
    assert.equal(takes({ path: "k", method: "PUT", body: "1" }), true);
    assert.equal(takes({ path: "k?consistency=stale" }), false);
    assert.equal(takes({ path: "k/cas", method: "POST", body: "{}" }), false);
    assert.equal(takes({ path: "k", method: "DELETE" }), false);
    assert.equal(takes({ path: "k", headers: { origin: "http://127.0.0.1:8080" } }), false);
    assert.equal(takes({ path: "k", headers: { host: "example.com" } }), false);
    assert.equal(takes({ path: "k%2F" }), false);
    const withToken = kvFastPath({
      kv: c.kv,
      sessions: c.sessions,
      metrics: c.metrics,
      shedder: api.shedder,
      admin: c.admin,
      maxBody: DEFAULT_MAX_BODY,
      token: "t",
    }, () => new Response("app"));
    assert.equal(withToken(request({ path: "k" })), null);
  } finally {
    api.close();
  }
});
