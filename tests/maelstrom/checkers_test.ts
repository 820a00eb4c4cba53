// The workload checkers on histories written by hand: each accepts the right history
// and rejects the wrong one with an explanation.
import assert from "node:assert/strict";
import type { HistoryEvent } from "../../history/event.ts";
import { broadcastWorkload } from "../../maelstrom/workloads/broadcast.ts";
import { echoWorkload } from "../../maelstrom/workloads/echo.ts";
import { counterWorkload } from "../../maelstrom/workloads/counter.ts";
import { gSetWorkload } from "../../maelstrom/workloads/g_set.ts";
import { linKvWorkload } from "../../maelstrom/workloads/lin_kv.ts";
import { uniqueIdsWorkload } from "../../maelstrom/workloads/unique_ids.ts";
import { latencyStats, netStats, opStats } from "../../maelstrom/stats.ts";

let t = 0;
/** One operation of `process`: invoke then completion, 1 ms apart. */
function op(
  process: number,
  f: string,
  type: "ok" | "fail" | "info",
  value: unknown,
  extra: Partial<HistoryEvent> = {},
  invokeValue: unknown = value,
): HistoryEvent[] {
  t += 1_000_000;
  const inv: HistoryEvent = { process, type: "invoke", f, time: t, value: invokeValue, ...extra };
  t += 1_000_000;
  return [inv, { process, type, f, time: t, value, ...extra }];
}

Deno.test("echo: an altered echo is caught", () => {
  const good = [...op(0, "echo", "ok", "Please echo 1")];
  assert.equal(echoWorkload.check(good, [], 0).valid, true);
  const bad = [...op(0, "echo", "ok", "Please echo 2", {}, "Please echo 1")];
  const v = echoWorkload.check(bad, [], 0);
  assert.equal(v.valid, false);
  assert.match(v.explanation, /sent "Please echo 1" and got back "Please echo 2"/);
});

Deno.test("unique-ids: equal ids of any JSON type are duplicates", () => {
  const h = [
    ...op(0, "generate", "ok", { a: 1, b: 2 }, { node: "n0" }),
    ...op(1, "generate", "ok", { b: 2, a: 1 }, { node: "n1" }),
  ];
  const v = uniqueIdsWorkload.check(h, [], 0);
  assert.equal(v.valid, false);
  assert.match(v.explanation, /given to n0 \(process 0\) and again to n1 \(process 1\)/);
});

Deno.test("broadcast: a final read missing an acknowledged value; an unknown one may be missing", () => {
  const w = broadcastWorkload("grid");
  const h = [
    ...op(0, "broadcast", "ok", 1),
    ...op(1, "broadcast", "info", 2),
  ];
  const from = t + 1;
  const good = [
    ...h,
    ...op(5, "read", "ok", [1], { node: "n0" }),
    ...op(6, "read", "ok", [1, 2], { node: "n1" }),
  ];
  assert.equal(w.check(good, ["n0", "n1"], from).valid, true);
  const bad = [
    ...h,
    ...op(5, "read", "ok", [1], { node: "n0" }),
    ...op(6, "read", "ok", [2], { node: "n1" }),
  ];
  const v = w.check(bad, ["n0", "n1"], from);
  assert.equal(v.valid, false);
  assert.match(v.explanation, /n1 never got 1 of the 1 acknowledged values \(e\.g\. 1\)/);
  const phantom = [
    ...h,
    ...op(5, "read", "ok", [1, 9], { node: "n0" }),
    ...op(6, "read", "ok", [1], { node: "n1" }),
  ];
  assert.match(w.check(phantom, ["n0", "n1"], from).explanation, /values never added: 9/);
  assert.match(w.check(h, ["n0"], from).explanation, /no final read of n0 succeeded/);
});

Deno.test("g-counter: the final read must lie between acknowledged and possible adds", () => {
  const w = counterWorkload("g-counter");
  const h = [...op(0, "add", "ok", 3), ...op(1, "add", "info", 4), ...op(2, "add", "fail", 5)];
  const from = t + 1;
  for (const [value, valid] of [[3, true], [7, true], [2, false], [8, false]] as const) {
    const v = w.check([...h, ...op(9, "read", "ok", value, { node: "n0" })], ["n0"], from);
    assert.equal(v.valid, valid, `final read ${value}: ${v.explanation}`);
  }
  const over = w.check([...h, ...op(9, "read", "ok", 10, { node: "n0" })], ["n0"], from);
  assert.match(
    over.explanation,
    /n0 reads 10 but the sum can be at most 7 \(3 acknowledged, 1 adds of unknown outcome\)/,
  );
});

