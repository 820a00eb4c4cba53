import assert from "node:assert/strict";
import { collectLines } from "../../scenarios/scenario.ts";
import { scenario } from "../../scenarios/circuit_breaker.ts";

interface Change {
  readonly at: number;
  readonly from: string;
  readonly to: string;
  readonly reason: string;
}

function changesOf(lines: readonly string[], node: string): Change[] {
  const re = new RegExp(`^  t=\\s*(\\d+)ms ${node} breaker (\\w+) -> (\\w+) \\((\\w+)\\)`);
  return lines.flatMap((l) => {
    const m = re.exec(l);
    return m === null ? [] : [{ at: Number(m[1]), from: m[2]!, to: m[3]!, reason: m[4]! }];
  });
}

function timeOf(lines: readonly string[], pattern: RegExp): number {
  const line = lines.find((l) => pattern.test(l));
  assert.ok(line !== undefined, `no line matching ${pattern}`);
  return Number(/t=\s*(\d+)ms/.exec(line)![1]);
}

/** Cells of the table row starting with `label` (split on 2+ spaces). */
function row(lines: readonly string[], label: string): string[] {
  const line = lines.find((l) => l.trim().startsWith(label + "  "));
  assert.ok(line !== undefined, `no row '${label}'`);
  return line.trim().split(/\s{2,}/);
}

Deno.test("the circuit-breaker scenario is deterministic: opens on a paused node, fails fast, closes after resume", async () => {
  const lines = await collectLines(scenario);
  assert.deepEqual(await collectLines(scenario), lines, "same lines on a second run");
  assert.equal(scenario.name, "circuit-breaker");
  const paused = timeOf(lines, /n3 paused/);
  const resumed = timeOf(lines, /n3 resumed/);
  const timeout = Number(/with a (\d+) ms timeout/.exec(lines.join("\n"))![1]);

  // n3's breaker: closed -> open after timeouts, failed half-open trials while paused,
  // then closed by successful trials after the resume.
  const changes = changesOf(lines, "n3");
  assert.deepEqual(changes[0]?.from + "->" + changes[0]?.to, "closed->open");
  assert.equal(changes[0]!.reason, "failure_rate");
  assert.ok(changes[0]!.at >= paused + timeout, "opened only after calls timed out");
  const reopenedWhilePaused = changes.filter((c) =>
    c.from === "half_open" && c.to === "open" && c.at < resumed
  );
  assert.ok(reopenedWhilePaused.length >= 1, "a half-open trial failed while paused");
  assert.ok(reopenedWhilePaused.every((c) => c.reason === "trials_failed"));
  const last = changes.at(-1)!;
  assert.equal(`${last.from}->${last.to} ${last.reason}`, "half_open->closed trials_succeeded");
  assert.ok(last.at > resumed);
  assert.ok(lines.some((l) => /n3: half-open trial call sent/.test(l)));
  assert.ok(lines.some((l) => /n3: trial call sent at t=\d+ timed out/.test(l)));

  // Latency: calls to the paused node with a closed breaker waited the whole timeout;
  // fast failures took (virtually) no time.
  const closedPaused = row(lines, "closed, n3 paused");
  assert.ok(Number(closedPaused[3]) > 0, "some calls timed out");
  assert.equal(Number(closedPaused[5]), timeout);
  const refused = row(lines, "refused (open / trials taken)");
  assert.ok(Number(refused[4]) > 50, "many calls refused at once");
  assert.ok(Number(refused[6]) * 10 < timeout, `fast-failure p99 ${refused[6]}`);
  const before = row(lines, "closed, before the pause");
  const after = row(lines, "closed, after recovery");
  for (const r of [before, after]) {
    assert.equal(r[1], r[2], "every call ok");
    assert.ok(Number(r[6]) < timeout / 4);
  }

  // The other nodes kept serving, and their breakers stayed closed.
  for (const node of ["n1", "n2"]) {
    const r = row(lines, node);
    assert.ok(Number(r[1]) > 100);
    assert.equal(r[1], r[2], `${node}: every call ok`);
    assert.equal(r[7], "0", `${node}: breaker never changed state`);
    assert.deepEqual(changesOf(lines, node), []);
  }
  assert.match(lines.join("\n"), /their breakers never left closed: true/);
});
