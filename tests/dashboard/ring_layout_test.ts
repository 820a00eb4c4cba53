import assert from "node:assert/strict";
import fc from "fast-check";
import {
  arcPath,
  blockGroups,
  cutLinks,
  groupPath,
  isBlocked,
  lerp,
  partitionGroups,
  ringPositions,
  ruleLabel,
  rulesFor,
} from "../../dashboard/ring_layout.ts";

const NODES = ["n1", "n2", "n3", "n4", "n5"];

Deno.test("ring: nodes sit on the circle, evenly, the first at the top", () => {
  const p = ringPositions(NODES, 100, 100, 50);
  assert.deepEqual(p.get("n1"), { x: 100, y: 50 });
  for (const { x, y } of p.values()) assert.ok(Math.abs(Math.hypot(x - 100, y - 100) - 50) < 0.05);
  assert.ok(p.get("n2")!.x > 100, "clockwise");
});

Deno.test("partition groups: the description's groups, unlisted nodes in one more", () => {
  assert.deepEqual(blockGroups({ id: 1, kind: "partition", description: "n1,n2 | n3" }, NODES), [
    ["n1", "n2"],
    ["n3"],
    ["n4", "n5"],
  ]);
  assert.equal(blockGroups({ id: 2, kind: "cut", description: "n1 -> n2" }, NODES), null);
  assert.deepEqual(partitionGroups([], NODES), [NODES]);
});

Deno.test("partition groups: blocks refine each other; every node is in exactly one group", () => {
  const block = fc.oneof(
    fc.subarray(NODES, { minLength: 1 }).map((g) => ({
      id: 1,
      kind: "partition",
      description: g.join(","),
    })),
    fc.constantFrom(...NODES).map((n) => ({ id: 2, kind: "isolate", description: n })),
  );
  fc.assert(
    fc.property(fc.array(block, { maxLength: 3 }), (blocks) => {
      const groups = partitionGroups(blocks, NODES);
      assert.deepEqual(groups.flat().sort(), [...NODES].sort());
      for (const a of NODES) {
        for (const b of NODES) {
          const together = groups.some((g) => g.includes(a) && g.includes(b));
          const split = blocks.some((bl) => {
            const gs = blockGroups(bl, NODES)!;
            return gs.findIndex((g) => g.includes(a)) !== gs.findIndex((g) => g.includes(b));
          });
          assert.equal(together, !split, `${a} ${b}`);
        }
      }
    }),
    { seed: 42, numRuns: 200 },
  );
});

Deno.test("links: blocked across groups and along one-way cuts only", () => {
  const groups = partitionGroups([{ id: 1, kind: "isolate", description: "n3" }], NODES);
  const cuts = cutLinks([{ id: 2, kind: "cut", description: "n1 -> n2" }, {
    id: 3,
    kind: "bridge",
    description: "x",
  }]);
  assert.deepEqual(cuts, [["n1", "n2"]]);
  assert.equal(isBlocked("n3", "n1", groups, cuts), true);
  assert.equal(isBlocked("n1", "n2", groups, cuts), true);
  assert.equal(isBlocked("n2", "n1", groups, cuts), false);
});

Deno.test("link rules: which apply to a link, and how they read", () => {
  const rules = [
    { id: 1, from: "*", to: "*", drop: 0.1 },
    { id: 2, from: "n1", to: "n2", delay: { kind: "uniform", min: 20, max: 80 }, duplicate: 0.05 },
  ];
  assert.deepEqual(rulesFor("n1", "n2", rules).map((r) => r.id), [1, 2]);
  assert.deepEqual(rulesFor("n2", "n1", rules).map((r) => r.id), [1]);
  assert.equal(ruleLabel(rules[1]!), "delay 20..80ms · dup 5%");
  assert.equal(
    ruleLabel({ id: 3, from: "*", to: "*", delay: { kind: "normal", mean: 50, jitter: 10 } }),
    "delay 50±10ms",
  );
});

Deno.test("shapes: group outlines, interpolation and countdown arcs", () => {
  assert.equal(groupPath([]), "");
  assert.equal(groupPath([{ x: 1, y: 2 }]), "M1 2l0 0.01");
  assert.equal(groupPath([{ x: 0, y: 0 }, { x: 10, y: 0 }, { x: 5, y: 5 }]), "M0 0L10 0L5 5Z");
  assert.deepEqual(lerp({ x: 0, y: 0 }, { x: 10, y: 20 }, 0.25), { x: 2.5, y: 5 });
  assert.equal(arcPath({ x: 0, y: 0 }, 10, 0), "");
  assert.equal(arcPath({ x: 0, y: 0 }, 10, 0.25), "M0 -10A10 10 0 0 1 10 0");
  assert.match(arcPath({ x: 0, y: 0 }, 10, 0.75), /A10 10 0 1 1 /, "past half: the large arc");
  assert.ok(arcPath({ x: 0, y: 0 }, 10, 2).length > 0, "a full timer is drawn (not a zero arc)");
});
