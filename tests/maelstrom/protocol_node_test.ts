// distlab's protocols as Maelstrom nodes: raft-kv passes lin-kv under partitions; lww,
// which does not promise linearizability, is caught; replies map to Maelstrom's codes.
import assert from "node:assert/strict";
import { maelstromReply } from "../../maelstrom/protocol_node.ts";
import { deadlineMs, within } from "../support/deadline.ts";
import { maelstrom, shown } from "./harness.ts";

const ENTRY = new URL("../../maelstrom.ts", import.meta.url).pathname;
const protocolNode = (name: string, ...options: string[]) =>
  [Deno.execPath(), "run", "--quiet", ENTRY, "node", name, ...options].join(" ");

const linKvUnderPartitions = [
  "-w",
  "lin-kv",
  "--node-count",
  "3",
  "--time-limit",
  "4",
  "--rate",
  "30",
  "--concurrency",
  "2n",
  "--nemesis",
  "partition",
  "--nemesis-interval",
  "1",
];

Deno.test("raft-kv as a Maelstrom node is linearizable under partitions", async () => {
  // etcd-like live timeouts are 1–2 s; a short test wants elections within it.
  const bin = protocolNode(
    "raft-kv",
    "--option",
    "heartbeatMs=50",
    "--option",
    "electionMinMs=300",
    "--option",
    "electionMaxMs=600",
  );
  const r = await maelstrom([...linKvUnderPartitions, "--bin", bin]);
  const w = r.results?.workload as { valid: unknown } | undefined;
  assert.equal(w?.valid, true, shown(r));
  assert.ok((r.results!.stats as { "ok-count": number })["ok-count"] > 0, shown(r));
  const net = r.results!.net as { servers: { "msg-count": number } };
  assert.ok(net.servers["msg-count"] > 0, "raft's messages went through the host");
});

Deno.test("lww as a Maelstrom node is caught: not linearizable under partitions", async () => {
  const r = await maelstrom([...linKvUnderPartitions, "--bin", protocolNode("lww")]);
  assert.equal(r.exitCode, 1, shown(r));
  assert.match(shown(r), /INVALID: not linearizable on key/);
});

Deno.test("replies: ok values, a missing key, refusals and unknown outcomes in Maelstrom's codes", () => {
  assert.deepEqual(maelstromReply("read", { type: "ok", value: [1] }), {
    type: "read_ok",
    value: [1],
  });
  assert.equal(maelstromReply("read", { type: "ok", value: null }).code, 20);
  assert.deepEqual(maelstromReply("cas", { type: "ok" }), { type: "cas_ok" });
  assert.equal(maelstromReply("cas", { type: "fail", code: 22, error: "mismatch" }).code, 22);
  assert.equal(maelstromReply("write", { type: "fail", code: 1001, error: "no quorum" }).code, 11);
  assert.equal(maelstromReply("write", { type: "fail", code: 1003, error: "r > n" }).code, 12);
  assert.equal(maelstromReply("write", { type: "info", code: 1004, error: "down" }).code, 0);
  assert.equal(maelstromReply("write", { type: "info", code: 13, error: "crashed" }).code, 13);
});

Deno.test("maelstrom-node: an unknown protocol is exit 2 naming the known ones", async () => {
  const out = await within(
    "maelstrom.ts node nope",
    new Deno.Command(Deno.execPath(), {
      args: ["run", "--quiet", ENTRY, "node", "nope"],
      stderr: "piped",
    })
      .output(),
    deadlineMs("long"),
  );
  assert.equal(out.code, 2);
  const err = new TextDecoder().decode(out.stderr);
  assert.match(err, /^error: unknown protocol 'nope' \(known: .*raft-kv/m);
  assert.match(err, /usage: deno task maelstrom-node PROTOCOL/);
});
