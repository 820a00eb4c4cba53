import assert from "node:assert/strict";
import type { NodeId, NodeStatus, Reply } from "../../protocols/node.ts";
import { ringPartitioner } from "../../partitioning/ring.ts";
import { ringView } from "../../http/ring_view.ts";
import { fakeApi, json, problemOf, snapshot } from "./fake_cluster.ts";
import { fail } from "../../protocols/reply.ts";

type Fake = ReturnType<typeof fakeApi>["fake"];

/** A quorum-kv-like fake (made with `protocol: "quorum-kv"`): any node coordinates; "twins"
 * reads as two siblings. */
function quorum(fake: Fake): void {
  fake.leader = null;
  fake.status = (node: NodeId): NodeStatus =>
    fake.up.has(node) ? { role: "replica", suspects: [] } : { role: "crashed" };
  fake.handler = (node, op): Reply => {
    if (typeof op.r === "number" && op.r > 3) {
      return fail("invalid-argument", `r=${op.r} exceeds N=3`, { field: "r" });
    }
    if (op.f === "read") {
      if (op.key === "twins") {
        return { type: "ok", value: { siblings: ["a", "b"], context: { n1: 1, n2: 1 } } };
      }
      return { type: "ok", value: fake.data.get(String(op.key)) ?? null };
    }
    fake.data.set(String(op.key), op.value);
    return { type: "ok", value: { clock: { [node]: 1 }, acks: [node, "n2"] } };
  };
}

const lastOp = (fake: Fake) => fake.requests.at(-1)!.op;

Deno.test("quorum-kv: a read with siblings is a 200 with siblings, context and X-Distlab-Siblings", async () => {
  const { fake, api, req } = fakeApi({ protocol: "quorum-kv" });
  try {
    quorum(fake);
    const res = await req("/api/v1/kv/twins");
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("x-distlab-siblings"), "2");
    assert.deepEqual(JSON.parse(res.headers.get("x-distlab-context")!), { n1: 1, n2: 1 });
    assert.deepEqual(await res.json(), {
      key: "twins",
      siblings: ["a", "b"],
      context: { n1: 1, n2: 1 },
      node: "n1",
    });
    const plain = await req("/api/v1/kv/twins-not");
    assert.equal(plain.status, 404);
    fake.data.set("one", 1);
    const single = await req("/api/v1/kv/one");
    assert.equal(single.headers.get("x-distlab-siblings"), null, "no header for one value");
    assert.deepEqual(await single.json(), { key: "one", value: 1, node: "n1" });
    const h = api.context.history.events().find((e) => e.type === "ok" && e.key === "twins");
    assert.deepEqual(h?.value, { siblings: ["a", "b"], context: { n1: 1, n2: 1 } });
  } finally {
    api.close();
  }
});

Deno.test("quorum-kv: r, w, consistency and a context reach the node; a write shows clock and acks", async () => {
  const { fake, api, req } = fakeApi({ protocol: "quorum-kv" });
  try {
    quorum(fake);
    await req("/api/v1/kv/k?r=1&consistency=all");
    assert.deepEqual(lastOp(fake), { f: "read", key: "k", r: 1, consistency: "ALL" });
    let res = await req("/api/v1/kv/k?w=1", {
      ...json('"v"', "PUT"),
      headers: { "X-Distlab-Context": '{"n1":1,"n2":1}' },
    });
    assert.deepEqual(lastOp(fake), {
      f: "write",
      key: "k",
      value: "v",
      w: 1,
      context: { n1: 1, n2: 1 },
    });
    assert.deepEqual(await res.json(), {
      key: "k",
      value: "v",
      node: "n1",
      clock: { n1: 1 },
      acks: ["n1", "n2"],
    });
    const ctx = encodeURIComponent('{"n3":4}');
    res = await req(`/api/v1/kv/k?context=${ctx}&consistency=ONE`, { method: "DELETE" });
    assert.deepEqual(lastOp(fake), {
      f: "delete",
      key: "k",
      context: { n3: 4 },
      consistency: "ONE",
    });
    assert.deepEqual((await res.json()).acks, ["n1", "n2"]);
    res = await req("/api/v1/kv/k/cas?r=3&w=3", json({ expected: null, value: 2 }));
    assert.deepEqual(lastOp(fake), { f: "cas", key: "k", value: [null, 2], r: 3, w: 3 });
  } finally {
    api.close();
  }
});

