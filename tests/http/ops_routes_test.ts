import assert from "node:assert/strict";
import { setTimeout as delay } from "node:timers/promises";
import type { NodeId, NodeStatus, Reply } from "../../protocols/node.ts";
import { parseHistory } from "../../history/jsonl.ts";
import { fakeApi, json, problemOf, snapshot } from "./fake_cluster.ts";
import { fail, info } from "../../protocols/reply.ts";

/** A protocol the registry does not know: it declares no operations, so any `f` is sent. */
const UNDECLARED = "undeclared";

type Fake = ReturnType<typeof fakeApi>["fake"];

/** A 2PC-like fake: n1 coordinates orders; the others are participants that redirect. */
function twoPhase(fake: Fake): void {
  fake.protocol = "2pc";
  fake.leader = null;
  fake.status = (node: NodeId): NodeStatus => {
    if (!fake.up.has(node)) return { role: "crashed" };
    if (node === "n1") return { role: "coordinator", voting: [], committing: [] };
    return { role: "inventory", locks: { "stock/item-1": "o9" }, inDoubt: ["o9"], blockedSince: 5 };
  };
  fake.handler = (node, op): Reply => {
    if (node !== "n1") return fail("wrong-node", `${node} is a participant`, { leader: "n1" });
    if (op.f !== "order") return fail("not-supported", "unknown operation");
    if (op.item === "apple") return fail("abort", "aborted: n2 (inventory) voted no");
    return { type: "ok", value: { txn: op.id, outcome: "committed" } };
  };
}

const order = (id: string, item = "item-1") => ({
  op: { f: "order", id, item, qty: 1, amount: 5 },
});

function historyOf(api: ReturnType<typeof fakeApi>["api"]) {
  return api.context.history.events().map((e) => [e.type, e.f, e.key, e.value, e.node ?? null]);
}

Deno.test("POST /ops finds the coordinator by role, answers its value and records f = op.f", async () => {
  const { fake, api, req } = fakeApi({ protocol: UNDECLARED, nodes: ["n2", "n1", "n3"] });
  try {
    twoPhase(fake);
    const res = await req("/api/v1/ops", json(order("o1")));
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), {
      f: "order",
      value: { txn: "o1", outcome: "committed" },
      node: "n1",
    });
    assert.deepEqual(fake.requests.map((r) => r.node), ["n1"], "straight to the coordinator");
    const args = { id: "o1", item: "item-1", qty: 1, amount: 5 };
    assert.deepEqual(historyOf(api), [
      ["invoke", "order", undefined, args, null],
      ["ok", "order", undefined, { txn: "o1", outcome: "committed" }, "n1"],
    ]);
    const text = await (await req("/api/v1/history")).text();
    assert.equal(parseHistory(text).length, 2, "still a valid JSON Lines history");
  } finally {
    api.close();
  }
});

Deno.test("POST /ops follows a participant's hint to the coordinator and remembers it", async () => {
  const { fake, api, req } = fakeApi({ protocol: UNDECLARED, nodes: ["n2", "n1", "n3"] });
  try {
    twoPhase(fake);
    fake.status = () => ({ role: "participant" }); // no role tells where to go
    let res = await req("/api/v1/ops", json(order("o1")));
    assert.equal(res.status, 200);
    res = await req("/api/v1/ops", json(order("o2")));
    assert.equal((await res.json()).node, "n1");
    assert.deepEqual(fake.requests.map((r) => r.node), ["n2", "n1", "n1"]);
  } finally {
    api.close();
  }
});

Deno.test("an aborted transaction is a 409 (even through hints) and a fail in the history", async () => {
  const { fake, api, req } = fakeApi({ protocol: UNDECLARED });
  try {
    twoPhase(fake);
    const p = await problemOf(await req("/api/v1/ops", json(order("o3", "apple"))), 409);
    assert.equal(p.title, "Aborted");
    assert.match(String(p.detail), /aborted: n2 \(inventory\) voted no/);
    assert.deepEqual(historyOf(api).at(-1)!.slice(0, 2), ["fail", "order"]);
    // "vote timeout" mentions a timeout but an abort is final: not a 503.
    fake.handler = () => fail("abort", "aborted: vote timeout: no vote from n4");
    await problemOf(await req("/api/v1/nodes/n1/ops", json(order("o4"))), 409);
  } finally {
    api.close();
  }
});

