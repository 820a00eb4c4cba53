import assert from "node:assert/strict";
import { fakeApi, problemOf, snapshot } from "./fake_cluster.ts";

Deno.test("GET /cluster shows protocol, leader, nodes, faults, clocks and counters", async () => {
  const { fake, api, req } = fakeApi();
  try {
    fake.crash("n3");
    fake.suspects = { n1: ["n3"], n2: ["n3"] };
    fake.network.partition([["n1"], ["n2", "n3"]]);
    fake.setClock("n2", { skew: 200 });
    const res = await req("/api/v1/cluster");
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.equal(body.protocol, "raft-kv");
    assert.equal(body.leader, "n1");
    assert.equal(body.term, 3);
    assert.deepEqual(
      body.nodes.map((n: Record<string, unknown>) => [n.id, n.up, n.role, n.breaker]),
      [["n1", true, "leader", "closed"], ["n2", true, "follower", "closed"], [
        "n3",
        false,
        "crashed",
        "closed",
      ]],
    );
    const n1 = body.nodes[0];
    assert.deepEqual(
      [n1.term, n1.commitIndex, n1.leader, n1.lastSeenMs, n1.suspects],
      [3, 7, "n1", 5, ["n3"]],
    );
    assert.deepEqual(body.nodes[2].suspectedBy, ["n1", "n2"]);
    assert.deepEqual(body.nodes[2].lastSeenMs, null);
    assert.deepEqual(body.network.blocks, [{
      id: 1,
      kind: "partition",
      description: "n1 | n2,n3",
    }]);
    assert.deepEqual(body.clocks.n2, { skewMs: 200, drift: 0 });
    assert.equal(body.counters.links["n1>n2"].dropped, 1);
  } finally {
    api.close();
  }
});

Deno.test("GET /nodes/{id} shows one node; an unknown one is a 404 naming the known", async () => {
  const { fake, api, req } = fakeApi();
  try {
    const res = await req("/api/v1/nodes/n2");
    assert.equal(res.status, 200);
    const n2 = await res.json();
    assert.deepEqual([n2.id, n2.role, n2.leader, n2.breaker], ["n2", "follower", "n1", "closed"]);
    const before = snapshot(fake, api);
    const p = await problemOf(await req("/api/v1/nodes/n9"), 404);
    assert.deepEqual(p, {
      type: "/api/v1/problems/unknown-node",
      title: "Unknown node",
      status: 404,
      detail: "unknown node 'n9' (nodes: n1, n2, n3)",
      node: "n9",
      instance: "/api/v1/nodes/n9",
    });
    assert.equal(snapshot(fake, api), before);
  } finally {
    api.close();
  }
});

Deno.test("GET /leader names the leader, or answers 503 with Retry-After when there is none", async () => {
  const { fake, api, req } = fakeApi();
  try {
    let res = await req("/api/v1/leader");
    assert.deepEqual(await res.json(), { leader: "n1", term: 3 });
    fake.leader = null;
    res = await req("/api/v1/leader");
    const p = await problemOf(res, 503);
    assert.equal(p.title, "No leader");
    assert.equal(res.headers.get("retry-after"), "1");
  } finally {
    api.close();
  }
});

Deno.test("unknown routes and methods are 404 problems and change nothing", async () => {
  const { fake, api, req } = fakeApi();
  try {
    const before = snapshot(fake, api);
    for (
      const [path, method] of [
        ["/api/v1/nope", "GET"],
        ["/api/v1/cluster", "DELETE"],
        ["/api/v1/nodes/n1/crash", "GET"],
        ["/api/v2/cluster", "GET"],
      ] as const
    ) {
      const p = await problemOf(await req(path, { method }), 404);
      assert.equal(p.title, "Not Found", `${method} ${path}`);
      assert.equal(p.instance, path);
    }
    assert.equal(snapshot(fake, api), before);
  } finally {
    api.close();
  }
});

Deno.test("/ is a placeholder page until a dashboard is mounted", async () => {
  const { api, req } = fakeApi();
  try {
    const res = await req("/");
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /text\/html/);
    assert.match(await res.text(), /\/api\/v1\/docs/);
  } finally {
    api.close();
  }
});

Deno.test("every API answer says how long it spent inside the server (Server-Timing), a refusal too", async () => {
  const { api, req } = fakeApi();
  try {
    for (const path of ["/api/v1/cluster", "/api/v1/nodes/n9"]) {
      const res = await req(path);
      await res.body?.cancel();
      const st = res.headers.get("server-timing") ?? "";
      const dur = Number(/total;[^,]*dur=([\d.]+)/.exec(st)?.[1]);
      assert.ok(Number.isFinite(dur) && dur >= 0, `${path}: '${st}'`);
    }
  } finally {
    api.close();
  }
});
