/**
 * Leader epochs by hand: three brokers whose every message is delivered (or dropped) by
 * the test, so that the rare interleaving behind Raft's figure 8 happens on purpose.
 */

import assert from "node:assert/strict";
import type { NodeId, Reply } from "../../protocols/node.ts";
import { type Broker, brokerOptions, createBroker } from "../../protocols/bus/broker.ts";
import { busConfig } from "../../protocols/bus/config.ts";
import type { BusMessage } from "../../protocols/bus/message.ts";
import { memoryStorage } from "../txn/fake_ctx.ts";

const NODES = ["n1", "n2", "n3"];
const config = busConfig(NODES, { topics: { t: { partitions: 1, replicas: 3 } } });
const options = brokerOptions({ batch: 1 }); // one record per append: r1 and the marker apart

function cluster() {
  let now = 0;
  const queue: { from: NodeId; to: NodeId; m: BusMessage }[] = [];
  const disks = new Map(NODES.map((n) => [n, memoryStorage()]));
  const brokers = new Map<NodeId, Broker | null>();
  const start = (id: NodeId) => {
    const b = createBroker(
      {
        id,
        now: () => now,
        random: () => 0,
        storage: disks.get(id)!,
        send: (to, m) => queue.push({ from: id, to, m }),
        emit: () => {},
      },
      config,
      options,
    );
    brokers.set(id, b);
    return b;
  };
  const crash = (id: NodeId) => brokers.set(id, null);
  /** Delivers (in order) the queued messages `pick` accepts, and drops the rest. */
  const deliver = (pick: (from: NodeId, to: NodeId, m: BusMessage) => boolean) => {
    for (let rounds = 0; queue.length > 0 && rounds < 100; rounds++) {
      const batch = queue.splice(0);
      for (const { from, to, m } of batch) {
        if (pick(from, to, m)) brokers.get(to)?.message(from, m);
      }
    }
  };
  const replica = (id: NodeId) => brokers.get(id)!.partitions()[0]!;
  const tickAt = (id: NodeId, ms: number) => {
    now = ms;
    brokers.get(id)!.tick();
  };
  return { start, crash, deliver, replica, tickAt, brokers };
}

const produce = (b: Broker, value: string, out: Reply[]) =>
  b.handle({ f: "produce", topic: "t", key: "k", value }, (r) => out.push(r));

Deno.test("a record of an earlier epoch on a majority is not committed until the new leader's own record is (figure 8)", () => {
  const { start, crash, deliver, replica, tickAt, brokers } = cluster();
  for (const n of NODES) start(n);
  assert.equal(replica("n1").leader, true); // epoch 1 is n1's
  const r1: Reply[] = [];
  produce(brokers.get("n1")!, "r1", r1);
  deliver(() => false); // r1 reaches no follower
  crash("n1");

  // n2 wins epoch 2 with n3's vote and appends r2 at offset 0, which reaches no one.
  tickAt("n2", 1000);
  deliver((_, to) => to === "n3" || to === "n2");
  assert.equal(replica("n2").leader, true);
  assert.equal(replica("n2").replica.epoch, 2);
  const r2: Reply[] = [];
  produce(brokers.get("n2")!, "r2", r2);
  deliver(() => false);
  assert.deepEqual(replica("n2").replica.log.map((r) => r.value), ["r2"]);
  crash("n2");

  // n1 comes back and wins epoch 3 with n3's vote (its r1 of epoch 1 beats n3's empty
  // log); it sends r1 to n3, so r1 is on a majority — but it is of epoch 1.
  start("n1");
  tickAt("n1", 2000); // epoch 2: n3 already voted in it
  deliver((_, to) => to === "n3" || to === "n1");
  tickAt("n1", 3000); // epoch 3
  // Its first append carries the marker it appended at offset 1, which n3 cannot take
  // (it lacks offset 0): n3 asks for offset 0, and gets r1 alone (batch 1).
  deliver((_, to) => to === "n3" || to === "n1");
  const leader = replica("n1");
  assert.equal(leader.leader, true);
  assert.equal(leader.replica.epoch, 3);
  assert.deepEqual(leader.replica.log.map((r) => r.epoch), [1, 3]);
  assert.equal(replica("n3").replica.log.length, 1); // r1 on n1 and n3: a majority
  assert.equal(leader.replica.hw, 0, "an earlier epoch's record counted committed");

  // Once the marker of epoch 3 is on a majority too, both are committed.
  tickAt("n1", 3100); // a heartbeat resends from what n3 confirmed
  deliver((_, to) => to === "n3" || to === "n1");
  assert.equal(leader.replica.hw, 2);
  assert.equal(r1.length, 0); // the first incarnation's waiter went with its crash
});
