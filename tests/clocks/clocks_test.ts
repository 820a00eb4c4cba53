import assert from "node:assert/strict";
import fc from "fast-check";
import {
  lamportReceive,
  lamportTick,
  type VectorClock,
  vectorCompare,
  vectorMerge,
  vectorReceive,
  vectorTick,
} from "../../clocks/mod.ts";

/** A random execution: each step is a local event, a send, or the receipt of a sent message. */
type Step = { p: number; kind: "local" } | { p: number; kind: "send" } | {
  p: number;
  kind: "recv";
  pick: number;
};

interface Ev {
  lamport: number;
  vector: VectorClock;
  preds: number[]; // direct happens-before predecessors
}

function execute(procs: number, steps: Step[]): Ev[] {
  const evs: Ev[] = [];
  const lastOf: (number | undefined)[] = Array(procs).fill(undefined);
  const lam: number[] = Array(procs).fill(0);
  const vec: VectorClock[] = Array.from({ length: procs }, () => ({}));
  const inFlight: { to: number; sendEv: number }[] = [];
  for (const s of steps) {
    const name = `p${s.p}`;
    const preds = lastOf[s.p] === undefined ? [] : [lastOf[s.p]!];
    if (s.kind === "recv") {
      const mine = inFlight.filter((m) => m.to === s.p);
      if (mine.length === 0) continue;
      const m = mine[s.pick % mine.length]!;
      inFlight.splice(inFlight.indexOf(m), 1);
      const sent = evs[m.sendEv]!;
      lam[s.p] = lamportReceive(lam[s.p]!, sent.lamport);
      vec[s.p] = vectorReceive(vec[s.p]!, sent.vector, name);
      preds.push(m.sendEv);
    } else {
      lam[s.p] = lamportTick(lam[s.p]!);
      vec[s.p] = vectorTick(vec[s.p]!, name);
    }
    evs.push({ lamport: lam[s.p]!, vector: vec[s.p]!, preds });
    lastOf[s.p] = evs.length - 1;
    if (s.kind === "send") {
      inFlight.push({ to: (s.p + 1 + (evs.length % (procs - 1))) % procs, sendEv: evs.length - 1 });
    }
  }
  return evs;
}

/** Ground truth happens-before by graph reachability. */
function happensBefore(evs: Ev[]): boolean[][] {
  const hb = evs.map(() => evs.map(() => false));
  evs.forEach((e, j) => {
    for (const p of e.preds) {
      hb[p]![j] = true;
      for (let i = 0; i < j; i++) if (hb[i]![p]) hb[i]![j] = true;
    }
  });
  return hb;
}

const stepArb = (procs: number) =>
  fc.oneof(
    fc.record({ p: fc.nat(procs - 1), kind: fc.constant("local" as const) }),
    fc.record({ p: fc.nat(procs - 1), kind: fc.constant("send" as const) }),
    fc.record({ p: fc.nat(procs - 1), kind: fc.constant("recv" as const), pick: fc.nat(10) }),
  );

const executionArb = fc.integer({ min: 2, max: 5 }).chain((procs) =>
  fc.tuple(fc.constant(procs), fc.array(stepArb(procs), { minLength: 1, maxLength: 60 }))
);

Deno.test("happens-before implies a smaller Lamport time", () => {
  fc.assert(
    fc.property(executionArb, ([procs, steps]) => {
      const evs = execute(procs, steps);
      const hb = happensBefore(evs);
      for (let i = 0; i < evs.length; i++) {
        for (let j = 0; j < evs.length; j++) {
          if (hb[i]![j]) assert.ok(evs[i]!.lamport < evs[j]!.lamport);
        }
      }
    }),
    { seed: 42, numRuns: 200 },
  );
});

Deno.test("vector clocks classify happens-before and concurrency exactly", () => {
  fc.assert(
    fc.property(executionArb, ([procs, steps]) => {
      const evs = execute(procs, steps);
      const hb = happensBefore(evs);
      for (let i = 0; i < evs.length; i++) {
        for (let j = 0; j < evs.length; j++) {
          const expected = i === j
            ? "equal"
            : hb[i]![j]
            ? "before"
            : hb[j]![i]
            ? "after"
            : "concurrent";
          assert.equal(vectorCompare(evs[i]!.vector, evs[j]!.vector), expected);
        }
      }
    }),
    { seed: 7, numRuns: 200 },
  );
});

Deno.test("Lamport order does not imply happens-before; vector clocks tell the difference", () => {
  // p1 does one event, p2 does two, with no messages: all concurrent.
  const a = { lamport: lamportTick(0), vector: vectorTick({}, "p1") };
  const b1 = { lamport: lamportTick(0), vector: vectorTick({}, "p2") };
  const b2 = { lamport: lamportTick(b1.lamport), vector: vectorTick(b1.vector, "p2") };
  assert.ok(a.lamport < b2.lamport);
  assert.equal(vectorCompare(a.vector, b2.vector), "concurrent");
  assert.equal(vectorCompare(b1.vector, b2.vector), "before");
});

Deno.test("vector merge takes the entrywise maximum and treats missing entries as zero", () => {
  assert.deepEqual(vectorMerge({ a: 3, b: 1 }, { b: 4, c: 2 }), { a: 3, b: 4, c: 2 });
  assert.equal(vectorCompare({ a: 1, b: 0 }, { a: 1 }), "equal");
});