Deno.test("broadcast: stable latency is when the last read that missed a value returned", () => {
  const w = broadcastWorkload("grid");
  t = 0;
  const h = [
    ...op(0, "broadcast", "ok", 1), // invoked at 1 ms
    ...op(1, "read", "ok", [], { node: "n1" }), // returns at 4 ms: missed it
    ...op(2, "read", "ok", [1], { node: "n0" }),
    ...op(3, "read", "ok", [1], { node: "n1" }),
  ];
  const v = w.check(h, ["n0", "n1"], 0);
  assert.equal(v.valid, true);
  assert.deepEqual(v.details["stable-latencies"], {
    "0": 3,
    "0.5": 3,
    "0.95": 3,
    "0.99": 3,
    "1": 3,
  });
  assert.match(v.explanation, /stable latency p50 3 ms/);
});

Deno.test("g-set: a final read without an acknowledged element", () => {
  const w = gSetWorkload();
  const h = [...op(0, "add", "ok", 4)];
  const from = t + 1;
  assert.equal(
    w.check([...h, ...op(5, "read", "ok", [4], { node: "n0" })], ["n0"], from).valid,
    true,
  );
  const v = w.check([...h, ...op(5, "read", "ok", [], { node: "n0" })], ["n0"], from);
  assert.match(
    v.explanation,
    /n0 never got 1 of the 1 acknowledged values \(e\.g\. 4\): did the nodes share/,
  );
});

Deno.test("pn-counter: unknown negative adds widen the range downwards", () => {
  const w = counterWorkload("pn-counter");
  const h = [...op(0, "add", "ok", 5), ...op(1, "add", "info", -3), ...op(2, "add", "info", 2)];
  const from = t + 1;
  for (const [value, valid] of [[2, true], [4, true], [7, true], [1, false], [8, false]] as const) {
    const v = w.check([...h, ...op(9, "read", "ok", value, { node: "n0" })], ["n0"], from);
    assert.equal(v.valid, valid, `final read ${value}: ${v.explanation}`);
  }
});

Deno.test("lin-kv: a stale read after an acknowledged write is not linearizable", () => {
  const w = linKvWorkload(1);
  const good = [...op(0, "write", "ok", 1, { key: "0" }), ...op(1, "read", "ok", 1, { key: "0" })];
  assert.equal(w.check(good, [], 0).valid, true);
  const bad = [
    ...op(0, "write", "ok", 1, { key: "0" }),
    ...op(1, "read", "ok", null, { key: "0" }),
  ];
  const v = w.check(bad, [], 0);
  assert.equal(v.valid, false);
  assert.match(v.explanation, /not linearizable on key 0/);
});

Deno.test("lin-kv replies: error 20 on a read is a read of null; 22 on a cas a failure; a timeout unknown", () => {
  const w = linKvWorkload(1);
  const read = { f: "read", key: "0", body: { type: "read", key: 0 } };
  assert.deepEqual(w.complete(read, { type: "error", code: 20 }), { type: "ok", value: null });
  const cas = { f: "cas", key: "0", value: [1, 2], body: { type: "cas", key: 0, from: 1, to: 2 } };
  assert.equal(w.complete(cas, { type: "error", code: 22, text: "no" }).type, "fail");
  assert.equal(w.complete(cas, { type: "error", code: 0 }).type, "info");
  assert.equal(
    w.complete(cas, { type: "error", code: 1234 }).type,
    "info",
    "a node's own code may have happened",
  );
  assert.equal(w.complete(cas, { type: "cas_ok" }).type, "ok");
  assert.equal(
    w.complete(cas, { type: "write_ok" }).type,
    "info",
    "a reply of the wrong type proves nothing",
  );
});

