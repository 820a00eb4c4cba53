/**
 * NodeHost's vector clocks against the textbook rule (`vectorMerge`, then a tick of the
 * own entry) on random runs: deliveries of clocks with our ids in any order, fewer ids,
 * more ids (zero or not), and sends, requests and clock reads between them. Every vector
 * a message carried must be the reference's at its send, ids in the same order, and
 * never change afterwards (the host merges in one copy and ticks it in place: a vector
 * it handed out must not be the one it changes).
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { NodeHost, type Outgoing } from "../../nodes/node_host.ts";
import { MemoryDisk } from "../../nodes/storage/memory_disk.ts";
import { type VectorClock, vectorMerge } from "../../clocks/vector.ts";
import type { Protocol } from "../../protocols/node.ts";

/** A node that answers a message with `body` sends (a number), and a request with one. */
const echo: Protocol<number, null> = {
  name: "echo-n",
  description: "sends as many messages as the body says",
  tickMs: 10,
  messages: {},
  create: (ctx) => ({
    tick() {},
    message(from, n) {
      for (let i = 0; i < n; i++) ctx.send(from, i);
    },
    request: () => ctx.send("n2", 0),
    status: () => ({ role: "echo" }),
  }),
};

type Step =
  | { readonly kind: "deliver"; readonly clock: [string, number][]; readonly sends: number }
  | { readonly kind: "request" }
  | { readonly kind: "read" };

const ids = ["n1", "n2", "n3", "n4"];
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant("deliver" as const),
      clock: fc.oneof(
        // Distinct ids in any order; values include 0 (an id a merge may not add).
        fc.uniqueArray(fc.tuple(fc.constantFrom(...ids), fc.nat(50)), {
          selector: ([id]) => id,
          maxLength: 4,
        }),
        // A few shapes again and again, as a peer's clocks come: the host's own merge.
        fc.constantFrom(["n1", "n2"], ["n2", "n1"], ["n1", "n2", "n3"], ["n3", "n1", "n2"])
          .chain((shape) => fc.tuple(...shape.map((id) => fc.tuple(fc.constant(id), fc.nat(50))))),
      ),
      sends: fc.nat(2),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("request" as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("read" as const) }) },
);

Deno.test("every vector a message carries is the textbook one at its send, in the same order", () => {
  fc.assert(
    fc.property(fc.array(step, { maxLength: 60 }), fc.constantFrom("n1", "n3"), (steps, id) => {
      const host = new NodeHost(echo, {
        id,
        peers: ids.filter((p) => p !== id),
        options: {},
        storage: new MemoryDisk(),
        now: () => 0,
        random: () => 0.5,
      });
      let vc = 0;
      let ref: VectorClock = { [id]: 0 };
      const tick = () => {
        vc++;
        ref = { ...ref, [id]: vc };
      };
      const sent: { m: Outgoing; want: string }[] = [];
      const takeSends = () => {
        for (const m of host.outbox) sent.push({ m, want: JSON.stringify(m.vclock) });
        host.outbox = [];
      };
      // The reference for each send, in order: ticks interleaved as the host makes them.
      const expected: string[] = [];
      for (const s of steps) {
        if (s.kind === "deliver") {
          const clock = Object.fromEntries(s.clock);
          vc++;
          const v = { ...vectorMerge(ref, clock) } as Record<string, number>;
          v[id] = vc;
          ref = v;
          host.deliver("n2", s.sends, 1, clock);
          for (let i = 0; i < s.sends; i++) {
            tick();
            expected.push(JSON.stringify(ref));
          }
        } else if (s.kind === "request") {
          tick(); // the request
          tick(); // the send it causes
          expected.push(JSON.stringify(ref));
          host.request({ id: 1, client: 1, op: null });
        } else {
          assert.equal(JSON.stringify(host.vclock), JSON.stringify(ref));
        }
        takeSends();
      }
      assert.equal(host.vc, vc);
      assert.equal(JSON.stringify(host.vclock), JSON.stringify(ref));
      // Each message's vector as it was at the send, and unchanged since.
      assert.deepEqual(sent.map((s) => s.want), expected);
      assert.deepEqual(sent.map((s) => JSON.stringify(s.m.vclock)), expected);
    }),
    { numRuns: 300 },
  );
});

Deno.test("a restored vector without the own id, and clocks without it, merge as the textbook does", () => {
  const host = new NodeHost(echo, {
    id: "n1",
    peers: ["n2"],
    options: {},
    storage: new MemoryDisk(),
    now: () => 0,
    random: () => 0.5,
    clocks: { lamport: 3, vclock: { n2: 2 }, vc: 4 },
  });
  host.deliver("n2", 0, 1, { n2: 5 });
  host.deliver("n2", 0, 1, { n2: 6 });
  host.deliver("n2", 0, 1, { n2: 7, n3: 1 });
  host.deliver("n2", 1, 1, { n2: 8, n3: 1 });
  assert.equal(JSON.stringify(host.outbox[0]!.vclock), '{"n2":8,"n1":9,"n3":1}');
});
