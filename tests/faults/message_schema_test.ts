/**
 * Message schemas at the boundary (#19 item 1): every registered protocol declares one;
 * honest traffic passes it (so a schema too strict to be true fails here); a malformed
 * message or tampered copy is dropped and counted — in the simulator and in the Worker
 * cluster's router, which share the message path.
 */

import assert from "node:assert/strict";
import FakeTimers from "@sinonjs/fake-timers";
import { protocolByName, protocolNames } from "../../protocols/registry.ts";
import { checkMessage, isNat, type MessageSchema } from "../../protocols/message_schema.ts";
import type { Protocol } from "../../protocols/node.ts";
import { Simulation } from "../../nodes/simulator.ts";
import { Network } from "../../nodes/faults/network.ts";
import { LinkCounters } from "../../nodes/worker/link_counters.ts";
import { type InFlight, Router } from "../../nodes/worker/router.ts";
import type { TraceEvent } from "../../nodes/trace.ts";
import { runSimulation } from "../../torture/sim_run.ts";
import { tortureTxnSeed, TXN_TORTURE_PROTOCOLS } from "../../torture/txn_torture.ts";
import { raftMessages } from "../../protocols/raft/message_schema.ts";

Deno.test("every registered protocol declares a message schema", () => {
  for (const name of protocolNames()) {
    const p = protocolByName(name);
    assert.ok(p.messages !== undefined, `${name} has no message schema`);
    assert.ok(Object.keys(p.messages).length > 0, name);
  }
});

Deno.test("checkMessage: not an object, no type, an unknown or inherited type: malformed", () => {
  const s: MessageSchema = { ping: (m) => isNat(m.seq) };
  for (
    const bad of [null, 3, "ping", [], {}, { type: 1 }, { type: "pong" }, { type: "constructor" }]
  ) {
    assert.equal(checkMessage(s, bad), false, JSON.stringify(bad));
  }
  assert.equal(checkMessage(s, { type: "ping", seq: 2 }), true);
  assert.equal(checkMessage(s, { type: "ping", seq: 2.5 }), false);
});

Deno.test("raft's schema: an AppendEntries whose entries do not follow prevIndex is malformed", () => {
  const entry = (index: number, term: number) => ({ index, term, data: { type: "noop" } });
  const m = {
    type: "append",
    term: 3,
    prevIndex: 4,
    prevTerm: 2,
    commit: 4,
    entries: [] as unknown[],
  };
  assert.ok(checkMessage(raftMessages, { ...m, entries: [entry(5, 2), entry(6, 3)] }));
  assert.ok(!checkMessage(raftMessages, { ...m, entries: [entry(6, 2)] }), "gap");
  assert.ok(
    !checkMessage(raftMessages, { ...m, entries: [entry(5, 3), entry(6, 2)] }),
    "terms fall",
  );
  assert.ok(
    !checkMessage(raftMessages, { ...m, entries: [entry(5, 4)] }),
    "term above the leader's",
  );
  assert.ok(!checkMessage(raftMessages, { ...m, entries: [entry(5, 1)] }), "term below prevTerm");
  assert.ok(!checkMessage(raftMessages, { ...m, prevTerm: 4 }), "prevTerm above term");
  assert.ok(!checkMessage(raftMessages, { ...m, commit: -1 }));
});

Deno.test("honest traffic of every protocol passes its schema (nothing rejected without tamper)", () => {
  const nemesis = ["partition", "kill", "pause", "loss", "duplicate", "reorder", "skew"] as const;
  for (const p of ["raft-kv", "register", "lww", "quorum-kv", "paxos-kv", "primary-backup"]) {
    const r = runSimulation({
      protocol: p,
      nodes: 5,
      seed: 3,
      durationMs: 6000,
      nemesis,
      clients: 4,
    });
    assert.ok(r.stats.sent > 500, `${p} sent ${r.stats.sent}`);
    assert.equal(r.stats.rejected, 0, p);
  }
  // Single-decree Paxos takes proposals, not KV operations: propose from every node.
  const px = new Simulation({ protocol: protocolByName("paxos-register"), nodes: 5, seed: 3 });
  for (const [i, n] of px.nodes.entries()) {
    px.at(i * 3, () => px.request(n, { f: "propose", value: i }, i));
  }
  px.runFor(3000);
  assert.ok(px.stats.sent > 20, `paxos-register sent ${px.stats.sent}`);
  assert.equal(px.stats.rejected, 0, "paxos-register");
  const hb = runSimulation({ protocol: "heartbeat", nodes: 5, seed: 3, durationMs: 3000, nemesis });
  assert.equal(hb.stats.rejected, 0);
  for (const p of TXN_TORTURE_PROTOCOLS) {
    const o = tortureTxnSeed(p, 2, { durationMs: 4000 });
    assert.ok(o.stats.sent > 200, `${p} sent ${o.stats.sent}`);
    assert.equal(o.stats.rejected, 0, p);
  }
  const chor = tortureTxnSeed("saga", 2, { durationMs: 4000, options: { style: "choreographed" } });
  assert.equal(chor.stats.rejected, 0, "choreographed saga (bus messages)");
});

