import assert from "node:assert/strict";
import { tortureTxnSeed } from "../../torture/txn_torture.ts";
import { eventSourcing } from "../../protocols/eventsourcing/event_sourcing.ts";
import type { AnyProtocol } from "../../protocols/node.ts";
import type { EsMessage } from "../../protocols/eventsourcing/message.ts";
import type { EventStoreNode } from "../../protocols/eventsourcing/store.ts";

Deno.test("event sourcing keeps a well-formed log, its stock rule and correct projections under faults (20 seeds)", () => {
  let acked = 0;
  for (let seed = 1; seed <= 20; seed++) {
    const o = tortureTxnSeed("event-sourcing", seed, { durationMs: 4000 });
    assert.equal(o.violation, null, `seed ${seed}: ${o.violation}`);
    acked += o.ops.ok;
  }
  assert.ok(acked > 2000, `only ${acked} operations succeeded`);
});

Deno.test("the checks catch a store without optimistic concurrency", () => {
  const broken: AnyProtocol = {
    ...eventSourcing,
    create(ctx) {
      const node = eventSourcing.create(ctx);
      if (ctx.id !== "n1") return node;
      const store = node as EventStoreNode;
      return {
        ...node,
        message(from: string, m: EsMessage) {
          if (m.type === "es/append") {
            // Ignore the expected version: append at whatever the stream is at now.
            const current = store.events.filter((e) => e.stream === m.stream).length;
            return store.message(from, { ...m, expected: current });
          }
          store.message(from, m);
        },
      };
    },
  };
  let caught = 0;
  for (let seed = 1; seed <= 5; seed++) {
    const o = tortureTxnSeed("event-sourcing", seed, {
      durationMs: 3000,
      protocol: broken,
      clients: 6,
    });
    if (o.violation !== null) caught++;
  }
  assert.ok(caught >= 3, `caught in only ${caught} of 5 seeds`);
});