Deno.test("POST /nodes/{id}/ops asks that node only: 409 naming the right node, 503 when it may pass", async () => {
  const { fake, api, req } = fakeApi({ protocol: UNDECLARED });
  try {
    twoPhase(fake);
    let p = await problemOf(await req("/api/v1/nodes/n2/ops", json(order("o1"))), 409);
    assert.deepEqual([p.title, p.node, p.leader], ["Wrong node", "n2", "n1"]);
    assert.deepEqual(fake.requests.map((r) => r.node), ["n2"], "no forwarding when pinned");
    fake.handler = () => fail("not-leader", "not the primary", { leader: "n3" });
    const res = await req("/api/v1/nodes/n2/ops", json({ op: { f: "set-mode", mode: "sync" } }));
    p = await problemOf(res, 503);
    assert.equal(res.headers.get("retry-after"), "1");
    assert.equal(p.leader, "n3");
    fake.handler = () => ({ type: "ok", value: 7 });
    const res2 = await req("/api/v1/nodes/n1/ops", json({ op: { f: "propose", value: 7 } }));
    assert.deepEqual(await res2.json(), { f: "propose", value: 7, node: "n1" });
  } finally {
    api.close();
  }
});

Deno.test("/nodes/{id}/ops is not taken for a node action, and node actions still work", async () => {
  const { fake, api, req } = fakeApi({ protocol: UNDECLARED });
  try {
    fake.handler = () => ({ type: "ok", value: "pong" });
    const res = await req("/api/v1/nodes/n2/ops", json({ op: { f: "ping" } }));
    assert.deepEqual(await res.json(), { f: "ping", value: "pong", node: "n2" });
    const crash = await req("/api/v1/nodes/n2/crash", { method: "POST" });
    assert.equal(crash.status, 200);
    assert.deepEqual(fake.calls, ["crash n2"]);
    await problemOf(await req("/api/v1/nodes/n2/opz", { method: "POST" }), 404);
  } finally {
    api.close();
  }
});

Deno.test("an info reply or no answer in time is a 504 and an info in the history", async () => {
  const { fake, api, clock, req } = fakeApi({ protocol: UNDECLARED });
  try {
    fake.handler = () => info("crash", "node crashed holding the request");
    let p = await problemOf(await req("/api/v1/nodes/n1/ops", json(order("o1"))), 504);
    assert.match(String(p.detail), /may or may not have been applied/);
    assert.deepEqual(historyOf(api).at(-1)!.slice(0, 2), ["info", "order"]);
    fake.handler = () => new Promise<Reply>(() => {});
    const pending = req("/api/v1/ops", json(order("o2")));
    while (clock.pending === 0) await delay(0);
    await clock.advanceAsync(1000);
    p = await problemOf(await pending, 504);
    assert.match(String(p.detail), /did not answer within 1000 ms/);
    assert.deepEqual(historyOf(api).at(-1)!.slice(0, 2), ["info", "order"]);
  } finally {
    api.close();
  }
});

Deno.test("a key in the op keys the history; a failover makes the API forget the leader", async () => {
  const { fake, api, req } = fakeApi({ protocol: UNDECLARED });
  try {
    fake.handler = (node, op) => {
      if (node !== fake.leader) return fake.notLeader();
      if (op.f === "failover") {
        fake.leader = "n2";
        return { type: "ok", value: { primary: "n2" } };
      }
      return { type: "ok", value: { offset: 0 } };
    };
    await req("/api/v1/ops", json({ op: { f: "produce", topic: "t", key: "k1", value: 1 } }));
    assert.deepEqual(historyOf(api).at(-1), ["ok", "produce", "k1", { offset: 0 }, "n1"]);
    assert.deepEqual(historyOf(api).at(-2)![3], { topic: "t", value: 1 });
    const f = await req("/api/v1/ops", json({ op: { f: "failover" } }));
    assert.deepEqual(await f.json(), { f: "failover", value: { primary: "n2" }, node: "n1" });
    assert.equal(api.context.kv.knownLeader, null);
    assert.equal(api.context.ops.knownEntry, null);
    const next = await req("/api/v1/ops", json({ op: { f: "produce", topic: "t", value: 2 } }));
    assert.equal((await next.json()).node, "n2");
  } finally {
    api.close();
  }
});

Deno.test("bad op requests are 400 / 404 naming the field, and reach no node", async () => {
  const { fake, api, req } = fakeApi({ protocol: UNDECLARED });
  try {
    const before = snapshot(fake, api);
    const cases: [string, string | object, number, string | null][] = [
      ["/api/v1/ops", "", 400, "body"],
      ["/api/v1/ops", "{not json", 400, "body"],
      ["/api/v1/ops", "[1]", 400, "body"],
      ["/api/v1/ops", {}, 400, "op"],
      ["/api/v1/ops", { op: "order" }, 400, "op"],
      ["/api/v1/ops", { op: null }, 400, "op"],
      ["/api/v1/ops", { op: [{ f: "order" }] }, 400, "op"],
      ["/api/v1/ops", { op: {} }, 400, "op.f"],
      ["/api/v1/ops", { op: { f: 7 } }, 400, "op.f"],
      ["/api/v1/ops", { op: { f: "Order!" } }, 400, "op.f"],
      ["/api/v1/ops", { op: { f: "" } }, 400, "op.f"],
      ["/api/v1/ops", { op: { f: "order" }, node: "n1" }, 400, "node"],
      ["/api/v1/nodes/n1/ops", { op: 1 }, 400, "op"],
      ["/api/v1/nodes/n9/ops", { op: { f: "order" } }, 404, null],
    ];
    for (const [path, body, status, field] of cases) {
      const p = await problemOf(await req(path, json(body)), status);
      if (field !== null) assert.equal(p.field, field, `${path} ${JSON.stringify(body)}`);
    }
    assert.equal(snapshot(fake, api), before, "nothing was sent or recorded");
  } finally {
    api.close();
  }
});

