/**
 * Runs `fn` with a Worker cluster started from `o`, then closes it and checks that
 * nothing of it still runs (no node, no router timer).
 *
 * @example
 * ```ts ignore
 * await withCluster({ protocol: "heartbeat", nodes: 3, seed: 1 }, async (c) => {
 *   await c.status("n1");
 * });
 * ```
 *
 * @module
 */

import assert from "node:assert/strict";
import { type Cluster, startCluster } from "../../nodes/worker_cluster.ts";

export async function withCluster(
  o: Parameters<typeof startCluster>[0],
  fn: (c: Cluster) => Promise<void>,
): Promise<void> {
  const c = await startCluster(o);
  try {
    await fn(c);
  } finally {
    await c.close();
  }
  assert.deepEqual(c.activity(), { workers: 0, routerTimer: false });
}
