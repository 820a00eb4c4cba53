/**
 * The dashboard shows what a protocol declares, in a real Chromium: the toy protocol of
 * tests/toy (written in a test file, named by no front end) gets its own headline, its
 * own status-table columns and its own node-panel rows.
 */

import assert from "node:assert/strict";
import { Chromium } from "./chromium.ts";
import { serveDashboard, waitFor } from "./browser.ts";

Deno.test({
  name: "dashboard: a protocol's declared display: headline, status table and node panel",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const served = await serveDashboard({
      protocol: { module: new URL("../toy/toy_kv.ts", import.meta.url).href, export: "toyKv" },
      nodes: 3,
      seed: 1,
    });
    const browser = await Chromium.launch();
    try {
      for (const key of ["fruit", "nut"]) {
        const put = await served.api.app.request(`/api/v1/kv/${key}`, {
          method: "PUT",
          body: '"x"',
        });
        assert.equal(put.status, 200);
      }
      const page = await browser.newPage(1400, 1000);
      await page.goto(served.url);

      // The status table: the toy's columns between the host's own, one row per node.
      const headers = await waitFor(
        "the status table shows the toy's columns",
        () =>
          page.evaluate(() => {
            const ths = [...document.querySelectorAll("#log-view table.status th")];
            const rows = document.querySelectorAll("#log-view tr.status-row").length;
            return rows === 3 ? ths.map((t) => t.textContent) : null;
          }),
      );
      assert.deepEqual(headers, [
        "NODE",
        "STATE",
        "ROLE",
        "WRITES",
        "KEYS",
        "SEEN",
        "SUSPECTED-BY",
        "BREAKER",
      ]);
      const cell = (node: string, column: string) =>
        page.text(`#log-view tr.status-row[data-node="${node}"] td[data-column="${column}"]`);
      await waitFor(
        "the owner's row shows its writes and keys",
        async () =>
          (await cell("n1", "WRITES")) === "2" && (await cell("n1", "KEYS")) === "fruit,nut",
      );
      assert.equal(await cell("n2", "ROLE"), "replica");
      assert.equal(await cell("n2", "KEYS"), "-");
      // No log grid: the toy's nodes report no log.
      assert.equal(await page.count("#log-view table.log-grid"), 0);

      // The header in the toy's words.
      await waitFor(
        "the header names the owner and its epoch",
        async () => (await page.text("#hdr-leader")) === "owner n1 · epoch 1",
      );

      // The node panel: the selected node's declared columns.
      await page.click('#ring g.node[data-id="n1"]');
      const panel = await waitFor("the node panel shows n1's columns", () =>
        page.evaluate(() => {
          const rows = [...document.querySelectorAll("#sel-columns tr")];
          return rows.length === 0 ? null : Object.fromEntries(
            rows.map((r) => [r.getAttribute("data-column"), r.querySelector("td")?.textContent]),
          );
        }));
      assert.equal(panel.NODE, "n1");
      assert.equal(panel.ROLE, "owner");
      assert.equal(panel.WRITES, "2");
      assert.equal(panel.KEYS, "fruit,nut");
      assert.deepEqual(page.errors, [], "the page logged no errors");
    } finally {
      await browser.close();
      await served.close();
    }
  },
});
