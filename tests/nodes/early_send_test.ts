import assert from "node:assert/strict";
import { NodeRuntime } from "../../nodes/worker/node_runtime.ts";
import type { FromWorker, OutputMessage, StorageSpec } from "../../nodes/worker_protocol.ts";
import { Simulation } from "../../nodes/simulator.ts";
import type { TraceEvent } from "../../nodes/trace.ts";
import type { Reply } from "../../protocols/node.ts";
import { earlyProtocol } from "./worker_fixtures/early_protocol.ts";

/** The message types of an output, in order. */
function types(m: FromWorker): string[] {
  assert.equal(m.type, "output");
  return (m as OutputMessage).messages.map((o) => (o.body as { type: string }).type);
}

async function startEarly(storage: StorageSpec, posted: FromWorker[]): Promise<NodeRuntime> {
  return await NodeRuntime.start({
    type: "init",
    id: "n1",
    peers: ["n2"],
    protocol: {
      module: new URL("./worker_fixtures/early_protocol.ts", import.meta.url).href,
      export: "earlyProtocol",
    },
    options: {},
    seed: 1,
    clock: { skew: 0, drift: 0, anchor: 0 },
    storage,
    paused: true,
    tracing: false,
  }, (m) => posted.push(m));
}

async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !done(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(done(), "timed out");
}

const write = {
  type: "inputs",
  deliveries: [],
  requests: [{ id: 1, client: 0, op: "write" }],
} as const;

Deno.test("node runtime, file store: a beforeSync message leaves before the fsync; the rest after it, then synced(mark)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "distlab-early-" });
  const posted: FromWorker[] = [];
  const rt = await startEarly({ kind: "file", dir }, posted);
  try {
    await until(() => posted.length >= 1); // ready
    const before = posted.length;
    rt.handle(write);
    // Posted synchronously, so before the asynchronous fsync could complete.
    assert.deepEqual(posted.slice(before).map(types), [["early"]]);
    assert.deepEqual((posted[before] as OutputMessage).replies, []);
    await until(() => posted.length >= before + 3);
    assert.deepEqual(posted.slice(before).map(types), [["early"], ["late"], ["synced"]]);
    const after = posted[before + 1] as OutputMessage;
    assert.deepEqual(after.replies.map((r) => r.requestId), [1], "the reply waits for the fsync");
    const synced = posted[before + 2] as OutputMessage;
    assert.deepEqual(synced.messages[0]!.body, { type: "synced", n: 1 });
  } finally {
    await rt.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("node runtime, memory store: the early output carries no writes; the synced one does", async () => {
  const posted: FromWorker[] = [];
  const rt = await startEarly({ kind: "memory", entries: [] }, posted);
  try {
    const before = posted.length;
    rt.handle(write);
    const outs = posted.slice(before) as OutputMessage[];
    assert.deepEqual(outs.map(types), [["early"], ["late"], ["synced"]]);
    assert.equal(outs[0]!.writes, null);
    assert.deepEqual(outs[1]!.writes, [["n", 1]]);
    assert.deepEqual(outs[1]!.replies.map((r) => r.requestId), [1]);
  } finally {
    await rt.close();
  }
});

/** A two-node simulation of the early protocol, its trace, and n1's replies. */
function earlySim(syncMs: number): { sim: Simulation; trace: TraceEvent[]; replies: Reply[] } {
  const sim = new Simulation({
    protocol: earlyProtocol,
    nodes: 2,
    seed: 1,
    syncMs,
    network: { delay: { kind: "constant", ms: 1 } },
  });
  const trace: TraceEvent[] = [];
  sim.onTrace((e) => {
    if (e.node === "n1" && ["send", "sync", "reply"].includes(e.kind)) trace.push(e);
  });
  const replies: Reply[] = [];
  sim.request("n1", "write", 0, (r) => replies.push(r));
  return { sim, trace, replies };
}

function line(e: TraceEvent): string {
  const what = e.kind === "send" ? (e.body as { type: string }).type : e.kind;
  return `${e.time} ${what}`;
}

Deno.test("simulator: the beforeSync message leaves at once; the sync takes syncMs; the rest waits for it", () => {
  const { sim, trace, replies } = earlySim(5);
  sim.runFor(20);
  assert.deepEqual(trace.map(line), ["0 early", "5 sync", "5 late", "5 reply", "5 synced"]);
  assert.equal(replies.length, 1);
  assert.equal(sim.status("n1").n, 1);
});

Deno.test("simulator: a crash between the early send and the sync loses the unsynced write and all that waited", () => {
  const { sim, trace, replies } = earlySim(5);
  sim.runFor(2);
  sim.crash("n1");
  sim.runFor(20);
  assert.deepEqual(trace.map(line), ["0 early"], "nothing but the early message left");
  assert.deepEqual(replies, []);
  sim.restart("n1");
  assert.equal(sim.status("n1").n, 0, "the write was never synced");
});

Deno.test("simulator: with syncMs 0 the sync is instant, early messages still first", () => {
  const { sim, trace } = earlySim(0);
  sim.runFor(20);
  assert.deepEqual(trace.map(line), ["0 early", "0 late", "0 reply", "0 synced"]);
  assert.throws(
    () => new Simulation({ protocol: earlyProtocol, nodes: 2, seed: 1, syncMs: -1 }),
    /syncMs/,
  );
});
