/**
 * End to end: Byzantine modes in a live cluster of real Workers, set through the HTTP
 * API. A fixture protocol (every node tells every peer the truth each tick and counts
 * what it hears) shows from the receivers' side that the router really rewrites a
 * Byzantine node's messages: equivocate lies to the even-numbered peers only, lie to
 * all, silent says nothing to the even-numbered peers, replay repeats old messages, and
 * honest ends it. The mode shows in the node views and as `fault` events on the SSE
 * stream. Every wait is for a condition, with the shared scaled deadline.
 */

import assert from "node:assert/strict";
import { type Api, createApi } from "../../http/app.ts";
import { type Cluster, startCluster } from "../../nodes/worker_cluster.ts";
import { readSse } from "../../client/sse.ts";
import type { Heard } from "../nodes/worker_fixtures/chatter_protocol.ts";
import { notYet, waitFor } from "../support/deadline.ts";

const CHATTER = {
  module: new URL("../nodes/worker_fixtures/chatter_protocol.ts", import.meta.url).href,
  export: "chatterProtocol",
};

/** What `node` has heard from `peer` so far. */
async function heard(cluster: Cluster, node: string, peer: string): Promise<Heard> {
  const status = await cluster.status(node);
  return (status.heard as Record<string, Heard>)[peer]!;
}

async function setMode(api: Api, node: string, mode: string): Promise<void> {
  const res = await api.app.request("/api/v1/faults/byzantine", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ node, mode }),
  });
  assert.equal(res.status, 200, await res.text());
}

/** What every receiver has heard from `from`, keyed by receiver. */
async function fromPeer(cluster: Cluster, from: string): Promise<Record<string, Heard>> {
  const out: Record<string, Heard> = {};
  for (const n of cluster.nodes) if (n !== from) out[n] = await heard(cluster, n, from);
  return out;
}

/** Waits until each of `nodes` has heard `more` more messages of `what` from `from`. */
async function grows(
  cluster: Cluster,
  from: string,
  nodes: readonly string[],
  what: "truths" | "lies" | "repeats",
  before: Record<string, Heard>,
  more = 10,
): Promise<Record<string, Heard>> {
  return await waitFor(`${nodes.join(",")} hear ${more} more ${what} from ${from}`, async () => {
    const now = await fromPeer(cluster, from);
    return nodes.every((n) => now[n]![what] >= before[n]![what] + more) ? now : notYet(now);
  });
}

Deno.test("e2e: a Byzantine node's messages are rewritten live, mode by mode, and honest ends it", async () => {
  const cluster = await startCluster({ protocol: CHATTER, nodes: 4, seed: 3 });
  const api = createApi(cluster);
  const stream = await api.app.request("/api/v1/events?kind=fault&node=n2");
  const faults: unknown[] = [];
  const reading = (async () => {
    for await (const m of readSse(stream.body!)) faults.push(JSON.parse(m.data).data);
  })();
  try {
    // Everyone hears the truth from n2 first.
    let before = await grows(
      cluster,
      "n2",
      ["n1", "n3", "n4"],
      "truths",
      await fromPeer(cluster, "n2"),
    );
    assert.deepEqual(Object.values(before).map((h) => h.lies), [0, 0, 0]);

    // equivocate: lies to n4 (an even number), the truth to n1 and n3.
    await setMode(api, "n2", "equivocate");
    const node = await (await api.app.request("/api/v1/nodes/n2")).json();
    assert.equal(node.byzantine, "equivocate");
    let now = await grows(cluster, "n2", ["n4"], "lies", before);
    now = await grows(cluster, "n2", ["n1", "n3"], "truths", now);
    assert.equal(now.n1!.lies, 0, "n1 is told the truth");
    assert.equal(now.n3!.lies, 0, "n3 is told the truth");
    // Whatever was in flight when the mode changed has long arrived: n4 hears only lies.
    const n4Truths = now.n4!.truths;
    now = await grows(cluster, "n2", ["n4"], "lies", now);
    assert.equal(now.n4!.truths, n4Truths, "no truth reaches n4 while n2 equivocates");
    // Correct nodes are untouched: n4 hears no lie from n1.
    assert.equal((await heard(cluster, "n4", "n1")).lies, 0);

    // lie: everyone is lied to.
    await setMode(api, "n2", "lie");
    before = await grows(cluster, "n2", ["n1", "n3", "n4"], "lies", now);
    now = await grows(cluster, "n2", ["n1", "n3", "n4"], "lies", before);
    assert.deepEqual(
      ["n1", "n3", "n4"].map((n) => now[n]!.truths - before[n]!.truths),
      [0, 0, 0],
      "no truth from a liar",
    );

    // silent: nothing to n4, the truth to n1 and n3.
    await setMode(api, "n2", "silent");
    before = await grows(cluster, "n2", ["n1", "n3"], "truths", now);
    now = await grows(cluster, "n2", ["n1", "n3"], "truths", before);
    const total = (h: Heard) => h.truths + h.lies;
    assert.equal(total(now.n4!), total(before.n4!), "n4 hears nothing from a silent n2");

    // replay: the truth, and old messages again.
    await setMode(api, "n2", "replay");
    now = await grows(cluster, "n2", ["n1", "n3", "n4"], "repeats", now, 5);

    // honest: n4 hears the truth again and no more lies or repeats.
    await setMode(api, "n2", "honest");
    before = await grows(cluster, "n2", ["n1", "n3", "n4"], "truths", now);
    now = await grows(cluster, "n2", ["n1", "n3", "n4"], "truths", before);
    for (const n of ["n1", "n3", "n4"]) {
      assert.equal(now[n]!.lies, before[n]!.lies, `${n} hears no lie from an honest n2`);
      assert.equal(now[n]!.repeats, before[n]!.repeats, `${n} hears no replay from an honest n2`);
    }
    assert.throws(() => cluster.setByzantine("n9", "lie"), /unknown node 'n9'/);
    const views = await (await api.app.request("/api/v1/cluster")).json();
    assert.deepEqual(
      views.nodes.map((v: { byzantine: unknown }) => v.byzantine),
      [null, null, null, null],
    );
    await waitFor(
      "the SSE stream has every mode change",
      () => faults.length >= 5 ? faults : notYet(faults),
    );
    assert.deepEqual(faults, [
      { byzantine: "equivocate" },
      { byzantine: "lie" },
      { byzantine: "silent" },
      { byzantine: "replay" },
      { byzantine: "honest" },
    ]);
  } finally {
    api.close();
    await cluster.close();
    await reading.catch(() => {});
  }
});
