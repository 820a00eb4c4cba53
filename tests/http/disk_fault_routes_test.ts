import assert from "node:assert/strict";
import type { Api } from "../../http/app.ts";
import type { Cluster } from "../../nodes/worker_cluster.ts";
import { withRaftApi } from "../support/raft_api_cluster.ts";
import type { TraceEvent } from "../../nodes/trace.ts";

function withApi(
  dataDir: boolean,
  fn: (api: Api, cluster: Cluster) => Promise<void>,
): Promise<void> {
  return withRaftApi({ dataDir, seed: 5 }, fn);
}

const post = (body: unknown) => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: typeof body === "string" ? body : JSON.stringify(body),
});

Deno.test("POST /faults/disk on a --data-dir cluster: set, once, clear, events, views; bad input changes nothing", async () => {
  await withApi(true, async (api, cluster) => {
    const app = api.app;
    const events: TraceEvent[] = [];
    const off = cluster.onEvent((e) => {
      if (e.kind === "fault") events.push(e);
    }, { messages: false });
    const bad: [unknown, number, RegExp][] = [
      [{ node: "n9", fault: "bit-flip" }, 404, /n9/],
      [{ node: "n2", fault: "melt" }, 400, /fault must be one of fsync-error, disk-full/],
      [{ node: "n2", fault: "bit-flip", probability: 1.5 }, 400, /probability between 0 and 1/],
      [{ node: "n2", fault: "bit-flip", probability: -0.1 }, 400, /probability between 0 and 1/],
      [{ node: "n2", fault: "bit-flip", probability: "0.5" }, 400, /probability must be a number/],
      [{ node: "n2", fault: "none", probability: 0.5 }, 400, /no probability/],
      [{ node: "n2", fault: "bit-flip", when: "now" }, 400, /when/],
      [{ fault: "bit-flip" }, 400, /node/],
      ["{", 400, /JSON/i],
    ];
    for (const [body, status, detail] of bad) {
      const res = await app.request("/api/v1/faults/disk", post(body));
      assert.equal(res.status, status, JSON.stringify(body));
      assert.match(res.headers.get("content-type") ?? "", /application\/problem\+json/);
      assert.match(JSON.stringify(await res.json()), detail, JSON.stringify(body));
    }
    let faults = await (await app.request("/api/v1/faults")).json();
    assert.deepEqual(faults.disk, {}, "bad input changed nothing");
    assert.equal(events.length, 0);

    let res = await app.request(
      "/api/v1/faults/disk",
      post({ node: "n2", fault: "bit-flip", probability: 0.25 }),
    );
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), {
      node: "n2",
      faults: { "bit-flip": 0.25 },
      once: [],
      injected: {},
    });
    res = await app.request("/api/v1/faults/disk", post({ node: "n2", fault: "read-error" }));
    assert.deepEqual((await res.json()).once, ["read-error"]);
    faults = await (await app.request("/api/v1/faults")).json();
    assert.deepEqual(Object.keys(faults.disk), ["n2"]);
    const view = await (await app.request("/api/v1/nodes/n2")).json();
    assert.deepEqual(view.disk.faults, { "bit-flip": 0.25 });

    res = await app.request("/api/v1/faults/disk", post({ node: "n2", fault: "none" }));
    const cleared = await res.json();
    assert.deepEqual([cleared.faults, cleared.once], [{}, []]);
    faults = await (await app.request("/api/v1/faults")).json();
    // Still listed only if something was injected (a read may have hit the one-shot).
    for (const d of Object.values(faults.disk) as { faults: object; once: [] }[]) {
      assert.deepEqual([d.faults, d.once], [{}, []]);
    }
    off();
    const settings = events.filter((e) => (e.data as { disk: { fault?: string } }).disk.fault);
    assert.deepEqual(settings.map((e) => [e.node, e.data]), [
      ["n2", { disk: { fault: "bit-flip", probability: 0.25 } }],
      ["n2", { disk: { fault: "read-error" } }],
      ["n2", { disk: { fault: "none" } }],
    ]);
  });
});

Deno.test("POST /faults/disk on a cluster without --data-dir is 409 and changes nothing", async () => {
  await withApi(false, async (api) => {
    const res = await api.app.request(
      "/api/v1/faults/disk",
      post({ node: "n1", fault: "fsync-error" }),
    );
    assert.equal(res.status, 409);
    const p = await res.json();
    assert.match(p.type, /no-data-dir$/);
    assert.match(p.detail, /--data-dir/);
    const faults = await (await api.app.request("/api/v1/faults")).json();
    assert.equal(faults.disk, undefined);
    const view = await (await api.app.request("/api/v1/nodes/n1")).json();
    assert.equal(view.disk, undefined);
    // Unknown node is still 404 first, bad kind 400: the same checks as with a data dir.
    const unknown = await api.app.request(
      "/api/v1/faults/disk",
      post({ node: "n7", fault: "none" }),
    );
    assert.equal(unknown.status, 404);
  });
});

Deno.test("the OpenAPI document declares POST /faults/disk", async () => {
  await withApi(false, async (api) => {
    const doc = await (await api.app.request("/api/v1/openapi.json")).json();
    const op = doc.paths["/api/v1/faults/disk"]?.post;
    assert.equal(op?.operationId, "setDiskFault");
    for (const status of ["200", "400", "404", "409"]) assert.ok(op.responses[status], status);
    const schema = JSON.stringify(doc.components.schemas);
    assert.match(schema, /misdirected-write/);
  });
});
