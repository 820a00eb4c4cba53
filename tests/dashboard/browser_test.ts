/**
 * The dashboard in a real Chromium: watch a 5-node Raft cluster, break it with clicks,
 * and check what the page shows (DOM and SVG, screenshots of the right size), not just
 * that it loaded. Set UPDATE_DASHBOARD_PNG=1 to refresh docs/dashboard.png (a screenshot
 * taken during an election) and docs/dashboard_ja.png (the page switched to Japanese).
 */

import assert from "node:assert/strict";
import { type BrowserPage, Chromium } from "./chromium.ts";
import { nodesWithRole, pngSize, serveDashboard, soleLeader, waitFor } from "./browser.ts";
import { notYet, waitFor as poll } from "../support/deadline.ts";

const WIDTH = 1400;
const HEIGHT = 1000;
const DOCS_PNG = new URL("../../docs/dashboard.png", import.meta.url);
const DOCS_JA_PNG = new URL("../../docs/dashboard_ja.png", import.meta.url);

async function screenshot(page: BrowserPage, name: string): Promise<Uint8Array> {
  const bytes = await page.screenshot();
  assert.deepEqual(
    pngSize(bytes),
    { width: WIDTH, height: HEIGHT },
    `${name}: not the viewport's size`,
  );
  return bytes;
}

const node = (id: string) => `#ring g.node[data-id="${id}"]`;

async function attr(page: BrowserPage, selector: string, name: string): Promise<string | null> {
  return (await page.attrs(selector, name))[0] ?? null;
}

/**
 * Brings the view to `mode` ("paused" or "live") with its toggle and waits until the page
 * shows it; clicks again only once a click has visibly taken effect, so a slow frame
 * never turns two clicks into none.
 */
async function viewMode(page: BrowserPage, mode: "paused" | "live"): Promise<void> {
  await waitFor(`the view is ${mode}`, async () => {
    const now = await attr(page, "body", "data-mode");
    if (now === mode) return true;
    await page.click(mode === "live" ? "#view-live" : "#view-toggle");
    try {
      await poll(
        `the view leaves ${now} after a click`,
        async () => (await attr(page, "body", "data-mode")) !== now,
        { timeout: "short" },
      );
    } catch {
      return notYet(`${now}, unchanged by a click`); // the click was lost: click again
    }
    return (await attr(page, "body", "data-mode")) === mode || notYet(now);
  });
}

async function selectOnly(page: BrowserPage, id: string): Promise<void> {
  await page.click("#btn-clear-sel");
  await page.click(node(id));
  await waitFor(
    `${id} is selected`,
    async () => (await attr(page, node(id), "data-selected")) === "true",
  );
}

