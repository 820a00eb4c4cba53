import assert from "node:assert/strict";
import {
  nearestPoint,
  SPACETIME_CLASSES,
  spacetimeLayout,
  spacetimeSvg,
} from "../../dashboard/spacetime.ts";
import type { MessageRecord } from "../../dashboard/message_matcher.ts";

const msg = (over: Partial<MessageRecord>): MessageRecord => ({
  id: 1,
  from: "n1",
  to: "n3",
  type: "append",
  body: {},
  sendTime: 10,
  status: "delivered",
  duplicate: false,
  endTime: 30,
  ...over,
});

const input = {
  nodes: ["n1", "n2", "n3"],
  from: 0,
  to: 100,
  width: 444, // 44 px of labels, 8 px of margin: 392 px for 100 ms
  height: 138,
};

Deno.test("space-time: one line per node, a delivered message an arrow from send to delivery", () => {
  const l = spacetimeLayout({
    ...input,
    events: [],
    messages: [
      msg({ sendLamport: 4, sendVclock: { n1: 4 }, endLamport: 9, endVclock: { n1: 4, n3: 9 } }),
    ],
  });
  assert.deepEqual(l.rows.map((r) => r.id), ["n1", "n2", "n3"]);
  const [y1, , y3] = l.rows.map((r) => r.y);
  const x = (t: number) => Math.round((44 + (t / 100) * 392) * 10) / 10;
  assert.equal(l.paths["st-delivered"], `M${x(10)} ${y1}L${x(30)} ${y3}`);
  assert.ok(l.paths["st-head"]!.length > 0);
  assert.equal(l.messages, 1);
  const send = nearestPoint(l.points, x(10), y1!, 3)!;
  assert.match(send.text, /append n1 → n3\nsent at 10\.0 ms\nLamport 4\nvector \{"n1":4\}/);
  const recv = nearestPoint(l.points, x(30), y3!, 3)!;
  assert.match(recv.text, /delivered at 30\.0 ms\nLamport 9\nvector \{"n1":4,"n3":9\}/);
  assert.equal(nearestPoint(l.points, 0, 0, 3), null);
});

Deno.test("space-time: drops end in a cross, duplicates and messages in flight are drawn apart", () => {
  const l = spacetimeLayout({
    ...input,
    events: [],
    messages: [
      msg({ id: 1, status: "dropped", endTime: 10, reason: "partition" }),
      msg({ id: 2, duplicate: true }),
      msg({ id: 3, status: "flight", endTime: undefined }),
      msg({ id: 4, sendTime: 200, endTime: 210 }), // outside the window
      msg({ id: 5, from: "n9" }), // not a node shown
    ],
  });
  assert.equal(l.messages, 3);
  assert.ok(l.paths["st-dropped"]!.startsWith("M"));
  assert.ok(l.paths["st-drop-mark"]!.length > 0);
  assert.ok(l.paths["st-duplicate"]!.startsWith("M"));
  assert.ok(l.paths["st-flight"]!.startsWith("M"));
  assert.equal(l.paths["st-delivered"], "");
  assert.ok(l.points.some((p) => p.text.includes("dropped at 10.0 ms (partition)")));
});

Deno.test("space-time: at most maxMessages, the latest ones", () => {
  const messages = Array.from(
    { length: 50 },
    (_, i) => msg({ id: i, sendTime: i, endTime: i + 1 }),
  );
  const l = spacetimeLayout({ ...input, events: [], messages, maxMessages: 10 });
  assert.equal(l.messages, 10);
  assert.ok(l.points.every((p) => !p.text.includes("sent at 5.0 ms")));
});

Deno.test("space-time: node events are marks with their clocks; the API's faults are lines", () => {
  const l = spacetimeLayout({
    ...input,
    messages: [],
    events: [
      { time: 20, kind: "election", node: "n2", data: { term: 3 }, lamport: 5, vclock: { n2: 5 } },
      { time: 30, kind: "role", node: "n2", data: { role: "leader", term: 3 } },
      { time: 40, kind: "commit", node: "n1", data: { index: 2 } },
      { time: 50, kind: "crash", node: "n3" },
      { time: 55, kind: "vote", node: "n1", data: { granted: false } },
      {
        time: 60,
        kind: "fault",
        node: "*",
        data: { action: "partition", groups: [["n1"], ["n2", "n3"]] },
      },
      { time: 500, kind: "crash", node: "n1" },
    ],
  });
  for (const c of ["st-election", "st-leader", "st-commit", "st-crash"]) {
    assert.ok(l.paths[c]!.length > 0, c);
  }
  assert.equal(l.paths["st-vote"], "", "refused votes are not marked");
  assert.deepEqual(l.faults.map((f) => f.label), ["partition n1|n2,n3"]);
  assert.ok(
    l.points.some((p) =>
      /election at n2 .*\nat 20\.0 ms\nLamport 5\nvector \{"n2":5\}/.test(p.text)
    ),
  );
  assert.ok(l.ticks.length >= 3);
});

Deno.test("space-time export: a standalone SVG with every path and its styles", () => {
  const l = spacetimeLayout({
    ...input,
    events: [],
    messages: [msg({ status: "dropped" }), msg({ id: 2 })],
  });
  const svg = spacetimeSvg(l);
  assert.ok(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'));
  assert.ok(svg.trimEnd().endsWith("</svg>"));
  assert.match(svg, /<style>.*\.st-delivered\{/);
  assert.match(svg, /<path class="st-delivered" d="M/);
  assert.match(svg, /<path class="st-dropped" d="M/);
  assert.match(svg, />n2<\/text>/);
  for (const c of SPACETIME_CLASSES) assert.ok(svg.includes(`.${c}{`), `style for ${c}`);
});
