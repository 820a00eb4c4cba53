import assert from "node:assert/strict";
import fc from "fast-check";
import { ClientSessions, randomClientBase } from "../../http/client_sessions.ts";
import { HistoryLog } from "../../http/history_log.ts";
import { Counter, Histogram } from "../../http/prometheus.ts";
import { leaderOf, protocolAdmin } from "../../http/protocol_admin.ts";
import { NodeGateway } from "../../http/node_gateway.ts";
import { FakeCluster } from "./fake_cluster.ts";
import { createVirtualClock } from "../../resilience/virtual_clock.ts";
import { CircuitOpenError } from "../../resilience/circuit_breaker.ts";
import { TimeoutError } from "../../resilience/timeout.ts";
import type { Reply } from "../../protocols/node.ts";
import { setTimeout as delay } from "node:timers/promises";

Deno.test("client sessions: named clients keep one number, retries keep their seq", () => {
  const s = new ClientSessions(1000);
  const a1 = s.identify({ clientId: "a", seq: 1 });
  const b = s.identify({ clientId: "b" });
  const a2 = s.identify({ clientId: "a" });
  assert.deepEqual([a1.client, a1.seq, a2.client, a2.seq], [1001, 1, 1001, 2]);
  assert.notEqual(b.client, a1.client);
  assert.deepEqual(s.identify({ idempotencyKey: "k" }), s.identify({ idempotencyKey: "k" }));
  const x = s.identify({}), y = s.identify({});
  assert.notEqual(x.client, y.client);
  assert.equal(x.client - x.process, 1000);
});

Deno.test("client sessions: the least recently used name is forgotten beyond the limit", () => {
  const s = new ClientSessions(0, 2);
  const a = s.identify({ clientId: "a" }).process;
  s.identify({ clientId: "b" });
  s.identify({ clientId: "a" }); // a is now the most recent
  s.identify({ clientId: "c" }); // evicts b
  assert.equal(s.identify({ clientId: "a" }).process, a);
  assert.notEqual(s.identify({ clientId: "b" }).process, 2);
});

Deno.test("client number bases leave room for 2^21 processes below 2^53", () => {
  for (let i = 0; i < 100; i++) {
    const base = randomClientBase();
    assert.ok(base >= 2 ** 21 && Number.isSafeInteger(base + 2 ** 21 - 1));
  }
});

Deno.test("history log: complete pairs only, and it stops (truncated) at its limit", () => {
  let t = 0;
  const log = new HistoryLog(() => t += 10, 4);
  assert.ok(log.invoke(1, "write", "x", 1));
  log.complete(1, "ok", 1, "n2");
  assert.ok(log.invoke(2, "read", "x", undefined));
  assert.equal(log.isPending(2), true);
  log.complete(2, "info", undefined, undefined, "timeout");
  assert.equal(log.invoke(3, "read", "x", undefined), false);
  assert.equal(log.truncated, true);
  assert.equal(log.isPending(3), false);
  const lines = log.jsonl().trimEnd().split("\n").map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => [l.process, l.type, l.node]), [
    [1, "invoke", undefined],
    [1, "ok", "n2"],
    [2, "invoke", undefined],
    [2, "info", undefined],
  ]);
  assert.equal(lines[3].error, "timeout");
});

Deno.test("prometheus: counters and cumulative histograms in text format", () => {
  const c = new Counter("x_total", "X.");
  c.inc({ a: 'q"\\' });
  c.inc({ a: 'q"\\' }, 2);
  assert.equal(c.render(), '# HELP x_total X.\n# TYPE x_total counter\nx_total{a="q\\"\\\\"} 3\n');
  const h = new Histogram("h", "H.", [1, 2]);
  fc.assert(
    fc.property(fc.array(fc.double({ min: 0, max: 3, noNaN: true }), { maxLength: 30 }), (vs) => {
      const hist = new Histogram("h", "H.", [1, 2]);
      for (const v of vs) hist.observe({}, v);
      const buckets = [...hist.render().matchAll(/h_bucket\{le="[^"]+"\} (\d+)/g)].map((m) =>
        Number(m[1])
      );
      if (vs.length === 0) return buckets.length === 0;
      return buckets.length === 3 && buckets[0]! <= buckets[1]! && buckets[1]! <= buckets[2]! &&
        buckets[2] === vs.length;
    }),
    { seed: 42, numRuns: 200 },
  );
  h.observe({ op: "read" }, 1.5);
  assert.match(h.render(), /h_bucket\{op="read",le="1"\} 0\nh_bucket\{op="read",le="2"\} 1\n/);
});

Deno.test("leaderOf picks the highest-term leader among live nodes", () => {
  assert.equal(
    leaderOf([
      { id: "n1", status: { role: "leader", term: 2 } },
      { id: "n2", up: false, status: { role: "leader", term: 9 } },
      { id: "n3", status: { role: "leader", term: 5 } },
    ])?.id,
    "n3",
  );
  assert.equal(leaderOf([{ id: "n1", status: { role: "replica" } }]), null);
  assert.deepEqual(protocolAdmin("raft-kv").electionNow!({ role: "follower", term: 4 }), {
    type: "timeout-now",
    term: 4,
  });
  assert.equal(protocolAdmin("raft-kv").electionNow!({ role: "leader", term: 4 }), null);
});

Deno.test("gateway: timeouts open the breaker, which half-opens after its wait and closes on success", async () => {
  const clock = createVirtualClock();
  const fake = new FakeCluster();
  let answer = false;
  fake.handler = () => answer ? { type: "ok" } : new Promise<Reply>(() => {});
  const g = new NodeGateway(fake, clock, { timeoutMs: 100, failures: 2, openWaitMs: 500 });
  const changes: string[] = [];
  g.onBreakerChange((c) => changes.push(`${c.from}>${c.to}`));
  for (let i = 0; i < 2; i++) {
    const call = g.call("n1", { f: "read", key: "x" }, 1).catch((e) => e);
    while (clock.pending === 0) await delay(0);
    await clock.advanceAsync(100);
    assert.ok((await call) instanceof TimeoutError);
  }
  assert.equal(g.breakerState("n1"), "open");
  const t0 = clock.now();
  const refused = await g.call("n1", { f: "read", key: "x" }, 1).catch((e) => e);
  assert.ok(refused instanceof CircuitOpenError, "refused at once");
  assert.equal(clock.now(), t0, "without waiting");
  await clock.advanceAsync(500);
  assert.equal(g.breakerState("n1"), "half_open");
  answer = true;
  assert.deepEqual(await g.call("n1", { f: "read", key: "x" }, 1), { type: "ok" });
  assert.equal(g.breakerState("n1"), "closed");
  assert.deepEqual(changes, ["closed>open", "open>half_open", "half_open>closed"]);
  assert.equal(g.breakerState("n3"), "closed", "a node never called is closed");
});

Deno.test("gateway: protocol refusals are answers, not failures; a down node is a failure", async () => {
  const fake = new FakeCluster();
  const g = new NodeGateway(fake, createVirtualClock(), { failures: 2 });
  for (let i = 0; i < 5; i++) {
    assert.equal((await g.call("n2", { f: "read", key: "x" }, 1)).type, "fail"); // not leader
  }
  assert.equal(g.breakerState("n2"), "closed");
  fake.crash("n3");
  for (let i = 0; i < 2; i++) await g.call("n3", { f: "read", key: "x" }, 1);
  assert.equal(g.breakerState("n3"), "open");
});
