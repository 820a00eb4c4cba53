/**
 * The fault model on the sending side, apart from any transport: copies that survive go
 * to `transmit` in order; rules pushed by control apply from their version on (an older
 * set is ignored); a partition drops at the sender with a trace event; a delay rule holds
 * copies; what the transport itself drops is counted and traced as `queue`; reports carry
 * only what changed since the last one.
 */

import assert from "node:assert/strict";
import { waitFor } from "../support/deadline.ts";
import { SenderSide } from "../../nodes/faults/sender_side.ts";
import { Network } from "../../nodes/faults/network.ts";
import type { WireDelivery } from "../../nodes/worker_protocol.ts";
import type { Outgoing } from "../../nodes/node_host.ts";

const out = (to: string, i: number): Outgoing => ({
  to,
  body: { type: "m", i },
  lamport: i,
  vclock: { n1: i },
});

/** The rules of a control-side network after `change`. */
function rules(change: (net: Network) => void) {
  const net = new Network(["n1", "n2", "n3"], () => 0.5, {});
  change(net);
  return net.rules();
}

Deno.test("sender side: copies go out in order, counted; a report says only what changed", async () => {
  const got: [string, WireDelivery][] = [];
  const side = new SenderSide({
    id: "n1",
    peers: ["n2", "n3"],
    transmit: (to, batch) => (batch.forEach((d) => got.push([to, d])), 0),
  });
  try {
    side.send([out("n2", 1), out("n3", 2), out("n2", 3)]);
    await waitFor("three copies transmitted", () => got.length === 3);
    assert.deepEqual(got.map(([to, d]) => `${to}:${(d.body as { i: number }).i}`), [
      "n2:1",
      "n2:3",
      "n3:2",
    ]);
    assert.deepEqual(got[0]![1], {
      from: "n1",
      body: { type: "m", i: 1 },
      lamport: 1,
      vclock: { n1: 1 },
    });
    side.delivered([
      { from: "n2", body: 0, lamport: 0, vclock: {} },
      { from: "n2", body: 0, lamport: 0, vclock: {} },
      { from: "n3", body: 0, lamport: 0, vclock: {} },
    ]);
    assert.deepEqual(side.takeReport(), {
      type: "links",
      counts: [
        ["n1", "n2", "sent", 2],
        ["n1", "n3", "sent", 1],
        ["n2", "n1", "delivered", 2],
        ["n3", "n1", "delivered", 1],
      ],
      events: [],
    });
    assert.equal(side.takeReport(), null, "nothing new");
    side.send([out("n2", 4)]);
    assert.deepEqual(side.takeReport()?.counts, [["n1", "n2", "sent", 1]]);
  } finally {
    side.close();
  }
});

Deno.test("sender side: a partition pushed by control drops at the sender; an older rule set is ignored", async () => {
  const got: WireDelivery[] = [];
  const side = new SenderSide({
    id: "n1",
    peers: ["n2", "n3"],
    transmit: (_to, batch) => (got.push(...batch), 0),
  });
  try {
    side.tracing = true;
    assert.equal(side.applyFaults(1, rules((n) => n.isolate("n1"))), true);
    side.send([out("n2", 1), out("n3", 2)]);
    const r = side.takeReport()!;
    assert.deepEqual(
      r.events.filter((e) => e.kind === "drop").map((e) => [e.peer, e.reason]),
      [["n2", "partition"], ["n3", "partition"]],
    );
    assert.deepEqual(r.counts.filter(([, , k]) => k === "dropped").map(([, to, , n]) => [to, n]), [
      ["n2", 1],
      ["n3", 1],
    ]);
    // Healed at version 3; the partition of version 2 arrives late and is ignored.
    assert.equal(side.applyFaults(3, rules(() => {})), true);
    assert.equal(side.applyFaults(2, rules((n) => n.isolate("n1"))), false);
    assert.equal(side.faultsVersion, 3);
    side.send([out("n2", 3)]);
    await waitFor("the copy after the heal goes out", () => got.length === 1);
    assert.equal((got[0]!.body as { i: number }).i, 3);
  } finally {
    side.close();
  }
});

Deno.test("sender side: a delay rule holds copies; what the transport drops is counted as a queue drop", async () => {
  const got: number[] = [];
  let full = false;
  const side = new SenderSide({
    id: "n1",
    peers: ["n2"],
    transmit: (_to, batch) => {
      if (full) return batch.length;
      got.push(performance.now());
      return 0;
    },
  });
  try {
    side.applyFaults(
      1,
      rules((n) => n.addRule("n1", "n2", { delay: { kind: "constant", ms: 40 } })),
    );
    const t0 = performance.now();
    side.send([out("n2", 1)]);
    await waitFor("the delayed copy", () => got.length === 1);
    assert.ok(got[0]! - t0 >= 35, `held ${got[0]! - t0} ms`);
    side.applyFaults(2, rules(() => {}));
    full = true;
    side.tracing = true;
    side.takeReport();
    side.send([out("n2", 2), out("n2", 3)]);
    await waitFor("the transport refused both", () => {
      const r = side.takeReport();
      return r !== null && r.events.some((e) => e.kind === "drop") ? r : null;
    }).then((r) => {
      assert.deepEqual(r.counts.find(([, , k]) => k === "dropped"), ["n1", "n2", "dropped", 2]);
      assert.deepEqual(r.events.filter((e) => e.kind === "drop").map((e) => e.reason), [
        "queue",
        "queue",
      ]);
    });
  } finally {
    side.close();
  }
});

Deno.test("sender side: a Byzantine mode rewrites what the node sends, first", async () => {
  const got: [string, unknown][] = [];
  const side = new SenderSide({
    id: "n1",
    peers: ["n2", "n3"],
    transmit: (to, batch) => (batch.forEach((d) => got.push([to, d.body])), 0),
  });
  try {
    side.setByzantine("silent");
    assert.equal(side.byzantine, "silent");
    side.send([out("n2", 1), out("n3", 2)]);
    await waitFor("n3's copy", () => got.length === 1);
    assert.deepEqual(got, [["n3", { type: "m", i: 2 }]], "nothing to an even peer");
    side.setByzantine("lie", (body) => ({ ...(body as object), lied: true }));
    side.send([out("n2", 3)]);
    await waitFor("the lie", () => got.length === 2);
    assert.deepEqual(got[1], ["n2", { type: "m", i: 3, lied: true }]);
    side.setByzantine(null);
    side.send([out("n2", 4)]);
    await waitFor("the truth again", () => got.length === 3);
    assert.deepEqual(got[2], ["n2", { type: "m", i: 4 }]);
  } finally {
    side.close();
  }
});