Deno.test("stats: counts by f, valid only when every f succeeded once; latency; traffic", () => {
  const h = [
    ...op(0, "read", "ok", 1),
    ...op(1, "write", "fail", 2),
    ...op(2, "read", "info", null),
  ];
  const s = opStats(h);
  assert.equal(s.count, 3);
  assert.equal(s["by-f"].read?.["info-count"], 1);
  assert.equal(s.valid, false, "no write succeeded");
  assert.equal(latencyStats(h).read?.["0.5"], 1);
  const n = netStats([
    { time: 0, kind: "client", src: "c1", dest: "n0", body: {} },
    { time: 0, kind: "send", src: "n0", dest: "n1", body: {} },
    { time: 0, kind: "drop", src: "n0", dest: "n1", body: {} },
    { time: 0, kind: "service", src: "n0", dest: "seq-kv", body: {} },
  ], 2);
  assert.deepEqual(n.servers, {
    "send-count": 2,
    "recv-count": 1,
    "msg-count": 2,
    "msgs-per-op": 1,
  });
  assert.equal(n.clients["msg-count"], 1);
  assert.equal(n.all["msg-count"], 3);
});

Deno.test("space-time SVG: an arrow per delivered message, a red cross per dropped one", async () => {
  const { spaceTimeSvg } = await import("../../maelstrom/space_time_svg.ts");
  const body = { type: "gossip", msg_id: 1 };
  const svg = spaceTimeSvg(["n0", "n1"], [
    { time: 1, kind: "send", src: "n0", dest: "n1", body, lamport: 1 },
    { time: 3, kind: "recv", src: "n0", dest: "n1", body, lamport: 2 },
    { time: 4, kind: "send", src: "n1", dest: "n0", body, lamport: 3 },
    { time: 4, kind: "drop", src: "n1", dest: "n0", body, reason: "partition" },
  ]);
  assert.equal(svg.match(/marker-end/g)?.length, 1);
  assert.equal(svg.match(/✕ gossip/g)?.length, 1);
  assert.match(svg, /<title>gossip L1 → L2<\/title>/);
});

Deno.test("kafka: offsets acknowledged twice, going backwards, skipped, out of order, or committed backwards", async () => {
  const { checkKafka } = await import("../../maelstrom/workloads/kafka.ts");
  t = 0;
  const send = (p: number, key: string, msg: number, offset: number) =>
    op(p, "send", "ok", { msg, offset }, { key }, msg);
  const poll = (
    p: number,
    from: Record<string, number>,
    msgs: Record<string, [number, unknown][]>,
  ) => op(p, "poll", "ok", msgs, {}, from);
  const good = [
    ...send(0, "a", 10, 0),
    ...send(0, "a", 11, 1),
    ...poll(1, { a: 0 }, { a: [[0, 10], [1, 11]] }),
  ];
  assert.equal(checkKafka(good).valid, true, checkKafka(good).explanation);
  const cases: [HistoryEvent[], RegExp][] = [
    [
      [...send(0, "a", 10, 0), ...send(1, "a", 11, 0)],
      /offset 0 acknowledged for message 10 and again for 11/,
    ],
    [
      [...send(0, "a", 10, 5), ...send(0, "a", 11, 3)],
      /was sent after 10 was acknowledged at offset 5, yet got offset 3/,
    ],
    [
      [...good, ...poll(1, { a: 0 }, { a: [[1, 11], [0, 10]] })],
      /one poll returned offset 0 after 1/,
    ],
    [
      [...good, ...send(0, "a", 12, 2), ...poll(1, { a: 0 }, { a: [[0, 10], [3, 13]] })],
      /skipped offset 1/,
    ],
    [
      [...good, ...poll(1, { a: 0 }, { a: [[0, 99]] })],
      /shows 99 at offset 0, where 10 was acknowledged/,
    ],
    [
      [
        ...op(2, "list_committed_offsets", "ok", { a: 4 }, {}, undefined),
        ...op(2, "list_committed_offsets", "ok", { a: 2 }, {}, undefined),
      ],
      /committed offset went from 4 back to 2/,
    ],
  ];
  for (const [h, why] of cases) {
    const v = checkKafka(h);
    assert.equal(v.valid, false, why.source);
    assert.match(v.explanation, why);
  }
});
