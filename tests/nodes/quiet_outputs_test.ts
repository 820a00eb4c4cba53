import assert from "node:assert/strict";
import { quietOutputs } from "../../nodes/worker/direct_node.ts";
import type { FromWorker, OutputMessage } from "../../nodes/worker_protocol.ts";

function output(lamport: number, more: Partial<OutputMessage> = {}): OutputMessage {
  return {
    type: "output",
    writes: null,
    messages: [],
    replies: [],
    emitted: [],
    delivered: null,
    clocks: { lamport, vclock: { n1: lamport } },
    ...more,
  };
}

const lamports = (posted: FromWorker[]) =>
  posted.map((m) => m.type === "output" ? m.clocks.lamport : -1);

Deno.test("quiet outputs: one with only clocks waits; the next output takes its place", () => {
  const posted: FromWorker[] = [];
  const outputs = quietOutputs((m) => posted.push(m), () => false, 60_000);
  outputs.post(output(1));
  outputs.post(output(2));
  assert.deepEqual(lamports(posted), []);
  outputs.post(output(3, { replies: [{ requestId: 1, reply: { type: "ok" } }] }));
  assert.deepEqual(lamports(posted), [3], "the held ones are dropped: 3 has newer clocks");
  outputs.post(output(4, { mirror: 1 }));
  assert.deepEqual(lamports(posted), [3, 4], "mirrored writes go at once");
  outputs.post(output(6));
  outputs.close();
  assert.deepEqual(lamports(posted), [3, 4, 6], "close posts the one held");
  outputs.post(output(7));
  assert.deepEqual(lamports(posted), [3, 4, 6, 7], "after close nothing is held");
});

const event = (lamport: number) => ({ kind: "commit", data: { lamport }, lamport, vclock: {} });
const kinds = (m: FromWorker | undefined) =>
  m?.type === "output" ? m.emitted.map((e) => e.lamport) : null;

Deno.test("quiet outputs: held events ride on the next output, in order, none lost", () => {
  const posted: FromWorker[] = [];
  const outputs = quietOutputs((m) => posted.push(m), () => false, 60_000);
  outputs.post(output(1, { emitted: [event(1)] }));
  outputs.post(output(2));
  outputs.post(output(4, { emitted: [event(3), event(4)] }));
  assert.equal(posted.length, 0);
  outputs.post(
    output(6, { emitted: [event(5)], replies: [{ requestId: 1, reply: { type: "ok" } }] }),
  );
  assert.deepEqual(lamports(posted), [6]);
  assert.deepEqual(kinds(posted[0]), [1, 3, 4, 5]);
  outputs.post(output(7, { emitted: [event(7)] }));
  outputs.close();
  assert.deepEqual(lamports(posted), [6, 7]);
  assert.deepEqual(kinds(posted[1]), [7]);
});

Deno.test("quiet outputs: many held events are posted without waiting", () => {
  const posted: FromWorker[] = [];
  const outputs = quietOutputs((m) => posted.push(m), () => false, 60_000);
  for (let i = 1; i <= 256; i++) outputs.post(output(i, { emitted: [event(i)] }));
  assert.equal(posted.length, 1);
  assert.equal(kinds(posted[0])?.length, 256);
  outputs.close();
});

Deno.test("quiet outputs: while tracing, every output goes at once", () => {
  const posted: FromWorker[] = [];
  let tracing = true;
  const outputs = quietOutputs((m) => posted.push(m), () => tracing, 60_000);
  outputs.post(output(1));
  assert.deepEqual(lamports(posted), [1]);
  tracing = false;
  outputs.post(output(2));
  assert.deepEqual(lamports(posted), [1]);
  outputs.close();
  assert.deepEqual(lamports(posted), [1, 2]);
});

Deno.test("quiet outputs: a held one is posted when its time is up", async () => {
  const posted: FromWorker[] = [];
  const outputs = quietOutputs((m) => posted.push(m), () => false, 5);
  outputs.post(output(1));
  const deadline = Date.now() + 10_000;
  while (posted.length === 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.deepEqual(lamports(posted), [1]);
  outputs.close();
});
