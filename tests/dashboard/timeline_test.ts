import assert from "node:assert/strict";
import fc from "fast-check";
import { faultPeriods, percentile, throughput } from "../../dashboard/timeline.ts";
// The page reads and pairs the history with the history library's own functions.
import { pairLiveOperations as pairOperations, toOperations } from "../../history/operations.ts";
import { readGrowingHistory as parseJsonl } from "../../history/jsonl.ts";
import type { HistoryEvent } from "../../history/event.ts";

/** Well-formed histories: each process alternates invoke and completion. */
const history = fc.array(
  fc.tuple(
    fc.nat(3),
    fc.constantFrom("ok", "fail", "info"),
    fc.constantFrom("read", "write"),
    fc.nat(5),
  ),
  { maxLength: 40 },
).map((steps) => {
  const open = new Set<number>();
  const out: HistoryEvent[] = [];
  let t = 0;
  for (const [p, type, f, v] of steps) {
    t += 7;
    if (open.has(p)) {
      open.delete(p);
      out.push({ process: p, type: type as "ok", f, key: "k", value: v, time: t });
    } else {
      open.add(p);
      out.push({ process: p, type: "invoke", f, key: "k", value: v, time: t });
    }
  }
  return out;
});

Deno.test("timeline: operations are paired exactly as the checker pairs them", () => {
  fc.assert(
    fc.property(history, (events) => {
      const ours = pairOperations(events).map(({ pending: _p, node: _n, ...o }) => o);
      assert.deepEqual(ours, toOperations(events));
    }),
    { seed: 42, numRuns: 300 },
  );
});

Deno.test("timeline: pairing never throws on a stray completion or a double invocation", () => {
  const ops = pairOperations([
    { process: 1, type: "ok", f: "read", time: 1 },
    { process: 2, type: "invoke", f: "write", key: "a", value: 1, time: 2 },
    { process: 2, type: "invoke", f: "write", key: "a", value: 2, time: 3 },
    { process: 2, type: "ok", f: "write", key: "a", value: 2, time: 4, node: "n2" },
  ]);
  assert.equal(ops.length, 2);
  assert.equal(ops[0]!.status, "info");
  assert.equal(ops[0]!.pending, false);
  assert.equal(ops[1]!.ret, 4);
  assert.equal(ops[1]!.node, "n2");
});

Deno.test("timeline: JSON Lines with a torn last line parse up to it", () => {
  const text = '{"process":0,"type":"invoke","f":"read","key":"x","time":1}\n{"process":0,"ty';
  assert.equal(parseJsonl(text).length, 1);
  assert.equal(parseJsonl("[1]\nnull\n\n").length, 0);
});

Deno.test("timeline: throughput counts completions per second per outcome, info at its call", () => {
  const ops = pairOperations([
    { process: 0, type: "invoke", f: "write", key: "x", value: 1, time: 100e6 },
    { process: 0, type: "ok", f: "write", key: "x", value: 1, time: 1200e6 },
    { process: 1, type: "invoke", f: "write", key: "x", value: 2, time: 300e6 },
    { process: 1, type: "info", f: "write", key: "x", value: 2, time: 2500e6 },
    { process: 2, type: "invoke", f: "read", key: "x", time: 1500e6 },
    { process: 2, type: "fail", f: "read", key: "x", time: 1600e6 },
    { process: 3, type: "invoke", f: "read", key: "x", time: 1700e6 },
  ]);
  const b = throughput(ops, 1000, 1000, 3000);
  assert.deepEqual(b, [
    { t: 1000, ok: 0, fail: 0, info: 1 },
    { t: 2000, ok: 1, fail: 1, info: 0 },
  ]);
});

Deno.test("timeline: fault periods run from a fault to its end, a removal or a heal", () => {
  const p = faultPeriods([
    { time: 10, kind: "crash", node: "n1" },
    {
      time: 15,
      kind: "fault",
      node: "*",
      data: { action: "partition", id: 1, groups: [["n1"], ["n2"]] },
    },
    {
      time: 16,
      kind: "fault",
      node: "*",
      data: { action: "link", id: 2, from: "*", to: "n2", drop: 0.25 },
    },
    { time: 17, kind: "fault", node: "n3", data: { action: "timeout" } },
    { time: 20, kind: "pause", node: "n2" },
    { time: 25, kind: "fault", node: "*", data: { action: "remove", id: 2 } },
    { time: 30, kind: "restart", node: "n1" },
    { time: 40, kind: "fault", node: "*", data: { action: "heal" } },
  ]);
  assert.deepEqual(p.map((x) => [x.label, x.start, x.end]), [
    ["crash n1", 10, 30],
    ["partition n1 | n2", 15, 40],
    ["* → n2 drop 25%", 16, 25],
    ["pause n2", 20, null],
  ]);
});

Deno.test("percentile: nearest rank", () => {
  assert.equal(percentile([], 0.5), 0);
  assert.equal(percentile([5], 0.99), 5);
  assert.equal(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9), 9);
});
