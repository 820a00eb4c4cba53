/**
 * SWIM's pieces on their own: the override rules of incarnation numbers, refutation,
 * the retransmit bound of piggybacked updates, round-robin probe order.
 */

import assert from "node:assert/strict";
import {
  applyUpdate,
  createGossip,
  createMembership,
  createProbeOrder,
  createSwimState,
  enqueue,
  learn,
  nextTarget,
  onMessage,
  onTick,
  overrides,
  piggyback,
  retransmitLimit,
  type SwimEffects,
  type SwimMessage,
  swimOptions,
} from "../../protocols/swim/mod.ts";
import { createRng } from "../../protocols/random.ts";

function recorder(random = createRng(1)) {
  const sent: { to: string; m: SwimMessage }[] = [];
  const events: { kind: string; data: Record<string, unknown> }[] = [];
  const fx: SwimEffects = {
    send: (to, m) => sent.push({ to, m }),
    emit: (kind, data) => events.push({ kind, data }),
    persistIncarnation() {},
    random: () => random.next(),
  };
  return { sent, events, fx };
}

Deno.test("swim rules: a higher incarnation wins; at the same one suspect beats alive, dead beats both", () => {
  const m = (state: "alive" | "suspect" | "dead", incarnation: number) => ({
    state,
    incarnation,
    since: 0,
  });
  const u = (state: "alive" | "suspect" | "dead", incarnation: number) => ({
    node: "n2",
    state,
    incarnation,
  });
  assert.equal(overrides(m("alive", 1), u("suspect", 1)), true);
  assert.equal(
    overrides(m("suspect", 1), u("alive", 1)),
    false,
    "no refutation without a new incarnation",
  );
  assert.equal(overrides(m("suspect", 1), u("alive", 2)), true);
  assert.equal(overrides(m("alive", 2), u("suspect", 1)), false, "an old suspicion is stale");
  assert.equal(overrides(m("suspect", 1), u("dead", 1)), true);
  assert.equal(overrides(m("dead", 1), u("suspect", 1)), false);
  assert.equal(overrides(m("dead", 1), u("alive", 1)), false);
  assert.equal(overrides(m("dead", 1), u("alive", 2)), true, "a restarted member rejoins");
  const list = createMembership(["n2"], 0);
  assert.equal(applyUpdate(list, u("suspect", 0), 5), "alive");
  assert.deepEqual(list.get("n2"), { state: "suspect", incarnation: 0, since: 5 });
  assert.equal(applyUpdate(list, u("suspect", 0), 9), null);
});

Deno.test("swim rules: a node that hears it is suspected refutes with a higher incarnation", () => {
  const s = createSwimState("n1", ["n2", "n3"], swimOptions({}), 0, 2);
  const r = recorder();
  learn(s, r.fx, { node: "n1", state: "suspect", incarnation: 1 }, 10);
  assert.equal(s.incarnation, 2, "an older suspicion needs no refutation");
  learn(s, r.fx, { node: "n1", state: "suspect", incarnation: 2 }, 10);
  assert.equal(s.incarnation, 3);
  assert.deepEqual(r.events.map((e) => e.kind), ["refute"]);
  // The refutation rides on the next message it sends.
  onMessage(s, r.fx, "n2", { type: "ping", seq: 4, updates: [] }, 11);
  assert.deepEqual(r.sent[0]!.m, {
    type: "ack",
    seq: 4,
    updates: [{ node: "n1", state: "alive", incarnation: 3 }],
  });
});

