import assert from "node:assert/strict";
import FakeTimers from "@sinonjs/fake-timers";
import { Network } from "../../nodes/faults/network.ts";
import type { Outgoing } from "../../nodes/node_host.ts";
import type { TraceEvent } from "../../nodes/trace.ts";
import { LinkCounters } from "../../nodes/worker/link_counters.ts";
import { applyDeltas, MirroredDisk } from "../../nodes/worker/mirrored_disk.ts";
import { type InFlight, Router } from "../../nodes/worker/router.ts";
import type { LinkFaults } from "../../nodes/faults/network.ts";
import type { FromWorker, OutputMessage } from "../../nodes/worker_protocol.ts";
import { NodeRuntime } from "../../nodes/worker/node_runtime.ts";
import { outputEvents } from "../../nodes/worker/output_events.ts";

const NODES = ["n1", "n2", "n3"];

function setup(base: LinkFaults) {
  const clock = FakeTimers.withGlobal(globalThis).install({
    toFake: ["setTimeout", "clearTimeout"],
  });
  const network = new Network(NODES, () => 0.5, base);
  const counters = new LinkCounters();
  const sunk: { to: string; batch: InFlight[] }[] = [];
  const events: TraceEvent[] = [];
  const router = new Router({
    network,
    random: () => 0,
    counters,
    now: () => clock.now,
    isMember: (id) => NODES.includes(id),
    sink: (to, batch) => sunk.push({ to, batch }),
    trace: (e) => events.push(e),
  });
  return { clock, network, counters, sunk, events, router };
}

const msg = (to: string, seq: number): Outgoing => ({
  to,
  body: { seq },
  lamport: seq,
  vclock: { n1: seq },
});

Deno.test("router: one timer, then one batch per destination with every due copy in order", () => {
  const { clock, sunk, router, counters } = setup({ delay: { kind: "constant", ms: 5 } });
  try {
    router.send("n1", [msg("n2", 1), msg("n3", 2), msg("n2", 3)]);
    clock.tick(2);
    router.send("n1", [msg("n2", 4)]); // due at 7: not in the first firing
    assert.equal(clock.countTimers(), 1, "one timer for the earliest due copy");
    assert.equal(router.inFlight, 4);
    clock.tick(3);
    assert.deepEqual(
      sunk.map((s) => [s.to, s.batch.map((m) => (m.body as { seq: number }).seq)]),
      [["n2", [1, 3]], ["n3", [2]]],
    );
    clock.tick(2);
    assert.deepEqual(sunk.at(-1)?.batch.map((m) => m.from), ["n1"]);
    assert.equal(router.inFlight, 0);
    assert.equal(router.armed, false);
    assert.equal(counters.total.sent, 4);
  } finally {
    router.close();
    clock.uninstall();
  }
});

Deno.test("router: zero-delay copies are flushed in a microtask, not synchronously", async () => {
  const { clock, sunk, router } = setup({ delay: { kind: "constant", ms: 0 } });
  try {
    router.send("n1", [msg("n2", 1), msg("n2", 2)]);
    assert.equal(sunk.length, 0);
    assert.equal(clock.countTimers(), 0, "no timer for copies already due");
    await Promise.resolve();
    assert.deepEqual(sunk.map((s) => [s.to, s.batch.length]), [["n2", 2]]);
  } finally {
    router.close();
    clock.uninstall();
  }
});

Deno.test("router: partitions, loss and unknown nodes drop and are traced", () => {
  const { clock, network, counters, sunk, events, router } = setup({
    delay: { kind: "constant", ms: 1 },
  });
  try {
    router.tracing = true;
    network.partition([["n1"], ["n2", "n3"]]);
    network.addRule("n2", "n3", { drop: 1 });
    router.send("n1", [msg("n2", 1)]);
    router.send("n2", [msg("n3", 2), msg("n9", 3), msg("n1", 4)]);
    clock.tick(5);
    assert.deepEqual(sunk, []);
    assert.deepEqual(
      events.filter((e) => e.kind === "drop").map((e) => `${e.node}>${e.peer} ${e.reason}`),
      ["n1>n2 partition", "n2>n3 loss", "n2>n9 unknown", "n2>n1 partition"],
    );
    assert.equal(events.filter((e) => e.kind === "send").length, 4);
    assert.deepEqual(counters.snapshot().links["n2>n3"], {
      sent: 1,
      delivered: 0,
      dropped: 1,
      duplicated: 0,
    });
  } finally {
    router.close();
    clock.uninstall();
  }
});

Deno.test("router: duplicated copies both arrive, tampered ones altered; close clears the timer", () => {
  const { clock, network, counters, sunk, router } = setup({ delay: { kind: "constant", ms: 3 } });
  try {
    network.addRule("*", "*", { duplicate: 1, tamper: 1 });
    router.send("n1", [msg("n2", 10)]);
    clock.tick(3);
    assert.equal(sunk[0]?.batch.length, 2);
    for (const m of sunk[0]!.batch) assert.notDeepEqual(m.body, { seq: 10 });
    assert.equal(counters.total.duplicated, 1);
    router.send("n1", [msg("n2", 11)]);
    assert.equal(clock.countTimers(), 1);
    router.close();
    assert.equal(clock.countTimers(), 0);
    router.send("n1", [msg("n2", 12)]);
    assert.equal(router.inFlight, 0, "a closed router routes nothing");
  } finally {
    router.close();
    clock.uninstall();
  }
});

