import assert from "node:assert/strict";
import { Simulation } from "../../nodes/simulator.ts";
import type { NodeId, Reply } from "../../protocols/node.ts";
import { bus, type BusNode } from "../../protocols/bus/bus.ts";
import type { BusMessage, PollResult } from "../../protocols/bus/message.ts";
import type { AnyProtocol, NodeContext } from "../../protocols/node.ts";
import { createBusChecker, liveReplicaViews } from "../../protocols/bus/invariants.ts";
import { ERROR } from "../../protocols/errors.ts";
import { tortureTxnSeed } from "../../torture/txn_torture.ts";

const ELECTION_MS = 300; // the default: a follower stands after [300, 600) ms of silence
const ONE = { topics: { t: { partitions: 1, replicas: 3 } } };

/** Every vote request claims a log more complete than any: votes ignore completeness. */
const careless: AnyProtocol = {
  ...bus,
  create(ctx: NodeContext<BusMessage>) {
    const node = bus.create(ctx);
    return {
      ...node,
      message(from: string, m: BusMessage) {
        node.message(from, m.type === "bus/vote" ? { ...m, lastEpoch: 1_000_000 } : m);
      },
    };
  },
};

function cluster(seed: number, protocol: AnyProtocol = bus) {
  const sim = new Simulation({ protocol, nodes: 3, seed, options: ONE });
  const broker = (n: NodeId) => (sim.host(n)?.node as BusNode | undefined)?.broker ?? null;
  const leaders = () => sim.nodes.filter((n) => broker(n)?.partitions()[0]?.leader === true);
  const checker = createBusChecker();
  // The invariants after every step, as torture runs them.
  let violation: string | null = null;
  sim.afterStep(() => {
    violation ??= checker.observe(liveReplicaViews(sim.nodes.map((n) => [n, broker(n)])));
  });
  return { sim, broker, leaders, checker, violation: () => violation };
}

/** A producer that sends record after record, following `not-leader` hints. */
function producer(sim: Simulation, onAck: (value: number, offset: number, at: number) => void) {
  let leader: NodeId = "n1", seq = 0, stopped = false;
  const send = () => {
    if (stopped) return;
    const value = seq;
    let done = false;
    const next = (reply: Reply) => {
      if (done) return;
      done = true;
      if (reply.type === "ok") {
        onAck(value, (reply.value as { offset: number }).offset, sim.now());
        seq++;
      } else if (reply.type === "fail" && reply.code === ERROR["not-leader"]) {
        const hint = (reply as { leader?: NodeId }).leader;
        leader = hint ?? sim.nodes[(sim.nodes.indexOf(leader) + 1) % sim.nodes.length]!;
      } else {
        leader = sim.nodes[(sim.nodes.indexOf(leader) + 1) % sim.nodes.length]!;
      }
      sim.after(10, send);
    };
    sim.request(leader, { f: "produce", topic: "t", key: "k", value, producer: "p", seq }, 1, next);
    sim.after(200, () => next({ type: "info", code: 0, error: "no answer" }));
  };
  send();
  return () => (stopped = true);
}

Deno.test("killing a partition leader under produce load: a new leader takes writes within one election timeout, nothing acknowledged is lost", () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    const { sim, broker, leaders, checker, violation } = cluster(seed);
    const acked: { value: number; offset: number; at: number }[] = [];
    const stop = producer(sim, (value, offset, at) => {
      acked.push({ value, offset, at });
      assert.equal(
        checker.acknowledged({ topic: "t", partition: 0, offset, key: "k", value }),
        null,
      );
    });
    sim.runFor(500);
    assert.deepEqual(leaders(), ["n1"]);
    const before = acked.length;
    assert.ok(before > 10, `seed ${seed}: only ${before} acknowledged before the kill`);
    const kinds = new Set<string>();
    sim.onTrace((e) => {
      if (e.kind === "send") kinds.add((e.body as { type: string }).type);
    });
    const killedAt = sim.now();
    sim.crash("n1");
    sim.runFor(1500);
    stop();
    sim.runFor(300); // the last produce in flight is answered
    const next = leaders();
    assert.equal(next.length, 1, `seed ${seed}: leaders ${next}`);
    assert.notEqual(next[0], "n1");
    // The first write acknowledged after the kill came within one election timeout (at
    // most 2 × electionMs of silence, plus the election and the producer's retry).
    const first = acked.find((a) => a.at > killedAt);
    assert.ok(first !== undefined, `seed ${seed}: nothing acknowledged after the kill`);
    assert.ok(
      first.at - killedAt <= 2 * ELECTION_MS + 100,
      `seed ${seed}: the new leader took ${first.at - killedAt} ms`,
    );
    // Every acknowledged record is in the new leader's log, at its offset, and readable.
    const log = broker(next[0]!)!.partitions()[0]!.replica.log;
    for (const a of acked) assert.equal(log[a.offset]?.value, a.value, `seed ${seed}`);
    const polled: Reply[] = [];
    sim.request(
      next[0]!,
      { f: "poll", topic: "t", partition: 0, max: 10_000 },
      2,
      (r) => polled.push(r),
    );
    sim.runFor(10);
    const records = (polled[0] as { value: PollResult }).value.records.filter((r) => !r.control);
    assert.deepEqual(records.map((r) => r.value), acked.map((a) => a.value), `seed ${seed}`);
    // The old leader comes back as a follower and catches up.
    sim.restart("n1");
    sim.runFor(1000);
    assert.equal(broker("n1")!.partitions()[0]!.leader, false);
    const views = liveReplicaViews(sim.nodes.map((n) => [n, broker(n)]));
    assert.equal(checker.checkDurable(views, () => 2), null);
    assert.equal(violation(), null, `seed ${seed}`);
    // The election's messages are honest traffic: their schema lets every one through.
    assert.ok(kinds.has("bus/vote") && kinds.has("bus/voted"), [...kinds].join(", "));
    assert.equal(sim.stats.rejected, 0);
  }
});

