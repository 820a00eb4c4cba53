import assert from "node:assert/strict";
import { tortureTxnSeed } from "../../torture/txn_torture.ts";
import { bus } from "../../protocols/bus/bus.ts";
import type { AnyProtocol, NodeContext } from "../../protocols/node.ts";
import type { BusMessage } from "../../protocols/bus/message.ts";

Deno.test("the bus loses no acknowledged record and keeps partition order under faults (20 seeds)", () => {
  let acked = 0;
  for (let seed = 1; seed <= 20; seed++) {
    const o = tortureTxnSeed("bus", seed, { durationMs: 4000 });
    assert.equal(o.violation, null, `seed ${seed}: ${o.violation}`);
    acked += o.ops.ok;
  }
  assert.ok(acked > 1000, `only ${acked} records acknowledged`);
});

Deno.test("the bus checks catch a leader whose log writes never reach its disk", () => {
  const broken: AnyProtocol = {
    ...bus,
    create(ctx: NodeContext<BusMessage>) {
      if (ctx.id !== "n1") return bus.create(ctx);
      const storage = {
        ...ctx.storage,
        get: (k: string) => ctx.storage.get(k),
        keys: (p?: string) => ctx.storage.keys(p),
        delete: (k: string) => ctx.storage.delete(k),
        set: (k: string, v: unknown) => {
          if (!k.includes("/log/")) ctx.storage.set(k, v);
        },
      };
      return bus.create({ ...ctx, storage });
    },
  };
  let caught = 0;
  for (let seed = 1; seed <= 5; seed++) {
    const o = tortureTxnSeed("bus", seed, {
      durationMs: 4000,
      protocol: broken,
      nemesis: ["kill"],
    });
    if (o.violation !== null) caught++;
  }
  assert.ok(caught >= 3, `caught in only ${caught} of 5 seeds`);
});
