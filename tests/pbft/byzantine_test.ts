import assert from "node:assert/strict";
import { shrinkFailure, type TortureConfig, tortureSeed } from "../../torture/torture.ts";
import { pbft } from "../../protocols/pbft/mod.ts";
import { BYZANTINE_MODES, type ByzantineMode } from "../../nodes/faults/byzantine.ts";
import { pbftLie } from "../../protocols/pbft/byzantine.ts";
import { sign } from "../../protocols/pbft/digest.ts";
import { prepareContent } from "../../protocols/pbft/message.ts";

const base = (byzantine: Record<string, ByzantineMode>): TortureConfig => ({
  protocol: pbft,
  nodes: 4,
  seeds: 2,
  seedStart: 1,
  durationMs: 3000,
  clients: 4,
  keys: 3,
  nemesis: ["partition", "kill", "pause", "loss", "duplicate", "reorder", "skew"],
  integrity: "hmac-sha256",
  byzantine,
});

Deno.test("pbft liar: a pre-prepare becomes a no-op, re-signed with the liar's own key", () => {
  const req = { c: "n2", rid: 1, op: { f: "read" as const, key: "x" }, sig: { i: "n2", s: "" } };
  const m = pbftLie(
    {
      type: "pre-prepare",
      v: 0,
      n: 1,
      d: "abc",
      req,
      sig: sign("n1", prepareContent(0, 1, "abc")),
    },
    "n1",
    new Map(),
  );
  assert.deepEqual(m, {
    type: "pre-prepare",
    v: 0,
    n: 1,
    d: "null",
    req: null,
    sig: sign("n1", prepareContent(0, 1, "null")),
  });
});

for (const mode of BYZANTINE_MODES) {
  Deno.test(`pbft with f = 1 Byzantine replica of 4 (the primary, ${mode}): linearizable, agreement after every step`, () => {
    const c = base({ n1: mode });
    for (let seed = 1; seed <= 2; seed++) {
      const o = tortureSeed(c, seed);
      assert.equal(o.verdict.violation, null, `seed ${seed}: ${o.verdict.violation}`);
      assert.equal(o.verdict.converged, true, `seed ${seed}`);
    }
  });
}

Deno.test("pbft with f + 1 = 2 colluding equivocators of 4: a violation is found and shrunk", () => {
  const c = base({ n1: "equivocate", n2: "equivocate" });
  let found = null;
  for (let seed = 1; seed <= 4 && found === null; seed++) {
    const o = tortureSeed(c, seed);
    if (o.verdict.violation !== null) found = o;
  }
  assert.ok(found !== null, "two liars of four break PBFT within 4 seeds");
  const shrunk = shrinkFailure(c, found, 12);
  assert.notEqual(shrunk.outcome.verdict.violation, null, "the shrunk run still fails");
  assert.ok(shrunk.faults <= shrunk.originalFaults);
  assert.ok(shrunk.maxOps <= shrunk.originalOps);
});
