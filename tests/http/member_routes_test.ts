import assert from "node:assert/strict";
import { fakeApi, FakeCluster, json, problemOf, snapshot } from "./fake_cluster.ts";
import { createApi } from "../../http/app.ts";
import { createVirtualClock } from "../../resilience/virtual_clock.ts";
import { fail } from "../../protocols/reply.ts";

Deno.test("POST /members starts the node as a joiner, then asks the leader to add it", async () => {
  const { fake, api, req } = fakeApi();
  try {
    const res = await req("/api/v1/members", json({ node: "n4" }));
    assert.equal(res.status, 201);
    assert.deepEqual(await res.json(), { node: "n4", members: ["n1", "n2", "n3", "n4"] });
    assert.deepEqual(fake.calls, ['add n4 {"join":true}']);
    assert.deepEqual(fake.requests.at(-1), {
      node: "n1",
      op: { f: "add-node", node: "n4" },
      client: fake.requests.at(-1)!.client,
    });
  } finally {
    api.close();
  }
});

Deno.test("a refused add takes the new node's Worker away again", async () => {
  const { fake, api, req } = fakeApi();
  try {
    fake.leader = null;
    const p = await problemOf(await req("/api/v1/members", json({ node: "n4" })), 503);
    assert.equal(p.title, "No leader");
    assert.deepEqual(fake.calls, ['add n4 {"join":true}', "remove n4"]);
    assert.deepEqual(fake.nodes, ["n1", "n2", "n3"]);
  } finally {
    api.close();
  }
});

Deno.test("DELETE /members/{id} asks the leader to remove the node, then stops it", async () => {
  const { fake, api, req } = fakeApi();
  try {
    const res = await req("/api/v1/members/n3", { method: "DELETE" });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { node: "n3", members: ["n1", "n2"] });
    assert.deepEqual(fake.requests.at(-1)!.op, { f: "remove-node", node: "n3" });
    assert.deepEqual(fake.calls, ["remove n3"]);
  } finally {
    api.close();
  }
});

Deno.test("POST /transfer hands leadership over through the leader", async () => {
  const { fake, api, req } = fakeApi();
  try {
    const res = await req("/api/v1/transfer", json({ to: "n2" }));
    assert.deepEqual(await res.json(), { leader: "n2", from: "n1" });
    assert.equal(fake.leader, "n2");
  } finally {
    api.close();
  }
});

Deno.test("an admin refusal that will not go away by itself is a 409", async () => {
  const { fake, api, req } = fakeApi();
  try {
    fake.handler = () => fail("precondition-failed", "transfer target is not a voter");
    const p = await problemOf(await req("/api/v1/transfer", json({ to: "n2" })), 409);
    assert.equal(p.title, "Precondition failed");
    assert.match(String(p.detail), /not a voter/);
  } finally {
    api.close();
  }
});

Deno.test("bad membership input is 400 / 404 / 409 and changes nothing", async () => {
  const { fake, api, req } = fakeApi();
  try {
    const cases: [string, RequestInit, number, string | null, RegExp][] = [
      ["/api/v1/members", json({}), 400, "node", /node id/],
      ["/api/v1/members", json({ node: "N 4" }), 400, "node", /lowercase letter/],
      ["/api/v1/members", json({ node: 4 }), 400, "node", /node id/],
      ["/api/v1/members", json({ node: "n4", extra: 1 }), 400, "extra", /unknown field/],
      ["/api/v1/members", json('"nope"'), 400, "body", /JSON object/],
      ["/api/v1/members", json({ node: "n2" }), 409, null, /already a member/],
      ["/api/v1/members/n9", { method: "DELETE" }, 404, null, /unknown node 'n9'/],
      ["/api/v1/transfer", json({}), 400, "to", /node id/],
      ["/api/v1/transfer", json({ to: "n9" }), 404, null, /unknown node 'n9'/],
      ["/api/v1/transfer", { method: "POST" }, 400, "body", /required/],
    ];
    const before = snapshot(fake, api);
    for (const [path, init, status, field, detail] of cases) {
      const what = `${init.method} ${path} ${init.body ?? ""}`;
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

Deno.test("protocols without membership answer 409 not supported", async () => {
  const lww = new FakeCluster({ protocol: "lww" });
  const api = createApi(lww, { clock: createVirtualClock() });
  try {
    for (
      const [path, init] of [
        ["/api/v1/members", json({ node: "n4" })],
        ["/api/v1/members/n3", { method: "DELETE" }],
        ["/api/v1/transfer", json({ to: "n2" })],
      ] as const
    ) {
      const p = await problemOf(await api.app.request(path, init), 409);
      assert.equal(p.title, "Not supported", path);
    }
    assert.deepEqual([lww.calls, lww.requests], [[], []]);
  } finally {
    api.close();
  }
});

Deno.test("POST /members past the node limit is a 409 and starts nothing", async () => {
  const nodes = Array.from({ length: 256 }, (_, i) => `n${i + 1}`);
  const { fake, api, req } = fakeApi({ nodes });
  try {
    const before = snapshot(fake, api);
    const p = await problemOf(await req("/api/v1/members", json({ node: "m257" })), 409);
    assert.equal(p.title, "Cluster full");
    assert.equal(p.limit, 256);
    assert.match(String(p.detail), /at most 256 nodes/);
    assert.deepEqual(fake.calls, [], "no Worker was started");
    assert.equal(snapshot(fake, api), before);
  } finally {
    api.close();
  }
});
