/**
 * Heartbeat and the quorum node's peer monitor find a peer's slot by the number in its
 * id: that must answer exactly as a map from id to position would.
 */

import assert from "node:assert/strict";
import fc from "fast-check";
import { nodeNumber, positionsOf } from "../../protocols/node_order.ts";

Deno.test("nodeNumber: `n` and a number without a leading zero; anything else is −1", () => {
  assert.deepEqual(
    ["n0", "n7", "n12", "n999999999", "n01", "n", "m1", "n1a", "n-1", "n1234567890", "N1"]
      .map(nodeNumber),
    [0, 7, 12, 999999999, -1, -1, -1, -1, -1, -1, -1],
  );
});

Deno.test("positionsOf answers as a map from id to its last position", () => {
  const id = fc.oneof(
    fc.nat(80).map((k) => `n${k}`),
    fc.constantFrom("n01", "n65536", "n70000", "a", "db-1", "n"),
  );
  fc.assert(
    fc.property(fc.array(id, { maxLength: 30 }), fc.array(id, { maxLength: 30 }), (ids, asks) => {
      const at = positionsOf(ids);
      const map = new Map(ids.map((x, i) => [x, i]));
      for (const x of [...ids, ...asks]) assert.equal(at(x), map.get(x) ?? -1, x);
    }),
  );
});