Deno.test({
  name:
    "dashboard: shows the leader, a crash and a new election, a partition and its heal, and a write committed everywhere",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const served = await serveDashboard({ protocol: "raft-kv", nodes: 5, seed: 11 });
    const browser = await Chromium.launch();
    const downloads = await Deno.makeTempDir();
    try {
      await browser.allowDownloads(downloads);
      const page = await browser.newPage(WIDTH, HEIGHT);
      await page.goto(served.url);

      // Five nodes on the ring and exactly one leader, which the header names too.
      const first = await waitFor("the ring shows 5 nodes and one leader", async () => {
        return (await page.count("#ring g.node")) === 5 ? await soleLeader(page) : null;
      });
      await waitFor(
        "the header names the leader",
        async () => (await attr(page, "#hdr-leader", "data-leader")) === first,
      );
      assert.equal(await page.count("#ring line.link"), 10);
      await screenshot(page, "first view");

      // A write from the page.
      await page.fill("#kv-key", "a");
      await page.fill("#kv-value", "1");
      await page.click("#btn-write");
      await waitFor(
        "the write is acknowledged",
        async () => (await attr(page, "#kv-result", "data-ok")) === "true",
      );

      // Crash the leader with a click: a new leader within the election bound.
      await selectOnly(page, first);
      // The node panel shows the selected node's own status, whatever the protocol.
      await waitFor(
        "the selected leader's status is shown",
        async () => /role: leader/.test((await page.text("#sel-status")) ?? ""),
      );
      // …and in the columns its protocol declares, as the status table does for all.
      await waitFor(
        "the node panel and the status table show the declared columns",
        async () =>
          (await page.text('#sel-columns tr[data-column="ROLE"] td')) === "leader" &&
          (await page.text(
              `#log-view tr.status-row[data-node="${first}"] td[data-column="COMMIT"]`,
            )) !== null,
      );
      const t0 = performance.now();
      await page.click("#btn-crash");
      const second = await waitFor("a new leader", async () => {
        const crashed = (await attr(page, node(first), "data-role")) === "crashed" &&
          (await attr(page, node(first), "data-up")) === "false";
        const leader = await soleLeader(page);
        return crashed && leader !== null && leader !== first ? leader : null;
      });
      const failoverMs = Math.round(performance.now() - t0);
      console.log(`new leader ${second} shown ${failoverMs} ms after the crash click`);
      await page.click("#btn-restart");
      await waitFor(
        `${first} is back`,
        async () =>
          (await attr(page, node(first), "data-up")) === "true" &&
          (await attr(page, node(first), "data-role")) === "follower",
      );

      // The next failover, paused and played step by step up to the election: the
      // screenshot for the docs. Stepping is deterministic where watching a live (or
      // slowed) view for a state that lasts a few milliseconds is not.
      await selectOnly(page, second);
      await viewMode(page, "paused");
      await page.click("#btn-crash");
      await page.waitInPage(() => {
        const d = (window as unknown as {
          distlab: {
            model: { all(): { role: string; up: boolean }[] };
            playback: { pending: number };
          };
        }).distlab;
        // A candidate after the crash: a restarted node that had not yet heard the leader
        // may campaign before the crash is played, so both must be shown.
        const shown = () =>
          d.model.all().some((n) => !n.up) &&
          d.model.all().some((n) => n.role === "candidate" || n.role === "pre-candidate");
        // Play what has arrived, one event at a time, until both are shown.
        for (let i = 0; i < 500 && !shown() && d.playback.pending > 0; i++) {
          document.getElementById("view-step")!.click();
        }
        return shown() &&
          document.querySelector(
              '#ring g.node[data-role="candidate"], #ring g.node[data-role="pre-candidate"]',
            ) !== null;
      });
      await page.click("#btn-clear-sel");
      const election = await screenshot(page, "election");
      if (Deno.env.get("UPDATE_DASHBOARD_PNG") === "1") await Deno.writeFile(DOCS_PNG, election);
      assert.equal(
        await page.count('#ring g.node[data-up="false"]'),
        1,
        "the crashed leader is marked",
      );
      assert.ok(
        (await page.count(
          '#ring g.node[data-role="candidate"], #ring g.node[data-role="pre-candidate"]',
        )) >= 1,
        "a candidate is shown",
      );
      assert.ok(
        (await page.count("#ring g.node[data-countdown]")) >= 1,
        "followers show their election countdown",
      );
      // Paused, the events keep coming and wait in the buffer; a step plays one.
      const buffered = async () => Number((await page.text("#view-buffer"))!.split(" ")[0]);
      const before = await buffered();
      await waitFor("events wait in the buffer", async () => (await buffered()) > before);
      await page.click("#view-step");
      await waitFor(
        "a step plays one event",
        async () => ((await page.text("#view-last")) ?? "") !== "",
      );
      await viewMode(page, "live");
      const third = await waitFor("a leader after the second failover", async () => {
        const leader = await soleLeader(page);
        return leader !== null && leader !== second ? leader : null;
      });
      await selectOnly(page, second);
      await page.click("#btn-restart");
      await waitFor(
        `${second} is back`,
        async () => (await attr(page, node(second), "data-up")) === "true",
      );

      // Partition with the controls: the leader and one follower against the other three.
      const follower = served.cluster.nodes.find((n) => n !== third)!;
      await selectOnly(page, third);
      await page.click(node(follower), { shift: true });
      await page.click("#btn-add-group");
      await page.click("#btn-partition");
      const minority = [third, follower].sort();
      const majority = served.cluster.nodes.filter((n) => !minority.includes(n));
      await waitFor("the ring draws two groups", async () => {
        const groups = await page.attrs("#ring .ring-groups path.group", "data-nodes");
        return groups.length === 2 && groups.includes(minority.join(","));
      });
      assert.equal(
        await page.count('#ring line.link[data-blocked="both"]'),
        minority.length * majority.length,
        "every link across the partition is drawn blocked",
      );
      await waitFor(
        "the fault list shows the partition",
        async () => (await page.count("#fault-list li[data-fault]")) === 1,
      );
      assert.equal(
        (await (await served.api.app.request("/api/v1/faults")).json()).blocks.length,
        1,
      );
      const majorityLeader = await waitFor("the majority elects its own leader", async () => {
        const leaders = await nodesWithRole(page, "leader");
        return leaders.length === 1 && majority.includes(leaders[0]!) ? leaders[0] : null;
      });
      console.log(
        `partition ${minority.join(",")} | ${majority.join(",")}: ${majorityLeader} leads`,
      );
      await page.click("#btn-heal");
      await waitFor(
        "the partition is gone from the page",
        async () =>
          (await page.count("#ring .ring-groups path.group")) === 0 &&
          (await page.count('#ring line.link[data-blocked="both"]')) === 0 &&
          (await page.count("#fault-list li[data-fault]")) === 0,
      );

      // A write from the page, committed on every node's log.
      await page.fill("#kv-key", "dash");
      await page.fill("#kv-value", "42");
      await page.click("#btn-write");
      await waitFor(
        "the write is acknowledged",
        async () =>
          (await attr(page, "#kv-result", "data-ok")) === "true" &&
          (await attr(page, "#kv-result", "data-op")) === "write",
      );
      await waitFor("every node's log holds the write, committed", () =>
        page.evaluate(() => {
          const rows = [...document.querySelectorAll("#log-view tr.log-row")];
          return rows.length === 5 &&
            rows.every((r) =>
              r.querySelector('td.entry.committed[data-label="write dash=42"]') !== null
            );
        }));
      await waitFor("the checker's verdict", async () => {
        const v = await attr(page, "#verdict", "data-verdict");
        return v === "linearizable" ? true : notYet({ verdict: v });
      });
      await waitFor(
        "the timeline shows the page's operations",
        async () => Number(await attr(page, "#timeline", "data-ops")) >= 2,
      );

      // The space-time diagram: arrows, clocks on hover, and both exports.
      await page.select("#view-speed", "1");
      await viewMode(page, "paused"); // so that the diagram stands still
      const hover = await page.evaluate(() => {
        const d = (window as unknown as {
          distlab: { spacetime: { layout: { points: { x: number; y: number; text: string }[] } } };
        }).distlab;
        const p = d.spacetime.layout.points.find((q) => q.text.includes("vector"));
        const r = document.getElementById("spacetime")!.getBoundingClientRect();
        return p === undefined ? null : { x: r.left + p.x, y: r.top + p.y };
      });
      assert.ok(hover !== null, "the diagram has points with vector clocks");
      await page.mouseMove(hover.x, hover.y);
      const tip = await waitFor("a tooltip with the clocks", () =>
        page.evaluate(() => {
          const e = document.getElementById("tip")!;
          return e.classList.contains("hidden") ? null : e.textContent;
        }));
      assert.match(tip!, /Lamport \d+\nvector \{/);
      await viewMode(page, "live");
      assert.ok(Number(await attr(page, "#spacetime", "data-messages")) > 0);
      const shiviz = await page.download("#st-export-shiviz", downloads);
      const lines = shiviz.trimEnd().split("\n");
      assert.ok(lines.length >= 20 && lines.length % 2 === 0, "ShiViz: pairs of lines");
      for (let i = 1; i < lines.length; i += 2) {
        const m = /^(\S+) (\{.*\})$/.exec(lines[i]!);
        assert.ok(
          m !== null && served.cluster.nodes.includes(m[1]!),
          `ShiViz host line: ${lines[i]}`,
        );
        JSON.parse(m[2]!);
      }
      assert.ok(lines.some((l) => l.startsWith("deliver from ")), "ShiViz: deliveries");
      const svgText = await page.download("#st-export-svg", downloads);
      assert.ok(svgText.startsWith("<svg") && svgText.includes('class="st-delivered"'));

      await screenshot(page, "after the write");

      // A node made Byzantine from its control is drawn so on the ring and in the table,
      // and honest again from the same control.
      const liar = served.cluster.nodes[1]!;
      await page.select("#byz-node", liar);
      await page.select("#byz-mode", "replay");
      await page.click("#btn-byzantine");
      await waitFor(
        `${liar} is drawn as Byzantine`,
        async () =>
          (await attr(page, node(liar), "data-byzantine")) === "replay" &&
          (await attr(page, `#log-view tr.status-row[data-node="${liar}"]`, "data-byzantine")) ===
            "replay",
      );
      assert.equal(served.cluster.byzantineMode(liar), "replay");
      await page.select("#byz-mode", "honest");
      await page.click("#btn-byzantine");
      await waitFor(
        `${liar} is honest again`,
        async () => (await attr(page, node(liar), "data-byzantine")) === "",
      );

      // The switch in the header puts the page into Japanese: labels, tooltips, and the
      // text the views keep writing (the leader pill, the legend, the verdict).
      assert.equal(await attr(page, "html", "lang"), "en");
      await page.select("#lang", "ja");
      await waitFor(
        "the page is in Japanese",
        async () =>
          (await attr(page, "html", "lang")) === "ja" ||
          notYet(`lang ${await attr(page, "html", "lang")}`),
      );
      const headings = await page.evaluate(() =>
        [...document.querySelectorAll("main h2")].map((h) => h.firstChild?.textContent?.trim())
      );
      assert.deepEqual(headings, ["クラスタ", "操作", "ノード", "時空図", "クライアント操作"]);
      assert.equal(await page.text("#btn-crash"), "クラッシュ");
      assert.equal(await page.text("#btn-heal"), "すべて修復");
      assert.equal(await attr(page, "#btn-timeout", "title"), "選挙タイムアウトを今すぐ発火させる");
      assert.equal(await attr(page, "#view-live", "title"), "現在に戻る");
      assert.equal(await page.evaluate(() => document.title), "distlab — ライブダッシュボード");
      // Text a view writes after the switch is Japanese too.
      await viewMode(page, "paused");
      await waitFor(
        "the toggle offers to play, in Japanese",
        async () =>
          (await page.text("#view-toggle")) === "再生" ||
          notYet(String(await page.text("#view-toggle"))),
      );
      await viewMode(page, "live");
      const legend = (await page.text("#cluster-panel .legend")) ?? "";
      assert.match(legend, /リーダー.*フォロワー.*候補者/s);
      const ja = await screenshot(page, "in Japanese");
      if (Deno.env.get("UPDATE_DASHBOARD_PNG") === "1") {
        await Deno.writeFile(DOCS_JA_PNG, ja);
      }
      // And back: the English the page was written in returns.
      await page.select("#lang", "en");
      await waitFor(
        "the page is in English again",
        async () =>
          (await page.text("#btn-crash")) === "crash" ||
          notYet(String(await page.text("#btn-crash"))),
      );
      assert.equal(await attr(page, "#btn-timeout", "title"), "fire the election timeout now");
      assert.deepEqual(page.errors, [], "the page logged no errors");
      // Only the answers a live cluster may give a page whose view is a moment old: a log
      // read of a node that just went down, or a busy checker.
      if (page.unavailable.length > 0) console.log("answered 503:", page.unavailable);
      for (const url of page.unavailable) {
        assert.match(url, /\/nodes\/n\d+\/log\b|\/dashboard\/check$/, `503 for ${url}`);
      }
    } finally {
      await browser.close();
      await served.close();
      await Deno.remove(downloads, { recursive: true });
    }
  },
});
