import assert from "node:assert/strict";
import { ReadIndexQueue } from "../../protocols/raft/read_index.ts";

const voters = ["n1", "n2", "n3", "n4", "n5"];

Deno.test("a read is confirmed only by a round sent after it arrived, acked by a majority", () => {
  const q = new ReadIndexQueue<string>("n1");
  const early = q.startRound(0); // sent before the read: must not confirm it
  q.add(7, "r");
  assert.ok(q.needsRound());
  assert.deepEqual(q.ack("n2", early, voters).confirmed, []);
  assert.deepEqual(q.ack("n3", early, voters).confirmed, []);
  const round = q.startRound(100);
  assert.ok(!q.needsRound());
  assert.equal(q.inFlight(), 1);
  assert.deepEqual(q.ack("n2", round, voters).confirmed, []);
  const { confirmed, sentAt } = q.ack("n3", round, voters);
  assert.deepEqual(confirmed, [{ readIndex: 7, round, item: "r" }]);
  assert.equal(sentAt, 100);
  assert.equal(q.inFlight(), 0);
});

Deno.test("one heartbeat round confirms every read that arrived before it", () => {
  const q = new ReadIndexQueue<number>("n1");
  for (let i = 0; i < 5; i++) q.add(i, i);
  const round = q.startRound(0);
  q.add(9, 9); // after the round: waits for the next
  q.ack("n2", round, voters);
  const { confirmed } = q.ack("n3", round, voters);
  assert.deepEqual(confirmed.map((r) => r.item), [0, 1, 2, 3, 4]);
  assert.equal(q.size, 1);
  assert.deepEqual(q.clear(), [9]);
});

Deno.test("acknowledgements from non-voters do not confirm reads", () => {
  const q = new ReadIndexQueue<string>("n1");
  q.add(1, "r");
  const round = q.startRound(0);
  q.ack("learner1", round, ["n1", "n2", "n3"]);
  assert.deepEqual(q.ack("learner2", round, ["n1", "n2", "n3"]).confirmed, []);
  assert.equal(q.ack("n2", round, ["n1", "n2", "n3"]).confirmed.length, 1);
});
