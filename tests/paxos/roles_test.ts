import assert from "node:assert/strict";
import fc from "fast-check";
import { MemoryDisk } from "../../nodes/storage/memory_disk.ts";
import {
  accept,
  acceptedFrom,
  forgetAccepted,
  loadAcceptor,
  promise,
} from "../../protocols/paxos/acceptor.ts";
import {
  type Ballot,
  compareBallots,
  isBallot,
  memberIndex,
  nextBallot,
} from "../../protocols/paxos/ballot.ts";
import { acceptedCount, createLearner, recordAccepted } from "../../protocols/paxos/learner.ts";
import { majority } from "../../protocols/paxos/quorum.ts";

Deno.test("ballots of different proposers never collide, and the next ballot beats every seen one", () => {
  fc.assert(
    fc.property(
      fc.nat(1000),
      fc.integer({ min: 1, max: 9 }),
      fc.nat(1000),
      fc.integer({ min: 1, max: 9 }),
      (r1, n1, r2, n2) => {
        const a: Ballot = [r1, n1];
        const b: Ballot = [r2, n2];
        if (n1 !== n2) assert.notEqual(compareBallots(a, b), 0);
        assert.equal(Math.sign(compareBallots(a, b)), -Math.sign(compareBallots(b, a)));
        const next = nextBallot(compareBallots(a, b) > 0 ? a : b, n1);
        assert.ok(compareBallots(next, a) > 0 && compareBallots(next, b) > 0);
      },
    ),
    { seed: 42, numRuns: 500 },
  );
});

Deno.test("member indexes follow the number in the id, so n10 comes after n9", () => {
  const peers = ["n1", "n2", "n3", "n4", "n5", "n6", "n7", "n8", "n9"];
  assert.equal(memberIndex("n10", peers), 10);
  assert.equal(memberIndex("n2", ["n10", "n1"]), 2);
  assert.equal(isBallot([1, 2]), true);
  assert.equal(isBallot([1, -2]), false);
  assert.equal(isBallot({ 0: 1, 1: 2 }), false);
});

Deno.test("an acceptor rejects every ballot below its promise and reports what it accepted", () => {
  const disk = new MemoryDisk();
  const a = loadAcceptor<string>(disk, "t/");
  assert.equal(promise(a, disk, [2, 1]), true);
  assert.equal(promise(a, disk, [1, 5]), false);
  assert.equal(accept(a, disk, [1, 9], 1, "low"), false);
  assert.equal(accept(a, disk, [2, 1], 1, "x"), true);
  assert.equal(accept(a, disk, [3, 2], 2, "y"), true, "a higher Accept raises the promise");
  assert.deepEqual(a.promised, [3, 2]);
  assert.equal(promise(a, disk, [2, 9]), false);
  assert.deepEqual(acceptedFrom(a, 2), [[2, [3, 2], "y"]]);
});

Deno.test("an acceptor's promise and acceptances survive a crash once synced, and are lost before", () => {
  const disk = new MemoryDisk();
  const a = loadAcceptor<string>(disk, "t/");
  promise(a, disk, [4, 2]);
  accept(a, disk, [4, 2], 7, "v");
  disk.sync();
  promise(a, disk, [9, 1]); // never synced
  disk.crash();
  const b = loadAcceptor<string>(disk, "t/");
  assert.deepEqual(b.promised, [4, 2]);
  assert.deepEqual(b.accepted.get(7), { ballot: [4, 2], value: "v" });
});

Deno.test("no acceptor ever accepts a ballot below one it promised (random inputs)", () => {
  const op = fc.record({
    kind: fc.constantFrom("prepare", "accept"),
    round: fc.nat(20),
    node: fc.integer({ min: 1, max: 3 }),
    instance: fc.nat(3),
  });
  fc.assert(
    fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
      const disk = new MemoryDisk();
      const a = loadAcceptor<number>(disk, "");
      let promised: Ballot = [0, 0];
      for (const o of ops) {
        const b: Ballot = [o.round, o.node];
        const ok = o.kind === "prepare"
          ? promise(a, disk, b)
          : accept(a, disk, b, o.instance, o.round);
        assert.equal(ok, compareBallots(b, promised) >= 0);
        if (ok && compareBallots(b, promised) > 0) promised = b;
        assert.deepEqual(a.promised, promised);
      }
    }),
    { seed: 42, numRuns: 300 },
  );
});

Deno.test("forgetting drops accepted instances up to the floor and keeps the rest", () => {
  const disk = new MemoryDisk();
  const a = loadAcceptor<number>(disk, "f/");
  for (let i = 1; i <= 10; i++) accept(a, disk, [1, 1], i, i);
  forgetAccepted(a, disk, 6);
  assert.deepEqual([...a.accepted.keys()].sort((x, y) => x - y), [7, 8, 9, 10]);
  assert.equal(disk.keys("f/acc/").length, 4);
  assert.equal(accept(a, disk, [1, 1], 3, 3), true, "a forgotten instance is acknowledged");
  assert.equal(a.accepted.has(3), false, "but not stored again");
  disk.sync();
  disk.crash();
  assert.equal(loadAcceptor(disk, "f/").floor, 6);
});

Deno.test("a learner learns once a majority accepted the same ballot, counting each acceptor once", () => {
  assert.equal(majority(5), 3);
  assert.equal(majority(1), 1);
  const l = createLearner<string>(majority(5));
  assert.equal(recordAccepted(l, 0, "n1", [1, 1], "a"), undefined);
  assert.equal(recordAccepted(l, 0, "n1", [1, 1], "a"), undefined);
  assert.equal(recordAccepted(l, 0, "n2", [2, 2], "b"), undefined, "another ballot counts apart");
  assert.equal(recordAccepted(l, 0, "n3", [1, 1], "a"), undefined);
  assert.equal(acceptedCount(l, 0, [1, 1]), 2);
  assert.deepEqual(recordAccepted(l, 0, "n4", [1, 1], "a"), { value: "a" });
  assert.equal(recordAccepted(l, 0, "n5", [1, 1], "a"), undefined, "reported once");
});
