import assert from "node:assert/strict";
import { fakeApi, json, problemOf, snapshot } from "./fake_cluster.ts";

Deno.test("partition, isolate, cut and link add faults with ids; GET /faults lists them", async () => {
  const { fake, api, req } = fakeApi();
  try {
    let res = await req("/api/v1/faults/partition", json({ groups: [["n1"], ["n2", "n3"]] }));
    assert.equal(res.status, 201);
    assert.deepEqual(await res.json(), {
      id: 1,
      kind: "partition",
      description: "n1 | n2,n3",
      groups: [["n1"], ["n2", "n3"]],
    });
    res = await req("/api/v1/faults/isolate", json({ node: "n2" }));
    assert.deepEqual((await res.json()).description, "n2");
    res = await req("/api/v1/faults/cut", json({ from: "n1", to: "n3" }));
    assert.deepEqual((await res.json()).description, "n1 -> n3");
    res = await req(
      "/api/v1/faults/link",
      json({ from: "n1", drop: 0.2, delay: "50ms±10ms", duplicate: 0.1, queueLimit: 10 }),
    );
    assert.equal(res.status, 201);
    assert.deepEqual(await res.json(), {
      id: 4,
      kind: "link",
      from: "n1",
      to: "*",
      drop: 0.2,
      delay: { kind: "normal", mean: 50, jitter: 10 },
      duplicate: 0.1,
      queueLimit: 10,
    });
    res = await req("/api/v1/faults/link", json({ delay: { kind: "uniform", min: 1, max: 5 } }));
    assert.equal(res.status, 201);
    const faults = await (await req("/api/v1/faults")).json();
    assert.deepEqual(faults.blocks.map((b: { kind: string }) => b.kind), [
      "partition",
      "isolate",
      "cut",
    ]);
    assert.deepEqual(faults.rules.map((r: { id: number }) => r.id), [4, 5]);
    assert.deepEqual(faults.clocks.n1, { skewMs: 0, drift: 0 });
    assert.equal(fake.network.isBlocked("n1", "n2"), true);
  } finally {
    api.close();
  }
});

Deno.test("clock faults skew and drift one node", async () => {
  const { fake, api, req } = fakeApi();
  try {
    let res = await req("/api/v1/faults/clock", json({ node: "n3", skewMs: 200 }));
    assert.deepEqual(await res.json(), { node: "n3", skewMs: 200, drift: 0 });
    res = await req("/api/v1/faults/clock", json({ node: "n3", drift: 0.01 }));
    assert.deepEqual(await res.json(), { node: "n3", skewMs: 200, drift: 0.01 });
    assert.deepEqual(fake.calls, ['clock n3 {"skew":200}', 'clock n3 {"drift":0.01}']);
  } finally {
    api.close();
  }
});

Deno.test("DELETE /faults/{id} removes one fault; heal removes all; both are events", async () => {
  const { fake, api, req } = fakeApi();
  const kinds: string[] = [];
  api.context.hub.observe((e) => kinds.push(`${e.kind}:${(e.data as { action: string }).action}`));
  try {
    await req("/api/v1/faults/isolate", json({ node: "n1" }));
    await req("/api/v1/faults/link", json({ drop: 0.5 }));
    let res = await req("/api/v1/faults/1", { method: "DELETE" });
    assert.equal(res.status, 200);
    assert.deepEqual((await res.json()).blocks, []);
    assert.equal(fake.network.state().rules.length, 1);
    res = await req("/api/v1/faults/heal", { method: "POST" });
    assert.deepEqual(await res.json(), { ...fake.network.state(), rules: [], blocks: [] });
    assert.deepEqual(kinds, ["fault:isolate", "fault:link", "fault:remove", "fault:heal"]);
  } finally {
    api.close();
  }
});

