import assert from "node:assert/strict";
import { ClusterModel } from "../../dashboard/cluster_model.ts";
import { headlineText, nodeCells, statusTableHtml } from "../../dashboard/status_table.ts";
import type { ClusterShape, NodeViewShape } from "../../http/api_schemas.ts";
import type { ProtocolDisplay } from "../../protocols/display.ts";
import { nodeBadge } from "../../dashboard/ring_view.ts";
import { toJapanese } from "../../dashboard/i18n.ts";

/** A protocol no front end knows: only its declared display says what to show. */
const DISPLAY: ProtocolDisplay = {
  headline: { kind: "leader", noun: "owner", term: "epoch" },
  columns: [
    { header: "ROLE", field: "role" },
    { header: "WRITES", field: "status.writes" },
    { header: "KEYS", field: "status.keys", format: "list" },
    { header: "BLOCKED", field: "status.blockedSince", format: "since" },
  ],
};

function view(id: string, status: Record<string, unknown>): NodeViewShape {
  return {
    id,
    up: true,
    paused: false,
    byzantine: null,
    role: String(status.role),
    term: 1,
    commitIndex: null,
    leader: "n1",
    lastSeenMs: 7,
    suspects: [],
    suspectedBy: [],
    breaker: "closed",
    status,
  };
}

function model(display: ProtocolDisplay, nodes: NodeViewShape[], leader = "n1"): ClusterModel {
  const m = new ClusterModel();
  const data: ClusterShape = {
    protocol: "made-up",
    display,
    leader,
    term: 1,
    nodes,
    network: { rules: [], blocks: [] },
    clocks: { n2: { skewMs: 500, drift: 0 } },
    counters: {},
    wallClockMs: 10_000,
  };
  m.apply({ time: 0, kind: "cluster-state", node: "*", data });
  return m;
}

Deno.test("status table: the columns the protocol declares, between the host's own", () => {
  const m = model(DISPLAY, [
    view("n1", { role: "owner", writes: 3, keys: ["a", "b"], blockedSince: null }),
    view("n2", { role: "replica", writes: 0, keys: [], blockedSince: 8_000 }),
  ]);
  assert.deepEqual(nodeCells(m, m.node("n1")!), [
    { header: "NODE", text: "n1" },
    { header: "STATE", text: "up" },
    { header: "ROLE", text: "owner" },
    { header: "WRITES", text: "3" },
    { header: "KEYS", text: "a,b" },
    { header: "BLOCKED", text: "-" },
    { header: "SEEN", text: "7ms" },
    { header: "SUSPECTED-BY", text: "-" },
    { header: "BREAKER", text: "closed" },
  ]);
  // Blocked since its own clock's 8 s, which runs 0.5 s ahead of the server's 10 s.
  assert.equal(nodeCells(m, m.node("n2")!).find((c) => c.header === "BLOCKED")?.text, "2.5s");
  const html = statusTableHtml(m);
  assert.match(html, /<th>WRITES<\/th><th>KEYS<\/th>/);
  assert.match(html, /<tr class="status-row role-replica" data-node="n2">/);
  assert.match(html, /<td data-column="KEYS">a,b<\/td>/);
});

Deno.test("status table: events between polls show at once; a crashed node says so", () => {
  const m = model(DISPLAY, [view("n1", { role: "owner", writes: 1, keys: [] })]);
  m.apply({ time: 5, kind: "crash", node: "n1" });
  const cells = nodeCells(m, m.node("n1")!);
  assert.equal(cells.find((c) => c.header === "STATE")?.text, "crashed");
  assert.equal(cells.find((c) => c.header === "ROLE")?.text, "-");
});

