/**
 * The dashboard's log grid shows the entries the nodes hold, read from the API
 * (`GET /nodes/{id}/log`), not only those it saw travel after it connected: open the
 * page after 500 writes and every node's latest entries are there, with their terms.
 */

import assert from "node:assert/strict";
import { Chromium } from "./chromium.ts";
import { serveDashboard, waitFor } from "./browser.ts";
import { notYet, waitFor as poll } from "../support/deadline.ts";
import { LOG_COLUMNS } from "../../dashboard/log_view.ts";
import type { LogPageShape } from "../../http/api_schemas.ts";

Deno.test({
  name: "dashboard opened after 500 writes shows every node's real log entries",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const served = await serveDashboard({ protocol: "raft-kv", nodes: 3, seed: 21 });
    const app = served.api.app;
    try {
      for (let i = 0; i < 500; i += 25) {
        await Promise.all(
          Array.from({ length: 25 }, (_, j) =>
            poll(`PUT k${i + j} is acknowledged`, async () => {
              const res = await app.request(`/api/v1/kv/k${i + j}`, {
                method: "PUT",
                body: JSON.stringify(i + j),
              });
              await res.body?.cancel();
              return res.status === 200 || notYet(res.status);
            })),
        );
      }
      // The API's page: the newest entries with their data, and its bad input.
      const page = await poll("every node holds the 500 writes", async () => {
        const res = await app.request(`/api/v1/nodes/n2/log?limit=${LOG_COLUMNS}`);
        const p = await res.json() as LogPageShape;
        return res.status === 200 && p.commit >= 500 ? p : notYet(p);
      });
      assert.equal(page.entries.length, LOG_COLUMNS);
      assert.equal(page.entries.at(-1)?.index, page.last);
      assert.ok(
        page.entries.some((e) => (e.data as { op?: { f: string } }).op?.f === "write"),
      );
      for (
        const [path, status] of [
          ["/api/v1/nodes/n9/log", 404],
          ["/api/v1/nodes/n1/log?limit=0", 400],
          ["/api/v1/nodes/n1/log?from=-1", 400],
        ] as const
      ) {
        const res = await app.request(path);
        assert.equal(res.status, status, path);
        assert.equal(res.headers.get("content-type"), "application/problem+json");
        await res.body?.cancel();
      }

      const browser = await Chromium.launch();
      try {
        const p = await browser.newPage(1400, 1000);
        await p.goto(served.url);
        const cells = (sel: string) => p.count(`#log-view tr.log-row ${sel}`);
        await waitFor("every node's latest entries show their terms", async () => {
          const known = await cells("td.entry[data-term]");
          const unseen = await cells("td.entry.unknown");
          return known === 3 * LOG_COLUMNS && unseen === 0;
        });
        const labels = await p.count('#log-view td.entry[data-label^="write k"]');
        assert.ok(labels >= LOG_COLUMNS, `only ${labels} write entries labelled`);
      } finally {
        await browser.close();
      }
    } finally {
      await served.close();
    }
  },
});
