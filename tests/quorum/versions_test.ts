import assert from "node:assert/strict";
import fc from "fast-check";
import {
  contextOf,
  dumpValue,
  mergeVersions,
  readValue,
  type Version,
  versionsKey,
  writeClock,
} from "../../protocols/quorum/versions.ts";
import type { ConflictMode } from "../../protocols/quorum/options.ts";

const v = (value: unknown, clock: Record<string, number>, time = 0, node = "n1"): Version => ({
  value,
  clock,
  time,
  node,
});

// Versions as distinct writes: each clock is unique, as a coordinator's counter makes it.
const versionsArb = fc.uniqueArray(
  fc.record({
    n1: fc.integer({ min: 0, max: 3 }),
    n2: fc.integer({ min: 0, max: 3 }),
    n3: fc.integer({ min: 0, max: 3 }),
    time: fc.integer({ min: 0, max: 5 }),
    value: fc.integer({ min: 0, max: 3 }),
  }),
  { selector: (r) => `${r.n1}.${r.n2}.${r.n3}`, maxLength: 6 },
).map((rs) =>
  rs.map((r) => {
    const clock: Record<string, number> = {};
    for (const k of ["n1", "n2", "n3"] as const) if (r[k] > 0) clock[k] = r[k];
    // The value is a function of the clock: one write, one value.
    return v(`${r.value}@${r.n1}.${r.n2}.${r.n3}`, clock, r.time, `n${1 + (r.n1 % 3)}`);
  })
);

const split = fc.tuple(versionsArb, fc.array(fc.nat(2), { maxLength: 6 })).map(([vs, picks]) => {
  const parts: Version[][] = [[], [], []];
  vs.forEach((x, i) => parts[picks[i] ?? 0]!.push(x));
  return parts;
});

for (const mode of ["vclock", "lww"] as const satisfies readonly ConflictMode[]) {
  Deno.test(`${mode} merge is commutative, associative and idempotent (replicas converge)`, () => {
    const m = (a: Version[], b: Version[]) => mergeVersions(a, b, mode).versions;
    fc.assert(
      fc.property(split, ([a, b, c]) => {
        assert.equal(versionsKey(m(a!, b!)), versionsKey(m(b!, a!)));
        assert.equal(versionsKey(m(m(a!, b!), c!)), versionsKey(m(a!, m(b!, c!))));
        assert.equal(versionsKey(m(m(a!, b!), m(a!, b!))), versionsKey(m(a!, b!)));
      }),
      { seed: 42, numRuns: 300 },
    );
  });
}

Deno.test("vclock merge keeps exactly the versions no other version follows", () => {
  fc.assert(
    fc.property(versionsArb, (vs) => {
      const kept = mergeVersions([], vs, "vclock").versions;
      for (const x of vs) {
        const dominated = vs.some((y) =>
          y !== x && Object.keys(x.clock).every((k) => x.clock[k]! <= (y.clock[k] ?? 0)) &&
          Object.keys(y.clock).some((k) => y.clock[k]! > (x.clock[k] ?? 0))
        );
        assert.equal(kept.includes(x), !dominated);
      }
    }),
    { seed: 42, numRuns: 300 },
  );
});

Deno.test("concurrent writes become siblings; a write with their context supersedes both", () => {
  const a = v("a", { n1: 1 });
  const b = v("b", { n2: 1 });
  const both = mergeVersions([a], [b], "vclock").versions;
  assert.equal(both.length, 2);
  assert.deepEqual(readValue(both), { siblings: ["a", "b"], context: { n1: 1, n2: 1 } });
  const c = v("c", writeClock(contextOf(both), "n3", 0));
  assert.deepEqual(c.clock, { n1: 1, n2: 1, n3: 1 });
  assert.deepEqual(mergeVersions(both, [c], "vclock").versions, [c]);
});

Deno.test("lww keeps one of two concurrent writes and reports the other as lost", () => {
  const a = v("a", { n1: 1 }, 10, "n1");
  const b = v("b", { n2: 1 }, 12, "n2");
  const r = mergeVersions([a], [b], "lww");
  assert.deepEqual(r.versions, [b]);
  assert.deepEqual(r.lost, [a]);
  // A causally older version is superseded, not lost.
  const c = v("c", { n1: 1, n2: 1, n3: 1 }, 20, "n3");
  assert.deepEqual(mergeVersions(r.versions, [c], "lww").lost, []);
  // With a skewed clock the causally later write loses: lww drops it.
  const late = v("late", { n1: 1, n2: 1, n3: 2 }, 5, "n3");
  const skew = mergeVersions([c], [late], "lww");
  assert.deepEqual(skew.versions, [c]);
  assert.deepEqual(skew.lost, [late]);
});

Deno.test("writeClock never reuses a counter of its coordinator", () => {
  assert.deepEqual(writeClock({}, "n1", 0), { n1: 1 });
  assert.deepEqual(writeClock({ n1: 2, n2: 5 }, "n1", 7), { n1: 8, n2: 5 });
  assert.deepEqual(writeClock({ n1: 9 }, "n1", 7), { n1: 10 });
});

Deno.test("read and dump shapes: null, one value, siblings; tombstones read as null", () => {
  assert.equal(readValue([]), null);
  assert.equal(readValue([v("x", { n1: 1 })]), "x");
  const t = { ...v(null, { n1: 2 }), deleted: true };
  assert.equal(readValue([t]), null);
  assert.equal(dumpValue([t]), undefined);
  assert.equal(dumpValue([]), undefined);
  const sib = [v("x", { n2: 1 }), t];
  assert.deepEqual(readValue(sib), { siblings: ["x", null], context: { n1: 2, n2: 1 } });
  assert.deepEqual(dumpValue(sib), { siblings: ["x", null] }); // sorted by JSON text
  // The dump does not depend on the order the siblings are held in.
  assert.deepEqual(dumpValue([...sib].reverse()), dumpValue(sib));
});
