import assert from "node:assert/strict";
import { Byzantine, genericLie, parseByzantine } from "../../nodes/faults/byzantine.ts";
import { parseNemesis, seededSchedule } from "../../nodes/nemesis.ts";
import type { Outgoing } from "../../nodes/node_host.ts";

const out = (to: string, body: unknown): Outgoing => ({ to, body, lamport: 1, vclock: {} });
const toAll = (body: unknown) => ["n2", "n3", "n4"].map((to) => out(to, body));

Deno.test("byzantine: a correct node's messages pass untouched (the same array)", () => {
  const b = new Byzantine();
  const msgs = toAll({ type: "vote", term: 1, granted: false });
  assert.equal(b.rewrite("n1", msgs, () => 0.5), msgs);
});

Deno.test("byzantine: lie forges every message; equivocate only to even peers; silent drops them", () => {
  const b = new Byzantine();
  const body = { type: "vote", term: 1, granted: false };
  b.set("n1", "lie");
  assert.deepEqual(
    b.rewrite("n1", toAll(body), () => 0.5).map((m) => m.body),
    [1, 2, 3].map(() => ({ type: "vote", term: 2, granted: true })),
  );
  b.set("n1", "equivocate");
  assert.deepEqual(
    b.rewrite("n1", toAll(body), () => 0.5).map((m) => [m.to, (m.body as typeof body).granted]),
    [["n2", true], ["n3", false], ["n4", true]],
  );
  b.set("n1", "silent");
  assert.deepEqual(b.rewrite("n1", toAll(body), () => 0.5).map((m) => m.to), ["n3"]);
  b.set("n1", null);
  assert.equal(b.modeOf("n1"), null);
  assert.deepEqual([...b.ever()], ["n1"], "once Byzantine, it promises nothing for the run");
});

Deno.test("byzantine: replay sends the message and, now and then, an old one again", () => {
  const b = new Byzantine();
  b.set("n1", "replay");
  b.rewrite("n1", [out("n2", { seq: 1 })], () => 0.9);
  const sent = b.rewrite("n1", [out("n3", { seq: 2 })], () => 0.1);
  assert.deepEqual(sent.map((m) => [m.to, m.body]), [["n3", { seq: 2 }], ["n3", { seq: 1 }]]);
});

Deno.test("byzantine: the generic lie grants votes and raises terms, ballots and views only", () => {
  assert.deepEqual(
    genericLie({ type: "x", term: 3, ballot: 2, index: 7, ok: false }),
    { type: "x", term: 4, ballot: 3, index: 7, ok: true },
  );
});

Deno.test("byzantine: --byzantine parses NODE=MODE and refuses an unknown mode", () => {
  assert.deepEqual(parseByzantine("n1=lie, n3=replay"), { n1: "lie", n3: "replay" });
  assert.deepEqual(parseByzantine(""), {});
  assert.throws(() => parseByzantine("n1=sneaky"), /not NODE=MODE/);
});

Deno.test("nemesis byzantine: at most f nodes, the same ones in every fault of a run; none when f = 0", () => {
  assert.deepEqual(parseNemesis("byzantine,loss"), ["byzantine", "loss"]);
  for (let seed = 1; seed <= 20; seed++) {
    const nodes = ["n1", "n2", "n3", "n4", "n5", "n6", "n7"];
    const steps = seededSchedule(seed, { kinds: ["byzantine"], nodes, durationMs: 20_000 });
    const sets = new Set(steps.map((s) => "nodes" in s ? s.nodes.join(",") : ""));
    assert.equal(sets.size, 1, `seed ${seed}: one set of liars`);
    const liars = [...sets][0]!.split(",");
    assert.ok(liars.length >= 1 && liars.length <= 2, `seed ${seed}: ${liars}`);
    const three = seededSchedule(seed, {
      kinds: ["byzantine"],
      nodes: ["n1", "n2", "n3"],
      durationMs: 20_000,
    });
    assert.deepEqual(three, []);
  }
});
