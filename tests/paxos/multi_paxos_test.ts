import assert from "node:assert/strict";
import { kvCluster } from "./kv_harness.ts";
import type { PaxosKvMessage } from "../../protocols/paxos/kv_message.ts";

Deno.test("a leader is elected and serves writes, reads and compare-and-sets", () => {
  const c = kvCluster(1);
  const l = c.awaitLeader();
  assert.equal(c.run({ f: "write", key: "x", value: 1 }).type, "ok");
  assert.deepEqual(c.run({ f: "read", key: "x" }), { type: "ok", value: 1 });
  assert.equal(c.run({ f: "cas", key: "x", value: [2, 3] }).type, "fail");
  assert.equal(c.run({ f: "cas", key: "x", value: [1, 3] }).type, "ok");
  assert.deepEqual(c.run({ f: "read", key: "missing" }), { type: "ok", value: null });
  c.sim.runFor(200);
  for (const d of Object.values(c.dumps())) assert.deepEqual(d, { x: 3 });
  const follower = c.sim.nodes.find((n) => n !== l)!;
  const box = c.send(follower, { f: "read", key: "x" });
  assert.deepEqual(box.reply, { type: "fail", code: 1000, error: "not the leader", leader: l });
});

Deno.test("steady state costs 2(N-1) messages per agreed instance, plus heartbeats", () => {
  const c = kvCluster(2);
  c.awaitLeader();
  c.sim.runFor(500);
  const counts = new Map<string, number>();
  c.sim.onTrace((e) => {
    if (e.kind === "send") {
      const t = (e.body as PaxosKvMessage).type;
      counts.set(t, (counts.get(t) ?? 0) + 1);
    }
  });
  const ops = 100;
  const from = c.sim.now();
  for (let i = 0; i < ops; i++) {
    assert.equal(c.run({ f: "write", key: `k${i % 7}`, value: i }).type, "ok");
  }
  const elapsed = c.sim.now() - from;
  const n = c.sim.nodes.length;
  assert.equal(counts.get("accept"), ops * (n - 1));
  assert.equal(counts.get("accepted"), ops * (n - 1));
  const heartbeats = (counts.get("heartbeat") ?? 0) + (counts.get("heartbeat-ack") ?? 0);
  const rounds = Math.ceil(elapsed / 50) + 1; // one heartbeat round per 50 ms
  assert.ok(
    heartbeats <= rounds * 2 * (n - 1),
    `${heartbeats} heartbeat messages in ${elapsed} ms`,
  );
  const other = [...counts].filter(([t]) =>
    !["accept", "accepted", "heartbeat", "heartbeat-ack"].includes(t)
  );
  assert.deepEqual(other, [], "no phase 1, no catch-up in steady state");
});

Deno.test("instances decided out of order are applied in order, identically everywhere", () => {
  const c = kvCluster(3);
  const l = c.awaitLeader();
  c.sim.network.addRule("*", "*", { reorder: 0.5, delay: { kind: "uniform", min: 1, max: 20 } });
  const order: number[] = [];
  let seen = 0;
  c.sim.afterStep(() => {
    const j = c.node(l).learnJournal();
    for (; seen < j.total; seen++) order.push(j.entries[j.entries.length - (j.total - seen)]![0]);
  });
  const boxes = Array.from(
    { length: 64 },
    (_, i) => c.send(l, { f: "write", key: "k", value: i }, i),
  );
  assert.ok(c.sim.runUntil(() => boxes.every((b) => b.reply?.type === "ok"), 3000));
  assert.ok(order.some((x, i) => i > 0 && x < order[i - 1]!), "some instance was learned early");
  c.sim.network.heal();
  c.sim.runFor(300);
  const dumps = Object.values(c.dumps());
  for (const d of dumps) assert.deepEqual(d, dumps[0]);
  const applied = c.sim.nodes.map((n) => c.sim.status(n).applied);
  assert.ok(applied.every((a) => a === applied[0]));
  assert.deepEqual(c.checker.check(), []);
});

