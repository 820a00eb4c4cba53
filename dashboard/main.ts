/**
 * The dashboard's entry point: connects to the event stream and polls the cluster and
 * the history, buffers every event (see `playback.ts`), and draws at most once per
 * animation frame — events arriving between frames are only queued, so a burst of a
 * thousand messages costs one frame, not a thousand redraws. Each frame's work is timed
 * with performance marks (`window.distlab.stats()`).
 *
 * A node can be found by name (the search box over the ring): it is ringed and named on
 * the ring, its rows in the tables are marked and scrolled to, and the space-time
 * diagram — past 16 nodes — shows the selected and found nodes (and the leader) only.
 * Enter also selects it.
 *
 * Page parameter: `?access_token=` (a server started with `--token`).
 *
 * @module
 */

import { ApiClient } from "./api_client.ts";
import { ClusterModel } from "./cluster_model.ts";
import { Controls } from "./controls.ts";
import { byId, setAttrs, setText } from "./dom.ts";
import { spacetimeRows } from "./spacetime.ts";
import { EventLog } from "./event_log.ts";
import { FrameStats } from "./frame_stats.ts";
import { LOG_COLUMNS, LogView } from "./log_view.ts";
import { MessageMatcher } from "./message_matcher.ts";
import { Playback } from "./playback.ts";
import { RaftLogs } from "./raft_log.ts";
import { findNode } from "./node_search.ts";
import { RingView } from "./ring_view.ts";
import { SpacetimeView } from "./spacetime_view.ts";
import { readEvents } from "./event_stream.ts";
import type { SseMessage } from "../client/sse.ts";
import { TimeBase } from "./time_base.ts";
import { faultPeriods } from "./timeline.ts";
import { readGrowingHistory } from "../history/jsonl.ts";
import { pairLiveOperations } from "../history/operations.ts";
import { TimelineView } from "./timeline_view.ts";
import { headlineText } from "./status_table.ts";
import { initialLang, startTranslating } from "./i18n.ts";

import type { TraceEvent } from "../nodes/trace.ts";
import type { LiveOperation as Op } from "../history/operations.ts";
import type { Verdict } from "./timeline_view.ts";
import type { LogPageShape } from "../http/api_schemas.ts";

const CLUSTER_POLL_MS = 400;
const HISTORY_POLL_MS = 1000;
/** How often the page looks for log entries it has not seen on the wire. */
const LOG_POLL_MS = 1000;
const CHECK_EVERY_MS = 2000;
/** How often one history is sent again after an answer without a verdict. */
const MAX_RECHECKS = 5;
/** Histories larger than this are not sent for a live check. */
const MAX_CHECK_BYTES = 4 * 1024 * 1024;
/** Kinds that start or end fault periods. */
const FAULT_KINDS = new Set(["crash", "restart", "pause", "resume", "fault"]);
/** The space-time diagram's rows shown in full (as `spacetimeLayout`'s default). */
const ST_MAX_ROWS = 16;

/**
 * Starts the dashboard in this page.
 *
 * @example
 * ```ts
 * import { startDashboard } from "./main.ts";
 * startDashboard();
 * ```
 */
