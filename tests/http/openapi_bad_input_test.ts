import assert from "node:assert/strict";
import { fakeApi, problemOf, snapshot } from "./fake_cluster.ts";

type Schema = {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: unknown;
  enum?: unknown[];
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  maxLength?: number;
};
type Param = { name: string; in: string; schema: Schema };
type Operation = {
  operationId: string;
  parameters?: Param[];
  requestBody?: { content: Record<string, { schema: Schema; example?: unknown }> };
  responses: Record<string, unknown>;
};

/** A bad request the document implies, and the field its problem must name. */
interface BadShape {
  readonly what: string;
  readonly query?: string;
  readonly key?: string;
  readonly body?: string;
  readonly field: string;
}

/** Values that break one constraint of `s` (none when `s` constrains nothing). */
function breaking(s: Schema): unknown[] {
  const out: unknown[] = [];
  if (s.type === "string") out.push(12345);
  if (s.type === "number" || s.type === "integer") out.push("x");
  if (s.type === "array") out.push("x");
  if (s.type === "object") out.push("x");
  if (s.minimum !== undefined) out.push(s.minimum - 1);
  if (s.exclusiveMinimum !== undefined) out.push(s.exclusiveMinimum);
  if (s.maximum !== undefined) out.push(s.maximum + 1);
  if (s.enum !== undefined || s.pattern !== undefined) out.push("!bogus!");
  if (s.minLength !== undefined && s.minLength > 0) out.push("");
  if (s.maxLength !== undefined) out.push("k".repeat(s.maxLength + 1));
  return out;
}

/** Every bad shape of one operation, from its parameters and body schema. */
function badShapes(op: Operation, resolve: (s: Schema) => Schema): BadShape[] {
  const out: BadShape[] = [];
  for (const p of op.parameters ?? []) {
    const s = resolve(p.schema);
    for (const v of breaking(s)) {
      if (typeof v !== "string") continue; // a query or path value is always text
      if (p.in === "query") {
        out.push({ what: `?${p.name}=${v.slice(0, 20)}`, query: `${p.name}=${v}`, field: p.name });
      } else if (p.in === "path" && p.name === "key") {
        if (v === "") continue; // an empty segment is another route
        out.push({ what: `key of ${v.length}`, key: v, field: "key" });
      }
    }
  }
  const content = op.requestBody?.content["application/json"];
  if (content === undefined) return out;
  const schema = resolve(content.schema);
  out.push({ what: "no JSON", body: "{", field: "body" });
  if (schema.type !== "object") return out;
  const example = content.example as Record<string, unknown>;
  assert.ok(example !== undefined, `${op.operationId} documents an example body`);
  out.push({ what: "an array", body: "[1]", field: "body" });
  if (schema.additionalProperties === false) {
    out.push({
      what: "an unknown field",
      body: JSON.stringify({ ...example, zzz: 1 }),
      field: "zzz",
    });
  }
  for (const r of schema.required ?? []) {
    const { [r]: _, ...rest } = example;
    out.push({ what: `no ${r}`, body: JSON.stringify(rest), field: r });
  }
  for (const [name, prop] of Object.entries(schema.properties ?? {})) {
    for (const v of breaking(resolve(prop))) {
      out.push({
        what: `${name}: ${JSON.stringify(v).slice(0, 20)}`,
        body: JSON.stringify({ ...example, [name]: v }),
        field: name,
      });
    }
  }
  return out;
}

for (const protocol of ["raft-kv", "quorum-kv"]) {
  Deno.test(`every bad shape the OpenAPI document implies is its documented 400 and changes nothing (${protocol})`, async () => {
    const { fake, api, req } = fakeApi({ protocol });
    try {
      fake.data.set("k", 1);
      const doc = await (await req("/api/v1/openapi.json")).json();
      const schemas = doc.components.schemas as Record<string, Schema>;
      const resolve = (s: Schema): Schema =>
        s.$ref === undefined ? s : schemas[s.$ref.replace("#/components/schemas/", "")]!;
      const before = snapshot(fake, api);
      let tried = 0;
      for (const [path, item] of Object.entries(doc.paths as Record<string, object>)) {
        for (const [method, op] of Object.entries(item as Record<string, Operation>)) {
          for (const bad of badShapes(op, resolve)) {
            const url = path.replace("{id}", "n1").replace("{key}", bad.key ?? "k") +
              (bad.query === undefined ? "" : `?${bad.query}`);
            const what = `${method.toUpperCase()} ${path}: ${bad.what}`;
            const init: RequestInit = { method: method.toUpperCase() };
            if (bad.body !== undefined) {
              init.body = bad.body;
              init.headers = { "content-type": "application/json" };
            } else if (op.requestBody !== undefined) {
              const example = op.requestBody.content["application/json"]!.example;
              init.body = JSON.stringify(example);
            }
            assert.ok("400" in op.responses, `${what}: 400 is documented`);
            const p = await problemOf(await req(url, init), 400).catch((e) => {
              throw new Error(`${what}: ${e.message}`);
            });
            assert.equal(p.field, bad.field, `${what}: ${p.detail}`);
            assert.equal(typeof p.detail, "string", what);
            tried++;
          }
        }
      }
      assert.ok(tried > 60, `tried ${tried} bad shapes`);
      assert.equal(snapshot(fake, api), before, "nothing was sent, changed or recorded");
    } finally {
      api.close();
    }
  });
}

Deno.test("every documented example body passes validation (no 400 but a node's own)", async () => {
  const { fake, api, req } = fakeApi();
  try {
    fake.data.set("k", 1);
    const doc = await (await req("/api/v1/openapi.json")).json();
    for (const [path, item] of Object.entries(doc.paths as Record<string, object>)) {
      for (const [method, op] of Object.entries(item as Record<string, Operation>)) {
        const content = op.requestBody?.content["application/json"];
        if (content === undefined) continue;
        const url = path.replace("{id}", "n1").replace("{key}", "k");
        const res = await req(url, {
          method: method.toUpperCase(),
          body: JSON.stringify(content.example),
          headers: { "content-type": "application/json" },
        });
        const text = await res.text();
        // A node may refuse the operation (the fake knows no `order`): that 400 names it.
        const fromNode = res.status === 400 && JSON.parse(text).node !== undefined;
        assert.ok(res.status !== 400 || fromNode, `${method} ${path}: ${text}`);
      }
    }
  } finally {
    api.close();
  }
});
