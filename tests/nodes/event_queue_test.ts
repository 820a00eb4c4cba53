import assert from "node:assert/strict";
import fc from "fast-check";
import { EventQueue } from "../../nodes/event_queue.ts";

Deno.test("the event queue pops by time, then by sequence, across pushes and pops mixed", () => {
  fc.assert(
    fc.property(
      fc.array(fc.oneof(fc.integer({ min: 0, max: 50 }), fc.constant(-1)), { maxLength: 3000 }),
      (ops) => {
        const q = new EventQueue<{ time: number; seq: number }>();
        const model: { time: number; seq: number }[] = [];
        let seq = 0;
        for (const op of ops) {
          if (op === -1) {
            model.sort((a, b) => a.time - b.time || a.seq - b.seq);
            assert.equal(q.peek(), model[0]);
            assert.equal(q.pop(), model.shift());
          } else {
            const e = { time: op / 4, seq: seq++ };
            q.push(e);
            model.push(e);
          }
          assert.equal(q.size, model.length);
        }
        model.sort((a, b) => a.time - b.time || a.seq - b.seq);
        for (const e of model) assert.equal(q.pop(), e);
        assert.equal(q.pop(), undefined);
        assert.equal(q.peek(), undefined);
      },
    ),
    { numRuns: 60 },
  );
});

Deno.test("the event queue grows past its first capacity and keeps its order", () => {
  const q = new EventQueue<{ time: number; seq: number }>();
  const n = 5000;
  // Times in a scrambled order, with ties broken by sequence.
  for (let i = 0; i < n; i++) q.push({ time: (i * 7919) % 1000, seq: i });
  let last = { time: -1, seq: -1 };
  for (let i = 0; i < n; i++) {
    const e = q.pop()!;
    assert.ok(e.time > last.time || (e.time === last.time && e.seq > last.seq));
    last = e;
  }
  assert.equal(q.size, 0);
});

Deno.test("the event queue lists every queued event, whatever was pushed and popped", () => {
  fc.assert(
    fc.property(
      fc.array(fc.oneof(fc.integer({ min: 0, max: 50 }), fc.constant(-1)), { maxLength: 500 }),
      (ops) => {
        const q = new EventQueue<{ time: number; seq: number }>();
        let seq = 0;
        const held = new Set<{ time: number; seq: number }>();
        for (const op of ops) {
          if (op === -1) {
            const e = q.pop();
            if (e !== undefined) held.delete(e);
          } else {
            const e = { time: op, seq: seq++ };
            q.push(e);
            held.add(e);
          }
        }
        const listed = [...q.values()];
        assert.equal(listed.length, held.size);
        assert.deepEqual(new Set(listed), held);
      },
    ),
    { numRuns: 60 },
  );
});