Deno.test("a deaf node learns nothing while deaf, does not disrupt the leader, and catches up after the heal", () => {
  const c = kvCluster(4);
  const l = c.awaitLeader();
  const deaf = c.sim.nodes.find((n) => n !== l)!;
  for (const n of c.sim.nodes) if (n !== deaf) c.sim.network.cut(n, deaf);
  const before = c.sim.status(deaf).applied as number;
  for (let i = 0; i < 20; i++) {
    assert.equal(c.run({ f: "write", key: `k${i}`, value: i }).type, "ok");
  }
  c.sim.runFor(2000);
  assert.equal(c.sim.status(deaf).applied, before, "learned nothing");
  assert.ok((c.sim.status(deaf).elections as number) > 0, "it kept campaigning");
  assert.equal(c.leader(), l, "but the leader kept its job");
  c.sim.network.heal();
  c.sim.runFor(2000);
  assert.equal(c.sim.status(deaf).applied, c.sim.status(c.awaitLeader()).applied);
  assert.deepEqual(c.dumps()[deaf], c.dumps()[c.awaitLeader()]);
});

Deno.test("no decision in a minority partition, decisions in the majority, agreement after the heal", () => {
  const c = kvCluster(5);
  const l = c.awaitLeader();
  c.run({ f: "write", key: "x", value: "before" });
  const others = c.sim.nodes.filter((n) => n !== l);
  const minority = [l, others[0]!];
  const majority = others.slice(1);
  c.sim.network.partition([minority, majority]);
  const decidedBefore = c.checker.decided.size;
  const lastDecided = Math.max(...c.checker.decided.keys());
  const stuck = c.send(l, { f: "write", key: "x", value: "minority" }, 7);
  c.sim.runFor(3000);
  for (const n of minority) assert.ok((c.sim.status(n).applied as number) <= lastDecided);
  const decidedValues = () =>
    [...c.checker.decided.values()].map((v) => (v as { op?: { value?: unknown } }).op?.value);
  assert.ok(!decidedValues().includes("minority"), "the minority's write was not decided");
  assert.notEqual(stuck.reply?.type, "ok");
  const newLeader = c.sim.nodes.find((n) => c.sim.status(n).role === "leader");
  assert.ok(
    newLeader !== undefined && majority.includes(newLeader),
    "the majority elected a leader",
  );
  const box = c.send(newLeader, { f: "write", key: "y", value: "majority" });
  c.sim.runFor(200);
  assert.equal(box.reply?.type, "ok");
  assert.ok(c.checker.decided.size > decidedBefore);
  c.sim.network.heal();
  c.sim.runFor(2000);
  const dumps = Object.values(c.dumps());
  for (const d of dumps) assert.deepEqual(d, dumps[0]);
  assert.equal(dumps[0]!.y, "majority");
  assert.deepEqual(c.checker.check(), []);
});

Deno.test("a new leader fills a hole in the log with a no-op and keeps what was accepted", () => {
  const c = kvCluster(6);
  const l = c.awaitLeader();
  c.run({ f: "write", key: "warm", value: 0 });
  c.sim.runFor(100);
  const a = c.send(l, { f: "write", key: "a", value: 1 });
  c.sim.network.isolate(l); // the Accepts for b go nowhere
  const b = c.send(l, { f: "write", key: "b", value: 2 });
  c.sim.network.heal();
  const cc = c.send(l, { f: "write", key: "c", value: 3 });
  c.sim.crash(l); // a and c are on the wire, b is lost
  let noops = -1;
  c.sim.onTrace((e) => {
    if (e.kind === "leader" && (e.data as { noops?: number }).noops !== undefined) {
      noops = (e.data as { noops: number }).noops;
    }
  });
  const l2 = c.awaitLeader();
  assert.notEqual(l2, l);
  c.sim.runFor(300);
  assert.ok(noops >= 1, "the hole was filled with a no-op");
  assert.deepEqual(c.dumps()[l2], { warm: 0, a: 1, c: 3 });
  assert.equal(a.reply, undefined, "the crashed leader never answered");
  assert.equal(b.reply, undefined);
  assert.equal(cc.reply, undefined);
  c.sim.restart(l);
  c.sim.runFor(1000);
  assert.deepEqual(c.dumps()[l], { warm: 0, a: 1, c: 3 });
});

