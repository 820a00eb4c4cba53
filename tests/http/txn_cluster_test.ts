/**
 * Two-phase commit through `/ops` on a real Worker cluster: an order commits, an order a
 * participant cannot honour aborts, and a coordinator that crashes after the votes leaves
 * its participants blocked — visible in `GET /cluster` — until it restarts.
 */

import assert from "node:assert/strict";
import { createApi } from "../../http/app.ts";
import { startCluster } from "../../nodes/worker_cluster.ts";
import { deadlineMs, waitFor } from "../support/deadline.ts";

interface NodeJson {
  id: string;
  up: boolean;
  status: Record<string, unknown>;
}

const until = waitFor;

const post = (body: unknown): RequestInit => ({ method: "POST", body: JSON.stringify(body) });
const order = (id: string, item = "item-1") => ({
  op: { f: "order", id, item, qty: 1, amount: 5 },
});

Deno.test("real 2pc via /ops: commit, abort, and participants blocked by a crashed coordinator", async () => {
  const cluster = await startCluster({
    protocol: "2pc",
    nodes: 4,
    seed: 21,
    // Participants suspect a silent coordinator within a second (not sooner: a busy
    // machine's late tick must not look like a crash); it would wait long for a lost vote.
    options: { suspectMs: 1000, queryMs: 50, resendMs: 100, voteTimeoutMs: 600_000 },
  });
  const api = createApi(cluster, { gateway: { timeoutMs: deadlineMs("short") } });
  const app = api.app;
  const nodes = async (): Promise<NodeJson[]> =>
    (await (await app.request("/api/v1/cluster")).json()).nodes;
  try {
    let res = await app.request("/api/v1/ops", post(order("o1")));
    assert.equal(res.status, 200, await res.clone().text());
    assert.deepEqual(await res.json(), {
      f: "order",
      value: { txn: "o1", outcome: "committed" },
      node: "n1",
    });

    res = await app.request("/api/v1/ops", post(order("o2", "apple")));
    assert.equal(res.status, 409, await res.clone().text());
    assert.match((await res.json()).detail, /aborted: .*voted no/);

    res = await app.request("/api/v1/nodes/n3/ops", post(order("o3")));
    assert.equal(res.status, 409);
    assert.equal((await res.json()).leader, "n1", "a participant names the coordinator");

    // The delivery service's votes are lost; inventory and payment vote yes and wait.
    await app.request("/api/v1/faults/cut", post({ from: "n4", to: "n1" }));
    const pending = app.request("/api/v1/ops", post(order("o4")));
    await until("inventory and payment are prepared", async () => {
      const ns = await nodes();
      return ["n2", "n3"].every((id) =>
          (ns.find((n) => n.id === id)!.status.inDoubt as string[]).includes("o4")
        )
        ? true
        : null;
    });
    assert.equal((await app.request("/api/v1/nodes/n1/crash", { method: "POST" })).status, 200);
    res = await pending;
    assert.equal(res.status, 504, "the client cannot know the outcome");

    const blocked = await until("n2 is blocked", async () => {
      const n2 = (await nodes()).find((n) => n.id === "n2")!;
      return typeof n2.status.blockedSince === "number" ? n2 : null;
    });
    assert.deepEqual(blocked.status.locks, { "stock/item-1": "o4" });
    assert.deepEqual(blocked.status.inDoubt, ["o4"]);
    assert.deepEqual(blocked.status.suspects, ["n1"]);
    const cluster1 = await (await app.request("/api/v1/cluster")).json();
    const waited = cluster1.wallClockMs - (blocked.status.blockedSince as number);
    assert.ok(waited >= 0 && waited < deadlineMs("cluster"), `blocked for ${waited} ms`);

    // The coordinator comes back with no record of o4: presumed abort unblocks everyone.
    await app.request("/api/v1/faults/heal", { method: "POST" });
    assert.equal((await app.request("/api/v1/nodes/n1/restart", { method: "POST" })).status, 200);
    await until("the participants are unblocked", async () => {
      const ns = await nodes();
      return ns.every((n) =>
          n.status.blockedSince === undefined ||
          (n.status.blockedSince === null && (n.status.inDoubt as string[]).length === 0)
        )
        ? true
        : null;
    });

    const history = (await (await app.request("/api/v1/history")).text()).trim().split("\n")
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      history.filter((e) => e.type !== "invoke").map((e) => [e.f, e.type]),
      [["order", "ok"], ["order", "fail"], ["order", "fail"], ["order", "info"]],
    );
  } finally {
    api.close();
    await cluster.close();
  }
});