Deno.test("a leader cut off by a partition cannot have a write acknowledged, and its unacknowledged record is cut off when it rejoins", () => {
  const { sim, broker, leaders, violation } = cluster(7);
  const ok: Reply[] = [];
  sim.request("n1", { f: "produce", topic: "t", key: "k", value: "before" }, 1, (r) => ok.push(r));
  sim.runFor(100);
  assert.equal(ok[0]?.type, "ok");
  sim.network.partition([["n1"], ["n2", "n3"]]);
  const stale: Reply[] = [];
  sim.request(
    "n1",
    { f: "produce", topic: "t", key: "k", value: "stale" },
    1,
    (r) => stale.push(r),
  );
  sim.runFor(2 * ELECTION_MS + 100);
  // The majority side has elected a leader of a later epoch, which takes writes.
  const majority = leaders().filter((n) => n !== "n1");
  assert.equal(majority.length, 1);
  const fresh: Reply[] = [];
  sim.request(
    majority[0]!,
    { f: "produce", topic: "t", key: "k", value: "fresh" },
    1,
    (r) => fresh.push(r),
  );
  sim.runFor(100);
  assert.equal(fresh[0]?.type, "ok");
  // The stale leader never acknowledged its write, and stepped down (no majority heard).
  sim.runFor(2 * ELECTION_MS);
  assert.notEqual(stale[0]?.type, "ok");
  assert.equal(broker("n1")!.partitions()[0]!.leader, false);
  const retry: Reply[] = [];
  sim.request("n1", { f: "produce", topic: "t", key: "k", value: "late" }, 1, (r) => retry.push(r));
  sim.runFor(10);
  assert.equal(retry[0]?.type, "fail");
  sim.network.heal();
  sim.runFor(1000);
  for (const n of sim.nodes) {
    const r = broker(n)!.partitions()[0]!.replica;
    const values = r.log.filter((x) => !x.control).map((x) => x.value);
    assert.deepEqual(values, ["before", "fresh"], `${n}: ${JSON.stringify(values)}`);
    assert.equal(r.hw, r.log.length);
  }
  assert.equal(violation(), null);
});

Deno.test("the invariants catch two leaders in one epoch and a new leader without an acknowledged record", () => {
  const c = createBusChecker();
  const rec = (value: number) => ({ key: "k", value, at: 0, epoch: 1 });
  const view = (node: string, log: ReturnType<typeof rec>[], epoch: number) => ({
    node,
    topic: "t",
    partition: 0,
    log,
    hw: 0,
    offsets: new Map<string, number>(),
    leader: true,
    epoch,
  });
  assert.equal(c.observe([view("n1", [rec(1)], 1)]), null);
  assert.equal(c.observe([view("n2", [], 1)]), "t/0 has two leaders in epoch 1: n1, n2");
  const d = createBusChecker();
  d.acknowledged({ topic: "t", partition: 0, offset: 0, key: "k", value: 1 });
  assert.equal(d.observe([view("n1", [rec(1)], 1)]), null);
  assert.equal(
    d.observe([view("n2", [], 2)]),
    "n2 leads t/0 in epoch 2 without acknowledged offset 0",
  );
});