Deno.test("bad fault input is a 400 naming the field (404 for unknown nodes) and changes nothing", async () => {
  const { fake, api, req } = fakeApi();
  try {
    fake.network.isolate("n3"); // something a bad DELETE must not remove
    const cases: [string, RequestInit, number, string | null, RegExp][] = [
      ["/api/v1/faults/partition", json("{"), 400, "body", /not valid JSON/],
      ["/api/v1/faults/partition", { method: "POST" }, 400, "body", /JSON body is required/],
      ["/api/v1/faults/partition", json([1]), 400, "body", /must be a JSON object/],
      ["/api/v1/faults/partition", json({}), 400, "groups", /array of node-id arrays/],
      ["/api/v1/faults/partition", json({ groups: "n1" }), 400, "groups", /array/],
      ["/api/v1/faults/partition", json({ groups: [] }), 400, "groups", /array/],
      ["/api/v1/faults/partition", json({ groups: [[]] }), 400, "groups", /array/],
      ["/api/v1/faults/partition", json({ groups: [["n1", 2]] }), 400, "groups", /node id/],
      [
        "/api/v1/faults/partition",
        json({ groups: [["n1"], ["n1"]] }),
        400,
        "groups",
        /more than one group/,
      ],
      ["/api/v1/faults/partition", json({ groups: [["n9"]] }), 404, null, /unknown node 'n9'/],
      ["/api/v1/faults/partition", json({ groups: [["n1"]], x: 1 }), 400, "x", /unknown field 'x'/],
      ["/api/v1/faults/isolate", json({}), 400, "node", /node must be a node id/],
      ["/api/v1/faults/isolate", json({ node: "n7" }), 404, null, /unknown node 'n7'/],
      ["/api/v1/faults/cut", json({ from: "n1" }), 400, "to", /to must be a node id/],
      ["/api/v1/faults/cut", json({ from: "n1", to: "n1" }), 400, "to", /two different nodes/],
      ["/api/v1/faults/link", json({}), 400, "body", /at least one of drop/],
      ["/api/v1/faults/link", json({ from: "n1" }), 400, "body", /at least one of/],
      ["/api/v1/faults/link", json({ drop: 1.5 }), 400, "drop", /probability between 0 and 1/],
      ["/api/v1/faults/link", json({ drop: "x" }), 400, "drop", /must be a number/],
      ["/api/v1/faults/link", json({ queueLimit: 0 }), 400, "queueLimit", /positive/],
      ["/api/v1/faults/link", json({ delay: "soon" }), 400, "delay", /invalid delay 'soon'/],
      ["/api/v1/faults/link", json({ delay: -5 }), 400, "delay", /negative/],
      ["/api/v1/faults/link", json({ delay: { kind: "weird" } }), 400, "delay", /delay.kind/],
      ["/api/v1/faults/link", json({ delay: { kind: "constant" } }), 400, "delay", /finite/],
      ["/api/v1/faults/link", json({ delay: [1] }), 400, "delay", /e.g./],
      ["/api/v1/faults/link", json({ delay: "3000000ms" }), 400, "delay", /at most 60000 ms/],
      ["/api/v1/faults/link", json({ delay: 1e14 }), 400, "delay", /at most 60000 ms/],
      ["/api/v1/faults/link", json({ to: "n8", drop: 0.1 }), 404, null, /unknown node 'n8'/],
      ["/api/v1/faults/clock", json({ node: "n1" }), 400, "body", /skewMs, drift or both/],
      ["/api/v1/faults/clock", json({ node: "n1", skewMs: "1s" }), 400, "skewMs", /finite number/],
      ["/api/v1/faults/clock", json({ node: "n1", skewMs: 1e12 }), 400, "skewMs", /within/],
      ["/api/v1/faults/clock", json({ node: "n1", drift: -1 }), 400, "drift", /above -1/],
      ["/api/v1/faults/clock", json({ skewMs: 5 }), 400, "node", /node id/],
      ["/api/v1/faults/abc", { method: "DELETE" }, 400, "id", /fault id must be a number/],
      ["/api/v1/faults/99", { method: "DELETE" }, 404, null, /no active fault with id 99/],
    ];
    const before = snapshot(fake, api);
    for (const [path, init, status, field, detail] of cases) {
      const what = `${path} ${init.body ?? ""}`;
      const p = await problemOf(await req(path, init), status).catch((e) => {
        throw new Error(`${what}: ${e.message}`);
      });
      if (field !== null) assert.equal(p.field, field, what);
      assert.match(String(p.detail), detail, what);
      assert.equal(p.instance, path);
    }
    assert.equal(snapshot(fake, api), before);
  } finally {
    api.close();
  }
});
