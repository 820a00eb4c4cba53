import assert from "node:assert/strict";
import { type Api, createApi } from "../../http/app.ts";
import { type Cluster, startCluster } from "../../nodes/worker_cluster.ts";
import { notYet, waitFor } from "../support/deadline.ts";

/** PUTs until one is acknowledged (a PUT is idempotent): an election may be under way. */
async function putAcked(api: Api, path: string, value: unknown): Promise<void> {
  await waitFor(`PUT ${path} is acknowledged`, async () => {
    const res = await api.app.request(path, put(value));
    return res.status === 200 || notYet(`${res.status} ${await res.text()}`);
  });
}

async function withApi(
  o: Parameters<typeof startCluster>[0],
  fn: (api: Api, cluster: Cluster) => Promise<void>,
  gateway = {},
): Promise<void> {
  const cluster = await startCluster(o);
  const api = createApi(cluster, { gateway });
  try {
    await fn(api, cluster);
  } finally {
    api.close();
    await cluster.close();
  }
}

const put = (value: unknown) => ({ method: "PUT", body: JSON.stringify(value) });

Deno.test("real cluster (register): KV through any node, CAS, history", async () => {
  await withApi({ protocol: "register", nodes: 3, seed: 1 }, async (api) => {
    const app = api.app;
    let res = await app.request("/api/v1/kv/x?node=n3", put({ v: 1 }));
    assert.deepEqual(await res.json(), { key: "x", value: { v: 1 }, node: "n3" });
    res = await app.request("/api/v1/kv/x/cas", {
      method: "POST",
      body: JSON.stringify({ expected: { v: 2 }, value: 3 }),
    });
    assert.equal(res.status, 409);
    res = await app.request("/api/v1/kv/x?node=n2");
    assert.deepEqual((await res.json()).value, { v: 1 });
    const lines = (await (await app.request("/api/v1/history")).text()).trimEnd().split("\n");
    assert.deepEqual(lines.map((l) => JSON.parse(l).type), [
      "invoke",
      "ok",
      "invoke",
      "fail",
      "invoke",
      "ok",
    ]);
  });
});

Deno.test("real cluster (raft-kv): leader, transfer, election timeout, add and remove a member", async () => {
  await withApi({ protocol: "raft-kv", nodes: 3, seed: 7 }, async (api, cluster) => {
    const app = api.app;
    const leader = async () => {
      const res = await app.request("/api/v1/leader");
      return res.status === 200 ? (await res.json()).leader as string : null;
    };
    await waitFor("a leader", leader);
    await putAcked(api, "/api/v1/kv/a", 1);

    const first = await waitFor("a leader", leader);
    const to = cluster.nodes.find((n) => n !== first)!;
    const t = await app.request("/api/v1/transfer", {
      method: "POST",
      body: JSON.stringify({ to }),
    });
    assert.equal(t.status, 200, await t.clone().text());
    await waitFor(`${to} leads`, async () => {
      const l = await leader();
      return l === to || notYet(l);
    });

    const follower = cluster.nodes.find((n) => n !== to)!;
    const termBefore = (await (await app.request("/api/v1/leader")).json()).term as number;
    const e = await app.request(`/api/v1/nodes/${follower}/timeout`, { method: "POST" });
    assert.equal(e.status, 200);
    await waitFor("a newer term", async () => {
      const res = await app.request("/api/v1/leader");
      return res.status === 200 && (await res.json()).term > termBefore;
    });

    const add = await app.request("/api/v1/members", {
      method: "POST",
      body: JSON.stringify({ node: "n4" }),
    });
    assert.equal(add.status, 201, await add.clone().text());
    assert.deepEqual(cluster.nodes, ["n1", "n2", "n3", "n4"]);
    await waitFor("n4 has the data", async () => {
      const res = await app.request("/api/v1/cluster");
      const n4 = (await res.json()).nodes.find((n: { id: string }) => n.id === "n4");
      return (n4.commitIndex !== null && n4.commitIndex >= 2 && n4.role === "follower") ||
        notYet(n4);
    });
    const rm = await app.request("/api/v1/members/n4", { method: "DELETE" });
    assert.equal(rm.status, 200, await rm.clone().text());
    assert.deepEqual(cluster.nodes, ["n1", "n2", "n3"]);
    assert.equal((await app.request("/api/v1/kv/a")).status, 200);
  });
});

