/**
 * The dashboard at 64 nodes (the most a live cluster has) in a real Chromium: every node
 * on a ring drawn to scale (nodes on a hash ring at their tokens), names that never
 * overlap as the browser measures them, messages aggregated per link, every node in the
 * status table, and a node found by name — `n57` ringed and named on the ring, its row
 * marked and scrolled to, the space-time diagram focused on it.
 *
 * The 64 nodes are a fake cluster behind the real API (instant, and its message events
 * sent by the test at over 3,000 a second). DASHBOARD_MANY_LIVE=1 runs the same test
 * against 64 Worker nodes of quorum-kv (sharing Workers, with the SWIM detector: its
 * default all-to-all pings at 64 nodes overload two cores); DASHBOARD_MANY_NODES picks
 * another count (past 16); DASHBOARD_MANY_PNG=path keeps a screenshot.
 */

import assert from "node:assert/strict";
import { Chromium } from "./chromium.ts";
import { serveDashboard, serveFakeDashboard, waitFor } from "./browser.ts";
import { deadlineMs, notYet } from "../support/deadline.ts";
import { ringTokens } from "../../partitioning/ring.ts";

/** 64; DASHBOARD_MANY_NODES picks another count (past 16, so still drawn to scale). */
const NODES = Number(Deno.env.get("DASHBOARD_MANY_NODES") ?? 64);
/** The node searched for: n57 of 64. */
const SOUGHT = `n${NODES - 7}`;
const LIVE = Deno.env.get("DASHBOARD_MANY_LIVE") === "1";

interface ManyServed {
  readonly url: string;
  /** Makes message traffic (the fake: send and deliver events; live: writes). */
  traffic(): Promise<void>;
  close(): Promise<void>;
}

async function serveMany(): Promise<ManyServed> {
  if (LIVE) {
    // One node first: `deno test` type-checks a Worker's module when it starts, and 64
    // Workers starting at once would each check it; once one has, the rest find it checked.
    await (await serveDashboard({ protocol: "quorum-kv", nodes: 1, seed: 3 })).close();
    const served = await serveDashboard({
      protocol: "quorum-kv",
      nodes: NODES,
      seed: 3,
      options: { detector: "swim" },
      startTimeoutMs: deadlineMs(600_000),
    });
    return {
      url: served.url,
      async traffic() {
        for (let i = 0; i < 20; i++) {
          const res = await served.api.app.request(`/api/v1/kv/k${i}`, {
            method: "PUT",
            body: String(i),
          });
          await res.body?.cancel();
        }
      },
      close: () => served.close(),
    };
  }
  const fake = serveFakeDashboard(NODES);
  return {
    url: fake.url,
    // Over 3,000 message events a second, which the page must sum per link, not animate.
    traffic: () => Promise.resolve(fake.traffic(20)),
    close: () => fake.close(),
  };
}

