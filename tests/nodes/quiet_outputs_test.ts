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
  outputs.post(output(4, { emitted: [{ kind: "commit", data: {}, lamport: 4, vclock: {} }] }));
  outputs.post(output(5, { mirror: 1 }));
  assert.deepEqual(lamports(posted), [3, 4, 5], "events and mirrored writes go at once");
  outputs.post(output(6));
  outputs.close();
  assert.deepEqual(lamports(posted), [3, 4, 5, 6], "close posts the one held");
  outputs.post(output(7));
  assert.deepEqual(lamports(posted), [3, 4, 5, 6, 7], "after close nothing is held");
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
