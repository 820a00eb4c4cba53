import assert from "node:assert/strict";
import { placementOf, placementText } from "../../dashboard/key_placement.ts";
import type { RingShape } from "../../http/api_schemas.ts";

const ring = (key?: RingShape["key"]): RingShape => ({
  source: "n1",
  epoch: 1,
  members: ["n1", "n2", "n3", "n4"],
  converged: true,
  n: 3,
  r: 2,
  w: 2,
  vnodes: 8,
  nodes: [],
  ...(key === undefined ? {} : { key }),
});

Deno.test("key placement: ranks from the preference list, versions and hints from the holders", () => {
  const v = { clock: { n2: 1 }, value: 1 };
  const p = placementOf(ring({
    key: "x",
    hash: 42,
    token: { token: 50, node: "n2" },
    preferenceList: ["n2", "n3", "n4"],
    holders: [
      { node: "n2", rank: 1, up: true, known: true, versions: [v], hints: {} },
      { node: "n3", rank: 2, up: true, known: true, versions: [v, v], hints: {} },
      { node: "n4", rank: 3, up: false, known: false, versions: [], hints: {} },
      { node: "n1", rank: null, up: true, known: true, versions: [], hints: { n4: [v], n3: [] } },
    ],
  }))!;
  assert.deepEqual([...p.replicas], [["n2", 1], ["n3", 2], ["n4", 3]]);
  assert.deepEqual([...p.versions], [["n2", 1], ["n3", 2]]);
  assert.deepEqual([...p.hints], [["n1", ["n4"]]], "an empty hint list is no hint");
  assert.equal(
    placementText(p),
    "x: preference list n2, n3, n4 · versions on n2, n3 · hint on n1 for n4",
  );
  assert.equal(placementOf(ring()), null, "no key asked: no placement");
});
