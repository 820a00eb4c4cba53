/**
 * NodeHost.requests: a batch of client operations counts each on the clocks, and reaches
 * a node with `requests` in one call, or one by one a node without it.
 */
import assert from "node:assert/strict";
import { NodeHost } from "../../nodes/node_host.ts";
import { MemoryDisk } from "../../nodes/storage/memory_disk.ts";
import type { ClientRequest, Protocol } from "../../protocols/node.ts";

function host(batching: boolean, calls: string[]): NodeHost {
  const protocol: Protocol<never, number> = {
    name: "probe",
    description: "records how requests arrive",
    tickMs: 10,
    messages: {},
    create: () => ({
      tick() {},
      message() {},
      request: (r: ClientRequest<number>) => void calls.push(`one ${r.op}`),
      ...(batching
        ? {
          requests: (rs: readonly ClientRequest<number>[]) =>
            void calls.push(`batch ${rs.map((r) => r.op).join(",")}`),
        }
        : {}),
      status: () => ({ role: "probe" }),
    }),
  };
  return new NodeHost(protocol, {
    id: "n1",
    peers: ["n2"],
    options: {},
    storage: new MemoryDisk(),
    now: () => 0,
    random: () => 0.5,
  });
}

Deno.test("a batch of requests reaches a batching node in one call and ticks the clocks once per request", () => {
  const calls: string[] = [];
  const h = host(true, calls);
  const reqs = [1, 2, 3].map((op) => ({ id: op, client: 1, op }));
  h.requests(reqs);
  assert.deepEqual(calls, ["batch 1,2,3"]);
  assert.equal(h.lamport, 3);
  assert.equal(h.vc, 3);
  h.requests([reqs[0]!]); // one alone goes through request
  assert.deepEqual(calls, ["batch 1,2,3", "one 1"]);
});

Deno.test("a node without requests gets a batch one by one, with the same clocks", () => {
  const calls: string[] = [];
  const h = host(false, calls);
  h.requests([1, 2, 3].map((op) => ({ id: op, client: 1, op })));
  assert.deepEqual(calls, ["one 1", "one 2", "one 3"]);
  assert.equal(h.lamport, 3);
  assert.equal(h.vc, 3);
});
