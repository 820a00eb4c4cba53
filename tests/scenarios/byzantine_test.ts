import assert from "node:assert/strict";
import { runByzantine, scenario } from "../../scenarios/byzantine.ts";
import { CHAPTER_SECTIONS, sectionScenarios } from "../../scenarios/chapter_map.ts";
import { scenarioByName } from "../../scenarios/registry.ts";

const en: string[] = [];
const r = runByzantine((l) => en.push(l), "en");
const ja: string[] = [];
const rJa = runByzantine((l) => ja.push(l), "ja");

function raft(liar: string) {
  return r.raft.find((x) => x.liar === liar)!;
}

Deno.test("byzantine: registered, deterministic, the same findings in both languages", () => {
  assert.equal(scenarioByName("byzantine"), scenario);
  assert.deepEqual(rJa, r);
  const again: string[] = [];
  runByzantine((l) => again.push(l), "en");
  assert.deepEqual(again, en);
});

Deno.test("byzantine raft: a forged vote gives n1 and n4 term 1 at once; the invariants say so", () => {
  const f = raft("forged-votes");
  assert.deepEqual(f.leaders, [{ node: "n1", term: 1 }, { node: "n4", term: 1 }]);
  assert.equal(f.invariant?.message, "election safety: n4 and n1 both leaders in term 1");
  assert.ok(f.invariant!.atMs < 1000, `${f.invariant!.atMs}`);
  assert.ok(f.refusedVotes > 0, "n3's own code refused, the lie granted");
  assert.ok(en.some((l) => l.includes("n3's code refuses n1 its vote for term 1")));
});

Deno.test("byzantine raft: both writes are acknowledged, the checker rejects the history, the halves never converge", () => {
  const f = raft("forged-votes");
  assert.deepEqual(f.calls.map((c) => `${c.node} ${c.op} → ${c.answer}`), [
    "n1 write x=left → ok",
    "n4 write x=right → ok",
    'n1 read x → ok "left"',
    'n4 read x → ok "right"',
  ]);
  assert.equal(f.verdict, "not-linearizable");
  assert.equal(f.converged, false);
  assert.deepEqual(f.finalX, { n1: "left", n2: "left", n3: "left", n4: "right", n5: "right" });
  assert.deepEqual(f.leadersAfterHeal, ["n1/1", "n4/1"], "still two leaders of term 1");
});

Deno.test("byzantine raft: with n3 honest one leader, one write, linearizable; the generic lie stops every write", () => {
  const h = raft("honest");
  assert.equal(h.leaders.length, 1);
  assert.equal(h.invariant, null);
  assert.equal(h.calls.filter((c) => c.op.startsWith("write") && c.answer === "ok").length, 1);
  assert.equal(h.verdict, "linearizable");
  assert.equal(h.converged, true);
  const g = raft("generic");
  assert.deepEqual(g.leaders, []);
  assert.equal(g.calls.filter((c) => c.answer === "ok").length, 0);
  assert.equal(g.verdict, "linearizable");
  assert.deepEqual(g.leadersAfterHeal, [], "no leader even after the heal");
  assert.deepEqual(h.leadersAfterHeal, ["n4/1"]);
});

Deno.test("byzantine pbft: 4 replicas with the primary lying in every mode stay linearizable and agree", () => {
  assert.deepEqual(r.pbft.map((p) => p.mode), ["equivocate", "lie", "silent", "replay"]);
  for (const p of r.pbft) {
    assert.equal(p.verdict, "linearizable", p.mode);
    assert.equal(p.agreement, true, p.mode);
    assert.equal(p.converged, true, p.mode);
    assert.ok(p.ok > 0, p.mode);
  }
  for (const mode of ["equivocate", "lie"]) {
    const p = r.pbft.find((x) => x.mode === mode)!;
    assert.deepEqual(p.views, [1, 1, 1, 1], `${mode}: the lying primary is replaced`);
    assert.ok(p.ok > 300, `${mode}: ${p.ok}`);
  }
  // A primary silent towards two backups: the one that waited relays the request, so all
  // three correct replicas change view together instead of one alone, and work goes on.
  const silent = r.pbft.find((x) => x.mode === "silent")!;
  assert.ok(silent.views.every((v) => v === silent.views[0] && v >= 1), `${silent.views}`);
  assert.ok(silent.ok > 200, `silent: only ${silent.ok} ok`);
});

Deno.test("byzantine 3f + 1: the arithmetic — 4 replicas are both live and safe, 3 are one or the other", () => {
  assert.deepEqual(
    r.three.arithmetic.map((a) => [a.n, a.f, a.q, a.live, a.overlap, a.safe]),
    [[4, 1, 3, true, 2, true], [3, 1, 2, true, 1, false], [3, 1, 3, false, 3, true]],
  );
});

Deno.test("byzantine 3 replicas, quorum 3: a liar silent towards n2 stops everything, safely", () => {
  const s = r.three.stalled;
  assert.equal(s.quorum, 3);
  assert.equal(s.answer, "timeout");
  assert.deepEqual(s.executed, [0, 0, 0]);
  assert.ok(s.views.every((v) => v > 0), "view changes were tried");
  assert.equal(s.agreement, true);
});

Deno.test("byzantine 3 replicas, quorum 2: the equivocating primary makes n2 and n3 decide differently", () => {
  const s = r.three.split;
  assert.equal(s.quorum, 2);
  assert.equal(s.agreement, false);
  assert.match(s.violation!.message, /^agreement: n2 decided null at sequence 1, n3 decided \w+$/);
  assert.deepEqual(s.decided, { n2: "no-op", n3: "write x=1" });
  assert.deepEqual(s.data, { n2: {}, n3: { x: 1 } });
  assert.equal(s.answer, "ok", "n3's client was told its write happened");
});

Deno.test("byzantine narration: the figures in English and in Japanese", () => {
  for (
    const want of [
      "t=245.2 ms, Raft's invariants: election safety: n4 and n1 both leaders in term 1",
      "  linearizability checker: not-linearizable",
      "     t=8.2 ms, PBFT's invariants: agreement: n2 decided null at sequence 1, n3 decided",
      "     n2 decided a no-op, holds x = nothing; n3 decided write x=1, holds x = 1.",
    ]
  ) assert.ok(en.some((l) => l.includes(want.trim())), want);
  for (
    const want of [
      "Raft の不変条件: 選挙の安全性の違反: 任期 1 に n4 と n1 の両方がリーダー",
      "線形化可能性チェッカー: 線形化可能でない",
      "合意の違反: シーケンス番号 1 で n2 は null を",
      "n3 は write x=1 を決定し、x = 1",
    ]
  ) assert.ok(ja.some((l) => l.includes(want)), want);
});

Deno.test("byzantine in the chapter map: the secure-network fallacy, consensus, failure types", () => {
  for (const id of ["§2", "§4", "§9"]) {
    const s = CHAPTER_SECTIONS.find((x) => x.id === id)!;
    assert.ok(sectionScenarios(s).includes("byzantine"), id);
  }
  assert.match(
    CHAPTER_SECTIONS.find((x) => x.id === "§2")!.topics.find((t) => t.scenario === "byzantine")!
      .topic,
    /secure/,
  );
});
