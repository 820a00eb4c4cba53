import assert from "node:assert/strict";
import fc from "fast-check";
import {
  createPhiAccrual,
  createPhiTable,
  growPhiTable,
  phi,
  phiHeartbeat,
  phiSuspectedFrom,
  seedTableWindow,
  tableHeartbeat,
  tablePhi,
  tableSuspectedFrom,
} from "../../protocols/heartbeat/mod.ts";

// The table must answer exactly as one window per peer: the heartbeat protocol's trace
// (pinned in tests) depends on every φ and every deadline, bit for bit.
Deno.test("a phi table gives the same φ and deadlines as one window per peer, bit for bit", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 1, max: 12 }),
      fc.array(fc.tuple(fc.nat(3), fc.double({ min: 0, max: 500, noNaN: true })), {
        maxLength: 60,
      }),
      fc.double({ min: 0, max: 50, noNaN: true }),
      (peers, windowSize, beats, pause) => {
        const options = { windowSize, firstIntervalMs: 100, acceptablePauseMs: pause };
        const ids = Array.from({ length: peers }, (_, i) => `p${i}`);
        const windows = createPhiAccrual(ids, 0, options);
        const table = createPhiTable(peers, 0, options);
        let now = 0;
        for (const [peer, gap] of beats) {
          now += gap;
          const i = peer % peers;
          phiHeartbeat(windows, ids[i]!, now);
          tableHeartbeat(table, i, now);
          for (let j = 0; j < peers; j++) {
            assert.equal(tablePhi(table, j, now + 37), phi(windows, ids[j]!, now + 37));
            assert.equal(tableSuspectedFrom(table, j, 8), phiSuspectedFrom(windows, ids[j]!, 8));
          }
        }
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("a phi table's window forgets the oldest sample once full", () => {
  const t = createPhiTable(2, 0, { windowSize: 3, firstIntervalMs: 100 });
  for (let now = 10; now <= 100; now += 10) tableHeartbeat(t, 1, now);
  // Peer 1 keeps only its last three intervals (10 ms each): a 100 ms silence is damning.
  assert.ok(tablePhi(t, 1, 200) > 8);
  // Peer 0 still has its two seeded samples around 100 ms: the same silence is not.
  assert.ok(tablePhi(t, 0, 100) < 1);
  assert.equal(t.room, 3);
});

// The quorum node's peer monitor grows its table as peers join, and seeds a joiner's
// window when first met: both must leave every φ as one window per peer would.
Deno.test("a grown table keeps its windows; a peer seeded later matches a window seeded then", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 6 }),
      fc.array(fc.tuple(fc.nat(5), fc.double({ min: 0, max: 500, noNaN: true })), {
        minLength: 40,
        maxLength: 200,
      }),
      (windowSize, beats) => {
        const options = { windowSize, firstIntervalMs: 100 };
        const windows = createPhiAccrual(["p0", "p1"], 0, options);
        let table = createPhiTable(2, 0, options);
        let now = 0;
        beats.forEach(([peer, gap], k) => {
          now += gap;
          if (k === 20) {
            table = growPhiTable(table, 6, now);
            // Seeded again later (as when first met), the windows seeded at `now` too.
            for (let i = 2; i < 6; i++) seedTableWindow(table, i, now + i);
            for (let i = 2; i < 6; i++) phiHeartbeat(windows, `p${i}`, now + i);
            now += 6;
          }
          if (peer >= table.size) return;
          phiHeartbeat(windows, `p${peer}`, now);
          tableHeartbeat(table, peer, now);
        });
        for (let i = 0; i < table.size; i++) {
          assert.ok(Object.is(tablePhi(table, i, now + 150), phi(windows, `p${i}`, now + 150)));
          assert.ok(Object.is(
            tableSuspectedFrom(table, i, 8),
            phiSuspectedFrom(windows, `p${i}`, 8),
          ));
        }
      },
    ),
  );
});
