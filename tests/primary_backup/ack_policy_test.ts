import assert from "node:assert/strict";
import fc from "fast-check";
import {
  mayAcknowledge,
  shouldFallBack,
  someBackupCaughtUp,
} from "../../protocols/primary_backup/ack_policy.ts";
import {
  isReplicationMode,
  MODE_TRADEOFF,
  REPLICATION_MODES,
} from "../../protocols/primary_backup/mode.ts";
import { parsePrimaryBackupOptions } from "../../protocols/primary_backup/options.ts";

Deno.test("async acknowledges at once, semi-sync after one backup, sync after every live one", () => {
  const acked = new Map([["n2", 10], ["n3", 4]]);
  assert.equal(mayAcknowledge("async", 11, acked, ["n2", "n3"]), true);
  assert.equal(mayAcknowledge("semi-sync", 10, acked, ["n2", "n3"]), true);
  assert.equal(mayAcknowledge("semi-sync", 11, acked, ["n2", "n3"]), false);
  assert.equal(mayAcknowledge("sync", 5, acked, ["n2", "n3"]), false);
  assert.equal(mayAcknowledge("sync", 4, acked, ["n2", "n3"]), true);
  assert.equal(mayAcknowledge("sync", 10, acked, ["n2"]), true, "a suspected n3 is not waited for");
});

Deno.test("the modes are ordered: whatever sync acknowledges, semi-sync does, and async always", () => {
  fc.assert(
    fc.property(
      fc.dictionary(fc.constantFrom("n2", "n3", "n4"), fc.nat(20)),
      fc.integer({ min: 1, max: 20 }),
      (raw, seq) => {
        const acked = new Map(Object.entries(raw));
        const live = [...acked.keys()];
        if (live.length === 0) return;
        if (mayAcknowledge("sync", seq, acked, live)) {
          assert.ok(mayAcknowledge("semi-sync", seq, acked, live));
        }
        assert.ok(mayAcknowledge("async", seq, acked, live));
      },
    ),
    { seed: 42, numRuns: 500 },
  );
});

Deno.test("semi-sync falls back after the timeout and returns when a backup caught up", () => {
  assert.equal(shouldFallBack(undefined, 1000, 200), false);
  assert.equal(shouldFallBack(900, 1000, 200), false);
  assert.equal(shouldFallBack(800, 1000, 200), true);
  assert.equal(someBackupCaughtUp(new Map([["n2", 3]]), 5), false);
  assert.equal(someBackupCaughtUp(new Map([["n2", 3], ["n3", 5]]), 5), true);
});

Deno.test("modes and options parse, with the chapter's trade-off for each mode", () => {
  assert.deepEqual(REPLICATION_MODES, ["sync", "semi-sync", "async"]);
  assert.equal(MODE_TRADEOFF.sync, "strong consistency, slow writes");
  assert.equal(isReplicationMode("semi-sync"), true);
  assert.equal(isReplicationMode("quorum"), false);
  assert.equal(parsePrimaryBackupOptions({}).mode, "semi-sync");
  assert.throws(() => parsePrimaryBackupOptions({ mode: "eventual" }), /option mode/);
  assert.throws(() => parsePrimaryBackupOptions({ heartbeatMs: 0 }), /heartbeatMs/);
});