export function startDashboard(): void {
  const lang = initialLang();
  const setLang = startTranslating(document, lang);
  const langSelect = byId("lang") as HTMLSelectElement;
  langSelect.value = lang;
  langSelect.addEventListener("change", () => setLang(langSelect.value === "ja" ? "ja" : "en"));
  const params = new URLSearchParams(location.search);
  const api = new ApiClient("/api/v1", params.get("access_token"));
  const model = new ClusterModel();
  const playback = new Playback();
  const timeBase = new TimeBase();
  const matcher = new MessageMatcher();
  const logs = new RaftLogs();
  const eventLog = new EventLog();
  const frameStats = new FrameStats();
  const intervalStats = new FrameStats();
  /** Where frame time goes, per part of the frame (ms, the frames that did that part). */
  const parts: Record<string, FrameStats> = {};
  const took = (name: string, since: number) =>
    (parts[name] ??= new FrameStats()).add(performance.now() - since);
  const selection: Set<string> = new Set();
  const faultEvents: TraceEvent[] = [];
  let ops: Op[] = [];
  let verdict: Verdict | null = null;
  let received = 0;
  let lagged = 0;
  let logsVersion = 0;
  /** Events per second, over the last full second. */
  let rate = 0;
  let rateCount = 0;
  let rateStart = performance.now();

  const ring = new RingView(byId("ring") as unknown as SVGSVGElement, {
    onNodeClick(id, shift) {
      if (shift) {
        if (selection.has(id)) selection.delete(id);
        else selection.add(id);
      } else if (selection.size === 1 && selection.has(id)) {
        selection.clear();
      } else {
        selection.clear();
        selection.add(id);
      }
      controls.render();
    },
  });
  const logView = new LogView(byId("log-view"));
  const spacetime = new SpacetimeView(
    byId("spacetime") as unknown as SVGSVGElement,
    byId("tip"),
  );
  const timeline = new TimelineView(
    byId("timeline") as unknown as SVGSVGElement,
    byId("verdict"),
  );
  const controls = new Controls({
    api,
    model,
    selection,
    refresh: () => void pollCluster(),
    onSelectionChange: () => controls.render(),
    onPlacement: (p) => ring.setPlacement(p),
  });

  // --- input: the event stream and the polls; nothing is drawn here ---
  const onEvent = (ev: SseMessage) => {
    let e: TraceEvent;
    try {
      e = JSON.parse(ev.data);
    } catch {
      return;
    }
    if (ev.event === "lagged" || ev.event === "dropped") {
      lagged += (e as { dropped?: number }).dropped ?? 1;
      return;
    }
    received++;
    rateCount++;
    timeBase.observe(e.time, performance.now());
    playback.push(e);
    if (FAULT_KINDS.has(e.kind)) faultEvents.push(e);
  };
  const onState = (state: "open" | "down") =>
    setConn(state === "open" ? "live" : "down", state === "open" ? "connected" : "reconnecting…");
  void readEvents(
    api.url("/events?kind=all"),
    api.headers(),
    { onEvent, onState },
    new AbortController().signal,
  );
  function setConn(state: string, text: string) {
    const el = byId("conn");
    el.setAttribute("data-state", state);
    setText(el, text);
  }

  let polling = false;
  async function pollCluster() {
    if (polling) return;
    polling = true;
    try {
      const r = await api.request("GET", "/cluster");
      if (r.ok) {
        playback.push({
          time: timeBase.now(performance.now()),
          kind: "cluster-state",
          node: "*",
          data: r.data,
        });
      }
    } finally {
      polling = false;
    }
  }

  /**
   * Entries written before the page connected never cross the wire again: while the view
   * is live, a node whose latest indexes the page lacks has them read from the API.
   */
  async function pollLogs() {
    if (playback.mode !== "live" || !model.logs) return;
    for (const n of model.all()) {
      const last = n.lastIndex ?? 0;
      if (!n.up || last === 0 || !logs.missing(n.id, last - LOG_COLUMNS + 1, last)) continue;
      const r = await api.request("GET", `/nodes/${n.id}/log?limit=${LOG_COLUMNS}`);
      if (r.ok && logs.load(n.id, r.data as LogPageShape)) logsVersion++;
    }
  }

  let lastHistory = "";
  let checking = false;
  let lastCheck = 0;
  let checkedText = "";
  /** Checks of the same history that came back without a verdict (busy, out of time). */
  let undecided = 0;
  let lastTried = "";
  async function pollHistory() {
    const text = await api.text("/history");
    if (text === null) return;
    if (text !== lastHistory) {
      lastHistory = text;
      const events = readGrowingHistory(text);
      ops = pairLiveOperations(events);
    }
    const now = performance.now();
    if (!checking && text !== checkedText && now - lastCheck >= CHECK_EVERY_MS) {
      checkedText = text;
      lastCheck = now;
      if (text.length > MAX_CHECK_BYTES) {
        verdict = {
          verdict: "unknown",
          operations: ops.length,
          steps: 0,
          reason: "the history is too large to check live; use deno task check-history",
        };
        return;
      }
      checking = true;
      if (text !== lastTried) undecided = 0;
      lastTried = text;
      try {
        const v = await api.postText("/dashboard/check", text);
        if (v !== null) verdict = v as Verdict;
        // A busy checker (503) or one that ran out of time — a Worker still starting on a
        // loaded machine — gets the same history again, a few times, CHECK_EVERY_MS apart.
        const decided = v !== null && (v as Verdict).verdict !== "unknown";
        undecided = decided ? 0 : undecided + 1;
        if (!decided && undecided <= MAX_RECHECKS) checkedText = "";
      } catch {
        // The next poll tries again.
        checkedText = "";
      } finally {
        checking = false;
      }
    }
  }
  function every(fn: () => Promise<void>, ms: number) {
    const loop = async () => {
      try {
        await fn();
      } finally {
        setTimeout(loop, ms);
      }
    };
    void loop();
  }
  every(pollCluster, CLUSTER_POLL_MS);
  every(pollHistory, HISTORY_POLL_MS);
  every(pollLogs, LOG_POLL_MS);

  // --- view controls ---

  const speed = (byId("view-speed")) as HTMLSelectElement;
  speed.addEventListener("change", () => {
    playback.setSpeed(Number(speed.value));
    if (playback.mode !== "paused") playback.play();
  });
  byId("view-toggle").addEventListener("click", () => {
    if (playback.mode === "paused") playback.play();
    else playback.pause();
  });
  byId("view-step").addEventListener("click", () => {
    const e = playback.step();
    if (e !== null) {
      apply(e, true);
      setText(
        byId("view-last"),
        `${e.kind} ${e.node}${e.peer ? " → " + e.peer : ""} @${e.time.toFixed(1)}ms`,
      );
    }
  });
  byId("view-live").addEventListener("click", () => {
    for (const e of playback.goLive(timeBase.now(performance.now()))) apply(e, false);
    speed.value = "1";
  });
  // --- finding a node by name ---
  let found: string | null = null;
  /** The found node's rows are scrolled to once the tables have drawn them. */
  let scrollToFound = false;
  const search = byId("node-search") as HTMLInputElement;
  const searchResult = byId("node-search-result");
  function runSearch(select: boolean) {
    const q = search.value.trim();
    found = q === "" ? null : findNode(q, model.nodes);
    ring.setHighlight(found);
    setText(searchResult, q === "" ? "" : found === null ? `no node matches ${q}` : found);
    searchResult.setAttribute("data-found", found ?? "");
    search.setAttribute("data-found", found ?? "");
    if (select && found !== null) {
      selection.clear();
      selection.add(found);
      controls.render();
    }
    scrollToFound = found !== null;
    lastLogKey = ""; // the tables mark the found rows
    lastSpacetimeAt = NaN; // and the diagram its row, even while paused
  }
  search.addEventListener("input", () => runSearch(false));
  search.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter") runSearch(true);
    if (ev.key === "Escape") {
      search.value = "";
      runSearch(false);
    }
  });
  /** Scrolls the nodes panel (not the page) so that the found node's status row shows. */
  function scrollFoundIntoView() {
    if (found === null) return;
    const panel = byId("log-panel");
    const row = panel.querySelector(`tr.status-row[data-node="${CSS.escape(found)}"]`);
    if (row === null) return;
    const p = panel.getBoundingClientRect();
    const r = row.getBoundingClientRect();
    if (r.top < p.top + 24 || r.bottom > p.bottom) {
      panel.scrollTop += r.top - p.top - p.height / 3;
    }
  }

  const stWindow = (byId("st-window")) as HTMLSelectElement;
  byId("st-export-svg").addEventListener("click", () => spacetime.exportSvg());
  byId("st-export-shiviz").addEventListener(
    "click",
    () => spacetime.exportShiViz(eventLog.events()),
  );

  // --- the frame ---
  function apply(e: TraceEvent, animate: boolean) {
    model.apply(e);
    if (e.kind === "cluster-state") return;
    eventLog.push(e);
    if (logs.apply(e)) logsVersion++;
    const change = matcher.apply(e);
    if (animate && change !== null) {
      ring.spawn(change, performance.now(), Math.min(3000, 320 / playback.speed));
    }
  }

  let lastFrame = performance.now();
  let lastLog = 0;
  let lastLogKey = "";
  let lastTimeline = 0;
  let lastSpacetime = 0;
  let lastSpacetimeAt = -1;
  let lastHeader = 0;
  function frame(t: number) {
    performance.mark("distlab-frame-start");
    const wall = performance.now();
    const dt = Math.min(1000, t - lastFrame);
    intervalStats.add(t - lastFrame);
    lastFrame = t;
    const liveNow = timeBase.now(wall);
    const { played, skipped } = playback.advance(liveNow, dt);
    for (const e of skipped) apply(e, false);
    for (const e of played) apply(e, true);
    const at = playback.viewTime;
    took("events", wall);

    let t1 = performance.now();
    ring.render(model, at, wall, selection);
    took("ring", t1);
    const logKey = `${model.version}:${logsVersion}:${found}`;
    if (logKey !== lastLogKey && (wall - lastLog > 150 || scrollToFound)) {
      lastLogKey = logKey;
      lastLog = wall;
      t1 = performance.now();
      logView.render(model, logs, found);
      if (scrollToFound) {
        scrollToFound = false;
        scrollFoundIntoView();
      }
      took("logs", t1);
    }
    // The diagram at 30 Hz at most: its paths are the costliest thing the page draws.
    if (wall - lastSpacetime >= 32 && (at !== lastSpacetimeAt || played.length > 0)) {
      lastSpacetime = wall;
      lastSpacetimeAt = at;
      const win = Number(stWindow.value);
      // Past 16 nodes the diagram shows the nodes in focus: the selected, the found, and
      // then the leader too, whose messages reach them all.
      const focus = [...selection, ...(found === null ? [] : [found])];
      if (focus.length > 0 && model.leader !== null) focus.push(model.leader);
      t1 = performance.now();
      spacetime.render({
        nodes: model.nodes,
        messages: matcher.recent(),
        events: windowEvents(eventLog.events(), at - win),
        from: at - win,
        to: at,
        focus,
        highlight: found,
      });
      rowsNote(focus);
      took("spacetime", t1);
    }
    if (wall - lastTimeline > 500) {
      lastTimeline = wall;
      const to = Math.max(liveNow, 1000);
      t1 = performance.now();
      timeline.render({
        ops,
        faults: faultPeriods(faultEvents),
        from: Math.max(0, to - 60_000),
        to,
        offset: 0, // the API stamps the history with the cluster's clock, as the trace
        verdict,
      });
      took("timeline", t1);
    }
    if (wall - rateStart >= 1000) {
      rate = Math.round((rateCount * 1000) / (wall - rateStart));
      rateCount = 0;
      rateStart = wall;
    }
    if (wall - lastHeader > 250) {
      lastHeader = wall;
      header(liveNow);
    }
    controlsTick();
    performance.measure("distlab-frame", "distlab-frame-start");
    const m = performance.getEntriesByName("distlab-frame", "measure");
    const last = m[m.length - 1];
    if (last !== undefined) frameStats.add(last.duration);
    performance.clearMarks("distlab-frame-start");
    performance.clearMeasures("distlab-frame");
    requestAnimationFrame(frame);
  }

  /** Says which rows the diagram shows when it cannot show every node in full. */
  function rowsNote(focus: readonly string[]) {
    const n = model.nodes.length;
    const shown = spacetimeRows(model.nodes, focus, ST_MAX_ROWS).length;
    setText(
      byId("st-rows"),
      n <= ST_MAX_ROWS
        ? ""
        : shown < n
        ? `${shown} of ${n} nodes shown (select or search to choose)`
        : `${n} nodes on compact rows; select or search to focus`,
    );
  }

  let controlsVersion = -1;
  let lastControls = 0;
  function controlsTick() {
    const now = performance.now();
    if (model.version === controlsVersion || now - lastControls < 200) return;
    controlsVersion = model.version;
    lastControls = now;
    controls.render();
  }
  function header(liveNow: number) {
    const leader = model.leader === null ? null : model.node(model.leader);
    setText(byId("hdr-protocol"), model.protocol || "…");
    setText(byId("hdr-leader"), headlineText(model));
    byId("hdr-leader").setAttribute("data-leader", leader?.id ?? "");
    const mode = playback.mode;
    setAttrs(document.body, { "data-mode": mode });
    setText(byId("view-toggle"), mode === "paused" ? "play" : "pause");
    const behind = Math.max(0, liveNow - playback.viewTime);
    setText(
      byId("view-state"),
      mode === "live"
        ? "● live"
        : `${mode === "paused" ? "paused" : `${playback.speed}×`} · ${
          (behind / 1000).toFixed(1)
        } s behind`,
    );
    setText(byId("view-buffer"), `${playback.pending} buffered`);
    const f = frameStats.summary();
    setText(
      byId("view-rate"),
      `${rate} ev/s${
        lagged > 0 ? ` · ${lagged} lost` : ""
      } · frame p50 ${f.p50} ms p95 ${f.p95} ms`,
    );
  }

  (window as unknown as Record<string, unknown>).distlab = {
    model,
    playback,
    matcher,
    logs,
    eventLog,
    frameStats,
    spacetime,
    stats: () => ({
      frame: frameStats.summary(),
      interval: intervalStats.summary(),
      received,
      rate,
      lagged,
      buffered: playback.pending,
      animating: ring.animating,
      overflow: ring.overflow,
      compact: ring.compact,
      flowLinks: ring.flowLinks,
      found,
      parts: Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, v.summary()])),
    }),
    resetStats: () => {
      frameStats.reset();
      intervalStats.reset();
      for (const p of Object.values(parts)) p.reset();
    },
  };
  controls.render();
  requestAnimationFrame(frame);
}

/**
 * The events since `from`, read backwards from the end (the log is in play order,
 * which is time order up to small jitter).
 */
function windowEvents(events: readonly TraceEvent[], from: number): TraceEvent[] {
  const out = [];
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i] as TraceEvent;
    if (e.time < from - 50) break;
    if (e.kind !== "send" && e.kind !== "deliver" && e.kind !== "request" && e.kind !== "reply") {
      out.push(e);
    }
  }
  return out.reverse();
}

startDashboard();
