import assert from "node:assert/strict";
import { collectLines } from "../../scenarios/scenario.ts";
import { scenario } from "../../scenarios/retry_storm.ts";

/** The figures of a table row whose first cell is `label` (cells split on 2+ spaces). */
function row(lines: readonly string[], start: number, label: string): number[] {
  const line = lines.slice(start).find((l) => l.trim().startsWith(label + "  "));
  assert.ok(line !== undefined, `no row '${label}' after line ${start}`);
  return line.trim().split(/\s{2,}/).slice(1).map(Number);
}

Deno.test("the retry-storm scenario is deterministic and shows jitter beating no jitter", async () => {
  const lines = await collectLines(scenario);
  assert.deepEqual(await collectLines(scenario), lines, "same lines on a second run");
  assert.equal(scenario.name, "retry-storm");
  const callsAt = lines.findIndex((l) => l.startsWith("1. Total calls"));
  const timeAt = lines.findIndex((l) => l.startsWith("2. Virtual time"));
  assert.ok(callsAt >= 0 && timeAt > callsAt);
  assert.match(lines[callsAt + 1]!, /variant\s+N=10\s+N=50\s+N=100/);

  const calls = (label: string) => row(lines, callsAt, label);
  const time = (label: string) => row(lines, timeAt, label);
  const none = calls("no backoff");
  const expo = calls("exponential, no jitter");
  const full = calls("full jitter");
  const equal = calls("equal jitter");
  const decorrelated = calls("decorrelated jitter");

  // Every client needs at least one read and one cas.
  for (const c of [none, expo, full, equal, decorrelated]) {
    assert.ok(c[0]! >= 20 && c[1]! >= 100 && c[2]! >= 200, `${c}`);
  }
  // At N=100 every jittered variant uses fewer calls than either variant without jitter.
  for (const j of [full, equal, decorrelated]) {
    assert.ok(j[2]! < expo[2]! && j[2]! < none[2]!, `${j[2]} vs ${expo[2]} / ${none[2]}`);
  }
  assert.ok(full[2]! * 2 < expo[2]!, `full jitter ${full[2]} vs no jitter ${expo[2]}`);
  // Without jitter the work grows roughly as N²: from N=50 to N=100 by more than x3,
  // with full jitter by clearly less.
  assert.ok(none[2]! / none[1]! > 3, `no backoff grows x${none[2]! / none[1]!}`);
  assert.ok(expo[2]! / expo[1]! > 2.8, `no jitter grows x${expo[2]! / expo[1]!}`);
  assert.ok(full[2]! / full[1]! < 3, `full jitter grows x${full[2]! / full[1]!}`);
  // Exponential backoff without jitter also takes far longer to finish.
  assert.ok(time("full jitter")[2]! * 5 < time("exponential, no jitter")[2]!);
  assert.ok(lines.includes("  Every run ended with the counter equal to N: yes"));
});
