import assert from "node:assert/strict";
import { fakeApi, json, problemOf, snapshot } from "./fake_cluster.ts";
import { readSse } from "../../client/sse.ts";
import { openApiDocument } from "../../http/openapi.ts";

Deno.test("POST /faults/byzantine makes a node lie and honest again; cluster, node and faults show it", async () => {
  const { fake, api, req } = fakeApi();
  try {
    let res = await req("/api/v1/faults/byzantine", json({ node: "n2", mode: "equivocate" }));
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), {
      node: "n2",
      mode: "equivocate",
      byzantine: { n2: "equivocate" },
    });
    assert.equal(fake.byzantineMode("n2"), "equivocate");
    res = await req("/api/v1/faults/byzantine", json({ node: "n3", mode: "silent" }));
    assert.deepEqual((await res.json()).byzantine, { n2: "equivocate", n3: "silent" });

    const cluster = await (await req("/api/v1/cluster")).json();
    assert.deepEqual(
      cluster.nodes.map((n: { id: string; byzantine: unknown }) => [n.id, n.byzantine]),
      [["n1", null], ["n2", "equivocate"], ["n3", "silent"]],
    );
    const node = await (await req("/api/v1/nodes/n3")).json();
    assert.equal(node.byzantine, "silent");
    const faults = await (await req("/api/v1/faults")).json();
    assert.deepEqual(faults.byzantine, { n2: "equivocate", n3: "silent" });

    res = await req("/api/v1/faults/byzantine", json({ node: "n2", mode: "honest" }));
    assert.deepEqual(await res.json(), { node: "n2", mode: "honest", byzantine: { n3: "silent" } });
    assert.equal(fake.byzantineMode("n2"), null);
    assert.deepEqual(fake.calls, [
      "byzantine n2 equivocate",
      "byzantine n3 silent",
      "byzantine n2 honest",
    ]);
  } finally {
    api.close();
  }
});

Deno.test("POST /faults/byzantine: unknown node, unknown mode, bad body are problems that change nothing", async () => {
  const { fake, api, req } = fakeApi();
  try {
    await req("/api/v1/faults/byzantine", json({ node: "n1", mode: "lie" }));
    const before = snapshot(fake, api);
    let p = await problemOf(
      await req("/api/v1/faults/byzantine", json({ node: "n9", mode: "lie" })),
      404,
    );
    assert.match(String(p.detail), /unknown node 'n9'/);
    p = await problemOf(
      await req("/api/v1/faults/byzantine", json({ node: "n2", mode: "sneaky" })),
      400,
    );
    assert.equal(p.field, "mode");
    assert.match(String(p.detail), /mode must be one of honest, equivocate, lie, silent, replay/);
    p = await problemOf(await req("/api/v1/faults/byzantine", json({ node: "n2" })), 400);
    assert.equal(p.field, "mode");
    p = await problemOf(
      await req("/api/v1/faults/byzantine", json({ node: "n2", mode: "lie", extra: 1 })),
      400,
    );
    assert.equal(p.field, "extra");
    p = await problemOf(await req("/api/v1/faults/byzantine", json("not json")), 400);
    assert.equal(snapshot(fake, api), before);
    assert.equal(fake.byzantineMode("n2"), null);
  } finally {
    api.close();
  }
});

Deno.test("POST /faults/byzantine: a Byzantine-tolerant protocol refuses more than f liars (409), nothing changed", async () => {
  const { fake, api, req } = fakeApi({ protocol: "pbft", nodes: ["n1", "n2", "n3", "n4"] });
  try {
    let res = await req("/api/v1/faults/byzantine", json({ node: "n2", mode: "lie" }));
    assert.equal(res.status, 200);
    // The same node may change how it lies: still one liar.
    res = await req("/api/v1/faults/byzantine", json({ node: "n2", mode: "replay" }));
    assert.equal(res.status, 200);
    const before = snapshot(fake, api);
    const p = await problemOf(
      await req("/api/v1/faults/byzantine", json({ node: "n3", mode: "equivocate" })),
      409,
    );
    assert.match(String(p.type), /too-many-byzantine$/);
    assert.match(
      String(p.detail),
      /tolerates f = 1 Byzantine node \(n ≥ 3f \+ 1\); already Byzantine: n2/,
    );
    assert.equal(p.tolerated, 1);
    assert.equal(snapshot(fake, api), before);
    // Honest again frees the place.
    await req("/api/v1/faults/byzantine", json({ node: "n2", mode: "honest" }));
    res = await req("/api/v1/faults/byzantine", json({ node: "n3", mode: "equivocate" }));
    assert.equal(res.status, 200);
  } finally {
    api.close();
  }
  // A crash-fault protocol tolerates no liar, and lying to it is the lesson: no refusal.
  const raft = fakeApi({ protocol: "raft-kv", nodes: ["n1", "n2", "n3"] });
  try {
    for (const node of ["n1", "n2", "n3"]) {
      const res = await raft.req("/api/v1/faults/byzantine", json({ node, mode: "lie" }));
      assert.equal(res.status, 200);
    }
  } finally {
    raft.api.close();
  }
});

Deno.test("a Byzantine mode is a fault event on the SSE stream; the route is in the OpenAPI document", async () => {
  const { api, req } = fakeApi();
  try {
    const res = await req("/api/v1/events?kind=fault");
    await req("/api/v1/faults/byzantine", json({ node: "n2", mode: "silent" }));
    await req("/api/v1/faults/byzantine", json({ node: "n2", mode: "honest" }));
    const seen: unknown[] = [];
    for await (const m of readSse(res.body!)) {
      const e = JSON.parse(m.data);
      seen.push([m.event, e.node, e.data]);
      if (seen.length === 2) break;
    }
    assert.deepEqual(seen, [
      ["fault", "n2", { byzantine: "silent" }],
      ["fault", "n2", { byzantine: "honest" }],
    ]);
  } finally {
    api.close();
  }
  const doc = openApiDocument() as {
    paths: Record<string, Record<string, { operationId: string; responses: object }>>;
  };
  const op = doc.paths["/api/v1/faults/byzantine"]?.post;
  assert.equal(op?.operationId, "setByzantine");
  assert.deepEqual(Object.keys(op!.responses).sort(), ["200", "400", "401", "404", "409", "413"]);
});
