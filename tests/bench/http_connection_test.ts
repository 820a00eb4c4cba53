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

/**
 * A raw loopback server: answers the n-th request on a connection with `answers[n]`
 * (bytes as written), closing after the last one when `close` says so.
 */
function rawServer(answers: readonly string[], close = false) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const served = (async () => {
    for await (const conn of listener) {
      (async () => {
        const buf = new Uint8Array(4096);
        let text = "";
        let n = 0;
        try {
          while (n < answers.length) {
            const got = await conn.read(buf);
            if (got === null) return;
            text += new TextDecoder().decode(buf.subarray(0, got));
            while (text.includes("\r\n\r\n") && n < answers.length) {
              text = text.slice(text.indexOf("\r\n\r\n") + 4);
              await conn.write(new TextEncoder().encode(answers[n++]!));
            }
          }
          if (close) conn.close();
        } catch {
          // the client went away
        }
      })();
    }
  })();
  return {
    port: listener.addr.port,
    async stop() {
      listener.close();
      await served.catch(() => {});
    },
  };
}

Deno.test("no body is read after HEAD, 204 or 304, even with a content-length; interim answers are skipped", async () => {
  const s = rawServer([
    "HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\n",
    "HTTP/1.1 304 Not Modified\r\ncontent-length: 7\r\n\r\n",
    "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\ncontent-length: 2\r\n\r\nok",
    "HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n",
  ]);
  const c = new HttpConnection("127.0.0.1", s.port);
  try {
    assert.deepEqual(await c.request("HEAD", "/", {}), { status: 200 });
    assert.deepEqual(await c.request("GET", "/", {}), { status: 304 });
    assert.deepEqual(await c.request("PUT", "/", {}, "x"), { status: 201 });
    assert.deepEqual(await c.request("GET", "/", {}), { status: 200 }, "still framed right");
  } finally {
    c.close();
    await s.stop();
  }
});

Deno.test("chunk trailers are read to their end, and a body without a length runs to the close", async () => {
  const chunked = rawServer([
    "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nx-digest: 1\r\n\r\n",
    "HTTP/1.1 202 Accepted\r\ncontent-length: 0\r\n\r\n",
  ]);
  const c = new HttpConnection("127.0.0.1", chunked.port);
  try {
    assert.deepEqual(await c.request("GET", "/", {}), { status: 200 });
    assert.deepEqual(await c.request("GET", "/", {}), { status: 202 }, "framed after the trailer");
  } finally {
    c.close();
    await chunked.stop();
  }
  const unframed = rawServer(["HTTP/1.1 200 OK\r\n\r\nuntil the end"], true);
  const d = new HttpConnection("127.0.0.1", unframed.port);
  try {
    assert.deepEqual(await d.request("GET", "/", {}), { status: 200 });
  } finally {
    d.close();
    await unframed.stop();
  }
});

Deno.test("a malformed answer is an error, and the connection is dropped", async () => {
  for (
    const bad of [
      "HTTP/1.1 200 OK\r\ncontent-length: lots\r\n\r\n",
      "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n",
      "SMTP ready\r\n\r\n",
    ]
  ) {
    const s = rawServer([bad]);
    const c = new HttpConnection("127.0.0.1", s.port);
    try {
      await assert.rejects(c.request("GET", "/", {}), bad.split("\r\n")[0]);
    } finally {
      c.close();
      await s.stop();
    }
  }
});
