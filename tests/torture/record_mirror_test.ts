import assert from "node:assert/strict";
import { recordMirror } from "../../torture/txn/harness.ts";
import { Simulation } from "../../nodes/simulator.ts";
import { twoPhaseCommit } from "../../protocols/txn/two_phase_commit.ts";

function sim() {
  return new Simulation({ protocol: twoPhaseCommit, nodes: 4, seed: 1 });
}

Deno.test("a record mirror returns each changed record of its prefixes with before and after", () => {
  const s = sim();
  const disk = s.disk("n2");
  disk.set("res/stock/item-1", 5);
  const m = recordMirror(s, "n2", ["txn/", "res/"]);
  assert.equal(m.records("res/").get("stock/item-1"), 5); // a full read to start
  const rec = { state: "prepared" };
  disk.set("txn/o1", rec);
  disk.set("res/stock/item-1", 4);
  disk.set("other/key", 1); // not a mirrored prefix
  disk.delete("res/stock/item-1");
  assert.deepEqual(m.poll(), {
    changes: [
      { prefix: "txn/", id: "o1", before: undefined, after: rec },
      { prefix: "res/", id: "stock/item-1", before: 5, after: undefined },
    ],
    reset: false,
  });
  assert.equal(m.records("res/").has("stock/item-1"), false);
  disk.set("txn/o1", rec); // the same record again: no change
  assert.deepEqual(m.poll(), { changes: [], reset: false });
});

Deno.test("after a crash the mirror re-reads everything and returns the difference", () => {
  const s = sim();
  const disk = s.disk("n3");
  const m = recordMirror(s, "n3", ["txn/"]);
  disk.set("txn/o1", "synced");
  disk.sync();
  m.poll();
  disk.set("txn/o1", "lost");
  disk.set("txn/o2", "lost");
  m.poll();
  s.crash("n3");
  assert.deepEqual(m.poll(), {
    changes: [
      { prefix: "txn/", id: "o1", before: "lost", after: "synced" },
      { prefix: "txn/", id: "o2", before: "lost", after: undefined },
    ],
    reset: true,
  });
  assert.deepEqual([...m.records("txn/")], [["o1", "synced"]]);
});
