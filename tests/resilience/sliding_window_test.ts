import assert from "node:assert/strict";
import fc from "fast-check";
import { countWindow, timeWindow } from "../../resilience/sliding_window.ts";

const outcome = fc.record({ failed: fc.boolean(), slow: fc.boolean() });

Deno.test("property: a count window's totals equal those of its last `size` calls", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 12 }),
      fc.array(outcome, { maxLength: 60, size: "max" }),
      (size, xs) => {
        const w = countWindow(size);
        xs.forEach((x, i) => {
          w.record(0, x.failed, x.slow);
          const last = xs.slice(Math.max(0, i + 1 - size), i + 1);
          assert.deepEqual(w.totals(0), {
            calls: last.length,
            failures: last.filter((o) => o.failed).length,
            slow: last.filter((o) => o.slow).length,
          });
        });
      },
    ),
    { seed: 42, numRuns: 300 },
  );
});

Deno.test("property: a time window holds exactly the calls of the current and previous N−1 seconds", () => {
  const step = fc.record({
    gap: fc.integer({ min: 0, max: 2500 }),
    failed: fc.boolean(),
    slow: fc.boolean(),
  });
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 6 }),
      fc.array(step, { maxLength: 60, size: "max" }),
      (seconds, steps) => {
        const w = timeWindow(seconds);
        const seen: { t: number; failed: boolean; slow: boolean }[] = [];
        let t = 0;
        for (const s of steps) {
          t += s.gap;
          w.record(t, s.failed, s.slow);
          seen.push({ t, failed: s.failed, slow: s.slow });
          const probe = t + s.gap; // also read at a later instant, without recording
          for (const at of [t, probe]) {
            const now = Math.floor(at / 1000);
            const inside = seen.filter((o) => Math.floor(o.t / 1000) > now - seconds);
            assert.deepEqual(w.totals(at), {
              calls: inside.length,
              failures: inside.filter((o) => o.failed).length,
              slow: inside.filter((o) => o.slow).length,
            });
          }
          // Reading ahead moved the window; later records stay in order so that is safe.
          t = probe;
        }
      },
    ),
    { seed: 42, numRuns: 300 },
  );
});

Deno.test("clear empties a window and bad sizes are refused", () => {
  const c = countWindow(3);
  c.record(0, true, true);
  c.clear();
  assert.deepEqual(c.totals(0), { calls: 0, failures: 0, slow: 0 });
  const t = timeWindow(3);
  t.record(5000, true, false);
  t.clear();
  assert.deepEqual(t.totals(5000), { calls: 0, failures: 0, slow: 0 });
  assert.throws(() => countWindow(0), RangeError);
  assert.throws(() => timeWindow(1.5), RangeError);
});
