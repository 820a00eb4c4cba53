/**
 * TCP nodes run in the test's own process against a control link on loopback: what the
 * control-side TCP tests share. Each node gets a free port and the addresses of the
 * peers it is given (every other node by default).
 *
 * @module
 */

import assert from "node:assert/strict";
import { within } from "../support/deadline.ts";
import { NodeLinks } from "../../nodes/tcp/node_links.ts";
import { runTcpNode, type TcpNodeOptions } from "../../nodes/tcp/tcp_node.ts";
import type { Address } from "../../nodes/tcp/peer_transport.ts";
import { freePort, HOST } from "./processes.ts";

/** What a node gets beyond its id, addresses and control (its `--peers` by id). */
export type NodeExtra = Partial<Pick<TcpNodeOptions, "protocol" | "dataDir">> & {
  readonly peers?: readonly string[];
};

/**
 * The control link, the nodes' addresses and runs, and their log lines.
 *
 * @example
 * ```ts ignore
 * const nodes = inProcessNodes(["n1", "n2"]);
 * nodes.start("n1");
 * await nodes.stop();
 * ```
 */
export interface InProcessNodes {
  /** Control's side of the node links (give it to `startCluster` as `external`). */
  readonly links: NodeLinks;
  /** The control URL the nodes connect to. */
  readonly url: string;
  readonly addrs: ReadonlyMap<string, Address>;
  /** Each node's latest run: its exit code when it ends. */
  readonly runs: Map<string, Promise<number>>;
  readonly logs: string[];
  /** Starts (or starts again) node `id`. */
  start(id: string, extra?: NodeExtra): Promise<number>;
  /** Waits for every node to exit (0, or 137 if crashed), then closes control's link. */
  stop(): Promise<void>;
}

/**
 * Sets up control's link for `ids`; the nodes are started with {@link InProcessNodes.start}.
 *
 * @example
 * ```ts ignore
 * const nodes = inProcessNodes(["n1", "n2", "n3"]);
 * ```
 */
export function inProcessNodes(ids: readonly string[]): InProcessNodes {
  const logs: string[] = [];
  const links = new NodeLinks([...ids], (l) => logs.push(l));
  const server = Deno.serve(
    { hostname: HOST, port: 0, onListen: () => {} },
    (req) => links.accept(req),
  );
  const url = `http://${HOST}:${server.addr.port}`;
  const addrs = new Map(ids.map((id) => [id, { hostname: HOST, port: freePort() }]));
  const runs = new Map<string, Promise<number>>();
  return {
    links,
    url,
    addrs,
    runs,
    logs,
    start(id, extra = {}) {
      const peerIds = extra.peers ?? ids.filter((p) => p !== id);
      const run = runTcpNode({
        id,
        listen: addrs.get(id)!,
        peers: new Map(peerIds.map((p) => [p, addrs.get(p)!])),
        control: url,
        log: (l) => logs.push(l),
        ...(extra.protocol !== undefined ? { protocol: extra.protocol } : {}),
        ...(extra.dataDir !== undefined ? { dataDir: extra.dataDir } : {}),
      });
      runs.set(id, run);
      return run;
    },
    async stop() {
      const codes = await within("every node exits", Promise.all(runs.values()), "short");
      links.close();
      await server.shutdown();
      assert.ok(codes.every((c) => c === 0 || c === 137), `exit codes ${codes}`);
    },
  };
}
