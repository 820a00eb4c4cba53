/**
 * End to end: `deno task cluster --nodes 48` (the real `main.ts` process) runs its nodes
 * in groups on a few Workers (past 32 nodes): it elects, serves the API, and `cli status`
 * and the dashboard's data show every node. The closing note of the scale issue has the
 * 256-node figures (start, election, memory) measured the same way.
 */

import assert from "node:assert/strict";
import { cli, leaderOf, readBack, writeAll } from "./cluster_client.ts";
import { startMain } from "./main_process.ts";
import { notYet, waitFor } from "../support/deadline.ts";

Deno.test("e2e: 48 nodes on shared Workers elect, serve the API, and status shows every node", async () => {
  const server = await startMain("--port", "0", "--nodes", "48", "--seed", "4");
  try {
    const leader = await waitFor(
      "a leader",
      async () => (await leaderOf(server.url)) ?? notYet(null),
    );
    assert.match(leader.leader, /^n\d+$/);
    const acked = new Map<string, unknown>();
    await writeAll(server.url, ["a", "b", "c"], acked);
    await readBack(server.url, acked);
    const out = await cli(server.url, "status");
    const rows = out.filter((l) => /^n\d+\s/.test(l));
    assert.equal(rows.length, 48, out.join("\n"));
    assert.ok(out.some((l) => /^48 nodes: 48 up/.test(l)), out.slice(0, 3).join("\n"));
    // What the dashboard draws from.
    const view = await (await fetch(`${server.url}/api/v1/cluster`)).json() as {
      nodes: { id: string; up: boolean }[];
    };
    assert.equal(view.nodes.length, 48);
    assert.ok(view.nodes.every((n) => n.up));
  } finally {
    assert.equal(await server.stop(), 0);
  }
});
