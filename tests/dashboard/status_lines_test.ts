import assert from "node:assert/strict";
import { statusLines } from "../../dashboard/controls.ts";

Deno.test("the node panel shows any protocol's status fields as short lines", () => {
  const lines = statusLines({
    role: "participant",
    locks: { "stock:apple": "o1" },
    inDoubt: ["o1"],
    blockedSince: 1234,
    log: "x".repeat(200),
  });
  assert.deepEqual(lines.slice(0, 4), [
    "role: participant",
    'locks: {"stock:apple":"o1"}',
    'inDoubt: ["o1"]',
    "blockedSince: 1234",
  ]);
  assert.equal(lines[4]!.length, "log: ".length + 90);
  assert.ok(lines[4]!.endsWith("..."));
});