Deno.test("mirrored disk: only synced writes are shipped, in write order, and mirror exactly", () => {
  const disk = new MirroredDisk([["a", 1], ["b", 2]]);
  disk.set("c", 3);
  disk.delete("a");
  assert.equal(disk.pending, 2);
  assert.equal(disk.takeSynced(), null, "nothing before a sync");
  assert.equal(disk.sync(), 2);
  disk.set("d", 4); // not synced: must not reach the mirror
  const mirror = new Map<string, unknown>([["a", 1], ["b", 2]]);
  applyDeltas(mirror, disk.takeSynced()!);
  assert.deepEqual([...mirror].sort(), [["b", 2], ["c", 3]]);
  assert.deepEqual(disk.keys(), ["b", "c", "d"]);
  assert.equal(disk.takeSynced(), null);
});

Deno.test("node runtime: one batch of inputs gives one sync and one output, effects in order", async () => {
  const clock = FakeTimers.withGlobal(globalThis).install({
    toFake: ["setInterval", "clearInterval"],
  });
  const posted: FromWorker[] = [];
  const rt = await NodeRuntime.start({
    type: "init",
    id: "n1",
    peers: ["n2"],
    protocol: {
      module: new URL("./worker_fixtures/counter_protocol.ts", import.meta.url).href,
      export: "counterProtocol",
    },
    options: {},
    seed: 1,
    clock: { skew: 0, drift: 0, anchor: 0 },
    storage: { kind: "memory", entries: [["count", 10]] },
    clocks: { lamport: 40, vclock: { n1: 40 } },
    paused: false,
    tracing: false,
  }, (m) => posted.push(m));
  try {
    assert.deepEqual(posted.map((m) => m.type), ["ready"]);
    clock.tick(500); // idle ticks post nothing
    assert.equal(posted.length, 1);
    rt.handle({
      type: "inputs",
      deliveries: [],
      requests: [1, 2, 3].map((id) => ({ id, client: 0, op: "inc" })),
    });
    assert.equal(posted.length, 2, "one output for the whole batch");
    const out = posted[1] as OutputMessage;
    // One entry per key, in the order of each key's last write.
    assert.deepEqual(out.writes, [
      ["log/0011", 0],
      ["log/0012", 0],
      ["count", 13],
      ["log/0013", 0],
    ]);
    assert.deepEqual(
      out.replies.map((r) => r.reply),
      [11, 12, 13].map((value) => ({
        type: "ok",
        value,
      })),
    );
    assert.equal(out.clocks.lamport, 43, "clocks continue from the ones given");
    rt.handle({ type: "clock", clock: { skew: 5000, drift: 0, anchor: 0 } });
    rt.handle({ type: "inputs", deliveries: [], requests: [{ id: 5, client: 0, op: "now" }] });
    const now = (posted.at(-1) as OutputMessage).replies[0]!.reply as { value: number };
    const offset = now.value - (performance.timeOrigin + performance.now());
    assert.ok(offset > 4900 && offset <= 5000, `clock skewed by 5 s (${offset})`);
    rt.handle({ type: "inputs", deliveries: [], requests: [{ id: 4, client: 0, op: "boom" }] });
    assert.deepEqual(posted.at(-1), { type: "failed", error: "boom requested" });
    assert.equal(clock.countTimers(), 0, "a failed node stops ticking");
  } finally {
    await rt.close();
    clock.uninstall();
  }
});

Deno.test("output events: deliveries and protocol events merge back in Lamport order", () => {
  const v = { n1: 1 };
  const events = outputEvents("n2", 7, {
    type: "output",
    writes: null,
    messages: [],
    replies: [],
    emitted: [
      { kind: "trust", data: { peer: "n1" }, lamport: 3, vclock: v },
      { kind: "role", data: undefined, lamport: 6, vclock: v },
    ],
    delivered: [
      { from: "n1", body: 1, lamport: 3, vclock: v },
      { from: "n3", body: 2, lamport: 5, vclock: v },
      { from: "n1", body: 3, lamport: 7, vclock: v },
    ],
    clocks: { lamport: 7, vclock: v },
  });
  assert.deepEqual(events.map((e) => `${e.kind}@${e.lamport}`), [
    "deliver@3",
    "trust@3",
    "deliver@5",
    "role@6",
    "deliver@7",
  ]);
  assert.ok(events.every((e) => e.node === "n2" && e.time === 7));
  assert.deepEqual(events[2], {
    time: 7,
    kind: "deliver",
    node: "n2",
    peer: "n3",
    body: 2,
    lamport: 5,
    vclock: v,
  });
});