/** A node that sends a well-formed and a malformed ping on every tick. */
const sloppy: Protocol<{ type: "ping"; seq: unknown }> = {
  name: "sloppy",
  description: "sends every other message malformed",
  tickMs: 10,
  messages: { ping: (m) => isNat(m.seq) },
  create: (ctx) => {
    let n = 0;
    const got: unknown[] = [];
    return {
      tick() {
        if (n >= 50) return;
        n++;
        for (const p of ctx.peers) {
          ctx.send(p, { type: "ping", seq: n });
          ctx.send(p, { type: "ping", seq: `#${n}` });
        }
      },
      message(_from, m) {
        got.push(m.seq);
      },
      request() {},
      status: () => ({ role: "sloppy", got: got.length, allNumbers: got.every(isNat) }),
    };
  },
};

Deno.test("simulator: a malformed message is dropped before the node, counted and traced", () => {
  const sim = new Simulation({ protocol: sloppy, nodes: 3, seed: 1, trace: "full" });
  sim.runFor(2000);
  assert.equal(sim.stats.sent, 3 * 2 * 50 * 2);
  assert.equal(sim.stats.rejected, 300);
  assert.equal(sim.stats.delivered, 300);
  const malformed = sim.trace().filter((e) => e.kind === "drop" && e.reason === "malformed");
  assert.equal(malformed.length, 300);
  assert.match(String((malformed[0]?.body as { seq: unknown }).seq), /^#/);
  for (const n of sim.nodes) {
    assert.deepEqual(sim.status(n), { role: "sloppy", got: 100, allNumbers: true });
  }
});

Deno.test("simulator: tampered copies that break the schema are dropped as malformed", () => {
  const sim = new Simulation({
    protocol: protocolByName("raft-kv"),
    nodes: 5,
    seed: 2,
    trace: "full",
  });
  sim.network.addRule("*", "*", { tamper: 0.2 });
  sim.runFor(3000);
  const malformed = sim.trace().filter((e) => e.kind === "drop" && e.reason === "malformed");
  assert.ok(malformed.length > 20, `${malformed.length}`);
  assert.equal(sim.stats.rejected, malformed.length);
  for (const e of malformed) assert.equal(checkMessage(raftMessages, e.body), false);
});

Deno.test("router: the Worker cluster's path drops a malformed message too, and counts it", () => {
  const clock = FakeTimers.withGlobal(globalThis).install({
    toFake: ["setTimeout", "clearTimeout"],
  });
  try {
    const counters = new LinkCounters();
    const sunk: InFlight[] = [];
    const events: TraceEvent[] = [];
    const router = new Router({
      network: new Network(["n1", "n2"], () => 0.5, { delay: { kind: "constant", ms: 1 } }),
      random: () => 0,
      counters,
      now: () => clock.now,
      isMember: () => true,
      sink: (_to, batch) => sunk.push(...batch),
      trace: (e) => events.push(e),
    });
    router.tracing = true;
    router.setMessageSchema(sloppy.messages);
    const m = (seq: unknown) => ({ to: "n2", body: { type: "ping", seq }, lamport: 1, vclock: {} });
    router.send("n1", [m(1), m("x"), m(2), { ...m(3), body: "not an object" }]);
    clock.tick(5);
    assert.deepEqual(sunk.map((x) => (x.body as { seq: number }).seq), [1, 2]);
    assert.equal(router.rejected, 2);
    assert.equal(counters.total.dropped, 2);
    assert.deepEqual(
      events.filter((e) => e.kind === "drop").map((e) => e.reason),
      ["malformed", "malformed"],
    );
    router.close();
  } finally {
    clock.uninstall();
  }
});
