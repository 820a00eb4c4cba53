/**
 * The message path counts `sent` once per run of messages to one node when the runtime
 * takes runs (`countSent`), and the same way otherwise: on random outputs — destinations
 * in runs and not, unknown nodes, malformed bodies, a lossy, duplicating, tampering link
 * with integrity — both count the same per link, decide the same fates, and a plain
 * link (constant delay, nothing else) routes as the general path would.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { type PathSinks, routeMessages } from "../../nodes/faults/message_path.ts";
import { LinkIntegrity } from "../../nodes/faults/link_integrity.ts";
import { type LinkFaults, Network } from "../../nodes/faults/network.ts";
import { createRng } from "../../protocols/random.ts";
import type { Outgoing } from "../../nodes/node_host.ts";

const nodes = ["n1", "n2", "n3"];

/** Routes `messages` from n1 three times over; returns what was counted and delivered. */
function run(messages: Outgoing[], faults: LinkFaults, runs: boolean, seed: number) {
  const rng = createRng(seed);
  const random = () => rng.next();
  const network = new Network(nodes, random, faults);
  const counts = new Map<string, number>();
  const add = (key: string, n: number) => counts.set(key, (counts.get(key) ?? 0) + n);
  const delivered: string[] = [];
  const sinks: PathSinks = {
    isMember: (id) => nodes.includes(id),
    count: (from, to, what) => add(`${from}>${to} ${what}`, 1),
    ...(runs ? { countSent: (from, to, n) => add(`${from}>${to} sent`, n) } : {}),
    trace: null,
    deliverAt: (time, _from, to, body) => delivered.push(`${time} ${to} ${JSON.stringify(body)}`),
    random,
    check: (body) => typeof body === "number",
    integrity: new LinkIntegrity(new Uint8Array(32)),
  };
  for (let t = 0; t < 3; t++) routeMessages(network, "n1", messages, t, sinks);
  return { counts: [...counts].sort(), delivered };
}

const outgoing: fc.Arbitrary<Outgoing[]> = fc.array(
  fc.record({
    to: fc.constantFrom("n2", "n2", "n3", "n9"),
    body: fc.oneof(fc.nat(9), fc.constant("bad")),
  }).map(({ to, body }) => ({ to, body, lamport: 1, vclock: { n1: 1 } })),
  { maxLength: 40 },
);

Deno.test("counting sent per run of messages to one node counts what counting each does", () => {
  const faulty: LinkFaults = {
    delay: { kind: "uniform", min: 0, max: 3 },
    drop: 0.2,
    duplicate: 0.2,
    tamper: 0.2,
    integrity: "crc32c",
  };
  fc.assert(
    fc.property(
      outgoing,
      fc.constantFrom(faulty, { delay: { kind: "constant", ms: 1 } }),
      fc.nat(),
      (ms, faults, seed) => {
        assert.deepEqual(run(ms, faults, true, seed), run(ms, faults, false, seed));
      },
    ),
    { numRuns: 200 },
  );
});

Deno.test("a plain link delivers every copy after the constant delay, in order", () => {
  const ms: Outgoing[] = [2, 3, 4].map((n) => ({ to: "n2", body: n, lamport: n, vclock: {} }));
  const { counts, delivered } = run(ms, { delay: { kind: "constant", ms: 5 } }, true, 1);
  assert.deepEqual(delivered, [
    "5 n2 2",
    "5 n2 3",
    "5 n2 4",
    "6 n2 2",
    "6 n2 3",
    "6 n2 4",
    "7 n2 2",
    "7 n2 3",
    "7 n2 4",
  ]);
  assert.deepEqual(counts, [["n1>n2 sent", 9]]);
});

Deno.test("a plain link decides what the general path decides", () => {
  // A duplicate probability too small to ever fire takes the general path.
  fc.assert(
    fc.property(outgoing, fc.nat(20), (ms, delay) => {
      const plain = run(ms, { delay: { kind: "constant", ms: delay } }, true, 1);
      const general = run(
        ms,
        { delay: { kind: "constant", ms: delay }, duplicate: 1e-300 },
        true,
        1,
      );
      assert.deepEqual(plain, general);
    }),
    { numRuns: 100 },
  );
});
