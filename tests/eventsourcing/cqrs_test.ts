import assert from "node:assert/strict";
import { Simulation } from "../../nodes/simulator.ts";
import type { Reply } from "../../protocols/node.ts";
import { esRoles, eventSourcing } from "../../protocols/eventsourcing/event_sourcing.ts";
import type { QueryNode } from "../../protocols/eventsourcing/query_node.ts";
import type { EventStoreNode } from "../../protocols/eventsourcing/store.ts";
import type { EsMessage } from "../../protocols/eventsourcing/message.ts";
import { createEventStore } from "../../protocols/eventsourcing/store.ts";
import { fakeCtx } from "../txn/fake_ctx.ts";

function cluster(seed: number, options: Record<string, unknown> = {}) {
  const sim = new Simulation({ protocol: eventSourcing, nodes: 4, seed, options, trace: "full" });
  const ask = (node: string, op: unknown): Reply[] => {
    const out: Reply[] = [];
    sim.request(node, op, 1, (r) => out.push(r));
    return out;
  };
  return { sim, ask };
}

Deno.test("roles: n1 stores, then command and query nodes alternate", () => {
  assert.deepEqual(esRoles(["n1", "n2", "n3", "n4", "n5"], {}), {
    store: "n1",
    commands: ["n2", "n4"],
    queries: ["n3", "n5"],
  });
  assert.deepEqual(esRoles(["n1", "n2", "n3"], { roles: { store: "n3" } }).commands, ["n1"]);
});

Deno.test("the store refuses an append against a stale version and deduplicates a retried one", () => {
  const f = fakeCtx<EsMessage>("n1", ["n2"]);
  const store = createEventStore(f.ctx);
  const add = { type: "StockAdded", data: { qty: 1 } };
  store.message("n2", {
    type: "es/append",
    rid: 1,
    stream: "item-a",
    expected: 0,
    events: [add],
    command: "c1",
  });
  store.message("n2", {
    type: "es/append",
    rid: 2,
    stream: "item-a",
    expected: 0,
    events: [add],
    command: "c2",
  });
  store.message("n2", {
    type: "es/append",
    rid: 3,
    stream: "item-a",
    expected: 0,
    events: [add],
    command: "c1",
  });
  const answers = f.sent.map((s) => s.m);
  assert.deepEqual(answers, [
    { type: "es/appended", rid: 1, ok: true, version: 1 },
    { type: "es/appended", rid: 2, ok: false, version: 1 }, // conflict: someone appended first
    { type: "es/appended", rid: 3, ok: true, version: 1 }, // the retry of c1: same answer
  ]);
  assert.equal(store.events.length, 1);
  // The log survives a restart.
  assert.equal(createEventStore(fakeCtx<EsMessage>("n1", [], {}, f.storage).ctx).events.length, 1);
});

Deno.test("two command nodes racing on one item: one wins, the other re-reads and decides again", () => {
  const { sim, ask } = cluster(1);
  ask("n2", { f: "add-stock", item: "apple", qty: 5 });
  sim.runFor(100);
  const a = ask("n2", { f: "reserve", item: "apple", order: "o1", qty: 3 });
  const b = ask("n4", { f: "reserve", item: "apple", order: "o2", qty: 3 });
  sim.runFor(300);
  const outcomes = [a[0]!, b[0]!].map((r) => r.type).sort();
  assert.deepEqual(outcomes, ["fail", "ok"]); // only 5 in stock: the loser's retry is refused
  const refused = [a[0]!, b[0]!].find((r) => r.type === "fail") as { error: string };
  assert.match(refused.error, /insufficient stock of apple: 2 available, 3 wanted/);
  assert.ok(sim.trace().some((e) => e.kind === "es-conflict"));
  assert.ok(sim.trace().some((e) => e.kind === "es-retry"));
  const store = sim.host("n1")!.node as EventStoreNode;
  assert.deepEqual(store.events.map((e) => [e.version, e.type]), [[1, "StockAdded"], [
    2,
    "StockReserved",
  ]]);
});

Deno.test("commands and queries are served by different nodes", () => {
  const { sim, ask } = cluster(2);
  const q = ask("n2", { f: "stock", item: "apple" });
  const c = ask("n3", { f: "add-stock", item: "apple", qty: 1 });
  sim.runFor(10);
  assert.equal((q[0] as { leader?: string }).leader, "n3");
  assert.equal((c[0] as { leader?: string }).leader, "n2");
});

Deno.test("the projection lags while cut off from the store, then catches up", () => {
  const { sim, ask } = cluster(3);
  ask("n2", { f: "add-stock", item: "apple", qty: 10 });
  sim.runFor(200);
  sim.network.partition([["n3"], ["n1", "n2", "n4"]]);
  for (let i = 0; i < 5; i++) ask("n2", { f: "reserve", item: "apple", order: `o${i}`, qty: 1 });
  sim.runFor(500);
  const stale = ask("n3", { f: "stock", item: "apple" });
  sim.runFor(5);
  assert.deepEqual((stale[0] as { value: unknown }).value, {
    available: 10,
    reserved: 0,
    position: 1,
    lag: 0,
  });
  sim.network.heal();
  sim.runFor(5);
  assert.ok((sim.status("n3").lag as number) >= 0);
  sim.runFor(300);
  const fresh = ask("n3", { f: "stock", item: "apple" });
  sim.runFor(5);
  assert.deepEqual((fresh[0] as { value: unknown }).value, {
    available: 5,
    reserved: 5,
    position: 6,
    lag: 0,
  });
  assert.ok((sim.status("n3").stalenessMs as number) < 100); // heard from the store lately
});

Deno.test("a query node reports its lag while it catches up in batches", () => {
  const { sim, ask } = cluster(4, { batch: 2, pollMs: 1000 });
  for (let i = 0; i < 10; i++) ask("n2", { f: "add-stock", item: "apple", qty: 1, id: `a${i}` });
  sim.runFor(1100); // first fetch learnt the head, the rest follow batch by batch
  let sawLag = false;
  sim.crash("n3");
  sim.restart("n3"); // the projection is gone: it is rebuilt from the store
  assert.equal((sim.host("n3")!.node as QueryNode).projection.position, 0);
  for (let i = 0; i < 50; i++) {
    sim.runFor(1);
    if ((sim.status("n3").lag as number) > 0) sawLag = true;
  }
  sim.runFor(500);
  assert.ok(sawLag);
  assert.equal((sim.host("n3")!.node as QueryNode).projection.position, 10);
  assert.equal(sim.status("n3").lag, 0);
});

Deno.test("time travel at a query node: the stock as of a past version and a past time", () => {
  const { sim, ask } = cluster(5);
  ask("n2", { f: "add-stock", item: "apple", qty: 10 });
  sim.runFor(100);
  const t = sim.now();
  ask("n2", { f: "reserve", item: "apple", order: "o1", qty: 4 });
  sim.runFor(100);
  ask("n2", { f: "release", item: "apple", order: "o1" });
  sim.runFor(300);
  const v2 = ask("n3", { f: "as-of", item: "apple", version: 2 });
  const then = ask("n3", { f: "as-of", item: "apple", time: t });
  const now = ask("n3", { f: "as-of", item: "apple" });
  sim.runFor(5);
  assert.deepEqual((v2[0] as { value: unknown }).value, {
    available: 6,
    reserved: { o1: 4 },
    version: 2,
  });
  assert.deepEqual((then[0] as { value: unknown }).value, {
    available: 10,
    reserved: {},
    version: 1,
  });
  assert.deepEqual((now[0] as { value: unknown }).value, {
    available: 10,
    reserved: {},
    version: 3,
  });
});
