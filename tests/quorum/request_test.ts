import assert from "node:assert/strict";
import { quorumSizes, validateQuorumOp } from "../../protocols/quorum/request.ts";
import { parseQuorumOptions } from "../../protocols/quorum/options.ts";

const d = { r: 2, w: 2 };

Deno.test("consistency levels map to R and W; explicit r and w win", () => {
  assert.deepEqual(quorumSizes({}, 3, d), { r: 2, w: 2 });
  assert.deepEqual(quorumSizes({ consistency: "ONE" }, 3, d), { r: 1, w: 1 });
  assert.deepEqual(quorumSizes({ consistency: "QUORUM" }, 5, d), { r: 3, w: 3 });
  assert.deepEqual(quorumSizes({ consistency: "ALL" }, 3, d), { r: 3, w: 3 });
  assert.deepEqual(quorumSizes({ consistency: "ALL", r: 1 }, 3, d), { r: 1, w: 3 });
  assert.deepEqual(quorumSizes({ w: 3 }, 3, d), { r: 2, w: 3 });
});

Deno.test("a quorum larger than N is refused; defaults shrink with a small ring", () => {
  assert.deepEqual(quorumSizes({ r: 4 }, 3, d), { error: "r=4 exceeds N=3", field: "r" });
  assert.deepEqual(quorumSizes({}, 1, d), { r: 1, w: 1 });
});

Deno.test("requests are validated: KV shape, quorum fields, context, membership ops", () => {
  assert.equal(validateQuorumOp({ f: "read", key: "k", r: 1, consistency: "ALL" }), null);
  assert.equal(validateQuorumOp({ f: "write", key: "k", value: 1, context: { n1: 2 } }), null);
  assert.equal(validateQuorumOp({ f: "write", key: "k" }), "write needs a value");
  assert.equal(validateQuorumOp({ f: "read", key: "k", r: 0 }), "r must be a positive integer");
  assert.equal(
    validateQuorumOp({ f: "read", key: "k", consistency: "TWO" }),
    "consistency must be ONE, QUORUM or ALL",
  );
  assert.equal(
    validateQuorumOp({ f: "write", key: "k", value: 1, context: { n1: "x" } }),
    "context must be a vector clock",
  );
  assert.equal(validateQuorumOp({ f: "add-node", node: "n4" }), null);
  assert.equal(validateQuorumOp({ f: "remove-node" }), "remove-node needs a node id");
});

Deno.test("options have Dynamo's defaults and reject nonsense", () => {
  const o = parseQuorumOptions({});
  assert.deepEqual([o.n, o.r, o.w, o.sloppy, o.conflict], [3, 2, 2, true, "vclock"]);
  assert.throws(() => parseQuorumOptions({ r: 4 }), /r and w must be ≤ n/);
  assert.throws(() => parseQuorumOptions({ conflict: "newest" }), /conflict must be one of/);
  assert.throws(() => parseQuorumOptions({ sloppy: "yes" }), /sloppy must be true or false/);
  assert.equal(parseQuorumOptions({ antiEntropyMs: 0 }).antiEntropyMs, 0);
});
