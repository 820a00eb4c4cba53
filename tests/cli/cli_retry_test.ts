import assert from "node:assert/strict";
import { runCli } from "../../cli/main.ts";
import { memoryIo } from "../../cli/io.ts";
import { createVirtualClock } from "../../resilience/virtual_clock.ts";
import { setTimeout as delay } from "node:timers/promises";

function problem(status: number, title: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ type: "about:blank", title, status, detail: "because" }), {
    status,
    headers: { "content-type": "application/problem+json", ...headers },
  });
}

Deno.test("503s are retried with backoff, keeping the client id and sequence number", async () => {
  const seen: Headers[] = [];
  let calls = 0;
  const fetchFake: typeof fetch = (_url, init) => {
    seen.push(new Headers(init?.headers));
    calls++;
    return Promise.resolve(
      calls < 3 ? problem(503, "No leader") : Response.json({ key: "k", value: 1, node: "n2" }),
    );
  };
  const clock = createVirtualClock();
  const io = memoryIo({ fetch: fetchFake, clock, random: () => 0.5 });
  const run = runCli(["put", "k", "1", "--url", "http://127.0.0.1:1"], io);
  while (calls < 3) {
    await delay(0);
    await clock.advanceAsync(50);
  }
  assert.equal(await run, 0);
  assert.equal(io.stdout[0], "k = 1  (node n2)");
  assert.equal(io.stderr.length, 2, "each retry is announced");
  assert.match(io.stderr[0]!, /^retrying in \d+ ms: No leader/);
  const ids = new Set(seen.map((h) => h.get("x-client-id")));
  const seqs = new Set(seen.map((h) => h.get("x-request-seq")));
  assert.equal(ids.size, 1);
  assert.deepEqual([...seqs], ["1"]);
  assert.match([...ids][0]!, /^cli-[0-9a-f]{16}$/);
});

Deno.test("full jitter: each backoff is at most base * 2^n, and Retry-After is honoured", async () => {
  const at: number[] = [];
  const clock = createVirtualClock();
  const fetchFake: typeof fetch = () => {
    at.push(clock.now());
    return Promise.resolve(problem(503, "Busy", at.length === 2 ? { "retry-after": "1" } : {}));
  };
  const io = memoryIo({ fetch: fetchFake, clock, random: () => 0.99 });
  const run = runCli(["get", "k", "--url", "http://127.0.0.1:1"], io);
  while (at.length < 5) {
    await delay(0);
    await clock.advanceAsync(10);
  }
  assert.equal(await run, 1, "gives up after 5 attempts");
  const waits = at.slice(1).map((t, i) => t - at[i]!);
  assert.ok(waits[0]! <= 100 && waits[0]! >= 90, `first wait ${waits[0]}`);
  assert.ok(waits[1]! >= 1000, `Retry-After: 1 waits a second, waited ${waits[1]}`);
  assert.ok(waits[2]! <= 410 && waits[3]! <= 810, `waits ${waits}`);
  assert.match(io.stderr.at(-1)!, /^error: Busy: because$/);
});

Deno.test("--retries 0 gives up after the first 503", async () => {
  let calls = 0;
  const io = memoryIo({
    fetch: () => {
      calls++;
      return Promise.resolve(problem(503, "No leader"));
    },
  });
  assert.equal(await runCli(["get", "k", "--retries", "0"], io), 1);
  assert.equal(calls, 1);
  assert.deepEqual(io.stderr, ["error: No leader: because"]);
});

Deno.test("definite refusals are not retried: exit 1 with the problem's title and detail", async () => {
  let calls = 0;
  const io = memoryIo({
    fetch: () => {
      calls++;
      return Promise.resolve(problem(409, "CAS mismatch"));
    },
  });
  assert.equal(await runCli(["cas", "k", "1", "2"], io), 1);
  assert.equal(calls, 1);
  assert.deepEqual(io.stderr, ["error: CAS mismatch: because"]);
});

Deno.test("an unreachable server is exit 1 at once, saying where it looked", async () => {
  const io = memoryIo({ env: { DISTLAB_URL: "http://127.0.0.1:9" } });
  assert.equal(await runCli(["status"], io), 1);
  assert.equal(io.stderr.length, 1);
  assert.match(
    io.stderr[0]!,
    /^error: cannot reach http:\/\/127\.0\.0\.1:9: .*is 'deno task cluster' running/,
  );
});

Deno.test("the token comes from --token or DISTLAB_TOKEN and travels as a bearer header", async () => {
  const auths: (string | null)[] = [];
  const fetchFake: typeof fetch = (_u, init) => {
    auths.push(new Headers(init?.headers).get("authorization"));
    return Promise.resolve(Response.json({ leader: "n1", term: 2 }));
  };
  await runCli(["leader", "--token", "abc"], memoryIo({ fetch: fetchFake }));
  await runCli(["leader"], memoryIo({ fetch: fetchFake, env: { DISTLAB_TOKEN: "def" } }));
  await runCli(["leader"], memoryIo({ fetch: fetchFake }));
  assert.deepEqual(auths, ["Bearer abc", "Bearer def", null]);
});

Deno.test("global options work before the command as after it (etcdctl, kubectl habit)", async () => {
  const seen: { url: string; auth: string | null }[] = [];
  const fetchFake: typeof fetch = (u, init) => {
    seen.push({ url: String(u), auth: new Headers(init?.headers).get("authorization") });
    return Promise.resolve(Response.json({ key: "k", value: 1, node: "n1" }));
  };
  const before = memoryIo({ fetch: fetchFake });
  const code = await runCli(
    ["--url", "http://127.0.0.1:7001", "--token=abc", "--json", "get", "k"],
    before,
  );
  assert.equal(code, 0, before.stderr.join(" "));
  const after = memoryIo({ fetch: fetchFake });
  await runCli(["get", "k", "--url", "http://127.0.0.1:7001", "--token=abc", "--json"], after);
  assert.deepEqual(seen[0], seen[1]);
  assert.deepEqual(seen[0], { url: "http://127.0.0.1:7001/api/v1/kv/k", auth: "Bearer abc" });
  assert.deepEqual(before.stdout, after.stdout);
  assert.equal(JSON.parse(before.stdout[0]!).value, 1, "--json before the command applies");
});