Deno.test("torture slice: leader kills, partitions and message loss; nothing acknowledged lost (20 seeds)", () => {
  let acked = 0;
  for (let seed = 1; seed <= 20; seed++) {
    const o = tortureTxnSeed("bus", seed, {
      durationMs: 4000,
      nemesis: ["kill", "partition", "loss"],
    });
    assert.equal(o.violation, null, `seed ${seed}: ${o.violation}`);
    assert.equal(o.stats.rejected, 0, `seed ${seed}: honest messages rejected`);
    acked += o.ops.ok;
  }
  assert.ok(acked > 1000, `only ${acked} records acknowledged`);
});

Deno.test("a broker's status says which partitions it leads, whom it follows, and each epoch", () => {
  const { sim } = cluster(9);
  sim.runFor(100);
  const status = sim.status("n2") as Record<string, unknown>;
  assert.deepEqual(status.leads, []);
  assert.deepEqual(status.leaders, { "t/0": "n1" });
  assert.deepEqual(status.epochs, { "t/0": 1 });
  sim.crash("n1");
  sim.runFor(1000);
  const after = ["n2", "n3"].map((n) => sim.status(n) as Record<string, unknown>);
  assert.deepEqual(after.map((s) => (s.leads as string[]).length).sort(), [0, 1]);
  // Both name the same new leader.
  const named = after.map((s) => (s.leaders as Record<string, string>)["t/0"]);
  assert.equal(named[0], named[1]);
  assert.ok(named[0] === "n2" || named[0] === "n3", String(named[0]));
  assert.deepEqual(after.map((s) => s.epochs), [{ "t/0": 2 }, { "t/0": 2 }]);
});

Deno.test("only a replica holding every acknowledged record can win: a follower that missed records loses to one that has them (and an election that ignores it is caught)", () => {
  const run = (seed: number, protocol: AnyProtocol) => {
    const { sim, checker, leaders, violation } = cluster(seed, protocol);
    const ack = (value: number) =>
      sim.request("n1", { f: "produce", topic: "t", key: "k", value }, 1, (r) => {
        if (r.type !== "ok") return;
        const offset = (r.value as { offset: number }).offset;
        assert.equal(
          checker.acknowledged({ topic: "t", partition: 0, offset, key: "k", value }),
          null,
        );
      });
    for (let i = 0; i < 3; i++) ack(i);
    sim.runFor(100);
    sim.network.partition([["n1", "n2"], ["n3"]]); // n3 misses what follows
    for (let i = 3; i < 6; i++) ack(i);
    sim.runFor(100);
    sim.crash("n1");
    sim.network.heal();
    sim.runFor(1500);
    return { leader: leaders()[0], violation: violation() };
  };
  let caught = 0;
  for (let seed = 1; seed <= 8; seed++) {
    const honest = run(seed, bus);
    assert.equal(honest.violation, null, `seed ${seed}`);
    assert.equal(honest.leader, "n2", `seed ${seed}`);
    if (run(seed, careless).violation !== null) caught++;
  }
  assert.ok(caught >= 2, `the careless election was caught in only ${caught} of 8 seeds`);
});

Deno.test("a replica cut off by a partition does not raise its epoch, and does not unseat the leader when it returns (PreVote)", () => {
  const { sim, broker, leaders, violation } = cluster(11);
  sim.runFor(100);
  sim.network.partition([["n1", "n2"], ["n3"]]);
  sim.runFor(5000); // n3 asks for pre-votes again and again, and gets none
  assert.equal(broker("n3")!.partitions()[0]!.replica.epoch, 1);
  sim.network.heal();
  sim.runFor(2000);
  assert.deepEqual(leaders(), ["n1"]);
  for (const n of sim.nodes) assert.equal(broker(n)!.partitions()[0]!.replica.epoch, 1, n);
  assert.equal(violation(), null);
});

Deno.test("the descriptor's invariants check the live brokers: two leaders of one epoch are caught", () => {
  const check = bus.invariants!();
  const brokerLeading = (epoch: number) => ({
    broker: {
      partitions: () => [{
        topic: "t",
        partition: 0,
        leader: true,
        replica: { log: [], hw: 0, offsets: new Map(), epoch },
      }],
    },
  });
  // deno-lint-ignore no-explicit-any
  const nodes = (m: Record<string, unknown>) => new Map(Object.entries(m)) as Map<string, any>;
  assert.deepEqual(check(nodes({ n1: brokerLeading(1) })), []);
  assert.deepEqual(check(nodes({ n1: brokerLeading(1), n2: brokerLeading(2) })), []);
  assert.deepEqual(check(nodes({ n3: brokerLeading(2) })), [
    "t/0 has two leaders in epoch 2: n2, n3",
  ]);
});
