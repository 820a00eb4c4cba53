import assert from "node:assert/strict";
import type { z } from "@hono/zod-openapi";
import { API_ROUTES } from "../../http/openapi.ts";
import { fakeApi } from "./fake_cluster.ts";

/** The documented example of every operation, in the document's order, then the reads again. */
function calls(): { route: (typeof API_ROUTES)[number]; url: string; init: RequestInit }[] {
  const out = [];
  const reads = API_ROUTES.filter((r) => r.method === "get" && !r.path.endsWith("/events"));
  for (const route of [...API_ROUTES.filter((r) => !r.path.endsWith("/events")), ...reads]) {
    const url = route.path.replace("{id}", route.path.includes("faults") ? "1" : "n2")
      .replace("{key}", "k");
    const media = route.request?.body?.content?.["application/json"] as
      | { example?: unknown }
      | undefined;
    const example = media?.example;
    const init: RequestInit = { method: route.method.toUpperCase() };
    if (example !== undefined) {
      init.body = JSON.stringify(example);
      init.headers = { "content-type": "application/json" };
    }
    out.push({ route, url, init });
  }
  return out;
}

for (const protocol of ["raft-kv", "quorum-kv"]) {
  Deno.test(`every answer has a documented status and the shape its schema says (${protocol})`, async () => {
    const { fake, api, req } = fakeApi({ protocol });
    try {
      fake.data.set("k", 1);
      let checked = 0;
      for (const { route, url, init } of calls()) {
        const what = `${init.method} ${url}`;
        const res = await req(url, init);
        const answer = route.responses[res.status];
        assert.ok(answer !== undefined, `${what}: ${res.status} is documented`);
        const content = (answer as { content?: Record<string, { schema: z.ZodType }> }).content;
        const type = (res.headers.get("content-type") ?? "").split(";")[0]!;
        const schema = content?.[type]?.schema;
        assert.ok(schema !== undefined, `${what}: ${res.status} ${type} is documented`);
        const body = type.includes("json") && type !== "application/jsonl"
          ? await res.json()
          : await res.text();
        const parsed = schema.safeParse(body);
        assert.ok(
          parsed.success,
          `${what}: ${JSON.stringify(parsed.error?.issues[0])} in ${JSON.stringify(body)}`,
        );
        checked++;
      }
      assert.ok(checked >= 30, `checked ${checked} answers`);
    } finally {
      api.close();
    }
  });
}
