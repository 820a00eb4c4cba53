import assert from "node:assert/strict";
import { collectLines } from "../../scenarios/scenario.ts";
import { runRaftFailover, scenario } from "../../scenarios/raft_failover.ts";

const plain = runRaftFailover({ plain: true });
const dflt = runRaftFailover({ plain: false });

const snap = (r: typeof plain, label: string) => r.snapshots.find((s) => s.label === label)!;
const row = (r: typeof plain, label: string, node: string) =>
  snap(r, label).rows.find((x) => x.node === node)!;

for (const r of [plain, dflt]) {
  Deno.test(`raft-failover (${r.variant}): n1 leads term 3, n2–n5 elect a leader of term 4 by majority`, () => {
    const initial = snap(r, "initial").rows;
    assert.deepEqual(initial.map((x) => [x.role, x.term]), [
      ["leader", 3],
      ["follower", 3],
      ["follower", 3],
      ["follower", 3],
      ["follower", 3],
    ]);
    assert.notEqual(r.newLeader, "n1");
    assert.equal(r.newTerm, 4);
    const granted = r.events.filter((e) =>
      e.kind === "vote" && !e.pre && e.granted && e.to === r.newLeader && e.term === 4
    );
    assert.ok(granted.length >= 2, "the winner needs two votes besides its own");
    assert.ok(
      !r.events.some((e) => e.kind === "vote" && e.granted && e.to === "n1"),
      "nobody votes for n1",
    );
    const healed = snap(r, "healed").rows;
    for (const x of healed) {
      assert.equal(x.term, 4, `${x.node} ends in term 4`);
      assert.equal(x.role, x.node === r.newLeader ? "leader" : "follower");
    }
    assert.deepEqual(r.readAfterHeal, { type: "ok", value: 1 });
    assert.equal(r.isolatedWrite.reply, "info");
  });

  Deno.test(`raft-failover (${r.variant}): the log-term column shows n1's index 5 overwritten`, () => {
    assert.equal(r.isolatedWrite.index, 5);
    assert.equal(r.isolatedWrite.term, 3);
    assert.deepEqual(row(r, "initial", "n1").logTerms, [1, 2, 3, 3]);
    assert.deepEqual(row(r, "elected", "n1").logTerms, [1, 2, 3, 3, 3]);
    assert.deepEqual(row(r, "elected", r.newLeader).logTerms, [1, 2, 3, 3, 4]);
    assert.equal(r.overwrittenBy, 4);
    for (const x of snap(r, "healed").rows) assert.deepEqual(x.logTerms, [1, 2, 3, 3, 4]);
  });

  Deno.test(`raft-failover (${r.variant}): one clock, never running backwards`, () => {
    const times = [
      ...r.snapshots.map((s) => s.at),
      ...r.events.map((e) => e.at),
    ];
    assert.ok(times.every((t) => t >= 0));
    const ev = r.events.map((e) => e.at);
    assert.deepEqual(ev, [...ev].sort((a, b) => a - b));
    assert.deepEqual(r.snapshots.map((s) => s.label), [
      "initial",
      "elected",
      "before-heal",
      "healed",
    ]);
    const at = r.snapshots.map((s) => s.at);
    assert.deepEqual(at, [...at].sort((a, b) => a - b));
  });
}

Deno.test("raft-failover --plain: three roles only, and n1 stays leader of term 3 until the heal", () => {
  assert.equal(plain.preVote, false);
  assert.equal(plain.checkQuorum, false);
  assert.ok(plain.events.every((e) => !e.pre), "no pre-votes");
  assert.ok(plain.events.every((e) => e.role !== "pre-candidate"));
  const n1 = row(plain, "before-heal", "n1");
  assert.deepEqual([n1.role, n1.term, n1.cutOff], ["leader", 3, true]);
  assert.equal(row(plain, "before-heal", plain.newLeader).role, "leader", "two leaders at once");
  assert.ok(plain.n1LeaderUntil >= plain.healAt, "n1 leads until after the heal");
  assert.ok(
    !plain.events.some((e) => e.node === "n1" && e.kind === "role" && e.at < plain.healAt),
    "n1 changes role only after the heal",
  );
});

Deno.test("raft-failover (default): CheckQuorum ends n1's lead long before the heal; PreVote keeps its term", () => {
  assert.ok(dflt.n1LeaderUntil < dflt.healAt - 500, `${dflt.n1LeaderUntil} vs ${dflt.healAt}`);
  assert.equal(dflt.healAt, plain.healAt, "both variants heal at the same moment");
  assert.ok(dflt.events.some((e) => e.node === "n1" && e.kind === "campaign" && e.pre));
  assert.ok(!dflt.events.some((e) => e.node === "n1" && e.kind === "campaign" && !e.pre));
  assert.equal(row(dflt, "before-heal", "n1").term, 3, "cut off, n1 never raised its term");
  assert.notEqual(row(dflt, "before-heal", "n1").role, "leader");
});

Deno.test("raft-failover: deterministic; --plain is accepted; each variant is explained beside the other", async () => {
  assert.deepEqual(runRaftFailover({ plain: true }), plain);
  const lines = await collectLines(scenario);
  assert.deepEqual(await collectLines(scenario), lines);
  const plainLines = await collectLines(scenario, ["--plain"]);
  assert.ok(plainLines[0]!.startsWith("raft-failover --plain:"));
  assert.ok(lines.some((l) => l.startsWith("Beside it, the chapter's plain Raft")));
  assert.ok(plainLines.some((l) => l.startsWith("Beside it, distlab's default")));
  assert.deepEqual(scenario.flags, ["--plain"]);
});

Deno.test("deno task scenario: a flag the scenario does not take is refused", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-write", "scenario.ts", "2pc", "--plain"],
    cwd: new URL("../../", import.meta.url).pathname,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 2);
  assert.match(new TextDecoder().decode(out.stderr), /unexpected argument '--plain'/);
});
