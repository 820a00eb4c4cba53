import assert from "node:assert/strict";
import { HeldMessages } from "../../nodes/worker/held_messages.ts";
import type { WireDelivery } from "../../nodes/worker_protocol.ts";

const msg = (i: number): WireDelivery => ({ from: "n1", body: i, lamport: i, vclock: {} });

Deno.test("held messages: beyond the limit the oldest are dropped first, and take returns the rest in order", () => {
  const dropped: unknown[] = [];
  const held = new HeldMessages((d) => dropped.push(d.body));
  held.limit = 3;
  held.hold([1, 2, 3, 4, 5].map(msg));
  assert.deepEqual(dropped, [1, 2]);
  assert.deepEqual(held.take().map((d) => d.body), [3, 4, 5]);
  assert.equal(held.length, 0);
});

Deno.test("held messages: a report carries the count and the drops only when they changed", () => {
  const held = new HeldMessages(() => {});
  held.limit = 2;
  assert.equal(held.addTo(null), null, "nothing held, nothing to say");
  held.hold([1, 2, 3].map(msg));
  assert.deepEqual(held.addTo(null), {
    type: "links",
    counts: [],
    events: [],
    held: 2,
    heldDropped: 1,
  });
  const links = { type: "links" as const, counts: [["n1", "n2", "sent", 1] as const], events: [] };
  assert.equal(held.addTo(links), links, "unchanged: the report as it was");
  held.take();
  assert.equal(held.changed, true);
  assert.deepEqual(held.addTo(links), { ...links, held: 0, heldDropped: 0 });
});
