import assert from "node:assert/strict";
import { Simulation } from "../../nodes/simulator.ts";
import { toShiViz, type TraceEvent } from "../../nodes/trace.ts";
import {
  type VectorClock,
  VectorDeriver,
  vectorMerge,
  withVectorClocks,
} from "../../clocks/mod.ts";
import type { AnyProtocol, NodeId, Protocol } from "../../protocols/node.ts";
import { heartbeat } from "../../protocols/heartbeat/mod.ts";
import { raftKv } from "../../protocols/raft/mod.ts";

/** The chapter's figure: A sends m1 to C then m2 to B; B, on m2, sends m3 to A and to C. */
function figure(): Protocol<{ type: string }> {
  return {
    name: "figure",
    description: "the vector clock figure",
    tickMs: 1000,
    create(ctx) {
      return {
        tick() {},
        message(_from, m) {
          if (ctx.id === "B" && m.type === "m2") {
            ctx.send("A", { type: "m3" });
            ctx.send("C", { type: "m3" });
          }
          ctx.emit("got", { type: m.type });
        },
        request(req) {
          ctx.send("C", { type: "m1" });
          ctx.send("B", { type: "m2" });
          ctx.reply(req.id, { type: "ok" });
        },
        status: () => ({ role: "process" }),
      };
    },
  };
}

Deno.test("vectors derived from a simulator trace are the hand-computed ones", () => {
  const sim = new Simulation({
    protocol: figure() as AnyProtocol,
    nodes: ["A", "B", "C"],
    seed: 1,
    trace: "full",
    network: { delay: { kind: "constant", ms: 5 } },
  });
  sim.request("A", {}, 1);
  sim.runFor(50);
  const shown = withVectorClocks(sim.trace())
    .filter((e) => e.kind === "send" || e.kind === "deliver" || e.kind === "got")
    .map((e) => `${e.kind} ${e.node}${e.peer ? "-" + e.peer : ""} ${sorted(e.vclock)}`);
  assert.deepEqual(shown, [
    // A: request (A1), send m1 (A2), send m2 (A3).
    'send A-C {"A":2}',
    'send A-B {"A":3}',
    // Both arrive at 5 ms, m1 first (sent first).
    'deliver C-A {"A":2,"C":1}',
    'got C {"A":2,"C":1}',
    'deliver B-A {"A":3,"B":1}',
    // The handler's trace event is recorded before its sends leave, with the clock after them.
    'got B {"A":3,"B":3}',
    'send B-A {"A":3,"B":2}',
    'send B-C {"A":3,"B":3}',
    'deliver A-B {"A":4,"B":2}',
    'got A {"A":4,"B":2}',
    'deliver C-B {"A":3,"B":3,"C":2}',
    'got C {"A":3,"B":3,"C":2}',
  ]);
  // The ShiViz export shows the same vectors.
  const log = toShiViz(sim.trace());
  assert.match(log, /deliver from B .*\nC \{"A":3,"C":2,"B":3\}/);
});

function sorted(v: VectorClock | undefined): string {
  return v === undefined ? "-" : JSON.stringify(Object.fromEntries(Object.entries(v).sort()));
}

Deno.test("a send traced after a later delivery gets the vector of its own moment", () => {
  const d = new VectorDeriver();
  d.stamp({ kind: "send", node: "a", peer: "b", vc: 1 });
  d.stamp({ kind: "deliver", node: "b", peer: "a", vc: 1, vcFrom: 1 });
  // b sent at its entry 2 (held for a sync), then received from a at 3, then the send left.
  d.stamp({ kind: "send", node: "a", peer: "b", vc: 2 });
  assert.deepEqual(d.stamp({ kind: "deliver", node: "b", peer: "a", vc: 3, vcFrom: 2 }), {
    a: 2,
    b: 3,
  });
  assert.deepEqual(d.stamp({ kind: "send", node: "b", peer: "a", vc: 2 }), { a: 1, b: 2 });
  // An event that carries its own vector keeps it.
  assert.deepEqual(d.stamp({ kind: "send", node: "c", vclock: { c: 9 } }), { c: 9 });
});

