import assert from "node:assert/strict";
import fc from "fast-check";
import { createRng } from "../../protocols/random.ts";
import { Harness } from "./harness.ts";

/**
 * Drives a 5-node cluster through `steps` random actions drawn from `seed`: time passing
 * (for every node or just one), messages delivered in any order, lost or duplicated,
 * nodes crashing and restarting, clients writing. The harness checks Raft's invariants
 * after every single input.
 */
function randomSchedule(seed: number, plain: boolean, steps: number): Harness {
  const rng = createRng(seed);
  const h = new Harness(5, {
    snapshotThreshold: 8,
    compactMargin: 2,
    maxInflight: 2,
    maxEntriesPerAppend: 1, // old entries and the new leader's no-op travel apart
    preVote: !plain,
    checkQuorum: !plain,
  }, seed);
  const pick = <T>(xs: T[]): T => xs.splice(rng.int(xs.length), 1)[0];
  for (let i = 0; i < steps; i++) {
    const r = rng.next();
    if (r < 0.2) {
      h.now += rng.int(300);
      if (rng.next() < 0.7) h.tick();
      else h.tick(h.ids[rng.int(5)]);
    } else if (r < 0.55) {
      const n = 1 + rng.int(12);
      for (let k = 0; k < n && h.inflight.length > 0; k++) h.deliverOne(pick(h.inflight));
    } else if (r < 0.65) {
      if (h.inflight.length > 0) pick(h.inflight);
    } else if (r < 0.7) {
      if (h.inflight.length > 0) h.inflight.push(h.inflight[rng.int(h.inflight.length)]);
    } else if (r < 0.75) {
      // Crashing leaders is what uncovers Figure 8.
      const id = rng.next() < 0.5 ? h.leader() ?? h.ids[0] : h.ids[rng.int(5)];
      if (h.nodes.get(id)) h.crash(id);
      else h.start(id);
    } else {
      const id = rng.next() < 0.7 ? h.leader() : h.ids[rng.int(5)];
      if (id && h.nodes.get(id)) h.request(id, { f: "write", key: "k", value: i });
    }
  }
  return h;
}

Deno.test("no schedule of delays, losses, duplicates, reorderings and crashes breaks Raft's safety (property)", () => {
  let elections = 0;
  let committed = 0;
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.boolean(), (seed, plain) => {
      const h = randomSchedule(seed, plain, 400); // throws on any invariant violation
      elections += h.events.filter((e) => e.kind === "election" && e.data?.pre === false).length;
      committed += h.invariants.maxCommitted;
      // Once the network behaves, the cluster converges and makes progress.
      for (const id of h.ids) if (!h.nodes.get(id)) h.start(id);
      h.run(3000);
      const leader = h.leader();
      assert.ok(leader, "a leader emerges");
      const rid = h.request(leader, { f: "write", key: "z", value: 1 });
      h.run(100);
      assert.deepEqual(h.reply(rid), { type: "ok" });
      const dumps = h.ids.map((id) => JSON.stringify(h.node(id).dump()));
      assert.ok(dumps.every((d) => d === dumps[0]), "replicas converge");
    }),
    { seed: 42, numRuns: 1500 },
  );
  // The schedules must actually exercise elections and commits to mean anything.
  assert.ok(elections > 300, `${elections} elections`);
  assert.ok(committed > 500, `${committed} entries committed`);
});
