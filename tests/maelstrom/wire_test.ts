// The wire format, the services, topologies and the command line.
import assert from "node:assert/strict";
import { parseTestArgs, splitBin } from "../../maelstrom/args.ts";
import { createServices, serviceReply } from "../../maelstrom/services.ts";
import { errorOutcome, parseMessage } from "../../maelstrom/wire.ts";
import { topology } from "../../maelstrom/workloads/topology.ts";

Deno.test("a node's line is a message only with src, dest and a typed body", () => {
  assert.equal(typeof parseMessage('{"src":"n0","dest":"c1","body":{"type":"x"}}'), "object");
  assert.equal(parseMessage("hello"), "not JSON");
  assert.equal(parseMessage("[1]"), "not a JSON object");
  assert.equal(parseMessage('{"dest":"c1","body":{"type":"x"}}'), "no string 'src'");
  assert.equal(parseMessage('{"src":"n0","dest":"c1","body":{}}'), "body has no string 'type'");
});

Deno.test("error codes: Maelstrom's definite ones fail, timeout / crash / a node's own are unknown", () => {
  assert.deepEqual([1, 10, 11, 12, 14, 20, 21, 22, 30].map(errorOutcome), Array(9).fill("fail"));
  assert.deepEqual([0, 13, 1000, 5555, "x"].map(errorOutcome), Array(5).fill("info"));
});

Deno.test("services: kv read / write / cas with create_if_not_exists, lin-tso, unknown ids", () => {
  const s = createServices(() => 0.5);
  assert.deepEqual(serviceReply(s, "lin-kv", { type: "read", msg_id: 1, key: 1 }, "n0"), {
    type: "error",
    code: 20,
    text: "key does not exist",
    in_reply_to: 1,
  });
  assert.equal(
    serviceReply(s, "lin-kv", { type: "cas", msg_id: 2, key: 1, from: 0, to: 1 }, "n0")?.code,
    20,
  );
  assert.equal(
    serviceReply(s, "lin-kv", {
      type: "cas",
      msg_id: 3,
      key: 1,
      from: 0,
      to: 1,
      create_if_not_exists: true,
    }, "n0")
      ?.type,
    "cas_ok",
  );
  assert.equal(
    serviceReply(s, "lin-kv", { type: "cas", msg_id: 4, key: 1, from: 0, to: 2 }, "n0")?.code,
    22,
  );
  assert.equal(serviceReply(s, "lin-kv", { type: "read", msg_id: 5, key: 1 }, "n0")?.value, 1);
  assert.equal(
    serviceReply(s, "seq-kv", { type: "read", msg_id: 6, key: 1 }, "n0")?.code,
    20,
    "each service its own store",
  );
  assert.equal(serviceReply(s, "lin-tso", { type: "ts", msg_id: 7 }, "n0")?.ts, 1);
  assert.equal(serviceReply(s, "lin-tso", { type: "ts", msg_id: 8 }, "n0")?.ts, 2);
  assert.equal(serviceReply(s, "n3", { type: "read" }, "n0"), null);
});

Deno.test("seq-kv: a read may be stale, but never older than what the caller saw or wrote", () => {
  let r = 0;
  const s = createServices(() => r);
  const call = (caller: string, body: Record<string, unknown>) =>
    serviceReply(s, "seq-kv", { msg_id: 1, ...body, type: String(body.type) }, caller);
  call("n0", { type: "write", key: "k", value: 1 });
  call("n0", { type: "write", key: "k", value: 2 });
  // r = 0: the oldest place allowed. n1 has seen nothing: it may read before any write.
  assert.equal(call("n1", { type: "read", key: "k" })?.code, 20);
  assert.equal(call("n0", { type: "read", key: "k" })?.value, 2, "its own writes, always");
  r = 0.99; // the latest
  assert.equal(call("n1", { type: "read", key: "k" })?.value, 2);
  r = 0;
  assert.equal(call("n1", { type: "read", key: "k" })?.value, 2, "never back before what it saw");
  // A cas applies to the latest state even for a caller that saw an old one.
  assert.equal(call("n2", { type: "cas", key: "k", from: 2, to: 3 })?.type, "cas_ok");
  assert.equal(call("n2", { type: "read", key: "k" })?.value, 3);
});

Deno.test("topologies are symmetric and connected", () => {
  const nodes = ["n0", "n1", "n2", "n3", "n4"];
  for (const name of ["grid", "line", "total", "tree2", "tree3", "tree4"]) {
    const t = topology(name, nodes);
    const seen = new Set(["n0"]);
    const todo = ["n0"];
    while (todo.length > 0) {
      for (const m of t[todo.pop()!]!) {
        assert.ok(t[m]!.length > 0);
        if (!seen.has(m)) (seen.add(m), todo.push(m));
      }
    }
    assert.equal(seen.size, 5, name);
    for (const [a, ns] of Object.entries(t)) {
      for (const b of ns) assert.ok(t[b]!.includes(a), `${name}: ${a}-${b}`);
    }
  }
  assert.deepEqual(topology("grid", nodes).n0, ["n1", "n3"]);
});

Deno.test("flags: Maelstrom's names and defaults; --concurrency Nn; --bin with arguments", () => {
  const d = parseTestArgs(["test", "--bin", "./n.py"]);
  assert.equal(d.workload, "lin-kv");
  assert.equal(d.nodeCount, 5);
  assert.equal(d.timeLimit, 60);
  assert.equal(d.rate, 5);
  assert.equal(d.concurrency, 5);
  assert.equal(d.nemesisInterval, 10);
  assert.equal(d.latency, 0);
  assert.equal(d.topology, "grid");
  const o = parseTestArgs([
    "--",
    "test",
    "-w",
    "broadcast",
    "--bin",
    "python3 node.py",
    "--node-count",
    "3",
    "--concurrency",
    "2n",
    "--nemesis",
    "partition, kill",
    "--",
    "--verbose",
  ]);
  assert.deepEqual(o.command, ["python3", "node.py", "--verbose"]);
  assert.equal(o.concurrency, 6);
  assert.deepEqual(o.nemesis, ["partition", "kill"]);
  assert.deepEqual(
    splitBin(import.meta.filename!),
    [import.meta.filename!],
    "an existing path is one word",
  );
});