Deno.test("quorum-kv: bad r, w, consistency or context are 400 naming the field, sending nothing", async () => {
  const { fake, api, req } = fakeApi({ protocol: "quorum-kv" });
  try {
    quorum(fake);
    const before = snapshot(fake, api);
    const cases: [string, RequestInit, string][] = [
      ["/api/v1/kv/k?r=0", {}, "r"],
      ["/api/v1/kv/k?r=two", {}, "r"],
      ["/api/v1/kv/k?r=1.5", {}, "r"],
      ["/api/v1/kv/k?w=-1", json(1, "PUT"), "w"],
      ["/api/v1/kv/k?w=", json(1, "PUT"), "w"],
      ["/api/v1/kv/k?consistency=SOME", {}, "consistency"],
      ["/api/v1/kv/k?consistency=linearizable", {}, "consistency"],
      ["/api/v1/kv/k?consistency=MOST", json(1, "PUT"), "consistency"],
      ["/api/v1/kv/k?context=%7Bnope", json(1, "PUT"), "context"],
      ["/api/v1/kv/k?context=%5B1%5D", json(1, "PUT"), "context"],
      ["/api/v1/kv/k?context=%7B%22n1%22%3A-1%7D", { method: "DELETE" }, "context"],
      ["/api/v1/kv/k/cas?context=%7B%22n1%22%3A1.5%7D", json({ expected: 1, value: 2 }), "context"],
      ["/api/v1/kv/k?context=%7B%7D", {}, "context"],
      [
        "/api/v1/kv/k?context=%7B%7D",
        { ...json(1, "PUT"), headers: { "X-Distlab-Context": "{}" } },
        "context",
      ],
    ];
    for (const [path, init, field] of cases) {
      const p = await problemOf(await req(path, init), 400);
      assert.equal(p.field, field, path);
    }
    assert.equal(snapshot(fake, api), before, "nothing was sent or recorded");
  } finally {
    api.close();
  }
});

Deno.test("quorum-kv: an r above N is a 400 (a fail in the history), not a retryable 503", async () => {
  const { fake, api, req } = fakeApi({ protocol: "quorum-kv" });
  try {
    quorum(fake);
    const p = await problemOf(await req("/api/v1/kv/k?r=4"), 400);
    assert.equal(p.field, "r");
    assert.match(String(p.detail), /r=4 exceeds N=3/);
    assert.equal(api.context.history.events().at(-1)!.type, "fail");
  } finally {
    api.close();
  }
});

Deno.test("other protocols refuse quorum settings with a 400 naming the field", async () => {
  const { fake, api, req } = fakeApi();
  try {
    const before = snapshot(fake, api);
    for (
      const [path, init, field] of [
        ["/api/v1/kv/k?r=1", {}, "r"],
        ["/api/v1/kv/k?w=1", json(1, "PUT"), "w"],
        ["/api/v1/kv/k?consistency=ONE", {}, "consistency"],
        ["/api/v1/kv/k", { ...json(1, "PUT"), headers: { "X-Distlab-Context": "{}" } }, "context"],
      ] as [string, RequestInit, string][]
    ) {
      const p = await problemOf(await req(path, init), 400);
      assert.equal(p.field, field, path);
    }
    assert.equal(snapshot(fake, api), before);
  } finally {
    api.close();
  }
});

/** A quorum status as a node shows it, holding `holdings`. */
function replicaStatus(
  epoch: number,
  members: string[],
  holdings: Record<string, unknown> = {},
): NodeStatus {
  const share = Object.fromEntries(
    [...ringPartitioner(members, { vnodes: 8 }).ownership()].map(([n, s]) => [n, s]),
  );
  return {
    role: "replica",
    epoch,
    members,
    ownership: share,
    n: 3,
    r: 2,
    w: 2,
    vnodes: 8,
    keys: Object.keys(holdings).length,
    hints: 0,
    holdings,
  };
}

