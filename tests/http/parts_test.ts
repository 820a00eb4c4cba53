import assert from "node:assert/strict";
import fc from "fast-check";
import {
  ClientSessions,
  DEFAULT_MAX_CLIENTS,
  IdempotencyMismatchError,
  randomClientBase,
} from "../../http/client_sessions.ts";
import { HistoryLog } from "../../http/history_log.ts";
import { DEFAULT_RAFT_OPTIONS } from "../../protocols/raft/options.ts";
import { parsePaxosKvOptions } from "../../protocols/paxos/options.ts";
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
  assert.equal(s.forgotten, 1);
  assert.notEqual(s.identify({ clientId: "b" }).process, 2);
  assert.equal(s.forgotten, 2);
  assert.equal(s.size, 2);
});

Deno.test("client sessions: at the limit, many clients and keys keep the size bounded", () => {
  const s = new ClientSessions(0, 100);
  for (let i = 0; i < 1000; i++) {
    s.identify({ clientId: `c${i}`, seq: 1 }, "x".repeat(1000));
    s.identify({ idempotencyKey: `k${i}` }, "y");
  }
  assert.equal(s.size, 100);
  assert.equal(s.forgotten, 1900);
  // The newest are remembered: their retry is the same identity, a changed one refused.
  const a = s.identify({ idempotencyKey: "k999" }, "y");
  assert.deepEqual(s.identify({ idempotencyKey: "k999" }, "y"), a);
  assert.throws(() => s.identify({ idempotencyKey: "k999" }, "z"), IdempotencyMismatchError);
  assert.throws(
    () => s.identify({ clientId: "c999", seq: 1 }, "x".repeat(999) + "y"),
    IdempotencyMismatchError,
  );
});

Deno.test("client sessions: the default remembers as many clients as the KV protocols keep sessions", () => {
  // More would cost memory for nothing: a key whose protocol session was evicted gets no
  // exactly-once from being remembered here (and 100 000 made the soak grow for minutes).
  assert.equal(DEFAULT_MAX_CLIENTS, DEFAULT_RAFT_OPTIONS.maxSessions);
  assert.equal(DEFAULT_MAX_CLIENTS, parsePaxosKvOptions({}).maxSessions);
  const s = new ClientSessions(0);
  assert.equal(s.limit, DEFAULT_MAX_CLIENTS);
  for (let i = 0; i < 3 * DEFAULT_MAX_CLIENTS; i++) s.identify({ idempotencyKey: `k${i}` }, "x");
  assert.equal(s.size, DEFAULT_MAX_CLIENTS);
  assert.equal(s.forgotten, 2 * DEFAULT_MAX_CLIENTS);
});

Deno.test("client number bases leave room for 2^21 processes below 2^53", () => {
  for (let i = 0; i < 100; i++) {
    const base = randomClientBase();
    assert.ok(base >= 2 ** 21 && Number.isSafeInteger(base + 2 ** 21 - 1));
  }
});

Deno.test("history log: at its limit it drops the oldest events and says from where", () => {
  let t = 0;
  const log = new HistoryLog(() => t += 10, 4);
  assert.ok(log.invoke(1, "write", "x", 1));
  log.complete(1, "ok", 1, "n2");
  assert.ok(log.invoke(2, "read", "x", undefined));
  assert.equal(log.isPending(2), true);
  log.complete(2, "info", undefined, undefined, "timeout");
  assert.equal(log.truncated, false);
  assert.deepEqual(log.window(), { first: 0, next: 4, dropped: 0, firstTimeNs: 10 });
  assert.ok(log.invoke(3, "read", "x", undefined));
  log.complete(3, "ok", 1, "n1");
  assert.equal(log.truncated, true);
  assert.deepEqual(log.window(), { first: 2, next: 6, dropped: 2, firstTimeNs: 30 });
  const lines = log.jsonl().trimEnd().split("\n").map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => [l.process, l.type, l.node]), [
    [2, "invoke", undefined],
    [2, "info", undefined],
    [3, "invoke", undefined],
    [3, "ok", "n1"],
  ]);
  assert.equal(lines[1].error, "timeout");
});

Deno.test("history log: a completion whose invocation was dropped is left out", () => {
  const log = new HistoryLog(() => 0, 3);
  log.invoke(1, "write", "x", 1); // #0, dropped below
  log.invoke(2, "write", "y", 2); // #1
  log.complete(1, "ok", 1); // #2: its invocation is gone once #3 is recorded
  log.complete(2, "ok", 2); // #3
  assert.deepEqual(log.window().first, 1);
  assert.deepEqual(log.events().map((e) => [e.process, e.type]), [[2, "invoke"], [2, "ok"]]);
  log.invoke(3, "read", "x", undefined);
  assert.throws(() => log.invoke(3, "read", "x", undefined), /already has a pending/);
});

Deno.test("history log: the newest events stay exactly those of an unbounded log", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 2, max: 9 }),
      fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 60 }),
      (limit, procs) => {
        const small = new HistoryLog(() => 0, limit);
        const all = new HistoryLog(() => 0, 1000);
        for (const p of procs) {
          for (const log of [small, all]) {
            if (log.isPending(p)) log.complete(p, "ok", p);
            else log.invoke(p, "write", "k", p);
          }
        }
        const { first } = small.window();
        const full = all.events();
        const kept = full.slice(first);
        // Completions whose invocation is before `first` are left out.
        const expected = kept.filter((e, i) =>
          e.type === "invoke" ||
          full.slice(0, first + i).findLastIndex((x) =>
              x.process === e.process && x.type === "invoke"
            ) >= first
        );
        assert.deepEqual(small.events(), expected);
        assert.ok(small.events().length <= limit);
      },
    ),
  );
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