Deno.test("GET /cluster keeps protocol state under status (2PC locks, inDoubt, blockedSince) and gives wallClockMs", async () => {
  const { fake, api, req } = fakeApi({ protocol: UNDECLARED });
  try {
    twoPhase(fake);
    const before = Date.now();
    const body = await (await req("/api/v1/cluster")).json();
    assert.ok(body.wallClockMs >= before && body.wallClockMs <= Date.now());
    const n2 = body.nodes.find((n: { id: string }) => n.id === "n2");
    assert.equal(n2.role, "inventory");
    assert.deepEqual(n2.status, {
      role: "inventory",
      locks: { "stock/item-1": "o9" },
      inDoubt: ["o9"],
      blockedSince: 5,
    });
    assert.equal(body.nodes[0].status.role, "coordinator");
  } finally {
    api.close();
  }
});

Deno.test("POST /ops sends each event-sourcing op to a node of the role that takes it", async () => {
  const { fake, api, req } = fakeApi({ protocol: "event-sourcing", nodes: ["n1", "n2", "n3"] });
  try {
    const roles: Record<string, string> = { n1: "event-store", n2: "command", n3: "query" };
    fake.leader = null;
    fake.status = (node) => ({ role: roles[node] });
    fake.handler = (node) => ({ type: "ok", value: roles[node] });
    for (
      const [f, role] of [["reserve", "command"], ["stock", "query"], ["add-stock", "command"]]
    ) {
      const res = await req("/api/v1/ops", json({ op: { f, item: "apple", order: "o1", qty: 1 } }));
      assert.equal((await res.json()).value, role, f);
    }
    assert.deepEqual(fake.requests.map((r) => r.node), ["n2", "n3", "n2"]);
  } finally {
    api.close();
  }
});

Deno.test("POST /ops refuses, before sending anything, an operation the protocol does not declare or one missing an argument", async () => {
  const { fake, api, req } = fakeApi({ protocol: "2pc" });
  try {
    const before = snapshot(fake, api);
    let p = await problemOf(
      await req("/api/v1/ops", json({ op: { f: "propose", value: 1 } })),
      400,
    );
    assert.equal(p.field, "op.f");
    assert.match(String(p.detail), /no operation 'propose' here; the protocol takes order/);
    p = await problemOf(
      await req("/api/v1/ops", json({ op: { f: "order", id: "o1", item: "i", amount: 5 } })),
      400,
    );
    assert.equal(p.field, "op.qty");
    assert.match(String(p.detail), /qty is required/);
    p = await problemOf(
      await req(
        "/api/v1/nodes/n1/ops",
        json({ op: { f: "order", id: "o1", item: "i", qty: "2", amount: 5 } }),
      ),
      400,
    );
    assert.equal(p.field, "op.qty");
    assert.match(String(p.detail), /qty must be an integer/);
    assert.equal(snapshot(fake, api), before, "nothing was sent or recorded");
  } finally {
    api.close();
  }
});

Deno.test("the OpenAPI document of a cluster documents its protocol's own operations", async () => {
  const { api, req } = fakeApi({ protocol: "event-sourcing", nodes: ["n1", "n2", "n3"] });
  try {
    const doc = await (await req("/api/v1/openapi.json")).json();
    const body = doc.paths["/api/v1/ops"].post.requestBody.content["application/json"];
    const variants = body.schema.properties.op.anyOf as {
      title: string;
      description: string;
      properties: Record<string, unknown>;
      required: string[];
    }[];
    assert.deepEqual(variants.map((v) => v.title), [
      "add-stock",
      "reserve",
      "release",
      "stock",
      "as-of",
      "items",
      "stream",
    ]);
    const reserve = variants.find((v) => v.title === "reserve")!;
    assert.deepEqual(reserve.required.sort(), ["f", "item", "order", "qty"]);
    assert.match(reserve.description, /write; idempotent; taken by command/);
    assert.equal(body.example.op.f, "add-stock");
  } finally {
    api.close();
  }
});
