import assert from "node:assert/strict";
import { fakeApi, FakeCluster, problemOf, snapshot } from "./fake_cluster.ts";
import { createApi } from "../../http/app.ts";
import { createVirtualClock } from "../../resilience/virtual_clock.ts";

Deno.test("POST /nodes/{id}/crash|restart|pause|resume applies the action and returns the node", async () => {
  const { fake, api, req } = fakeApi();
  try {
    const post = (path: string) => req(path, { method: "POST" });
    let body = await (await post("/api/v1/nodes/n2/pause")).json();
    assert.deepEqual([body.id, body.up, body.paused], ["n2", true, true]);
    body = await (await post("/api/v1/nodes/n2/resume")).json();
    assert.equal(body.paused, false);
    body = await (await post("/api/v1/nodes/n2/crash")).json();
    assert.deepEqual([body.up, body.role], [false, "crashed"]);
    body = await (await post("/api/v1/nodes/n2/restart")).json();
    assert.deepEqual([body.up, body.role], [true, "follower"]);
    assert.deepEqual(fake.calls, ["pause n2", "resume n2", "crash n2", "restart n2"]);
  } finally {
    api.close();
  }
});

Deno.test("POST /nodes/{id}/timeout forges Raft's timeout-now from the node's leader", async () => {
  const { fake, api, req } = fakeApi();
  try {
    const res = await req("/api/v1/nodes/n3/timeout", { method: "POST" });
    assert.equal(res.status, 200);
    assert.deepEqual(fake.calls, ['inject n1->n3 {"type":"timeout-now","term":3}']);
  } finally {
    api.close();
  }
});

Deno.test("timeout is refused with 409 for a leader, a down node or a protocol without elections", async () => {
  const { fake, api, req } = fakeApi();
  try {
    fake.crash("n3");
    const before = snapshot(fake, api);
    let p = await problemOf(await req("/api/v1/nodes/n1/timeout", { method: "POST" }), 409);
    assert.match(String(p.detail), /n1 cannot campaign: it is leader/);
    p = await problemOf(await req("/api/v1/nodes/n3/timeout", { method: "POST" }), 409);
    assert.match(String(p.detail), /it is down/);
    assert.equal(snapshot(fake, api), before);
  } finally {
    api.close();
  }
  const lww = new FakeCluster({ protocol: "lww" });
  const api2 = createApi(lww, { clock: createVirtualClock() });
  try {
    const p = await problemOf(
      await api2.app.request("/api/v1/nodes/n2/timeout", { method: "POST" }),
      409,
    );
    assert.equal(p.title, "Not supported");
    assert.deepEqual(lww.calls, []);
  } finally {
    api2.close();
  }
});

Deno.test("bad node actions are 404 problems that do nothing", async () => {
  const { fake, api, req } = fakeApi();
  try {
    const before = snapshot(fake, api);
    let p = await problemOf(await req("/api/v1/nodes/n9/crash", { method: "POST" }), 404);
    assert.equal(p.detail, "unknown node 'n9' (nodes: n1, n2, n3)");
    p = await problemOf(await req("/api/v1/nodes/n1/explode", { method: "POST" }), 404);
    assert.match(String(p.detail), /no node action 'explode' \(actions: crash, restart/);
    assert.equal(snapshot(fake, api), before);
  } finally {
    api.close();
  }
});

Deno.test("a failing action is a 500 problem with a one-line detail", async () => {
  const { fake, api, req } = fakeApi();
  try {
    fake.failRestart = true;
    fake.crash("n1");
    const p = await problemOf(await req("/api/v1/nodes/n1/restart", { method: "POST" }), 500);
    assert.equal(p.detail, "node n1 failed: disk full");
  } finally {
    api.close();
  }
});
