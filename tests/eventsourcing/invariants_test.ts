import assert from "node:assert/strict";
import {
  checkAcknowledged,
  checkEventLog,
  checkProjection,
} from "../../protocols/eventsourcing/invariants.ts";
import { createProjection, project } from "../../protocols/eventsourcing/projection.ts";
import type { StoredEvent } from "../../protocols/eventsourcing/event.ts";

const e = (
  stream: string,
  version: number,
  position: number,
  type: string,
  data: Record<string, unknown>,
): StoredEvent => ({
  stream,
  version,
  position,
  type,
  data,
  at: 0,
  command: `c${position}`,
});

Deno.test("a log with a repeated stream version or negative stock is caught", () => {
  assert.equal(
    checkEventLog([
      e("item-a", 1, 0, "StockAdded", { qty: 1 }),
      e("item-a", 1, 1, "StockAdded", { qty: 1 }),
    ]),
    "item-a: version 1 at position 1, expected 2",
  );
  assert.equal(
    checkEventLog([
      e("item-a", 1, 0, "StockAdded", { qty: 1 }),
      e("item-a", 2, 1, "StockReserved", { order: "o", qty: 2 }),
    ]),
    "item-a: available stock -1 at version 2",
  );
  assert.equal(
    checkEventLog([e("item-a", 1, 0, "ReservationReleased", { order: "o", qty: 1 })]),
    "item-a: released o, never reserved",
  );
  assert.equal(checkEventLog([e("item-a", 1, 0, "StockAdded", { qty: 1 })]), null);
});

Deno.test("an acknowledged command missing from the log is caught", () => {
  assert.equal(checkAcknowledged([e("item-a", 1, 0, "StockAdded", { qty: 1 })], ["c0"]), null);
  assert.equal(checkAcknowledged([], ["c0"]), "acknowledged command c0 is not in the log");
});

Deno.test("a projection that differs from the replay of its prefix is caught", () => {
  const log = [
    e("item-a", 1, 0, "StockAdded", { qty: 3 }),
    e("item-a", 2, 1, "StockAdded", { qty: 1 }),
  ];
  const p = createProjection();
  project(p, log[0]!);
  assert.equal(checkProjection(p, log), null); // stale is fine
  p.items.set("a", { available: 99, reserved: {}, version: 1 });
  assert.match(checkProjection(p, log) ?? "", /projection at 1 is/);
});
