import assert from "node:assert/strict";
import { chooseSuccessor } from "../../protocols/primary_backup/succession.ts";

Deno.test("succession: the most up-to-date node of the epoch, only with a majority and nobody trusting the primary", () => {
  const view = { primary: "n1", epoch: 2, members: ["n1", "n2", "n3", "n4", "n5"] };
  const pos = (epoch: number, seq: number, trusts = false) => ({ epoch, seq, trusts });
  const positions = new Map([["n2", pos(2, 5)], ["n3", pos(2, 9)], ["n4", pos(2, 9)]]);
  assert.deepEqual(chooseSuccessor(positions, view), { decision: "promote", node: "n3" });
  positions.set("n5", pos(1, 50)); // an older epoch's position does not count
  assert.deepEqual(chooseSuccessor(positions, view), { decision: "promote", node: "n3" });
  positions.set("n4", pos(2, 9, true));
  assert.deepEqual(chooseSuccessor(positions, view), {
    decision: "wait",
    reason: "someone trusts the primary",
  });
  assert.deepEqual(chooseSuccessor(new Map([["n2", pos(2, 5)], ["n3", pos(2, 9)]]), view), {
    decision: "wait",
    reason: "no majority",
  });
  positions.set("n1", pos(2, 9));
  assert.deepEqual(chooseSuccessor(positions, view), { decision: "primary-alive" });
});
