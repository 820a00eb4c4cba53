import assert from "node:assert/strict";
import fc from "fast-check";
import { quorumIndex, voteResult } from "../../protocols/raft/quorum.ts";

Deno.test("the commit index is the largest index a majority has reached", () => {
  const acked = new Map([["a", 9], ["b", 3], ["c", 7], ["d", 1], ["e", 8]]);
  assert.equal(quorumIndex(["a", "b", "c", "d", "e"], (id) => acked.get(id)), 7);
  assert.equal(quorumIndex(["a", "b"], (id) => acked.get(id)), 3, "two voters need both");
  assert.equal(quorumIndex(["a", "x", "y"], (id) => acked.get(id)), 0, "unknown counts as 0");
  assert.equal(quorumIndex([], () => 1), Infinity);
});

Deno.test("quorumIndex is reached by a majority and no larger index is (property)", () => {
  fc.assert(
    fc.property(fc.array(fc.nat(50), { minLength: 1, maxLength: 9 }), (xs) => {
      const ids = xs.map((_, i) => `n${i}`);
      const q = quorumIndex(ids, (id) => xs[Number(id.slice(1))]);
      const majority = Math.floor(xs.length / 2) + 1;
      assert.ok(xs.filter((x) => x >= q).length >= majority);
      assert.ok(xs.filter((x) => x >= q + 1).length < majority);
    }),
    { seed: 42, numRuns: 500 },
  );
});

Deno.test("an election is won by a majority and lost once a majority refused", () => {
  const voters = ["a", "b", "c", "d"];
  assert.equal(voteResult(voters, new Map([["a", true], ["b", true]])), "pending");
  assert.equal(voteResult(voters, new Map([["a", true], ["b", true], ["c", true]])), "won");
  assert.equal(voteResult(voters, new Map([["a", true], ["b", false]])), "pending");
  assert.equal(voteResult(voters, new Map([["a", false], ["b", false]])), "lost", "3 of 4 needed");
  assert.equal(voteResult(["a"], new Map([["z", true], ["a", true]])), "won");
  assert.equal(
    voteResult(["a", "b", "c"], new Map([["x", true], ["y", true], ["a", true]])),
    "pending",
  );
});
