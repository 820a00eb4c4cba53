import assert from "node:assert/strict";
import { tortureTxnSeed } from "../../torture/txn_torture.ts";
import { saga } from "../../protocols/saga/saga.ts";
import type { AnyProtocol } from "../../protocols/node.ts";
import type { SagaMessage } from "../../protocols/saga/message.ts";

for (const style of ["orchestrated", "choreographed"]) {
  Deno.test(`${style} sagas all end done or compensated, and the books balance, under faults (20 seeds)`, () => {
    let done = 0, compensated = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const o = tortureTxnSeed("saga", seed, { durationMs: 4000, options: { style } });
      assert.equal(o.violation, null, `seed ${seed}: ${o.violation}`);
      done += o.ops.ok;
      compensated += o.ops.fail;
    }
    assert.ok(done > 300 && compensated > 50, `done ${done}, compensated ${compensated}`);
  });
}

Deno.test("the saga checks catch a service that acknowledges compensations without doing them", () => {
  const broken: AnyProtocol = {
    ...saga,
    create(ctx) {
      const node = saga.create(ctx);
      if (ctx.id !== "n2") return node;
      return {
        ...node,
        message(from: string, m: SagaMessage) {
          if (m.type === "saga/undo") {
            return ctx.send(from, {
              type: "saga/result",
              orderId: m.order.id,
              service: "inventory",
              kind: "undo",
              ok: true,
            });
          }
          node.message(from, m);
        },
      };
    },
  };
  const o = tortureTxnSeed("saga", 1, { durationMs: 3000, protocol: broken });
  assert.match(o.violation ?? "", /compensated but its inventory step is still done/);
});
