import assert from "node:assert/strict";
import fc from "fast-check";
import {
  applyItemEvent,
  decideItem,
  EMPTY_ITEM,
  type ItemCommand,
  parseItemCommand,
} from "../../protocols/eventsourcing/inventory.ts";
import { itemAsOf, replay } from "../../protocols/eventsourcing/replay.ts";
import {
  createProjection,
  project,
  projectionView,
} from "../../protocols/eventsourcing/projection.ts";
import type { StoredEvent } from "../../protocols/eventsourcing/event.ts";

function stored(
  stream: string,
  version: number,
  position: number,
  type: string,
  data: Record<string, unknown>,
  at = position * 10,
): StoredEvent {
  return { stream, version, position, type, data, at, command: `c${position}` };
}

Deno.test("an item's state is the fold of its events", () => {
  let s = applyItemEvent(EMPTY_ITEM, { type: "StockAdded", data: { qty: 10 } });
  s = applyItemEvent(s, { type: "StockReserved", data: { order: "o1", qty: 4 } });
  s = applyItemEvent(s, { type: "ReservationReleased", data: { order: "o1", qty: 4 } });
  assert.deepEqual(s, { available: 10, reserved: {}, version: 3 });
});

Deno.test("commands are decided against the state: refused, idempotent, or new events", () => {
  const s = applyItemEvent(EMPTY_ITEM, { type: "StockAdded", data: { qty: 3 } });
  assert.deepEqual(decideItem(s, { f: "reserve", item: "a", order: "o1", qty: 5 }), {
    error: "insufficient stock of a: 3 available, 5 wanted",
  });
  const r = decideItem(s, { f: "reserve", item: "a", order: "o1", qty: 2 });
  assert.deepEqual(r, [{ type: "StockReserved", data: { order: "o1", qty: 2 } }]);
  const after = applyItemEvent(s, (r as { type: string; data: Record<string, unknown> }[])[0]!);
  assert.deepEqual(decideItem(after, { f: "reserve", item: "a", order: "o1", qty: 2 }), []);
  assert.deepEqual(decideItem(after, { f: "release", item: "a", order: "o9" }), []);
  assert.equal(parseItemCommand({ f: "reserve", item: "a", qty: 1 }), "reserve needs an order");
  assert.equal(parseItemCommand({ f: "stock", item: "a" }), "unknown command 'stock'");
});

Deno.test("no sequence of decided commands ever drives available stock below zero", () => {
  const command: fc.Arbitrary<ItemCommand> = fc.oneof(
    fc.integer({ min: 1, max: 5 }).map((qty) => ({ f: "add-stock" as const, item: "a", qty })),
    fc.record({ order: fc.constantFrom("o1", "o2", "o3"), qty: fc.integer({ min: 1, max: 6 }) })
      .map(({ order, qty }) => ({ f: "reserve" as const, item: "a", order, qty })),
    fc.constantFrom("o1", "o2", "o3").map((order) => ({ f: "release" as const, item: "a", order })),
  );
  fc.assert(
    fc.property(fc.array(command, { maxLength: 40 }), (cmds) => {
      let s = EMPTY_ITEM;
      for (const c of cmds) {
        const d = decideItem(s, c);
        if (!Array.isArray(d)) continue;
        for (const e of d) s = applyItemEvent(s, e);
        assert.ok(s.available >= 0);
      }
      const reserved = Object.values(s.reserved).reduce((a, b) => a + b, 0);
      const added = cmds.filter((c) => c.f === "add-stock").reduce(
        (a, c) => a + (c as { qty: number }).qty,
        0,
      );
      assert.equal(s.available + reserved, added); // nothing created or lost
    }),
    { seed: 42, numRuns: 300 },
  );
});

Deno.test("time travel: replaying up to a version or a time gives the state as it was then", () => {
  const events = [
    stored("item-a", 1, 0, "StockAdded", { qty: 10 }, 100),
    stored("item-a", 2, 1, "StockReserved", { order: "o1", qty: 4 }, 200),
    stored("item-a", 3, 2, "StockReserved", { order: "o2", qty: 5 }, 300),
  ];
  assert.equal(itemAsOf(events).available, 1);
  assert.equal(itemAsOf(events, { version: 1 }).available, 10);
  assert.deepEqual(itemAsOf(events, { time: 250 }).reserved, { o1: 4 });
  assert.equal(itemAsOf(events, { time: 50 }).version, 0);
  assert.equal(replay(events, 0, (n) => n + 1, { version: 2 }), 2);
});

Deno.test("a projection applies events in position order only, and reads as a plain view", () => {
  const p = createProjection();
  assert.equal(project(p, stored("item-a", 1, 1, "StockAdded", { qty: 1 })), false); // a gap
  assert.equal(project(p, stored("item-a", 1, 0, "StockAdded", { qty: 5 })), true);
  assert.equal(project(p, stored("item-b", 1, 1, "StockAdded", { qty: 2 })), true);
  assert.equal(project(p, stored("item-a", 2, 2, "StockReserved", { order: "o", qty: 3 })), true);
  assert.equal(project(p, stored("other", 1, 3, "Noted", {})), true);
  assert.equal(p.position, 4);
  assert.deepEqual(projectionView(p), {
    a: { available: 2, reserved: 3 },
    b: { available: 2, reserved: 0 },
  });
});
