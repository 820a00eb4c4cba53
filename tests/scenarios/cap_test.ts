import assert from "node:assert/strict";
import { createCapStore, MAJORITY, MINORITY, scenario } from "../../scenarios/cap.ts";
import { collectLines } from "../../scenarios/scenario.ts";

const lines = await collectLines(scenario);
const find = (re: RegExp, from = 0) => {
  const i = lines.findIndex((l, j) => j >= from && re.test(l));
  assert.ok(i >= 0, `no line matches ${re}`);
  return i;
};

/** Each step printed between `from` and `to`: its client line and both stores' answers. */
function steps(from: number, to: number) {
  const out: { side: string; sent: string; raft: string; quorum: string }[] = [];
  for (let i = from; i < to; i++) {
    const m = /^Step \d+ — client \w \((\w+) side, via n\d\) sends (.*)$/.exec(lines[i]!);
    if (m === null) continue;
    const raft = /^ {2}Raft KV \(CP\): {3}(.*)$/.exec(lines[i + 1]!)?.[1];
    const quorum = /^ {2}quorum KV \(AP\): (.*)$/.exec(lines[i + 2]!)?.[1];
    assert.ok(raft !== undefined && quorum !== undefined, `answers after ${lines[i]}`);
    out.push({ side: m[1]!, sent: m[2]!, raft, quorum });
  }
  return out;
}

const partitioned = steps(find(/^Partition: \{n1, n2\} \| \{n3, n4, n5\}$/), find(/^Heal$/));
const healed = steps(find(/^Heal$/), find(/^Side by side:$/));

Deno.test("cap prints the same lines on every run", async () => {
  assert.equal(scenario.name, "cap");
  assert.deepEqual(await collectLines(scenario), lines);
});

Deno.test("cap: the Raft leader starts on the minority side and a majority node takes over", () => {
  find(/^ {2}CP: Raft KV on n1…n5, leader n1/);
  const m = /^ {2}Raft KV: {3}(n\d) is elected leader of term \d+ on the majority side/.exec(
    lines[find(/is elected leader of term/)]!,
  );
  assert.ok(m !== null && MAJORITY.includes(m[1]!), "a majority-side leader");
  find(/^ {2}Raft KV: {3}n1 hears from no majority and steps down/);
});

Deno.test("cap: during the partition the Raft minority never returns data, the majority serves", () => {
  const minority = partitioned.filter((s) => s.side === "minority");
  const majority = partitioned.filter((s) => s.side === "majority");
  assert.ok(minority.some((s) => s.sent.startsWith("read")), "a minority-side read");
  assert.ok(majority.some((s) => s.sent.startsWith("cas x")), "a majority-side write");
  for (const s of minority) assert.doesNotMatch(s.raft, /^ok/, `${s.sent}: ${s.raft}`);
  for (const s of minority) assert.match(s.raft, /^(refused|no answer|unknown outcome)/);
  for (const s of majority) assert.match(s.raft, /^ok/, `${s.sent}: ${s.raft}`);
  assert.ok(majority.some((s) => s.raft === "ok: 2 (n4 → n3)" || /^ok: 2/.test(s.raft)));
  find(/^ {2}Raft KV chose consistency: 0 of 2 minority-side reads returned data/);
});

Deno.test("cap: the quorum KV answers on both sides, with a stale read and then siblings", () => {
  for (const s of partitioned) assert.match(s.quorum, /^ok/, `${s.sent}: ${s.quorum}`);
  const staleRead = partitioned.find((s) => s.side === "minority" && s.sent === "read x");
  assert.equal(staleRead?.quorum, "ok: 1", "the minority reads the value B already replaced");
  assert.ok(partitioned.some((s) => s.side === "minority" && /stand-in n2/.test(s.quorum)));
  for (const s of healed) assert.equal(s.quorum, "ok: siblings [2, 3]");
  for (const s of healed) assert.match(s.raft, /^ok: 2\b/);
  find(/^ {2}quorum KV chose availability: 2 of 2 minority-side reads answered/);
});

Deno.test("cap: after heal every replica of both stores holds the same data", () => {
  const rows = (from: number, n: number) =>
    lines.slice(from + 3, from + 3 + n).map((l) => l.trim().split(/\s{2,}/));
  const raft = rows(find(/^ {2}Raft KV \(CP\):$/, find(/^Each replica's data/)), 5);
  assert.deepEqual(raft.map((r) => r[2]), ["2", "2", "2", "2", "2"]);
  const quorum = rows(find(/^ {2}quorum KV \(AP\):$/, find(/^Each replica's data/)), 5);
  const replicas = quorum.filter((r) => !/not a replica/.test(r[2]!));
  assert.equal(replicas.length, 3);
  for (const r of replicas) assert.equal(r[2], "siblings [2, 3]");
  find(/^ {2}Both converged after heal: Raft KV yes, quorum KV yes\.$/);
});

Deno.test("cap: the checker labels Raft linearizable and the quorum KV eventual, not linearizable", () => {
  const raft = find(/^ {2}Raft KV \(CP\): strongest model\(s\): linearizable$/);
  assert.match(lines[raft + 1]!, /^ {4}linearizable pass/);
  assert.match(lines[raft + 3]!, /^ {4}eventual +pass +all 5 replicas agree/);
  const quorum = find(/^ {2}quorum KV \(AP\): strongest model\(s\): /);
  assert.doesNotMatch(lines[quorum]!, /linearizable/);
  assert.match(lines[quorum + 1]!, /^ {4}linearizable fail/);
  assert.match(lines[quorum + 3]!, /^ {4}eventual +pass +all 3 replicas agree/);
});

Deno.test("cap lab: for several seeds a partitioned Raft minority refuses and the quorum KV answers", () => {
  for (const seed of [2, 3, 4, 5]) {
    const cp = createCapStore("CP", seed);
    const ap = createCapStore("AP", seed);
    assert.equal(cp.leader(), "n1");
    for (const s of [cp, ap]) {
      assert.equal(s.call("A", "n1", { f: "write", key: "k", value: 1 }).status, "ok");
      s.partition();
      assert.equal(s.call("B", "n4", { f: "write", key: "k", value: 2 }).status, "ok");
    }
    assert.ok(MAJORITY.includes(cp.leader()!), `seed ${seed}: a majority-side leader`);
    for (const node of MINORITY) {
      const r = cp.call("A", node, { f: "read", key: "k" });
      assert.notEqual(r.status, "ok", `seed ${seed}: Raft minority answered ${r.value}`);
      assert.equal(ap.call("A", node, { f: "read", key: "k" }).status, "ok", `seed ${seed}`);
    }
    cp.heal();
    ap.heal();
    assert.equal(cp.call("A", "n2", { f: "read", key: "k" }).value, 2, `seed ${seed}`);
    for (const s of [cp, ap]) {
      const data = s.data();
      const values = s.owners("k").map((n) => JSON.stringify(data[n]!.k));
      assert.equal(new Set(values).size, 1, `seed ${seed}: ${s.name} replicas ${values}`);
    }
  }
});
