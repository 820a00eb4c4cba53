/**
 * A node whose `--data-dir` log is corrupted in the middle (bytes that were durable have
 * changed) must not come back as if nothing happened: it stays down, says why, keeps the
 * damaged file, and is repaired by removing it and adding it again (empty).
 */

import assert from "node:assert/strict";
import { createApi } from "../../http/app.ts";
import {
  type Cluster,
  type ClusterOptions,
  NodeCorruptedError,
  startCluster,
} from "../../nodes/worker_cluster.ts";
import { waitFor } from "../support/deadline.ts";

const COUNTER = {
  module: new URL("./worker_fixtures/counter_protocol.ts", import.meta.url).href,
  export: "counterProtocol",
};

/** Flips one byte in the middle of `path`: a bad record with intact records after it. */
async function flipMiddleByte(path: string): Promise<Uint8Array> {
  const bytes = await Deno.readFile(path);
  bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
  await Deno.writeFile(path, bytes);
  return bytes;
}

async function withCluster(o: ClusterOptions, fn: (c: Cluster) => Promise<void>): Promise<void> {
  const c = await startCluster(o);
  try {
    await fn(c);
  } finally {
    await c.close();
  }
}

Deno.test("a node whose log is corrupted in the middle stays down, says why and keeps the file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "distlab_corrupt_" });
  const o = { protocol: COUNTER, nodes: 2, seed: 1, dataDir: dir };
  try {
    await withCluster(o, async (c) => {
      for (let i = 0; i < 40; i++) await c.request("n1", "inc");
    });
    const damaged = await flipMiddleByte(`${dir}/n1.log`);
    await withCluster(o, async (c) => {
      const n1 = await c.info("n1");
      assert.equal(n1.up, false);
      assert.equal(n1.status.role, "corrupted");
      assert.match(
        String(n1.status.reason),
        /n1\.log is corrupted: bad-crc at byte \d+ of \d+, \d+ intact records after it/,
      );
      assert.equal((await c.request("n1", "get")).type, "fail", "it serves nothing");
      assert.deepEqual(await c.request("n2", "get"), { type: "ok", value: 0 }, "n2 is unaffected");
      // A restart finds the same damage: still down, and the file is as it was.
      await assert.rejects(c.restart("n1"), NodeCorruptedError);
      assert.equal(c.isUp("n1"), false);
      assert.deepEqual(await Deno.readFile(`${dir}/n1.log`), damaged, "nothing was cut");

      // The repair: remove it (its data set aside) and add it again, empty.
      await c.removeNode("n1");
      const kept = [...Deno.readDirSync(dir)].map((e) => e.name);
      assert.ok(kept.some((f) => /^n1\.log\.removed-\d+$/.test(f)), kept.join(", "));
      await c.addNode("n1");
      assert.deepEqual(await c.request("n1", "get"), { type: "ok", value: 0 });
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a raft-kv cluster whose majority is corrupted refuses to serve rather than serve an empty store", async () => {
  const dir = await Deno.makeTempDir({ prefix: "distlab_corrupt_raft_" });
  const o = { protocol: "raft-kv", nodes: 3, seed: 4, dataDir: dir };
  try {
    await withCluster(o, async (c) => {
      const api = createApi(c);
      try {
        for (let i = 0; i < 30; i++) {
          await waitFor(`k${i} is written`, async () => {
            const r = await api.app.request(`/api/v1/kv/k${i}`, { method: "PUT", body: `${i}` });
            return r.status === 200;
          });
        }
      } finally {
        api.close();
      }
    });
    await flipMiddleByte(`${dir}/n1.log`);
    await flipMiddleByte(`${dir}/n2.log`);
    await withCluster(o, async (c) => {
      const roles = (await c.statuses()).map((n) => `${n.id}:${n.status.role}`);
      assert.deepEqual(roles.slice(0, 2), ["n1:corrupted", "n2:corrupted"]);
      const api = createApi(c, { gateway: { timeoutMs: 2000 } });
      try {
        const put = await api.app.request("/api/v1/kv/k0", { method: "PUT", body: '"x"' });
        assert.equal(put.status, 503, await put.text());
        const get = await api.app.request("/api/v1/kv/k0?node=n3");
        assert.equal(get.status, 503, "no read from a node that cannot reach a majority");
        const cluster = await (await api.app.request("/api/v1/cluster")).json();
        const n1 = cluster.nodes.find((n: { id: string }) => n.id === "n1");
        assert.equal(n1.role, "corrupted");
        const restart = await api.app.request("/api/v1/nodes/n1/restart", { method: "POST" });
        assert.equal(restart.status, 409);
        const p = await restart.json();
        assert.equal(p.title, "Node corrupted");
        assert.match(p.detail, /^node n1: storage corrupted: /);
      } finally {
        api.close();
      }
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a restart raced by a crash is a 409 naming what the node did, never a 500", async () => {
  await withCluster({ protocol: COUNTER, nodes: 1, seed: 2 }, async (c) => {
    const api = createApi(c);
    try {
      const statuses = new Set<number>();
      for (let i = 0; i < 20; i++) {
        c.crash("n1");
        const [restart] = await Promise.all([
          api.app.request("/api/v1/nodes/n1/restart", { method: "POST" }),
          api.app.request("/api/v1/nodes/n1/crash", { method: "POST" }),
        ]);
        statuses.add(restart.status);
        if (restart.status === 409) {
          const p = await restart.json();
          assert.equal(p.title, "Node crashed");
          assert.match(p.detail, /^node n1: .* while starting$/);
        } else {
          await restart.body?.cancel();
        }
      }
      assert.ok([...statuses].every((s) => s === 200 || s === 409), [...statuses].join(","));
    } finally {
      api.close();
    }
  });
});
