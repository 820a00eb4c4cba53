import assert from "node:assert/strict";
import { fakeApi } from "./fake_cluster.ts";

/** `/api/v1/nodes/:id/:action` → the concrete paths the document lists. */
function expand(path: string): string[] {
  const p = path.replace(/:(\w+)/g, "{$1}");
  if (p === "/api/v1/nodes/{id}/{action}") {
    return ["crash", "restart", "pause", "resume", "timeout"].map((a) => `/api/v1/nodes/{id}/${a}`);
  }
  return [p];
}

Deno.test("the OpenAPI document describes exactly the routes the app serves", async () => {
  const { api, req } = fakeApi();
  try {
    const doc = await (await req("/api/v1/openapi.json")).json();
    assert.equal(doc.openapi, "3.1.0");
    const described = new Set<string>();
    for (const [path, item] of Object.entries(doc.paths as Record<string, object>)) {
      for (const method of Object.keys(item)) described.add(`${method.toUpperCase()} ${path}`);
    }
    const served = new Set<string>();
    for (const r of api.app.routes) {
      if (r.method === "ALL" || !r.path.startsWith("/api/v1/")) continue;
      for (const p of expand(r.path)) served.add(`${r.method} ${p}`);
    }
    assert.deepEqual([...served].sort(), [...described].sort());
    for (
      const [path, item] of Object.entries(
        doc.paths as Record<
          string,
          Record<string, { responses: Record<string, unknown>; operationId: string }>
        >,
      )
    ) {
      for (const op of Object.values(item)) {
        assert.ok(op.operationId, path);
        assert.ok(
          Object.keys(op.responses).some((c) => c.startsWith("2")),
          `${path} has a success`,
        );
      }
    }
  } finally {
    api.close();
  }
});

Deno.test("the docs page lists every operation and needs nothing from the network", async () => {
  const { api, req } = fakeApi();
  try {
    const res = await req("/api/v1/docs");
    assert.match(res.headers.get("content-type") ?? "", /text\/html/);
    const html = await res.text();
    const doc = await (await req("/api/v1/openapi.json")).json();
    for (
      const item of Object.values(
        doc.paths as Record<string, Record<string, { operationId: string }>>,
      )
    ) {
      for (const op of Object.values(item)) {
        assert.ok(html.includes(`id="${op.operationId}"`), op.operationId);
      }
    }
    assert.doesNotMatch(html, /<script|https?:\/\/(?!localhost)/, "no scripts, no external URLs");
  } finally {
    api.close();
  }
});