Deno.test({
  name: "dashboard at 64 nodes: every node shown to scale, names apart, search finds n57",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const served = await serveMany();
    const browser = await Chromium.launch();
    try {
      const page = await browser.newPage(1400, 1000);
      await page.goto(served.url);

      await waitFor("the ring shows 64 nodes, drawn to scale", async () => {
        const n = await page.count("#ring g.node");
        const compact = (await page.attrs("#ring", "data-compact"))[0];
        return (n === NODES && compact === "true") || notYet({ nodes: n, compact });
      });
      await waitFor(
        "the status table has a row per node",
        async () =>
          (await page.count("#log-view tr.status-row")) === NODES ||
          notYet(await page.count("#log-view tr.status-row")),
      );

      // Each node sits at its first token's angle (murmur3("<id>#0"), as the ring's).
      const spots = await page.evaluate(() =>
        [...document.querySelectorAll("#ring g.node")].map((g) => {
          const m = /translate\(([-\d.]+) ([-\d.]+)\)/.exec(g.getAttribute("transform") ?? "");
          return { id: g.getAttribute("data-id")!, x: Number(m?.[1]), y: Number(m?.[2]) };
        })
      );
      for (const s of spots) {
        const want = (ringTokens(s.id, 1)[0]! / 2 ** 32) * 2 * Math.PI;
        const drawn = Math.atan2(s.x - 260, 260 - s.y);
        const diff = Math.abs(((drawn - want + 3 * Math.PI) % (2 * Math.PI)) - Math.PI);
        assert.ok(diff < 0.01, `${s.id} drawn at ${drawn}, its token at ${want}`);
      }

      // Names, as the browser lays them out, never overlap one another.
      const boxes = async () =>
        await page.evaluate(() =>
          [...document.querySelectorAll<SVGTextElement>("#ring text.ring-label:not(.hidden)")]
            .map((t) => {
              const b = t.getBBox();
              return {
                id: t.textContent ?? "",
                x0: b.x,
                y0: b.y,
                x1: b.x + b.width,
                y1: b.y + b.height,
              };
            })
        );
      const noOverlap = (bs: Awaited<ReturnType<typeof boxes>>) => {
        for (let i = 0; i < bs.length; i++) {
          for (let j = i + 1; j < bs.length; j++) {
            const a = bs[i]!, b = bs[j]!;
            const hit = a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
            assert.ok(!hit, `the names ${a.id} and ${b.id} overlap`);
          }
        }
      };
      const before = await boxes();
      assert.ok(before.length >= 20, `${before.length} names shown`);
      noOverlap(before);

      // Messages are drawn per link, not per message: lines, and no dots.
      await served.traffic();
      await waitFor("the ring draws aggregated message flow", async () => {
        const flow = Number((await page.attrs("#ring", "data-flow"))[0] ?? 0);
        return flow > 0 || notYet({ flow });
      });
      assert.equal(await page.count("#ring .ring-dots > *"), 0, "no dot per message");
      assert.equal(await page.count("#ring line.link"), 0, "no line per pair of nodes");

      // Find n57 (of 64): ringed and named on the ring, its row marked and in view, the diagram on it.
      await page.fill("#node-search", SOUGHT);
      await waitFor(`${SOUGHT} is found on the ring`, async () => {
        const found = await page.attrs('#ring g.node[data-found="true"]', "data-id");
        const label = await page.text("#ring text.ring-label.found");
        return (found.length === 1 && found[0] === SOUGHT && label === SOUGHT) ||
          notYet({ found, label });
      });
      const inView = () =>
        page.evaluate((id: string) => {
          const row = document.querySelector(`#log-view tr.status-row.found[data-node="${id}"]`);
          if (row === null) return "no marked row";
          const p = document.getElementById("log-panel")!.getBoundingClientRect();
          const r = row.getBoundingClientRect();
          return r.top >= p.top && r.bottom <= p.bottom
            ? true
            : `row at ${r.top}, panel ${p.top}–${p.bottom}`;
        }, SOUGHT);
      await waitFor(`${SOUGHT}'s status row is marked and scrolled into view`, async () => {
        const v = await inView();
        return v === true || notYet(v);
      });
      await waitFor(`the space-time diagram marks ${SOUGHT}'s row`, async () => {
        const rows = await page.attrs("#spacetime line.st-row.found", "data-node");
        const hidden = Number((await page.attrs("#spacetime", "data-hidden"))[0] ?? 0);
        return (rows.length === 1 && rows[0] === SOUGHT && hidden > 0) || notYet({ rows, hidden });
      });
      assert.match((await page.text("#st-rows")) ?? "", new RegExp(`of ${NODES} nodes shown`));
      noOverlap(await boxes());

      // Enter selects the found node.
      await page.evaluate(() => {
        document.getElementById("node-search")!.dispatchEvent(
          new KeyboardEvent("keydown", { key: "Enter", bubbles: true }),
        );
      });
      await waitFor(
        `Enter selects ${SOUGHT}`,
        async () =>
          (await page.attrs(`#ring g.node[data-id="${SOUGHT}"]`, "data-selected"))[0] === "true",
      );
      // A name that matches nothing says so.
      await page.fill("#node-search", "zz");
      await waitFor(
        "no match is said",
        async () => /no node matches zz/.test((await page.text("#node-search-result")) ?? ""),
      );
      await waitFor(
        "nothing is marked found",
        async () => (await page.count('#ring g.node[data-found="true"], #log-view tr.found')) === 0,
      );

      const png = Deno.env.get("DASHBOARD_MANY_PNG");
      if (png !== undefined) {
        await page.fill("#node-search", SOUGHT);
        await waitFor(
          `${SOUGHT} found again`,
          async () => (await page.count(".ring-label.found")) === 1,
        );
        await Deno.writeFile(png, await page.screenshot());
      }
      assert.deepEqual(page.errors, [], "the page logged no errors");
    } finally {
      await browser.close();
      await served.close();
    }
  },
});
