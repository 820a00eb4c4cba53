import assert from "node:assert/strict";
import fc from "fast-check";
import { fingerprint } from "../../http/client_sessions.ts";
import { Hono } from "hono";
import { limitBody } from "../../http/middleware/body_limit.ts";
import { HistoryLog } from "../../http/history_log.ts";
import { Counter } from "../../http/prometheus.ts";

function echoApp(max: number): Hono {
  const app = new Hono();
  app.use("*", limitBody(max));
  app.put("/", async (c) => c.text(`[${await c.req.text()}]`));
  return app;
}

Deno.test("body limit: a body with a declared length is kept whole for the handler", async () => {
  const app = echoApp(16);
  const body = '{"a":"é"}';
  const length = String(new TextEncoder().encode(body).byteLength);
  const res = await app.request("/", {
    method: "PUT",
    body,
    headers: { "content-length": length },
  });
  assert.equal(await res.text(), `[${body}]`);
});

Deno.test("body limit: a streamed body without a length is still cut at the limit", async () => {
  const app = echoApp(4);
  const stream = (text: string) => new Blob([text]).stream();
  const ok = await app.request("/", { method: "PUT", body: stream("1234") });
  assert.equal(await ok.text(), "[1234]");
  const big = await app.request("/", { method: "PUT", body: stream("12345") });
  assert.equal(big.status, 413);
  await big.body?.cancel();
});

Deno.test("history log: pending follows invoke and complete, for many processes", () => {
  const log = new HistoryLog(() => 0);
  for (let p = 1; p <= 100; p++) log.invoke(p, "write", "x", p);
  for (let p = 1; p <= 100; p += 2) log.complete(p, "ok", p, `n${p % 3}`);
  for (let p = 1; p <= 100; p++) assert.equal(log.isPending(p), p % 2 === 0, `process ${p}`);
  const completions = log.events().filter((e) => e.type === "ok");
  assert.equal(completions.length, 50);
  assert.ok(completions.every((e) => e.node === `n${e.process % 3}`));
  assert.ok(log.events().filter((e) => e.type === "invoke").every((e) => e.node === undefined));
});

Deno.test("prometheus: label values are escaped only where needed", () => {
  const c = new Counter("y_total", "Y.");
  c.inc({ a: "plain", b: 'line\nq"b\\' });
  c.inc({ a: "plain", b: 'line\nq"b\\' });
  assert.equal(c.get({ a: "plain", b: 'line\nq"b\\' }), 2);
  assert.match(c.render(), /^y_total\{a="plain",b="line\\nq\\"b\\\\"\} 2$/m);
});

Deno.test("fingerprint: the same as sorting every object's keys, for any JSON", () => {
  const sortedJson = (v: unknown) =>
    JSON.stringify(
      v,
      (_k, x) =>
        x !== null && typeof x === "object" && !Array.isArray(x)
          ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
          : x,
    );
  fc.assert(fc.property(fc.jsonValue(), (v) => fingerprint(v) === sortedJson(v)), {
    numRuns: 500,
  });
  assert.equal(
    fingerprint({ b: 1, a: { d: [{ y: 1, x: 2 }], c: 4 } }),
    '{"a":{"c":4,"d":[{"x":2,"y":1}]},"b":1}',
  );
  assert.equal(
    fingerprint({ op: { f: "write", key: "k", value: { c: 1, seq: 2 } } }),
    '{"op":{"f":"write","key":"k","value":{"c":1,"seq":2}}}',
  );
});