/**
 * Wraps a protocol so that it keeps real vector clocks beside the host's (the oracle):
 * every tick of the host's own entry (send, delivery, request) is recorded as
 * `node:entry → vector`. Each send gets a fresh copy of its body, the key to its vector.
 */
function withOracle(inner: AnyProtocol) {
  const clocks = new Map<NodeId, VectorClock>();
  const byEntry = new Map<string, VectorClock>();
  const bySend = new WeakMap<object, VectorClock>();
  const tick = (id: NodeId, merge?: VectorClock): VectorClock => {
    const v = { ...vectorMerge(clocks.get(id) ?? {}, merge ?? {}) };
    v[id] = (clocks.get(id)?.[id] ?? 0) + 1;
    clocks.set(id, v);
    byEntry.set(`${id}:${v[id]}`, v);
    return v;
  };
  const protocol: AnyProtocol = {
    ...inner,
    create(ctx) {
      const node = inner.create({
        ...ctx,
        send(to, body, options) {
          const copy = { ...(body as object) };
          bySend.set(copy, tick(ctx.id));
          ctx.send(to, copy, options);
        },
      });
      return {
        ...node,
        tick: () => node.tick(),
        message(from, body) {
          const sent = bySend.get(body as object);
          if (sent === undefined) throw new Error("a body the oracle did not see sent");
          tick(ctx.id, sent);
          node.message(from, body);
        },
        request(req) {
          tick(ctx.id);
          node.request(req);
        },
        status: () => node.status(),
        ...(node.synced ? { synced: (m: number) => node.synced!(m) } : {}),
        ...(node.log ? { log: (f: number, l: number) => node.log!(f, l) } : {}),
      };
    },
  };
  return { protocol, byEntry };
}

function compareWithOracle(
  inner: AnyProtocol,
  drive: (sim: Simulation) => void,
  network: ConstructorParameters<typeof Simulation>[0]["network"],
): number {
  const { protocol, byEntry } = withOracle(inner);
  const sim = new Simulation({ protocol, nodes: 5, seed: 3, trace: "full", network });
  drive(sim);
  const d = new VectorDeriver();
  let compared = 0;
  for (const e of sim.trace() as TraceEvent[]) {
    const v = d.stamp(e);
    if (e.vc === undefined || e.vc === 0) continue;
    assert.deepEqual(v, byEntry.get(`${e.node}:${e.vc}`), `${e.kind} ${e.node} at ${e.time}`);
    compared++;
  }
  return compared;
}

Deno.test("derived vectors equal real ones: heartbeat, lossy reordering network, crashes", () => {
  const n = compareWithOracle(heartbeat, (sim) => {
    sim.runFor(300);
    sim.crash("n2");
    sim.runFor(300);
    sim.restart("n2");
    sim.pause("n4");
    sim.runFor(200);
    sim.resume("n4");
    sim.runFor(300);
  }, { delay: { kind: "uniform", min: 1, max: 20 }, drop: 0.1, duplicate: 0.1, reorder: 0.3 });
  assert.ok(n > 300, `only ${n} events compared`);
});

Deno.test("derived vectors equal real ones: raft-kv with clients (sends held for a sync)", () => {
  const n = compareWithOracle(raftKv as AnyProtocol, (sim) => {
    sim.runFor(1500);
    for (let i = 0; i < 30; i++) {
      for (const node of sim.nodes) sim.request(node, { type: "put", key: `k${i}`, value: i }, i);
      sim.runFor(20);
    }
    sim.runFor(500);
  }, { delay: { kind: "uniform", min: 1, max: 5 }, reorder: 0.1 });
  assert.ok(n > 500, `only ${n} events compared`);
});
