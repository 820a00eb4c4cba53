import assert from "node:assert/strict";
import {
  claimClockCell,
  createClockCell,
  laterClocks,
  loadClocks,
  storeClocks,
} from "../../nodes/worker/clock_cell.ts";
import { serveDirectNode } from "../../nodes/worker/direct_node.ts";
import type { LogicalClocks } from "../../nodes/node_host.ts";
import type { FromWorker, InitMessage, WireDelivery } from "../../nodes/worker_protocol.ts";
import { notYet, waitFor } from "../support/deadline.ts";

Deno.test("clock cell: an empty cell reads nothing; each store replaces the last", () => {
  const cell = createClockCell();
  assert.equal(loadClocks(cell), undefined);
  for (let l = 1; l <= 5; l++) {
    assert.equal(storeClocks(cell, { lamport: l, vclock: { n1: l, n2: 1 } }, 0), true);
    assert.deepEqual(loadClocks(cell), { lamport: l, vclock: { n1: l, n2: 1 } });
  }
});

Deno.test("clock cell: clocks too large to fit are refused and the last ones stay", () => {
  const cell = createClockCell();
  storeClocks(cell, { lamport: 4, vclock: { n1: 4 } }, 0);
  const huge: LogicalClocks = {
    lamport: 9,
    vclock: Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`node-${i}`, i])),
  };
  assert.equal(storeClocks(cell, huge, 0), false);
  assert.deepEqual(loadClocks(cell), { lamport: 4, vclock: { n1: 4 } });
});

Deno.test("clock cell: a write cut short (the Worker terminated) leaves the previous clocks readable", () => {
  const cell = createClockCell();
  storeClocks(cell, { lamport: 2, vclock: {} }, 0);
  storeClocks(cell, { lamport: 3, vclock: {} }, 0);
  // Garbage in the other half, as a write stopped before its index was stored.
  new Uint8Array(cell, 16, 32 * 1024).fill(0x7b);
  assert.deepEqual(loadClocks(cell), { lamport: 3, vclock: {} });
});

Deno.test("clock cell: once the next incarnation claimed it, the last one's late writes are refused", () => {
  const cell = createClockCell();
  assert.equal(storeClocks(cell, { lamport: 5, vclock: {} }, 0), true);
  claimClockCell(cell, 1);
  assert.equal(storeClocks(cell, { lamport: 6, vclock: {} }, 0), false, "incarnation 0 is gone");
  assert.deepEqual(loadClocks(cell), { lamport: 5, vclock: {} });
  assert.equal(storeClocks(cell, { lamport: 7, vclock: {} }, 1), true);
  assert.deepEqual(loadClocks(cell), { lamport: 7, vclock: {} });
});

Deno.test("clock cell: a reading that does not parse (two writers crossed) counts as none", () => {
  const cell = createClockCell();
  storeClocks(cell, { lamport: 5, vclock: {} }, 0);
  // The complete half, overwritten in place by a writer that should not have been there.
  const header = new Int32Array(cell, 0, 4);
  new Uint8Array(cell, 16 + header[0]! * 32 * 1024, header[1 + header[0]!]!).fill(0x7b);
  assert.equal(loadClocks(cell), undefined);
});

Deno.test("clock cell: the later of two readings is the one with the larger Lamport time", () => {
  const a = { lamport: 5, vclock: { n1: 5 } };
  const b = { lamport: 8, vclock: { n1: 8 } };
  assert.equal(laterClocks(a, b), b);
  assert.equal(laterClocks(b, a), b);
  assert.equal(laterClocks(undefined, a), a);
  assert.equal(laterClocks(a, undefined), a);
});

/** A heartbeat node with direct links whose messages to n2 are collected. */
function startNode(clocks: LogicalClocks | undefined, clockCell: SharedArrayBuffer | undefined) {
  const posted: FromWorker[] = [];
  const heard: WireDelivery[] = [];
  const node = serveDirectNode((m) => posted.push(m));
  const { port1, port2 } = new MessageChannel();
  let onHeard = (): void => {};
  port2.onmessage = (e: MessageEvent<WireDelivery[]>) => {
    heard.push(...e.data);
    onHeard();
  };
  const init: InitMessage = {
    type: "init",
    id: "n1",
    peers: ["n2"],
    protocol: "heartbeat",
    options: { intervalMs: 1, timeoutMs: 60_000 },
    seed: 1,
    clock: { skew: 0, drift: 0, anchor: 0 },
    storage: { kind: "memory", entries: [] },
    ...(clocks !== undefined ? { clocks } : {}),
    paused: false,
    tracing: false,
    direct: {
      epoch: performance.timeOrigin,
      maxBacklog: 100,
      ...(clockCell !== undefined ? { clockCell } : {}),
    },
  };
  node.handle(init);
  node.handle({ type: "peer", peer: "n2", port: port1 });
  const told = (): LogicalClocks | undefined => {
    const last = posted.findLast((m) => m.type === "output");
    return last?.type === "output" ? last.clocks : undefined;
  };
  return {
    heard,
    told,
    onHeard: (f: () => void) => onHeard = f,
    async stop() {
      port2.close();
      node.handle({ type: "close" });
      await waitFor("closed", () => posted.some((m) => m.type === "closed") || notYet(null));
    },
  };
}

Deno.test("a node restarted after a crash stamps its next message later than every one it sent before (the cell, not the main thread's late copy)", async () => {
  const cell = createClockCell();
  const first = startNode(undefined, cell);
  // The crash: the moment the main thread's copy of the clocks is behind a stamp a peer saw.
  let crash: { told: LogicalClocks; sent: number } | undefined;
  first.onHeard(() => {
    const told = first.told();
    const sent = Math.max(...first.heard.map((d) => d.lamport));
    if (crash === undefined && told !== undefined && told.lamport < sent) crash = { told, sent };
  });
  let at: { told: LogicalClocks; sent: number };
  try {
    at = await waitFor(
      "a message stamped later than the clocks the main thread holds",
      () => crash ?? notYet(first.heard.length),
    );
  } finally {
    await first.stop();
  }
  const second = startNode(at.told, cell);
  try {
    const next = await waitFor(
      "the restarted node sends",
      () => second.heard[0] ?? notYet(second.heard.length),
    );
    assert.ok(
      next.lamport > at.sent,
      `after the restart n1 stamped ${next.lamport}; before the crash it had sent ${at.sent} ` +
        `(the main thread knew only ${at.told.lamport})`,
    );
  } finally {
    await second.stop();
  }
});
