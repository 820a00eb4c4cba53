import assert from "node:assert/strict";
import fc from "fast-check";
import { SHIVIZ_REGEX, toShiViz } from "../../nodes/trace.ts";

const event = fc.record({
  time: fc.double({ min: 0, max: 1e6, noNaN: true }),
  kind: fc.constantFrom("send", "deliver", "drop", "role", "tick", "commit", "crash"),
  node: fc.constantFrom("n1", "n2", "n3"),
  peer: fc.option(fc.constantFrom("n1", "n2", "n3"), { nil: undefined }),
  body: fc.option(fc.jsonValue(), { nil: undefined }),
  data: fc.option(fc.jsonValue(), { nil: undefined }),
  vclock: fc.option(fc.dictionary(fc.constantFrom("n1", "n2", "n3"), fc.nat()), { nil: undefined }),
}, { requiredKeys: ["time", "kind", "node"] });

Deno.test("shiviz: the page's export (nodes/trace.ts toShiViz) writes two lines per shown event", () => {
  fc.assert(
    fc.property(fc.array(event, { maxLength: 30 }), (events) => {
      // Two lines per event with a vector clock (ticks left out).
      const out = toShiViz(events).trimEnd();
      const lines = out === "" ? 0 : out.split("\n").length;
      const shown = events.filter((e) => e.vclock !== undefined && e.kind !== "tick");
      assert.equal(lines, shown.length * 2);
    }),
    { seed: 42, numRuns: 300 },
  );
});

Deno.test("shiviz: ShiViz's parser regex reads every event back with its host and clock", () => {
  const log = toShiViz([
    { time: 1, kind: "send", node: "n1", peer: "n2", body: { type: "vote" }, vclock: { n1: 1 } },
    {
      time: 2,
      kind: "deliver",
      node: "n2",
      peer: "n1",
      body: { type: "vote" },
      vclock: { n1: 1, n2: 1 },
    },
    { time: 3, kind: "tick", node: "n2", vclock: { n2: 2 } },
    { time: 4, kind: "role", node: "n3" },
  ]);
  const re = new RegExp(SHIVIZ_REGEX, "g");
  const found = [...log.matchAll(re)].map((m) => [m.groups!.host, JSON.parse(m.groups!.clock!)]);
  assert.deepEqual(found, [["n1", { n1: 1 }], ["n2", { n1: 1, n2: 1 }]]);
  assert.match(log, /^send to n2 \{"type":"vote"\} @1\.000ms\n/);
});
