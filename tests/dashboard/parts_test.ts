import assert from "node:assert/strict";
import { EventLog } from "../../dashboard/event_log.ts";
import { FrameStats } from "../../dashboard/frame_stats.ts";

Deno.test("frame stats: percentiles over the latest frames only", () => {
  const s = new FrameStats(10);
  assert.deepEqual(s.summary(), { frames: 0, p50: 0, p95: 0, max: 0, mean: 0 });
  for (let i = 1; i <= 10; i++) s.add(100); // pushed out below
  for (let i = 1; i <= 10; i++) s.add(i);
  assert.deepEqual(s.summary(), { frames: 10, p50: 5, p95: 10, max: 10, mean: 5.5 });
  assert.equal(s.total, 20);
  s.reset();
  assert.equal(s.summary().frames, 0);
});

Deno.test("event log: keeps the latest events, oldest first", () => {
  const log = new EventLog(4);
  for (let t = 0; t < 11; t++) log.push({ time: t, kind: "x", node: "n1" });
  assert.deepEqual(log.events().map((e) => e.time), [7, 8, 9, 10]);
  assert.equal(log.size, 4);
});
