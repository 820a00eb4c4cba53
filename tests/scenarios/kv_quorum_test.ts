import assert from "node:assert/strict";
import { scenario } from "../../scenarios/kv_quorum.ts";
import { collectLines } from "../../scenarios/scenario.ts";

const lines = await collectLines(scenario);
const find = (re: RegExp) => {
  const i = lines.findIndex((l) => re.test(l));
  assert.ok(i >= 0, `no line matches ${re}`);
  return i;
};

Deno.test("kv-quorum prints the same lines on every run", async () => {
  assert.equal(scenario.name, "kv-quorum");
  assert.deepEqual(await collectLines(scenario), lines);
});

Deno.test("kv-quorum: a PUT with n3 down reaches W=2 on n1, n2 and leaves a hint for n3", () => {
  const put = find(/PUT cart="banana" via n1: ok .* acknowledged by n1, n2, clock \[n1:2\]/);
  const hint = find(/^\s+n1\s+up, suspects n3\s+"banana" \[n1:2\]\s+for n3: "banana" \[n1:2\]$/);
  assert.ok(hint > put);
  find(/^\s+n3\s+down/);
  find(/GET cart via n2: ok "banana" \(answered from n2, n1/);
});

Deno.test("kv-quorum: n3 restarts stale and is brought up to date by hinted handoff", () => {
  const restart = find(/n3 restarts at .* still holding the old value/);
  assert.match(lines[restart + 5]!, /^\s+n3\s+up\s+"apple" \[n1:1\]/);
  const handoff = find(/hands the hint off; n3 merges it \(from n1\)/);
  assert.match(lines[handoff + 3]!, /^\s+n1\s+up\s+"banana" \[n1:2\]\s+—$/);
  assert.match(lines[handoff + 5]!, /^\s+n3\s+up\s+"banana" \[n1:2\]\s+—$/);
});

Deno.test("kv-quorum: read repair sends the merged value to the replica that missed a write", () => {
  const stale = find(/200 ms later n3 is still stale/);
  assert.match(lines[stale + 5]!, /^\s+n3\s+up\s+"banana" \[n1:2\]/);
  const repair = find(/read repair: n1 sends the merged value to n3/);
  assert.ok(repair > stale);
  assert.match(lines[repair + 5]!, /^\s+n3\s+up\s+"cherry" \[n1:3\]/);
});

Deno.test("kv-quorum: with W=1, R=1 a read misses an acknowledged write, and the checker says so", () => {
  find(/PUT cart="damson" via n1: ok .* W=1 acknowledged by n1, clock \[n1:4\]/);
  find(/GET cart via n3: ok "cherry" \(answered from n3,/);
  find(/^Stale-read check over this scenario's 4 reads: 1 stale$/);
  find(/returned \["cherry"\], missing PUT "damson"/);
  find(/steps 1–5 had 0 stale reads/);
  find(/GET cart via n2: ok "damson" \(answered from n2, n1, n3/);
});
