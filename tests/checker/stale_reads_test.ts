import assert from "node:assert/strict";
import type { HistoryEvent } from "../../history/event.ts";
import { findStaleReads } from "../../checker/stale_reads.ts";

/** A history from [process, f, value-in, start, end, type, value-out] rows, key "x". */
function history(
  rows: readonly (readonly [
    number,
    string,
    unknown,
    number,
    number,
    "ok" | "fail" | "info",
    unknown?,
  ])[],
): HistoryEvent[] {
  const events: (HistoryEvent & { order: number })[] = [];
  rows.forEach(([process, f, input, start, end, type, output], i) => {
    events.push({ process, type: "invoke", f, key: "x", value: input, time: start, order: i });
    events.push({
      process,
      type,
      f,
      key: "x",
      value: f === "read" ? output : input,
      time: end,
      order: i,
    });
  });
  return events.sort((a, b) => a.time - b.time || a.order - b.order)
    .map(({ order: _, ...e }) => e);
}

Deno.test("a read after an acknowledged write that returns the old value is stale", () => {
  const r = findStaleReads(history([
    [0, "write", 1, 0, 10, "ok"],
    [1, "read", undefined, 20, 30, "ok", null],
  ]));
  assert.equal(r.stale.length, 1);
  assert.deepEqual(r.stale[0]!.missed, { process: 0, value: 1, invokedNs: 0, completedNs: 10 });
  assert.deepEqual(r.stale[0]!.returned, [null]);
});

Deno.test("a read concurrent with the write may return either value", () => {
  const r = findStaleReads(history([
    [0, "write", 1, 0, 10, "ok"],
    [1, "read", undefined, 5, 30, "ok", null],
    [2, "read", undefined, 6, 30, "ok", 1],
  ]));
  assert.deepEqual(r.stale, []);
  assert.equal(r.checked, 2);
});

Deno.test("new-then-old reads during one write are not stale (not linearizable, still fine)", () => {
  const r = findStaleReads(history([
    [0, "write", 1, 0, 10, "ok"],
    [0, "write", 2, 20, 100, "ok"],
    [1, "read", undefined, 30, 40, "ok", 2],
    [2, "read", undefined, 50, 60, "ok", 1],
  ]));
  assert.deepEqual(r.stale, []);
});

Deno.test("a value from a write that overlapped the missed write is not older than it", () => {
  const r = findStaleReads(history([
    [0, "write", 1, 0, 50, "ok"],
    [1, "write", 2, 10, 20, "ok"],
    [2, "read", undefined, 60, 70, "ok", 1],
  ]));
  assert.deepEqual(r.stale, []);
});

Deno.test("siblings are stale only when every one of them is older", () => {
  const base = [
    [0, "write", 1, 0, 10, "ok"],
    [1, "write", 2, 0, 10, "ok"],
    [0, "write", 3, 20, 30, "ok"],
  ] as const;
  const fresh = findStaleReads(history([
    ...base,
    [2, "read", undefined, 40, 50, "ok", { siblings: [1, 3], context: {} }],
  ]));
  assert.deepEqual(fresh.stale, []);
  const old = findStaleReads(history([
    ...base,
    [2, "read", undefined, 40, 50, "ok", { siblings: [1, 2], context: {} }],
  ]));
  assert.equal(old.stale.length, 1);
  assert.equal(old.stale[0]!.missed.value, 3);
});

Deno.test("an indefinite write may land any time, so its value is never older", () => {
  const r = findStaleReads(history([
    [0, "write", 1, 0, 10, "info"],
    [1, "write", 2, 20, 30, "ok"],
    [2, "read", undefined, 40, 50, "ok", 1],
  ]));
  assert.deepEqual(r.stale, []);
});

Deno.test("cas writes its new value and delete writes null; failed operations write nothing", () => {
  const r = findStaleReads(history([
    [0, "cas", [null, 5], 0, 10, "ok"],
    [1, "write", 6, 20, 30, "fail"],
    [2, "read", undefined, 40, 50, "ok", 5],
    [0, "delete", undefined, 60, 70, "ok"],
    [2, "read", undefined, 80, 90, "ok", 5],
    [2, "read", undefined, 100, 110, "ok", 7],
  ]));
  assert.equal(r.reads, 3);
  assert.equal(r.unexplained, 1); // nobody wrote 7
  assert.equal(r.stale.length, 1);
  assert.equal(r.stale[0]!.missed.value, null);
});
