import assert from "node:assert/strict";
import { classifyPairs, lamportSend, replayExecution } from "../../clocks/mod.ts";

Deno.test("lamportSend: per destination by default, one stamp for a textbook multicast", () => {
  assert.deepEqual(lamportSend(3, 2), [4, 5]);
  assert.deepEqual(lamportSend(3, 2, "one-event"), [4, 4]);
  assert.deepEqual(lamportSend(0, 1, "one-event"), [1]);
  assert.deepEqual(lamportSend(7, 0), []);
});

Deno.test("replayExecution: a multicast counted once ticks the vector once", () => {
  const steps = [
    { node: "A", kind: "send", id: "m", to: ["B", "C"] },
    { node: "B", kind: "receive", id: "m" },
    { node: "C", kind: "receive", id: "m" },
  ] as const;
  const one = replayExecution(steps, "one-event");
  assert.deepEqual(one.map((e) => [e.node, e.lamport]), [["A", 1], ["B", 2], ["C", 2]]);
  assert.deepEqual(one[2]!.vector, { A: 1, C: 1 });
  const each = replayExecution(steps);
  assert.deepEqual(each.map((e) => [e.node, e.lamport]), [["A", 1], ["A", 2], ["B", 2], [
    "C",
    3,
  ]]);
  assert.deepEqual(each.at(-1)!.vector, { A: 2, C: 1 });
  assert.equal(classifyPairs(one).find((p) => p.a === "B receives m")!.ordering, "concurrent");
});

Deno.test("replayExecution: receiving a message never sent to the node throws", () => {
  assert.throws(
    () =>
      replayExecution([
        { node: "A", kind: "send", id: "m", to: ["B"] },
        { node: "C", kind: "receive", id: "m" },
      ]),
    /not sent to it/,
  );
});
