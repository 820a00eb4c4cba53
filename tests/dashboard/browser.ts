/**
 * Helpers of the dashboard's browser tests: a cluster with the API and the dashboard on
 * an ephemeral loopback port, deadline polling, what the ring shows, and PNG checks.
 */

import assert from "node:assert/strict";
import { type Api, createApi } from "../../http/app.ts";
import { dashboardRoutes } from "../../http/dashboard/routes.ts";
import { createWorkerChecker } from "../../http/dashboard/worker_checker.ts";
import { type Cluster, type ClusterOptions, startCluster } from "../../nodes/worker_cluster.ts";
import type { BrowserPage } from "./chromium.ts";
import { waitFor as poll } from "../support/deadline.ts";
import { FakeCluster } from "../http/fake_cluster.ts";
import type { NodeId, NodeStatus } from "../../protocols/node.ts";

/** A cluster, its API with the dashboard, and the server. */
export interface Served {
  readonly cluster: Cluster;
  readonly api: Api;
  readonly url: string;
  close(): Promise<void>;
}

/** Starts `options`' cluster with the API and the dashboard on 127.0.0.1:0. */
export async function serveDashboard(options: ClusterOptions): Promise<Served> {
  const cluster = await startCluster(options);
  const checker = createWorkerChecker();
  const api = createApi(cluster, { dashboard: dashboardRoutes({ checker }) });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, api.fetch);
  return {
    cluster,
    api,
    url: `http://127.0.0.1:${server.addr.port}/`,
    async close() {
      api.close();
      checker.close();
      await server.shutdown();
      await cluster.close();
    },
  };
}

/**
 * Polls `cond` until it gives a value other than false/null/undefined, within the shared
 * scaled deadline (`tests/support/deadline.ts`); on timeout the error names `what`.
 */
export function waitFor<T>(
  what: string,
  cond: () => Promise<T | false | null | undefined> | T | false | null | undefined,
): Promise<T> {
  return poll(what, cond, { intervalMs: 20 });
}

/** The width and height of a PNG, after checking its signature and IHDR chunk. */
export function pngSize(bytes: Uint8Array): { width: number; height: number } {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  assert.ok(
    bytes.length > 1000,
    `a screenshot of ${bytes.length} bytes is too small to hold a page`,
  );
  assert.deepEqual([...bytes.subarray(0, 8)], sig, "not a PNG");
  assert.equal(new TextDecoder().decode(bytes.subarray(12, 16)), "IHDR");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** The ids of the running nodes the ring shows with `role`. */
export function nodesWithRole(page: BrowserPage, role: string): Promise<(string | null)[]> {
  return page.attrs(`#ring g.node[data-role="${role}"][data-up="true"]`, "data-id");
}

/** The only leader the ring shows, or null (none, or several). */
export async function soleLeader(page: BrowserPage): Promise<string | null> {
  const leaders = await nodesWithRole(page, "leader");
  return leaders.length === 1 ? leaders[0] ?? null : null;
}

/** A fake cluster whose nodes say they sit on a hash ring of 64 tokens each. */
class RingFake extends FakeCluster {
  override status(node: NodeId): NodeStatus {
    return { ...super.status(node), vnodes: 64 };
  }
}

/** Many fake nodes behind the real API and the dashboard, and traffic on demand. */
export interface FakeServed {
  readonly url: string;
  readonly api: Api;
  /** Message events emitted so far (sends and deliveries). */
  readonly emitted: number;
  /**
   * Starts the leader's heartbeats to every follower and their answers, every `everyMs`:
   * 4 events per follower per round (send and delivery, both ways).
   */
  traffic(everyMs?: number): void;
  close(): Promise<void>;
}

/**
 * `n` fake nodes (n1 leads; each reports `vnodes: 64`) behind the real API with the
 * dashboard on 127.0.0.1:0: instant to start, whatever `n`, where Worker nodes past 48
 * take minutes on a busy machine.
 */
export function serveFakeDashboard(n: number): FakeServed {
  const ids = Array.from({ length: n }, (_, i) => `n${i + 1}`);
  const fake = new RingFake({ protocol: "raft-kv", nodes: ids });
  const checker = createWorkerChecker();
  const api = createApi(fake, { dashboard: dashboardRoutes({ checker }) });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, api.fetch);
  let stop = false;
  let pump: Promise<void> = Promise.resolve();
  let emitted = 0;
  const t0 = performance.now();
  return {
    url: `http://127.0.0.1:${server.addr.port}/`,
    api,
    get emitted() {
      return emitted;
    },
    traffic(everyMs = 20) {
      pump = (async () => {
        while (!stop) {
          const time = performance.now() - t0;
          for (const peer of ids.slice(1)) {
            const hb = { type: "append", term: 3, entries: [] };
            const ack = { type: "append-reply", term: 3, ok: true };
            fake.emit({ time, kind: "send", node: "n1", peer, body: hb });
            fake.emit({ time: time + 1, kind: "deliver", node: peer, peer: "n1", body: hb });
            fake.emit({ time: time + 1, kind: "send", node: peer, peer: "n1", body: ack });
            fake.emit({ time: time + 2, kind: "deliver", node: "n1", peer, body: ack });
            emitted += 4;
          }
          await new Promise((r) => setTimeout(r, everyMs));
        }
      })();
    },
    async close() {
      stop = true;
      await pump;
      api.close();
      checker.close();
      await server.shutdown();
    },
  };
}
