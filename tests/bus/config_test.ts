import assert from "node:assert/strict";
import fc from "fast-check";
import {
  ackQuorum,
  assignPartitions,
  busConfig,
  leaderOf,
  partitionOf,
  replicasOf,
} from "../../protocols/bus/config.ts";
import { validateBusOp } from "../../protocols/bus/message.ts";

Deno.test("replicas are placed on consecutive brokers, leader first, and capped by the broker count", () => {
  const c = busConfig(["n1", "n2", "n3"], { topics: { t: { partitions: 4, replicas: 5 } } });
  assert.deepEqual(replicasOf(c, "t", 0), ["n1", "n2", "n3"]);
  assert.deepEqual(replicasOf(c, "t", 3), ["n1", "n2", "n3"]);
  assert.deepEqual(replicasOf(c, "t", 2), ["n3", "n1", "n2"]);
  assert.equal(leaderOf(c, "t", 1), "n2");
  assert.equal(ackQuorum(c, "t"), 2);
  assert.equal(ackQuorum(busConfig(["n1", "n2", "n3"], { acks: "all" }), "events"), 3);
  assert.equal(ackQuorum(busConfig(["n1", "n2", "n3"], { acks: "leader" }), "events"), 1);
  assert.throws(() => busConfig(["n1"], { topics: { "a/b": {} } }));
  assert.throws(() => busConfig(["n1"], { brokers: ["n9"] }));
  assert.throws(() => partitionOf(c, "nope", "k"), /unknown topic 'nope'/);
});

Deno.test("a key always maps to the same partition, and keys spread over all partitions", () => {
  const c = busConfig(["n1"], { topics: { t: { partitions: 4, replicas: 1 } } });
  const seen = new Set<number>();
  for (let i = 0; i < 100; i++) {
    const p = partitionOf(c, "t", `key-${i}`);
    assert.equal(partitionOf(c, "t", `key-${i}`), p);
    seen.add(p);
  }
  assert.deepEqual([...seen].sort(), [0, 1, 2, 3]);
});

Deno.test("range assignment gives each partition to exactly one group member", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 20 }),
      fc.uniqueArray(fc.string({ minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 6 }),
      (partitions, members) => {
        const all = members.flatMap((m) => assignPartitions(partitions, members, m));
        assert.deepEqual(
          all.sort((a, b) => a - b),
          Array.from({ length: partitions }, (_, i) => i),
        );
        const sizes = members.map((m) => assignPartitions(partitions, members, m).length);
        assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1);
      },
    ),
    { seed: 42, numRuns: 200 },
  );
  assert.deepEqual(assignPartitions(3, ["a"], "b"), []);
});

Deno.test("malformed bus operations are refused with a reason", () => {
  assert.equal(validateBusOp({ f: "produce", topic: "t", key: "k" }), "produce needs a value");
  assert.equal(
    validateBusOp({ f: "commit", topic: "t", partition: 0, group: "g" }),
    "commit needs an offset",
  );
  assert.equal(
    validateBusOp({ f: "poll", topic: "t", partition: -1 }),
    "poll needs a partition number",
  );
  assert.equal(validateBusOp({ f: "nope", topic: "t" }), "unknown operation 'nope'");
  assert.equal(validateBusOp({ f: "metadata" }), null);
});
