import assert from "node:assert/strict";
import { HttpConnection } from "../../bench/http_connection.ts";

/** A loopback server answering by path; returns it with its port. */
function serve(handler: (req: Request) => Response | Promise<Response>) {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, handler);
  return { server, port: server.addr.port };
}

Deno.test("a keep-alive connection reads answers of every framing, one after another", async () => {
  const seen: string[] = [];
  const { server, port } = serve(async (req) => {
    const url = new URL(req.url);
    seen.push(`${req.method} ${url.pathname} ${await req.text()} ${req.headers.get("x-seq")}`);
    if (url.pathname === "/chunked") {
      const body = new ReadableStream<Uint8Array>({
        start(c) {
          c.enqueue(new TextEncoder().encode("a".repeat(70_000)));
          c.enqueue(new TextEncoder().encode("tail"));
          c.close();
        },
      });
      return new Response(body, { status: 201 });
    }
    if (url.pathname === "/busy") {
      return new Response("{}", { status: 503, headers: { "retry-after": "2" } });
    }
    if (url.pathname === "/empty") return new Response(null, { status: 204 });
    return Response.json({ big: "b".repeat(100_000) });
  });
  const c = new HttpConnection("127.0.0.1", port);
  try {
    assert.deepEqual(await c.request("PUT", "/json", { "x-seq": "1" }, '{"v":1}'), { status: 200 });
    assert.deepEqual(await c.request("GET", "/chunked", { "x-seq": "2" }), { status: 201 });
    assert.deepEqual(await c.request("GET", "/busy", { "x-seq": "3" }), {
      status: 503,
      retryAfterSeconds: 2,
    });
    assert.deepEqual(await c.request("DELETE", "/empty", { "x-seq": "4" }), { status: 204 });
    assert.deepEqual(await c.request("GET", "/json", { "x-seq": "5" }), { status: 200 });
    assert.deepEqual(seen, [
      'PUT /json {"v":1} 1',
      "GET /chunked  2",
      "GET /busy  3",
      "DELETE /empty  4",
      "GET /json  5",
    ]);
  } finally {
    c.close();
    await server.shutdown();
  }
});

Deno.test("a connection the server closed between requests is reopened once", async () => {
  let answered = 0;
  const { server, port } = serve(() => {
    answered++;
    return new Response("ok", { headers: { connection: "close" } });
  });
  const c = new HttpConnection("127.0.0.1", port);
  try {
    for (let i = 0; i < 3; i++) assert.deepEqual(await c.request("GET", "/", {}), { status: 200 });
    assert.deepEqual(answered, 3);
  } finally {
    c.close();
    await server.shutdown();
  }
});

Deno.test("a refused connection is an error, not an answer", async () => {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = l.addr.port;
  l.close();
  const c = new HttpConnection("127.0.0.1", port);
  let failed = false;
  try {
    await c.request("GET", "/", {});
  } catch {
    failed = true;
  }
  assert.deepEqual(failed, true);
});
