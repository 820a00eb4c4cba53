import assert from "node:assert/strict";
import { ringPartitioner } from "../../partitioning/ring.ts";
import { placeRequest } from "../../protocols/quorum/placement.ts";
import { createPeerMonitor } from "../../protocols/quorum/peer_monitor.ts";
import { parseQuorumOptions } from "../../protocols/quorum/options.ts";

const ring = ringPartitioner(["n1", "n2", "n3", "n4", "n5"], { vnodes: 16 });
const key = "user:42";
const prefs = ring.preferenceList(key, 3);
const walk = ring.preferenceList(key, 5);

Deno.test("a strict quorum always targets the preference list, healthy or not", () => {
  const p = placeRequest(ring, key, 3, false, (x) => x !== prefs[1]);
  assert.deepEqual(p.targets, prefs);
  assert.equal(p.hintFor.size, 0);
});

Deno.test("a sloppy quorum replaces each suspected replica by the next healthy node, with a hint", () => {
  const down = new Set([prefs[0]!, prefs[2]!, walk[3]!]);
  const p = placeRequest(ring, key, 3, true, (x) => !down.has(x));
  // n(prefs[1]) stays; walk[3] is down too, so the stand-ins are walk[4] and nobody else.
  assert.deepEqual(p.targets, [prefs[1], walk[4]]);
  assert.deepEqual([...p.hintFor], [[walk[4], prefs[0]]]);
  assert.deepEqual(p.kept, [prefs[2]]); // no healthy node left: the coordinator keeps it
});

Deno.test("a sloppy quorum with everyone healthy is the preference list", () => {
  const p = placeRequest(ring, key, 3, true, () => true);
  assert.deepEqual(p.targets, prefs);
  assert.deepEqual(p.kept, []);
});

Deno.test("the peer monitor suspects a silent peer and trusts it again when it pings", () => {
  for (const detector of ["phi", "fixed"] as const) {
    const m = createPeerMonitor(["n2", "n3"], 0, parseQuorumOptions({ detector }));
    const flips: string[] = [];
    for (let t = 100; t <= 1000; t += 100) {
      m.heartbeat("n2", t);
      m.review(t, (p, s) => flips.push(`${p}:${s}`));
    }
    assert.deepEqual(m.suspects(), ["n3"], detector);
    m.heartbeat("n3", 1010);
    m.review(1010, (p, s) => flips.push(`${p}:${s}`));
    assert.deepEqual(flips, ["n3:true", "n3:false"], detector);
    m.watch(["n2"], 1010); // n3 left the ring: forgotten
    assert.equal(m.suspected("n3"), false);
  }
});
