import assert from "node:assert/strict";
import { Hono } from "hono";
import { fakeApi, FakeCluster, json, problemOf, snapshot } from "./fake_cluster.ts";
import { createApi } from "../../http/app.ts";
import { createVirtualClock } from "../../resilience/virtual_clock.ts";

Deno.test("with a token, every request needs it: 401 with WWW-Authenticate otherwise", async () => {
  const { fake, api, req } = fakeApi({ token: "s3cret-token" });
  try {
    const before = snapshot(fake, api);
    for (const auth of [undefined, "Bearer wrong-token", "Basic czNjcmV0", "Bearer"]) {
      const headers: Record<string, string> = auth === undefined ? {} : { authorization: auth };
      const res = await req("/api/v1/nodes/n1/crash", { method: "POST", headers });
      const p = await problemOf(res, 401);
      assert.equal(p.title, "Unauthorized");
      assert.match(res.headers.get("www-authenticate") ?? "", /^Bearer/);
    }
    // The dashboard's static page holds no data and is served without the token (a
    // browser cannot attach one to script loads); its API calls still need it.
    assert.notEqual((await req("/")).status, 401, "the page itself loads");
    assert.equal((await req("/", { method: "POST" })).status, 401, "only GET is exempt");
    assert.equal((await req("/dashboard/check", { method: "POST" })).status, 401);
    assert.equal(snapshot(fake, api), before, "nothing was crashed");
    const ok = await req("/api/v1/nodes/n1/crash", {
      method: "POST",
      headers: { authorization: "Bearer s3cret-token" },
    });
    assert.equal(ok.status, 200);
    const viaQuery = await req("/api/v1/events?access_token=s3cret-token");
    assert.equal(viaQuery.status, 200, "EventSource cannot set headers: a query token works");
    await viaQuery.body?.cancel();
    // Only there: a token in a URL is logged, and must not change state or read data.
    const before2 = snapshot(fake, api);
    for (
      const [path, method] of [
        ["/api/v1/nodes/n2/crash?access_token=s3cret-token", "POST"],
        ["/api/v1/faults/heal?access_token=s3cret-token", "POST"],
        ["/api/v1/cluster?access_token=s3cret-token", "GET"],
      ] as const
    ) {
      await problemOf(await req(path, { method }), 401);
    }
    assert.equal(snapshot(fake, api), before2, "nothing was crashed");
  } finally {
    api.close();
  }
});

Deno.test("without a token, only loopback Host headers are served (no DNS rebinding)", async () => {
  const { fake, api } = fakeApi();
  try {
    const before = snapshot(fake, api);
    const evil = await api.app.request("http://evil.example:8080/api/v1/nodes/n1/crash", {
      method: "POST",
    });
    const p = await problemOf(evil, 403);
    assert.match(String(p.detail), /not a loopback address/);
    assert.equal(snapshot(fake, api), before);
    for (const host of ["127.0.0.1:8080", "localhost", "[::1]:9000"]) {
      const res = await api.app.request(`http://${host}/api/v1/cluster`);
      assert.equal(res.status, 200, host);
    }
  } finally {
    api.close();
  }
});

Deno.test("a cross-origin request from a browser is refused with 403", async () => {
  const { fake, api, req } = fakeApi();
  try {
    const before = snapshot(fake, api);
    for (
      const origin of [
        "http://evil.example",
        "null",
        "https://localhost", // the right host, but not this server's scheme
        "http://localhost:9999", // nor its port
      ]
    ) {
      const res = await req("/api/v1/nodes/n1/crash", { method: "POST", headers: { origin } });
      await problemOf(res, 403);
    }
    assert.equal(snapshot(fake, api), before);
    const same = await req("http://localhost/api/v1/faults/heal", {
      method: "POST",
      headers: { origin: "http://localhost" },
    });
    assert.equal(same.status, 200, "the same origin (the dashboard) is fine");
  } finally {
    api.close();
  }
});

Deno.test("a body over the limit is a 413 problem, checked before the body is read", async () => {
  const { fake, api, req } = fakeApi();
  try {
    const before = snapshot(fake, api);
    const big = JSON.stringify("x".repeat(1024 * 1024));
    let p = await problemOf(await req("/api/v1/kv/a", json(big, "PUT")), 413);
    assert.equal(p.limit, 1024 * 1024);
    p = await problemOf(
      await req("/api/v1/kv/a", {
        method: "PUT",
        body: "1",
        headers: { "content-length": String(2 ** 30) },
      }),
      413,
    );
    assert.equal(p.title, "Payload Too Large");
    assert.equal(snapshot(fake, api), before);
  } finally {
    api.close();
  }
});

Deno.test("a dashboard app is mounted at /", async () => {
  const dashboard = new Hono();
  dashboard.get("/", (c) => c.text("dashboard"));
  const api = createApi(new FakeCluster(), { clock: createVirtualClock(), dashboard });
  try {
    assert.equal(await (await api.app.request("/")).text(), "dashboard");
    assert.equal((await api.app.request("/api/v1/cluster")).status, 200);
  } finally {
    api.close();
  }
});