Deno.test("swim rules: each update rides on at most ⌈λ·ln(n+1)⌉ messages, least-sent first", () => {
  assert.deepEqual([8, 32, 128, 1000].map((n) => retransmitLimit(n, 3)), [7, 11, 15, 21]);
  const g = createGossip();
  enqueue(g, { node: "n2", state: "suspect", incarnation: 0 });
  const carried: number[] = [];
  for (let i = 0; i < 6; i++) carried.push(piggyback(g, 8, 4).length);
  assert.deepEqual(carried, [1, 1, 1, 1, 0, 0]);
  enqueue(g, { node: "n2", state: "suspect", incarnation: 0 });
  piggyback(g, 1, 4);
  enqueue(g, { node: "n3", state: "dead", incarnation: 0 });
  assert.deepEqual(piggyback(g, 1, 4).map((u) => u.node), ["n3"], "the fresher update first");
});

Deno.test("swim rules: round-robin probes every member once per pass, in a fresh order each pass", () => {
  const o = createProbeOrder();
  const rng = createRng(7);
  const peers = Array.from({ length: 9 }, (_, i) => `n${i + 2}`);
  const passes: string[][] = [];
  for (let p = 0; p < 3; p++) {
    const pass: string[] = [];
    for (let i = 0; i < peers.length; i++) {
      pass.push(nextTarget(o, peers, () => true, () => rng.next())!);
    }
    assert.deepEqual([...pass].sort(), [...peers].sort(), `pass ${p}`);
    passes.push(pass);
  }
  assert.notDeepEqual(passes[0], passes[1]);
  assert.equal(nextTarget(o, peers, () => false, () => rng.next()), null);
});

Deno.test("swim rules: an unanswered ping brings k ping-reqs, then suspicion at the period's end", () => {
  const o = swimOptions({ k: 2 });
  const s = createSwimState("n1", ["n2", "n3", "n4", "n5"], o, 0, 0);
  const r = recorder();
  onTick(s, r.fx, 0);
  assert.equal(r.sent.length, 1);
  const target = r.sent[0]!.to;
  assert.equal(r.sent[0]!.m.type, "ping");
  onTick(s, r.fx, o.pingTimeoutMs - 10);
  assert.equal(r.sent.length, 1, "still waiting for the direct ack");
  onTick(s, r.fx, o.pingTimeoutMs);
  const reqs = r.sent.slice(1);
  assert.equal(reqs.length, 2);
  for (const q of reqs) {
    assert.equal(q.m.type, "ping-req");
    assert.notEqual(q.to, target);
    assert.equal((q.m as { target: string }).target, target);
  }
  onTick(s, r.fx, o.periodMs);
  assert.equal(s.members.get(target)!.state, "suspect");
  assert.deepEqual(r.events.map((e) => [e.kind, e.data.peer]), [["suspect", target]]);
  onTick(s, r.fx, o.periodMs + s.suspicionMs);
  assert.equal(s.members.get(target)!.state, "dead");
});

Deno.test("swim rules: an ack relayed through a ping-req saves the target from suspicion", () => {
  const o = swimOptions({ k: 1 });
  const origin = createSwimState("n1", ["n2", "n3"], o, 0, 0);
  const a = recorder(), h = recorder();
  onTick(origin, a.fx, 0);
  const target = a.sent[0]!.to;
  const other = target === "n2" ? "n3" : "n2";
  const helper = createSwimState(other, ["n1", target], o, 0, 0);
  onTick(origin, a.fx, o.pingTimeoutMs);
  const req = a.sent[1]!;
  assert.equal(req.to, other, "the only other member is asked");
  onMessage(helper, h.fx, "n1", req.m, o.pingTimeoutMs + 1);
  const ping = h.sent[0]!;
  assert.deepEqual([ping.to, ping.m.type], [target, "ping"]);
  onMessage(helper, h.fx, target, { type: "ack", seq: ping.m.seq, updates: [] }, 250);
  const relayed = h.sent[1]!;
  assert.deepEqual([relayed.to, relayed.m.type, relayed.m.seq], ["n1", "ack", req.m.seq]);
  onMessage(origin, a.fx, other, relayed.m, 260);
  onTick(origin, a.fx, o.periodMs);
  assert.equal(origin.members.get(target)!.state, "alive");
  assert.deepEqual(a.events, []);
});