Deno.test("status table and ring: a Byzantine node is marked from the poll, and from its fault event between polls", () => {
  const m = model(DISPLAY, [
    { ...view("n1", { role: "owner", writes: 1, keys: [] }), byzantine: "equivocate" },
    view("n2", { role: "replica", writes: 1, keys: [] }),
  ]);
  const state = (id: string) => nodeCells(m, m.node(id)!).find((c) => c.header === "STATE")?.text;
  assert.equal(state("n1"), "up,byzantine:equivocate");
  assert.equal(state("n2"), "up");
  let html = statusTableHtml(m);
  assert.match(
    html,
    /<tr class="status-row role-owner byzantine" data-byzantine="equivocate" data-node="n1">/,
  );
  assert.match(html, /<tr class="status-row role-replica" data-node="n2">/);
  assert.equal(nodeBadge(m.node("n1")!), "☠ equivocate");
  assert.equal(nodeBadge(m.node("n2")!), "");
  // The API's fault events move it before the next poll; other faults leave it alone.
  const v = m.version;
  m.apply({ time: 6, kind: "fault", node: "n2", data: { byzantine: "silent" } });
  m.apply({ time: 7, kind: "fault", node: "n1", data: { byzantine: "honest" } });
  m.apply({ time: 8, kind: "fault", node: "n2", data: { clock: { skew: 5 } } });
  assert.equal(m.version, v + 2);
  assert.equal(state("n2"), "up,byzantine:silent");
  assert.equal(state("n1"), "up");
  html = statusTableHtml(m);
  assert.doesNotMatch(html, /data-node="n1"[^>]*byzantine|byzantine[^>]*data-node="n1"/);
  m.apply({ time: 9, kind: "crash", node: "n2" });
  assert.equal(state("n2"), "crashed,byzantine:silent");
  assert.equal(nodeBadge(m.node("n2")!), "× crashed");
  assert.equal(nodeBadge({ up: true, paused: false, byzantine: "lie", role: "leader" }), "☠ lie ★");
  assert.equal(toJapanese("up,byzantine:lie"), "稼働中、ビザンチン: lie");
  assert.equal(toJapanese("crashed,byzantine:silent"), "クラッシュ、ビザンチン: silent");
});

Deno.test("headline: in the protocol's own words, whichever kind it declares", () => {
  const nodes = [
    view("n1", { role: "coordinator", n: 3, r: 2, w: 2 }),
    view("n2", { role: "participant", n: 3, r: 2, w: 2 }),
  ];
  assert.equal(headlineText(model(DISPLAY, nodes)), "owner n1 · epoch 1");
  assert.equal(headlineText(new ClusterModel()), "no leader");
  const role: ProtocolDisplay = { headline: { kind: "role", role: "coordinator" }, columns: [] };
  assert.equal(headlineText(model(role, nodes)), "coordinator n1");
  const none: ProtocolDisplay = { headline: { kind: "role", role: "sequencer" }, columns: [] };
  assert.equal(headlineText(model(none, nodes)), "no sequencer up");
  const leaderless: ProtocolDisplay = {
    headline: { kind: "leaderless", fields: ["n", "r", "w"] },
    columns: [],
  };
  assert.equal(headlineText(model(leaderless, nodes)), "leaderless · N=3 · R=2 · W=2");
});

Deno.test("the dashboard's code names no protocol: what it shows comes from descriptors", async () => {
  const { protocolNames } = await import("../../protocols/registry.ts");
  const literal = new RegExp(`["'\`/](${protocolNames().join("|")})["'\`/]`);
  const offenders: string[] = [];
  const dir = new URL("../../dashboard/", import.meta.url);
  for await (const e of Deno.readDir(dir)) {
    if (!e.name.endsWith(".ts")) continue;
    const lines = (await Deno.readTextFile(new URL(e.name, dir))).split("\n");
    lines.forEach((l, i) => {
      if (/^\s*(\*|\/\/|\/\*\*)/.test(l)) return; // prose may name one
      // The message types that reset an election timer: one of them is called like a
      // protocol ("heartbeat") without naming it.
      if (/^const FROM_LEADER = /.test(l)) return;
      if (literal.test(l) || /\/(raft|quorum|paxos)\/\.test/.test(l)) {
        offenders.push(`${e.name}:${i + 1}: ${l.trim()}`);
      }
    });
  }
  assert.deepEqual(offenders, []);
});