Deno.test("a retried request in a session is applied once, even by a new leader", () => {
  const c = kvCluster(7);
  const l = c.awaitLeader();
  const op = { f: "cas", key: "x", value: [null, 1], seq: 1 } as const;
  assert.deepEqual(c.run(op, 42), { type: "ok" });
  assert.deepEqual(c.run(op, 42), { type: "ok" }, "the same leader answers from the session");
  c.sim.runFor(200);
  c.sim.crash(l);
  const l2 = c.awaitLeader();
  assert.notEqual(l2, l);
  assert.deepEqual(c.run(op, 42), { type: "ok" }, "the new leader remembers the session too");
  assert.equal(c.run({ f: "cas", key: "x", value: [null, 2], seq: 2 }, 42).type, "fail");
  assert.deepEqual(c.run({ f: "read", key: "x" }), { type: "ok", value: 1 });
});

Deno.test("many instances over an unreliable network: every node agrees and converges", () => {
  const c = kvCluster(8);
  c.awaitLeader();
  c.sim.network.addRule("*", "*", { drop: 0.2, duplicate: 0.2, reorder: 0.3 });
  let ok = 0;
  const client = (id: number) => {
    let n = 0;
    const next = () => {
      if (c.sim.now() > 6000) return;
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        c.sim.after(1, next);
      };
      c.sim.request(c.leader() ?? "n1", { f: "write", key: `k${id}`, value: n++ }, id, (r) => {
        if (r.type === "ok") ok++;
        finish();
      });
      c.sim.after(300, finish); // a lost request: move on
    };
    next();
  };
  for (let i = 0; i < 8; i++) client(i);
  c.sim.runFor(6000);
  c.sim.network.heal();
  c.sim.runFor(2000);
  assert.ok(ok > 200, `${ok} writes acknowledged`);
  assert.ok(c.checker.decided.size > 200);
  const dumps = Object.values(c.dumps());
  for (const d of dumps) assert.deepEqual(d, dumps[0]);
  assert.deepEqual(c.checker.check(), []);
});

Deno.test("forgetting keeps memory and storage bounded; without it they grow with the log", () => {
  const measure = (forget: boolean) => {
    const c = kvCluster(9, { forget });
    c.awaitLeader();
    for (let i = 0; i < 300; i++) c.run({ f: "write", key: `k${i % 5}`, value: i });
    c.sim.runFor(500);
    const retained = Math.max(...c.sim.nodes.map((n) => c.node(n).retained()));
    const disk = Math.max(...c.sim.nodes.map((n) => c.sim.disk(n).size));
    return { retained, disk };
  };
  const on = measure(true);
  const off = measure(false);
  assert.ok(off.retained >= 300, `without forgetting: ${off.retained}`);
  assert.ok(on.retained < 10, `with forgetting: ${on.retained}`);
  assert.ok(on.disk < 30 && off.disk > 300, `disk keys ${on.disk} vs ${off.disk}`);
});

Deno.test("forgetting waits for the slowest node: a crashed node holds the floor until it is back", () => {
  const c = kvCluster(10);
  const l = c.awaitLeader();
  const down = c.sim.nodes.find((n) => n !== l)!;
  c.sim.crash(down);
  for (let i = 0; i < 50; i++) c.run({ f: "write", key: "k", value: i });
  c.sim.runFor(300);
  assert.ok(c.node(l).retained() >= 50, "nothing forgotten while a node lags");
  c.sim.restart(down);
  c.sim.runFor(1000);
  assert.equal(c.sim.status(down).applied, c.sim.status(l).applied);
  assert.ok(c.node(l).retained() < 5, "forgotten once everyone applied");
  assert.deepEqual(c.dumps()[down], { k: 49 });
});
