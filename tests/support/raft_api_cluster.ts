/**
 * A real 3-node raft-kv Worker cluster with its HTTP API in process, on a temporary
 * `--data-dir` or in memory, closed and removed after the test: the setting of the
 * storage-fault tests of the API, the CLI and the e2e suite.
 *
 * @module
 */

import { type Api, type ApiOptions, createApi } from "../../http/app.ts";
import { type Cluster, startCluster } from "../../nodes/worker_cluster.ts";

/**
 * Runs `fn` with the API of a new 3-node raft-kv cluster and its data directory
 * (undefined when `dataDir` is false: storage in memory).
 *
 * @example
 * ```ts ignore
 * import { withRaftApi } from "./raft_api_cluster.ts";
 * await withRaftApi({ dataDir: true, seed: 1 }, async (api) => {
 *   await api.app.request("/api/v1/faults/disk", { method: "POST", body: "{}" });
 * });
 * ```
 */
export async function withRaftApi(
  o: { readonly dataDir: boolean; readonly seed: number; readonly api?: ApiOptions },
  fn: (api: Api, cluster: Cluster, dir: string | undefined) => Promise<void>,
): Promise<void> {
  const dir = o.dataDir ? await Deno.makeTempDir({ prefix: "distlab_raft_api_" }) : undefined;
  const cluster = await startCluster({
    protocol: "raft-kv",
    nodes: 3,
    seed: o.seed,
    ...(dir === undefined ? {} : { dataDir: dir }),
  });
  const api = createApi(cluster, o.api);
  try {
    await fn(api, cluster, dir);
  } finally {
    api.close();
    await cluster.close();
    if (dir !== undefined) await Deno.remove(dir, { recursive: true });
  }
}