Deno.test("GET /ring shows tokens and shares; ?key= places the key as the nodes do", async () => {
  const { fake, api, req } = fakeApi({ protocol: "quorum-kv", nodes: ["n1", "n2", "n3", "n4"] });
  try {
    quorum(fake);
    const members = ["n1", "n2", "n3", "n4"];
    const ring = ringPartitioner(members, { vnodes: 8 });
    const prefs = ring.preferenceList("cart", 3);
    const outsider = members.find((m) => !prefs.includes(m))!;
    const v1 = { clock: { n1: 1 }, node: "n1", value: "milk" };
    const v2 = { clock: { n2: 1 }, node: "n2", value: "eggs" };
    fake.status = (node) => {
      if (node === prefs[0]) {
        return replicaStatus(0, members, { cart: { versions: [v1, v2], hints: {} } });
      }
      if (node === outsider) {
        return replicaStatus(0, members, { cart: { versions: [], hints: { [prefs[2]!]: [v1] } } });
      }
      return replicaStatus(0, members);
    };
    let res = await req("/api/v1/ring");
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.deepEqual([body.epoch, body.n, body.vnodes, body.converged], [0, 3, 8, true]);
    assert.deepEqual(body.nodes.map((n: { tokens: number }) => n.tokens), [8, 8, 8, 8]);
    const total = body.nodes.reduce((a: number, n: { share: number }) => a + n.share, 0);
    assert.ok(Math.abs(total - 1) < 1e-9, `shares sum to 1, got ${total}`);
    assert.equal(body.key, undefined);

    res = await req("/api/v1/ring?key=cart");
    const { key } = await res.json();
    assert.deepEqual(key.preferenceList, prefs);
    assert.equal(key.token.node, prefs[0], "the owning token is the owner's");
    assert.ok(key.token.token >= key.hash || key.token.token === ring.tokens()[0]!.token);
    assert.deepEqual(key.holders.map((h: { node: string }) => h.node), [...prefs, outsider]);
    assert.deepEqual(key.holders[0].versions, [v1, v2]);
    assert.deepEqual(key.holders[3].hints, { [prefs[2]!]: [v1] });
    assert.equal(key.holders[3].rank, null);
  } finally {
    api.close();
  }
});

Deno.test("GET /ring: 409 for protocols without a ring, 400 for an empty key, 503 with every node down", async () => {
  const raft = fakeApi();
  const { fake, api, req } = fakeApi({ protocol: "quorum-kv" });
  try {
    let p = await problemOf(await raft.req("/api/v1/ring"), 409);
    assert.match(String(p.detail), /raft-kv has no consistent-hash ring/);
    quorum(fake);
    p = await problemOf(await req("/api/v1/ring?key="), 400);
    assert.equal(p.field, "key");
    for (const n of fake.nodes) fake.crash(n);
    await problemOf(await req("/api/v1/ring"), 503);
  } finally {
    raft.api.close();
    api.close();
  }
});

Deno.test("ringView follows the newest epoch, says when epochs differ, and marks what it cannot know", () => {
  const old = replicaStatus(0, ["n1", "n2", "n3"]);
  const next = replicaStatus(1, ["n1", "n2", "n3", "n4"], { a: { versions: [], hints: {} } });
  const truncated = { ...replicaStatus(1, ["n1", "n2", "n3", "n4"]), holdingsTruncated: true };
  const v = ringView([
    { id: "n1", up: true, status: old },
    { id: "n2", up: true, status: next },
    { id: "n3", up: false, status: { role: "crashed" } },
    { id: "n4", up: true, status: truncated },
  ], "b")!;
  assert.deepEqual([v.source, v.epoch, v.converged], ["n2", 1, false]);
  assert.deepEqual(v.members, ["n1", "n2", "n3", "n4"]);
  assert.deepEqual(v.nodes.map((n) => [n.id, n.keys, n.epoch]), [
    ["n1", 0, 0],
    ["n2", 1, 1],
    ["n3", null, null],
    ["n4", 0, 1],
  ]);
  const known = Object.fromEntries(v.key!.holders.map((h) => [h.node, h.known]));
  for (const n of v.key!.preferenceList) {
    assert.equal(known[n], n === "n1" || n === "n2", `${n}: down or truncated is unknown`);
  }
  assert.equal(ringView([{ id: "n1", up: true, status: { role: "leader" } }]), null);
});