Deno.test("a paused node is answered fast by its open breaker while the rest keeps serving", async () => {
  await withApi(
    { protocol: "raft-kv", nodes: 3, seed: 3 },
    async (api) => {
      const app = api.app;
      const leader = await waitFor("a leader", async () => {
        const res = await app.request("/api/v1/leader");
        return res.status === 200 ? (await res.json()).leader as string : null;
      });
      const victim = ["n1", "n2", "n3"].find((n) => n !== leader)!;
      await app.request(`/api/v1/nodes/${victim}/pause`, { method: "POST" });
      // The first calls wait out the timeout and open the breaker…
      for (let i = 0; i < 3; i++) {
        assert.equal((await app.request(`/api/v1/kv/a?node=${victim}`)).status, 504);
      }
      // …after which calls to the paused node are refused by the breaker without reaching
      // it: no call waits for the timeout. How fast that is, is printed, not asserted.
      const ms: number[] = [];
      for (let i = 0; i < 200; i++) {
        const t0 = performance.now();
        const res = await app.request(`/api/v1/kv/a?node=${victim}`);
        ms.push(performance.now() - t0);
        assert.equal(res.status, 503);
        assert.equal((await res.json()).title, "Circuit breaker open");
      }
      ms.sort((a, b) => a - b);
      const p99 = ms[Math.floor(ms.length * 0.99)]!;
      console.log(
        `paused-node fast fail: p50 ${ms[100]!.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms ` +
          `(timeout 500 ms)`,
      );
      for (let i = 0; i < 20; i++) await putAcked(api, `/api/v1/kv/k${i}`, i);
      const cluster = await (await app.request("/api/v1/cluster")).json();
      const v = cluster.nodes.find((n: { id: string }) => n.id === victim);
      assert.deepEqual([v.paused, v.breaker], [true, "open"]);
    },
    { timeoutMs: 500, failures: 3, openWaitMs: 600_000 },
  );
});

Deno.test("real cluster (raft-kv): a reused idempotency key or sequence number with another request is a 422 and changes nothing", async () => {
  await withApi({ protocol: "raft-kv", nodes: 3, seed: 9 }, async (api) => {
    const app = api.app;
    await waitFor("a leader", async () => (await app.request("/api/v1/leader")).status === 200);
    const k1 = { "Idempotency-Key": "K1" };
    let res = await app.request("/api/v1/kv/x", { ...put({ v: 1, w: 2 }), headers: k1 });
    assert.equal(res.status, 200, await res.clone().text());
    const first = await res.json();
    // The genuine retry (fields in another order are the same request) gets the same answer.
    res = await app.request("/api/v1/kv/x", { method: "PUT", body: '{"w":2,"v":1}', headers: k1 });
    assert.deepEqual([res.status, await res.json()], [200, first]);

    for (
      const [path, init] of [
        ["/api/v1/kv/x", { method: "DELETE", headers: k1 }],
        ["/api/v1/kv/x/cas", {
          method: "POST",
          headers: k1,
          body: JSON.stringify({ expected: { v: 1, w: 2 }, value: 2 }),
        }],
        ["/api/v1/kv/x", { ...put({ v: 3 }), headers: k1 }],
        ["/api/v1/kv/y", { ...put({ v: 1 }), headers: k1 }],
      ] as const
    ) {
      res = await app.request(path, init);
      assert.equal(res.status, 422, `${init.method} ${path}`);
      assert.equal(res.headers.get("content-type"), "application/problem+json");
      const p = await res.json();
      assert.equal(p.field, "Idempotency-Key");
      assert.match(p.detail, /^Idempotency-Key K1 was already used for a different request/);
    }

    const seq = (n: number) => ({ "X-Client-Id": "c1", "X-Request-Seq": String(n) });
    res = await app.request("/api/v1/kv/z", { ...put(1), headers: seq(1) });
    assert.equal(res.status, 200);
    res = await app.request("/api/v1/kv/z", { ...put(2), headers: seq(1) });
    assert.equal(res.status, 422);
    assert.equal((await res.json()).field, "X-Request-Seq");
    res = await app.request("/api/v1/kv/z", { ...put(2), headers: seq(2) });
    assert.equal(res.status, 200, "the next number is a new request");

    assert.deepEqual((await (await app.request("/api/v1/kv/x")).json()).value, { v: 1, w: 2 });
    assert.deepEqual((await (await app.request("/api/v1/kv/z")).json()).value, 2);
    assert.equal((await app.request("/api/v1/kv/y")).status, 404);
    // Only the accepted requests are operations (the genuine retry is recorded as such).
    const history = (await (await app.request("/api/v1/history")).text()).trim().split("\n")
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      history.filter((e) => e.type === "invoke").map((e) => `${e.f} ${e.key}`),
      ["write x", "write x", "write z", "write z", "read x", "read z", "read y"],
      "refused requests are not in it",
    );
    assert.ok(history.every((e) => e.f !== "delete" && e.f !== "cas"));
  });
});
