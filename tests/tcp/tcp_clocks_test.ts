/**
 * A TCP node's logical clocks across a crash (issue #22): a node with a data directory
 * keeps its latest clocks in a file (`nodes/tcp/clock_file.ts`), so after control crashes
 * it at a moment its copy of the clocks is behind a stamp a peer received, the restarted
 * node still stamps its next message above every one it sent before. The file's own
 * behaviour (padding, a file that does not parse) is checked first.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { notYet, waitFor, within } from "../support/deadline.ts";
import { openClockFile } from "../../nodes/tcp/clock_file.ts";
import type { NodeLinks } from "../../nodes/tcp/node_links.ts";
import type { LogicalClocks } from "../../nodes/node_host.ts";
import type { ExternalNodes } from "../../nodes/worker/cluster_types.ts";
import type { NodeWorker } from "../../nodes/process/process_worker.ts";
import type { FromWorker } from "../../nodes/worker_protocol.ts";
import { startCluster } from "../../nodes/worker_cluster.ts";
import { inProcessNodes } from "./in_process_nodes.ts";

Deno.test("clock file: none at first; the last write is read back, a shorter one padded", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const a = openClockFile(dir, "n1");
    assert.equal(a.found, undefined);
    const long: LogicalClocks = { lamport: 123456, vclock: { n1: 123456, n2: 99999, n3: 7 } };
    a.write(long);
    a.write({ lamport: 3, vclock: { n1: 3 } });
    a.close();
    const text = await Deno.readTextFile(join(dir, "n1.clocks"));
    assert.equal(text.length, JSON.stringify(long).length, "overwritten in place, padded");
    const b = openClockFile(dir, "n1");
    assert.deepEqual(b.found, { lamport: 3, vclock: { n1: 3 } });
    b.write(long);
    b.close();
    const c = openClockFile(dir, "n1");
    assert.deepEqual(c.found, long);
    c.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("clock file: one that does not parse (a write cut short) counts as none", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(join(dir, "n1.clocks"), '{"lamport": 12, "vcl');
    const a = openClockFile(dir, "n1");
    assert.equal(a.found, undefined);
    a.close();
    await Deno.writeTextFile(join(dir, "n1.clocks"), '{"lamport": "12"}');
    const b = openClockFile(dir, "n1");
    assert.equal(b.found, undefined, "not clocks");
    b.close();
    assert.throws(() => openClockFile(dir, "../n1"), /plain file name/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** What control received from a node, by incarnation (the nth time it was attached). */
type Tap = (id: string, incarnation: number, m: FromWorker) => void;

/** `links`, with every message a node sends control shown to `tap` first. */
function tapped(links: NodeLinks, tap: Tap): ExternalNodes {
  const attached = new Map<string, number>();
  return {
    has: (id) => links.has(id),
    attach(id): NodeWorker {
      const incarnation = attached.get(id) ?? 0;
      attached.set(id, incarnation + 1);
      const w = links.attach(id);
      let onmessage: NodeWorker["onmessage"] = null;
      return {
        get onmessage() {
          return onmessage;
        },
        set onmessage(f) {
          onmessage = f;
          w.onmessage = f === null ? null : (e) => {
            f(e);
            tap(id, incarnation, e.data);
          };
        },
        get onerror() {
          return w.onerror;
        },
        set onerror(f) {
          w.onerror = f;
        },
        get onmessageerror() {
          return w.onmessageerror;
        },
        set onmessageerror(f) {
          w.onmessageerror = f;
        },
        postMessage: (m) => w.postMessage(m),
        terminate: () => w.terminate(),
      };
    },
  };
}

Deno.test("tcp clocks: restarted after a crash, a node with a data dir stamps its next message above every one it sent (control's copy was behind)", async () => {
  const dir = await Deno.makeTempDir();
  const ids = ["n1", "n2"];
  const nodes = inProcessNodes(ids);
  const runs = nodes.runs;
  const start = (id: string) => nodes.start(id, id === "n1" ? { dataDir: dir } : {});

  // What control knows of n1's clocks (its last output), the stamps n2 received from n1,
  // and the stamps of the restarted n1's messages (its send events).
  let told: LogicalClocks | undefined;
  let received = 0;
  let crashAt: { told: LogicalClocks; sent: number } | undefined;
  const sentAfter: number[] = [];
  let crash = (): void => {};
  const tap: Tap = (id, incarnation, m) => {
    if (id === "n1" && incarnation === 0 && m.type === "output") told = m.clocks;
    if (id === "n1" && incarnation === 1 && m.type === "links") {
      for (const e of m.events) {
        if (e.kind === "send" && e.lamport !== undefined) sentAfter.push(e.lamport);
      }
    }
    if (id === "n2" && m.type === "output") {
      for (const d of m.delivered ?? []) {
        if (d.from === "n1" && d.sent !== undefined) received = Math.max(received, d.sent);
      }
      // Crash n1 the moment control's copy of its clocks is a few stamps behind what n2
      // has received from it (a restart from that copy would stamp lower).
      if (crashAt === undefined && told !== undefined && received >= told.lamport + 3) {
        crashAt = { told, sent: received };
        crash();
      }
    }
  };
  for (const id of ids) start(id);
  const cluster = await startCluster({
    protocol: "heartbeat",
    nodes: ids,
    seed: 5,
    options: { intervalMs: 5 },
    external: tapped(nodes.links, tap),
    network: {},
  });
  try {
    const off = cluster.onEvent(() => {}, { messages: true }); // deliveries are reported
    // n1 hears nothing: its clocks move only with its own sends, none jumps past n2's.
    cluster.network.cut("n2", "n1");
    await cluster.faultsInForce();
    crash = () => cluster.crash("n1");
    const at = await waitFor(
      "control's copy of n1's clocks is behind a stamp n2 received",
      () => crashAt ?? notYet({ told: told?.lamport, received }),
    );
    assert.equal(await within("n1 ends", runs.get("n1")!, "short"), 137);
    start("n1");
    await within("n1 restarts", cluster.restart("n1"), "cluster");
    const next = await waitFor(
      "the restarted n1 sends",
      () => sentAfter[0] ?? notYet(sentAfter.length),
    );
    assert.ok(
      next > at.sent,
      `after the restart n1 stamped ${next}; before the crash n2 had received ${at.sent} ` +
        `from it (control knew only ${at.told.lamport})`,
    );
    assert.ok(Math.min(...sentAfter) > at.sent, `later stamps ${sentAfter}`);
    off();
  } finally {
    await cluster.close();
    await nodes.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
