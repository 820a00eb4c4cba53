import assert from "node:assert/strict";
import fc from "fast-check";
import { MessageMatcher, messageType } from "../../dashboard/message_matcher.ts";

const send = (time: number, from: string, to: string, body: unknown, lamport?: number) => ({
  time,
  kind: "send",
  node: from,
  peer: to,
  body,
  ...(lamport !== undefined ? { lamport, vclock: { [from]: lamport } } : {}),
});
const deliver = (time: number, from: string, to: string, body: unknown) => ({
  time,
  kind: "deliver",
  node: to,
  peer: from,
  body,
  lamport: 99,
  vclock: { [to]: 99 },
});

Deno.test("matcher: a delivery is paired with its send, keeping both ends' clocks", () => {
  const m = new MessageMatcher();
  assert.equal(m.apply(send(1, "n1", "n2", { type: "append", term: 2 }, 7))?.change, "send");
  const c = m.apply(deliver(4, "n1", "n2", { type: "append", term: 2 }));
  assert.equal(c?.change, "deliver");
  assert.equal(c?.message.sendTime, 1);
  assert.equal(c?.message.endTime, 4);
  assert.equal(c?.message.sendLamport, 7);
  assert.equal(c?.message.endLamport, 99);
  assert.equal(c?.message.type, "append");
  assert.equal(m.pendingCount, 0);
  assert.equal(m.apply({ time: 5, kind: "role", node: "n1" }), null);
});

Deno.test("matcher: same link and body are delivered oldest first; other bodies are not confused", () => {
  const m = new MessageMatcher();
  m.apply(send(1, "n1", "n2", { v: 1 }));
  m.apply(send(2, "n1", "n2", { v: 1 }));
  m.apply(send(3, "n1", "n2", { v: 2 }));
  assert.equal(m.apply(deliver(5, "n1", "n2", { v: 2 }))?.message.sendTime, 3);
  assert.equal(m.apply(deliver(6, "n1", "n2", { v: 1 }))?.message.sendTime, 1);
  assert.equal(m.apply(deliver(7, "n1", "n2", { v: 1 }))?.message.sendTime, 2);
});

Deno.test("matcher: drops are found from either end (router: sender; crashed receiver: receiver)", () => {
  const m = new MessageMatcher();
  m.apply(send(1, "n1", "n2", { a: 1 }));
  const byRouter = m.apply({
    time: 1,
    kind: "drop",
    node: "n1",
    peer: "n2",
    body: { a: 1 },
    reason: "partition",
  });
  assert.equal(byRouter?.message.status, "dropped");
  assert.equal(byRouter?.message.reason, "partition");
  m.apply(send(2, "n3", "n4", { b: 1 }));
  const atCrash = m.apply({
    time: 3,
    kind: "drop",
    node: "n4",
    peer: "n3",
    body: { b: 1 },
    reason: "crashed",
  });
  assert.equal(atCrash?.message.from, "n3");
  assert.equal(m.apply({ time: 4, kind: "drop", node: "n4", peer: "n3", body: { c: 1 } }), null);
});

Deno.test("matcher: a duplicate is a second copy, delivered on its own", () => {
  const m = new MessageMatcher();
  m.apply(send(1, "n1", "n2", { d: 1 }));
  const dup = m.apply({ time: 1, kind: "duplicate", node: "n1", peer: "n2", body: { d: 1 } });
  assert.equal(dup?.message.duplicate, true);
  assert.equal(m.pendingCount, 2);
  assert.equal(m.apply(deliver(2, "n1", "n2", { d: 1 }))?.message.duplicate, false);
  assert.equal(m.apply(deliver(3, "n1", "n2", { d: 1 }))?.message.duplicate, true);
  assert.equal(m.recent().length, 2);
});

Deno.test("matcher: a delivery without a send (forged or tampered) is a message sent as it arrived", () => {
  const m = new MessageMatcher();
  const c = m.apply(deliver(8, "n2", "n3", { type: "timeout-now", term: 4 }));
  assert.equal(c?.message.sendTime, 8);
  assert.equal(c?.message.status, "delivered");
  assert.equal(m.pendingCount, 0);
});

Deno.test("matcher: remembers a bounded number of messages and pending sends", () => {
  const m = new MessageMatcher({ keep: 10, maxPending: 8 });
  for (let i = 0; i < 100; i++) m.apply(send(i, "n1", "n2", { i }));
  assert.ok(m.recent().length <= 13);
  assert.ok(m.pendingCount <= 8);
  assert.equal(m.recent().at(-1)?.sendTime, 99);
});

Deno.test("matcher: any interleaving of FIFO links pairs every delivery with its own send", () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.tuple(fc.constantFrom("n1", "n2", "n3"), fc.constantFrom("n1", "n2", "n3"), fc.nat(3)),
        {
          maxLength: 40,
        },
      ),
      fc.nat(),
      (msgs, seed) => {
        const m = new MessageMatcher();
        // Send everything, then deliver in an order that keeps each link FIFO.
        const queues = new Map<string, number[]>();
        msgs.forEach(([from, to, v], i) => {
          m.apply(send(i, from, to, { v }));
          const k = `${from}>${to}`;
          queues.set(k, [...(queues.get(k) ?? []), i]);
        });
        let r = seed;
        let t = 100;
        while (queues.size > 0) {
          const keys = [...queues.keys()];
          const k = keys[(r = (r * 1103515245 + 12345) % 2 ** 31) % keys.length]!;
          const q = queues.get(k)!;
          const i = q.shift()!;
          if (q.length === 0) queues.delete(k);
          const [from, to, v] = msgs[i]!;
          const c = m.apply(deliver(t++, from, to, { v }));
          assert.equal(c?.message.sendTime, i);
        }
        assert.equal(m.pendingCount, 0);
      },
    ),
    { seed: 42, numRuns: 200 },
  );
});

Deno.test("message type: the body's type, else '?'", () => {
  assert.equal(messageType({ type: "vote" }), "vote");
  assert.equal(messageType({ kind: "ping" }), "ping");
  assert.equal(messageType(null), "?");
  assert.equal(messageType([1]), "?");
});

Deno.test("matcher: a simulator trace (own vector entries only) gets its vectors derived", () => {
  const m = new MessageMatcher();
  // a sends to b; b receives it, then answers.
  m.apply({ time: 1, kind: "send", node: "a", peer: "b", body: { type: "x" }, lamport: 1, vc: 1 });
  const got = m.apply({
    time: 2,
    kind: "deliver",
    node: "b",
    peer: "a",
    body: { type: "x" },
    lamport: 2,
    vc: 1,
    vcFrom: 1,
  });
  assert.deepEqual(got?.message.sendVclock, { a: 1 });
  assert.deepEqual(got?.message.endVclock, { a: 1, b: 1 });
  const answer = m.apply({
    time: 3,
    kind: "send",
    node: "b",
    peer: "a",
    body: { type: "y" },
    lamport: 3,
    vc: 2,
  });
  assert.deepEqual(answer?.message.sendVclock, { a: 1, b: 2 });
  const back = m.apply({
    time: 4,
    kind: "deliver",
    node: "a",
    peer: "b",
    body: { type: "y" },
    lamport: 4,
    vc: 2,
    vcFrom: 2,
  });
  assert.deepEqual(back?.message.endVclock, { a: 2, b: 2 });
});
