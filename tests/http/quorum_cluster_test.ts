/**
 * quorum-kv through the API on a real Worker cluster: siblings made by concurrent writes
 * on both sides of a partition and resolved by a write carrying their context, per-request
 * R and W, and the ring view.
 */

import assert from "node:assert/strict";
import { type Api, createApi } from "../../http/app.ts";
import { type Cluster, startCluster } from "../../nodes/worker_cluster.ts";
import { deadlineMs, notYet, waitFor } from "../support/deadline.ts";

/**
 * Fast pings, but suspicion and request timeouts a busy machine's late tick cannot trip;
 * no anti-entropy: the test decides what spreads.
 */
const OPTIONS = {
  pingMs: 20,
  detector: "fixed",
  suspectMs: 1000,
  timeoutMs: 3000,
  handoffMs: 50,
  antiEntropyMs: 0,
};

async function withQuorum(seed: number, fn: (api: Api, cluster: Cluster) => Promise<void>) {
  const cluster = await startCluster({ protocol: "quorum-kv", nodes: 3, seed, options: OPTIONS });
  const api = createApi(cluster, { gateway: { timeoutMs: deadlineMs("short") } });
  try {
    await fn(api, cluster);
  } finally {
    api.close();
    await cluster.close();
  }
}

const until = waitFor;

const put = (value: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: "PUT",
  body: JSON.stringify(value),
  headers,
});
const post = (body: unknown): RequestInit => ({ method: "POST", body: JSON.stringify(body) });

Deno.test("real quorum-kv: writes on both sides of a partition become siblings; a write with their context resolves them", async () => {
  await withQuorum(11, async (api) => {
    const app = api.app;
    assert.equal(
      (await app.request("/api/v1/faults/partition", post({ groups: [["n1"]] }))).status,
      201,
    );
    let res = await app.request("/api/v1/kv/cart?node=n1&w=1", put("milk"));
    assert.equal(res.status, 200, await res.clone().text());
    assert.ok((await res.json()).acks.includes("n1"));
    res = await app.request("/api/v1/kv/cart?node=n2&w=1", put("eggs"));
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal((await app.request("/api/v1/faults/heal", { method: "POST" })).status, 200);

    // Once n1 trusts its peers again, a read from every replica sees both writes.
    const read = await until("an ALL read answers", async () => {
      const r = await app.request("/api/v1/kv/cart?node=n1&consistency=ALL");
      return r.status === 200 ? r : null;
    });
    assert.equal(read.headers.get("x-distlab-siblings"), "2");
    const body = await read.json();
    assert.deepEqual(body.siblings, ["eggs", "milk"]);
    assert.deepEqual(body.context, { n1: 1, n2: 1 });
    assert.deepEqual(JSON.parse(read.headers.get("x-distlab-context")!), body.context);

    // The ring shows where the key lives and that replicas hold both versions.
    const ring = await (await app.request("/api/v1/ring?key=cart")).json();
    assert.equal(ring.key.preferenceList.length, 3);
    const clocks = new Set<string>();
    for (const h of ring.key.holders) {
      for (const v of h.versions) clocks.add(JSON.stringify(v.clock));
    }
    assert.ok(clocks.has('{"n1":1}') && clocks.has('{"n2":1}'), [...clocks].join(" "));
    assert.deepEqual(ring.nodes.map((n: { tokens: number }) => n.tokens), [64, 64, 64]);

    // A write that carries the context supersedes both siblings.
    res = await app.request(
      "/api/v1/kv/cart?consistency=ALL",
      put(["eggs", "milk"], { "X-Distlab-Context": JSON.stringify(body.context) }),
    );
    assert.equal(res.status, 200, await res.clone().text());
    const written = await res.json();
    assert.equal(written.acks.length, 3);
    assert.ok(written.clock.n1 >= 1 && written.clock.n2 >= 1, JSON.stringify(written.clock));
    res = await app.request("/api/v1/kv/cart?consistency=ALL");
    assert.equal(res.headers.get("x-distlab-siblings"), null);
    assert.deepEqual((await res.json()).value, ["eggs", "milk"]);

    const history = (await (await app.request("/api/v1/history")).text()).trim().split("\n")
      .map((l) => JSON.parse(l));
    assert.ok(
      history.some((e) => e.type === "ok" && e.f === "read" && e.value?.siblings?.length === 2),
      "the sibling read is in the history",
    );
  });
});

Deno.test("real quorum-kv: ?r=1&w=1 answer from one cut-off replica; the default R=W=2 cannot; r above N is a 400", async () => {
  await withQuorum(12, async (api) => {
    const app = api.app;
    await app.request("/api/v1/faults/isolate", post({ node: "n1" }));
    await until("n1 suspects both peers", async () => {
      const n1 = await (await app.request("/api/v1/nodes/n1")).json();
      return (n1.suspects?.length === 2) || notYet(n1);
    });
    let res = await app.request("/api/v1/kv/solo?node=n1&w=1", put(1));
    assert.equal(res.status, 200, await res.clone().text());
    assert.deepEqual((await res.json()).acks, ["n1"]);
    res = await app.request("/api/v1/kv/solo?node=n1&r=1");
    assert.deepEqual(await res.json(), { key: "solo", value: 1, node: "n1" });
    res = await app.request("/api/v1/kv/solo?node=n1");
    assert.equal(res.status, 503, await res.clone().text());
    res = await app.request("/api/v1/kv/solo?node=n1", put(2));
    assert.ok([503, 504].includes(res.status), `a W=2 write cannot succeed: ${res.status}`);
    res = await app.request("/api/v1/kv/solo?node=n1&r=4");
    assert.equal(res.status, 400);
    assert.equal((await res.json()).field, "r");
  });
});

Deno.test("real quorum-kv: members add / remove change the ring, move keys, and keep every key readable", async () => {
  await withQuorum(13, async (api) => {
    const app = api.app;
    for (let i = 0; i < 20; i++) {
      await until(`k${i} is written`, async () => {
        const r = await app.request(`/api/v1/kv/k${i}`, put(i));
        return r.status === 200 || notYet(`${r.status} ${await r.text()}`);
      });
    }
    let res = await app.request("/api/v1/members", post({ node: "n4" }));
    assert.equal(res.status, 201, await res.clone().text());
    const grown = await until("n4 owns keys on a converged ring", async () => {
      const ring = await (await app.request("/api/v1/ring")).json();
      const n4 = ring.nodes.find((n: { id: string }) => n.id === "n4");
      return ring.converged && ring.epoch === 1 && n4?.keys > 0 ? ring : null;
    });
    assert.deepEqual(grown.members, ["n1", "n2", "n3", "n4"]);
    res = await app.request("/api/v1/members/n2", { method: "DELETE" });
    assert.equal(res.status, 200, await res.clone().text());
    const shrunk = await (await app.request("/api/v1/ring")).json();
    assert.deepEqual(shrunk.members, ["n1", "n3", "n4"]);
    for (let i = 0; i < 20; i++) {
      const got = await until(`k${i} is readable`, async () => {
        const r = await app.request(`/api/v1/kv/k${i}`);
        return r.status === 200 ? await r.json() : null;
      });
      assert.equal(got.value, i);
    }
  });
});
