/**
 * Storage faults on real file stores (`--data-dir`), injected through the API into a
 * real Worker of a 3-node raft-kv cluster: for each kind the node stops loudly (and comes
 * back on a restart) or is found corrupted at its next start (and is repaired by removing
 * it and adding it again), and every write the cluster acknowledged is read back after.
 * Which node leads is never assumed: the faulty node may be the leader or a follower.
 */

import assert from "node:assert/strict";
import type { Api } from "../../http/app.ts";
import type { Cluster } from "../../nodes/worker_cluster.ts";
import { withRaftApi } from "../support/raft_api_cluster.ts";
import type { TraceEvent } from "../../nodes/trace.ts";
import type { DiskFaultKind } from "../../protocols/storage.ts";
import { notYet, waitFor } from "../support/deadline.ts";

/** How the node ends up: stopped while running, stopped at its next start, or corrupted. */
type Outcome = "stops" | "fails-to-start" | "corrupted";

const CASES: readonly [DiskFaultKind, Outcome][] = [
  ["fsync-error", "stops"],
  ["disk-full", "stops"],
  ["torn-write", "stops"],
  ["read-error", "fails-to-start"],
  ["bit-flip", "corrupted"],
  ["misdirected-write", "corrupted"],
];

const VICTIM = "n2";

const json = (method: string, body: unknown) => ({
  method,
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

/** Writes distinct keys through the API and remembers the acknowledged ones. */
class Writer {
  readonly acked = new Map<string, number>();
  #next = 0;
  constructor(readonly api: Api) {}

  /** One write of a new key; true when acknowledged. */
  async one(): Promise<boolean> {
    const n = this.#next++;
    const res = await this.api.app.request(`/api/v1/kv/k${n}`, json("PUT", n));
    await res.body?.cancel();
    if (res.status === 200) this.acked.set(`k${n}`, n);
    return res.status === 200;
  }

  /** Writes until `count` more are acknowledged (an election may be under way). */
  async acknowledged(count: number): Promise<void> {
    const target = this.acked.size + count;
    await waitFor(`${count} writes acknowledged`, async () => {
      await this.one();
      return this.acked.size >= target || notYet(this.acked.size);
    });
  }

  /** Reads back every acknowledged write through the cluster. */
  async readBack(): Promise<void> {
    for (const [key, value] of this.acked) {
      await waitFor(`${key} reads ${value}`, async () => {
        const res = await this.api.app.request(`/api/v1/kv/${key}`);
        const body = await res.json();
        return (res.status === 200 && body.value === value) ||
          notYet(`${res.status} ${body.value}`);
      });
    }
  }
}

async function post(app: Api["app"], path: string): Promise<void> {
  const res = await app.request(path, { method: "POST" });
  assert.equal(res.status, 200, await res.text());
}

function injected(cluster: Cluster, kind: DiskFaultKind): number {
  return cluster.diskFaults(VICTIM).injected[kind] ?? 0;
}

for (const [i, [kind, outcome]] of CASES.entries()) {
  Deno.test(`disk fault ${kind} on a real file store: the node ${outcome}, every acknowledged write is read back`, async () => {
    const o = { dataDir: true, seed: 11 + i, api: { gateway: { timeoutMs: 2000 } } };
    await withRaftApi(o, async (api, cluster, dir) => {
      const app = api.app;
      const crashes: TraceEvent[] = [];
      cluster.onEvent((e) => {
        if (e.kind === "crash" && e.node === VICTIM) crashes.push(e);
      }, { messages: false });
      const w = new Writer(api);
      await w.acknowledged(6);
      const set = await app.request(
        "/api/v1/faults/disk",
        json("POST", { node: VICTIM, fault: kind }),
      );
      assert.equal(set.status, 200, await set.text());

      if (outcome === "stops") {
        // Its next sync with writes fails: it stops, and never acknowledges that batch.
        const info = await waitFor(`${VICTIM} stops on ${kind}`, async () => {
          await w.one();
          const info = await cluster.info(VICTIM);
          return !info.up ? info : notYet(info.status.role);
        });
        assert.equal(info.status.role, "crashed");
        assert.match(String(info.status.reason), new RegExp(`storage fault \\(${kind}\\)`));
        assert.ok(
          crashes.some((e) => /storage fault/.test(String(e.reason))),
          "a crash event says why",
        );
        await w.acknowledged(3); // the other two go on
        const res = await app.request(`/api/v1/nodes/${VICTIM}/restart`, { method: "POST" });
        assert.equal(res.status, 200, await res.text());
      } else if (outcome === "fails-to-start") {
        // Raft reads its store when it starts: the next start fails loudly, the one after works.
        await post(app, `/api/v1/nodes/${VICTIM}/crash`);
        await w.acknowledged(3);
        let res = await app.request(`/api/v1/nodes/${VICTIM}/restart`, { method: "POST" });
        assert.equal(res.status, 409);
        assert.match(
          (await res.json()).detail,
          /storage fault \(read-error\): reading .*n2\.log failed \(EIO\)/,
        );
        const info = await cluster.info(VICTIM);
        assert.match(String(info.status.reason), /read-error/);
        assert.equal(injected(cluster, kind), 1);
        res = await app.request(`/api/v1/nodes/${VICTIM}/restart`, { method: "POST" });
        assert.equal(res.status, 200, await res.text());
      } else {
        // Silent while it runs; its next start reads the log back and finds it by checksum.
        await waitFor(`${kind} is injected`, async () => {
          await w.one();
          return injected(cluster, kind) >= 1 || notYet(cluster.diskFaults(VICTIM));
        });
        await w.acknowledged(3);
        await post(app, `/api/v1/nodes/${VICTIM}/crash`);
        const log = `${dir!}/${VICTIM}.log`;
        const damaged = await Deno.readFile(log);
        let res = await app.request(`/api/v1/nodes/${VICTIM}/restart`, { method: "POST" });
        assert.equal(res.status, 409);
        assert.equal((await res.json()).title, "Node corrupted");
        const info = await cluster.info(VICTIM);
        assert.equal(info.status.role, "corrupted");
        assert.match(String(info.status.reason), /is corrupted: .* intact records after it/);
        assert.deepEqual(await Deno.readFile(log), damaged, "the file is kept");
        await w.acknowledged(3); // a majority still serves
        // The repair: remove it and add it again, empty; it catches up from the leader.
        await waitFor(`${VICTIM} is removed`, async () => {
          res = await app.request(`/api/v1/members/${VICTIM}`, { method: "DELETE" });
          return res.status === 200 || notYet(`${res.status} ${await res.text()}`);
        });
        await waitFor(`${VICTIM} is added again`, async () => {
          res = await app.request("/api/v1/members", json("POST", { node: VICTIM }));
          return res.status === 201 || notYet(`${res.status} ${await res.text()}`);
        });
      }
      await waitFor(`${VICTIM} is back`, async () => {
        const info = await cluster.info(VICTIM);
        return (info.up && ["follower", "leader", "learner"].includes(String(info.status.role))) ||
          notYet(info.status);
      });
      await w.acknowledged(2);
      await w.readBack();
    });
  });
}
