import assert from "node:assert/strict";
import { Simulation } from "../../nodes/simulator.ts";
import type { AnyProtocol, NodeContext } from "../../protocols/node.ts";
import { createBusNode } from "../../protocols/bus/bus.ts";
import { busConfig } from "../../protocols/bus/config.ts";
import { createBusClient, DEFAULT_CLIENT_OPTIONS } from "../../protocols/bus/client.ts";
import type { BusMessage } from "../../protocols/bus/message.ts";

const OPTIONS = { brokers: ["n1", "n2", "n3"], topics: { t: { partitions: 2, replicas: 3 } } };

/** n1–n3 are brokers; n4 publishes what clients send it and consumes the topic. */
const relay: AnyProtocol = {
  name: "relay",
  description: "test: an embedded bus client",
  tickMs: 10,
  create(ctx: NodeContext<BusMessage>) {
    if (ctx.id !== "n4") return createBusNode(ctx);
    const config = busConfig([ctx.id, ...ctx.peers], ctx.options);
    const client = createBusClient(ctx, config, DEFAULT_CLIENT_OPTIONS);
    let handled = Number(ctx.storage.get("handled") ?? 0);
    client.subscribe("t", "g", (rec) => {
      handled++;
      ctx.storage.set("handled", handled);
      ctx.storage.set(`seen/${rec.partition}/${rec.offset}`, rec.value);
    });
    return {
      tick: () => client.tick(),
      message: (from, m) => void client.message(from, m),
      request(req) {
        client.publish(
          "t",
          String((req.op as { key: string }).key),
          (req.op as { value: unknown }).value,
        );
        ctx.reply(req.id, { type: "ok" });
      },
      status: () => ({ role: "relay", ...client.status() }),
    };
  },
};

function seen(sim: Simulation): unknown[] {
  const d = sim.disk("n4");
  return d.keys("seen/").map((k) => d.get(k));
}

Deno.test("published records reach the consumer in order per key, and offsets are committed", () => {
  const sim = new Simulation({ protocol: relay, nodes: 4, seed: 1, options: OPTIONS });
  for (let i = 0; i < 6; i++) sim.request("n4", { key: "same", value: i }, 1);
  sim.runFor(1000);
  assert.deepEqual(seen(sim), [0, 1, 2, 3, 4, 5]);
  assert.equal(sim.status("n4").outbox, 0);
  const positions = Object.values(sim.status("n4").positions as Record<string, number>);
  assert.equal(positions.reduce((a, b) => a + b, 0), 6);
});

Deno.test("the outbox survives a crash of the publisher, and the records still get out", () => {
  const sim = new Simulation({ protocol: relay, nodes: 4, seed: 2, options: OPTIONS });
  sim.crash("n1"); // the leader of partition 0 is down: records for it wait in the outbox
  for (let i = 0; i < 4; i++) sim.request("n4", { key: `k${i}`, value: i }, 1);
  sim.runFor(300);
  assert.ok((sim.status("n4").outbox as number) > 0);
  sim.crash("n4");
  sim.restart("n4");
  sim.restart("n1");
  sim.runFor(3000);
  assert.equal(sim.status("n4").outbox, 0);
  assert.deepEqual([...new Set(seen(sim))].sort(), [0, 1, 2, 3]);
});

Deno.test("a consumer that crashes before committing has the records delivered again", () => {
  const sim = new Simulation({ protocol: relay, nodes: 4, seed: 3, options: OPTIONS });
  // Commits from n4 never reach the brokers: nothing is ever committed.
  let dropCommits = true;
  sim.onTrace((e) => {
    const body = e.body as { type?: string; op?: { f?: string } } | undefined;
    if (dropCommits && e.kind === "send" && e.node === "n4" && body?.op?.f === "commit") {
      sim.network.cut("n4", e.peer!);
      sim.after(1, () => sim.network.heal());
    }
  });
  for (let i = 0; i < 3; i++) sim.request("n4", { key: "k", value: i }, 1);
  sim.runFor(500);
  const before = Number(sim.disk("n4").get("handled"));
  assert.equal(before, 3);
  dropCommits = false;
  sim.crash("n4");
  sim.restart("n4");
  sim.runFor(500);
  // At-least-once: each uncommitted record is handled again after the restart.
  assert.ok(Number(sim.disk("n4").get("handled")) > before);
  assert.deepEqual(seen(sim), [0, 1, 2]);
});

Deno.test("with a partition's leader down for good, the client follows the leader elected in its place", () => {
  const sim = new Simulation({ protocol: relay, nodes: 4, seed: 4, options: OPTIONS });
  sim.runFor(100);
  sim.crash("n1"); // leads partition 0 (epoch 1), and never comes back
  for (let i = 0; i < 6; i++) sim.request("n4", { key: `k${i}`, value: i }, 1);
  sim.runFor(3000);
  assert.equal(sim.status("n4").outbox, 0);
  assert.deepEqual([...new Set(seen(sim))].sort(), [0, 1, 2, 3, 4, 5]);
  const leads = ["n2", "n3"].flatMap((n) => sim.status(n).leads as string[]).sort();
  assert.deepEqual(leads, ["t/0", "t/1"]);
});
