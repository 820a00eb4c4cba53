import assert from "node:assert/strict";
import { spacetimeLayout, spacetimeRows, spacetimeSvg } from "../../dashboard/spacetime.ts";
import { findNode } from "../../dashboard/node_search.ts";
import { toJapanese } from "../../dashboard/i18n.ts";
import { ClusterModel } from "../../dashboard/cluster_model.ts";
import { statusTableHtml } from "../../dashboard/status_table.ts";
import type { MessageRecord } from "../../dashboard/message_matcher.ts";
import type { ClusterShape } from "../../http/api_schemas.ts";
import { DEFAULT_DISPLAY } from "../../protocols/display.ts";

const ids = (n: number) => Array.from({ length: n }, (_, i) => `n${i + 1}`);

Deno.test("find a node: exact name first, then the start of a name, then part of one", () => {
  const nodes = ids(64);
  assert.equal(findNode("n57", nodes), "n57");
  assert.equal(findNode(" N57 ", nodes), "n57");
  assert.equal(findNode("n5", nodes), "n5", "n5 itself, not n50…n57");
  assert.equal(findNode("n6", ["n60", "n61"]), "n60", "the first it starts");
  assert.equal(findNode("57", nodes), "n57");
  assert.equal(findNode("zz", nodes), null);
  assert.equal(findNode("", nodes), null);
});

Deno.test("space-time at 64 nodes: rows focused on the selected and found nodes", () => {
  const nodes = ids(64);
  assert.deepEqual(spacetimeRows(nodes, ["n57", "n1", "nope"], 16), ["n1", "n57"]);
  assert.equal(spacetimeRows(nodes, ["nope"], 16).length, 64, "no focus in the cluster: all");
  assert.deepEqual(spacetimeRows(ids(5), ["n2"], 16), ids(5), "a small cluster: all rows");
  const messages: MessageRecord[] = [
    {
      id: 1,
      from: "n1",
      to: "n57",
      type: "append",
      body: {},
      sendTime: 10,
      status: "delivered",
      duplicate: false,
      endTime: 20,
    },
    {
      id: 2,
      from: "n1",
      to: "n3",
      type: "append",
      body: {},
      sendTime: 10,
      status: "delivered",
      duplicate: false,
      endTime: 20,
    },
  ];
  const l = spacetimeLayout({
    nodes,
    messages,
    events: [],
    from: 0,
    to: 100,
    width: 600,
    height: 300,
    focus: ["n57", "n1"],
    highlight: "n57",
  });
  assert.deepEqual(l.rows.map((r) => r.id), ["n1", "n57"]);
  assert.equal(l.hidden, 62);
  assert.equal(l.messages, 1, "only messages between the rows shown");
  assert.ok(l.rows.find((r) => r.id === "n57")!.found);
});

Deno.test("space-time at 64 nodes without focus: compact rows, names apart, the found one named", () => {
  const l = spacetimeLayout({
    nodes: ids(64),
    messages: [],
    events: [],
    from: 0,
    to: 100,
    width: 600,
    height: 300,
    highlight: "n57",
  });
  assert.equal(l.rows.length, 64);
  const named = l.rows.filter((r) => r.label);
  assert.ok(named.some((r) => r.id === "n57" && r.found));
  for (let i = 1; i < named.length; i++) {
    assert.ok(named[i]!.y - named[i - 1]!.y >= 11, `${named[i - 1]!.id} and ${named[i]!.id}`);
  }
  assert.ok(named.length >= 20, `${named.length} rows named`);
  // The export names the same rows.
  const svg = spacetimeSvg(l);
  assert.equal((svg.match(/font-weight="600">n\d+</g) ?? []).length, named.length);
});

Deno.test("status table at 64 nodes: the found row marked, a long cell cut with its whole text in the tooltip", () => {
  const m = new ClusterModel();
  const nodes = ids(64).map((id) => ({
    id,
    up: id !== "n57",
    paused: false,
    role: id === "n1" ? "leader" : "follower",
    term: 3,
    commitIndex: 7,
    leader: "n1",
    suspects: [],
    suspectedBy: id === "n57" ? ids(64).filter((x) => x !== "n57") : [],
    breaker: "closed",
    lastSeenMs: 5,
    status: {},
    byzantine: null,
  }));
  m.apply({
    time: 0,
    kind: "cluster-state",
    node: "*",
    data: {
      protocol: "raft-kv",
      display: DEFAULT_DISPLAY,
      leader: "n1",
      term: 3,
      nodes,
      network: { rules: [], blocks: [] },
      clocks: {},
      counters: {},
      wallClockMs: null,
    } as unknown as ClusterShape,
  });
  const html = statusTableHtml(m, "n57");
  assert.equal((html.match(/class="status-row/g) ?? []).length, 64);
  assert.match(
    html,
    /<tr class="status-row role-crashed found" data-found="true" data-node="n57">/,
  );
  assert.equal((html.match(/data-found/g) ?? []).length, 1);
  assert.match(html, /<td data-column="SUSPECTED-BY" class="long" title="n1,n2,[^"]*,n64">/);
  assert.match(html, /^<table class="status"><thead>/);
});

Deno.test("dashboard i18n: the search and the focused diagram speak Japanese", () => {
  assert.equal(toJapanese("no node matches zz"), "zz に一致するノードはない");
  assert.equal(
    toJapanese("2 of 64 nodes shown (select or search to choose)"),
    "64 ノード中 2 ノードを表示 (選択か検索で選ぶ)",
  );
  assert.equal(
    toJapanese("64 nodes on compact rows; select or search to focus"),
    "64 ノードを詰めて表示。選択か検索で絞り込む",
  );
  assert.equal(toJapanese("find a node by name"), "名前でノードを探す");
});
