/**
 * The per-step checks of the transaction-style torture look only at what each step
 * changed; these tests run them and the exhaustive checks after every step that changed
 * anything and require the same verdict at every one of those steps — on correct
 * protocols under faults, and on deliberately broken ones, where both must find the
 * violation at the same step.
 */
import assert from "node:assert/strict";
import { Simulation } from "../../nodes/simulator.ts";
import { healAll, scheduleNemesis, seededSchedule } from "../../nodes/nemesis.ts";
import { createRng } from "../../protocols/random.ts";
import type { AnyProtocol, NodeContext } from "../../protocols/node.ts";
import type { Ops, TxnWorkload } from "../../torture/txn/harness.ts";
import { twoPcWorkload } from "../../torture/txn/two_pc.ts";
import { sagaWorkload } from "../../torture/txn/saga.ts";
import { busWorkload } from "../../torture/txn/bus.ts";
import { eventSourcingWorkload } from "../../torture/txn/event_sourcing.ts";
import { twoPhaseCommit } from "../../protocols/txn/two_phase_commit.ts";
import type { TxnMessage } from "../../protocols/txn/message.ts";
import type { ParticipantNode } from "../../protocols/txn/participant.ts";
import { saga } from "../../protocols/saga/saga.ts";
import type { SagaMessage } from "../../protocols/saga/message.ts";
import { eventSourcing } from "../../protocols/eventsourcing/event_sourcing.ts";
import type { EsMessage } from "../../protocols/eventsourcing/message.ts";
import type { EventStoreNode } from "../../protocols/eventsourcing/store.ts";

interface Agreement {
  compared: number;
  /** The first step's verdicts where either found a violation. */
  found: { incremental: string | null; exhaustive: string | null } | null;
}

/** One seeded run as the torture runner does it, both checks after every changed step. */
function compare(
  workload: TxnWorkload,
  seed: number,
  o: { options?: Record<string, unknown>; protocol?: AnyProtocol; durationMs?: number } = {},
): Agreement {
  const h = workload.harness({ ...workload.defaults, ...o.options });
  const durationMs = o.durationMs ?? 3000;
  const sim = new Simulation({
    protocol: o.protocol ?? h.protocol,
    nodes: h.nodes,
    seed,
    options: h.options,
  });
  scheduleNemesis(
    sim,
    seededSchedule(seed, {
      kinds: ["partition", "kill", "pause", "loss", "duplicate", "reorder", "delay"],
      nodes: sim.nodes,
      durationMs,
    }),
  );
  const result: Agreement = { compared: 0, found: null };
  let last = "";
  sim.afterStep(() => {
    if (result.found !== null) return;
    const fp = h.fingerprint(sim);
    if (fp === last) return;
    last = fp;
    result.compared++;
    const incremental = h.check(sim), exhaustive = h.exhaustive(sim);
    if ((incremental === null) !== (exhaustive === null)) {
      assert.fail(
        `seed ${seed} at ${sim.now()} ms: incremental says ${incremental}, exhaustive says ${exhaustive}`,
      );
    }
    if (incremental !== null) result.found = { incremental, exhaustive };
  });
  const ops: Ops = { invoked: 0, ok: 0, fail: 0, info: 0 };
  h.start(sim, createRng(seed * 31 + 7), 3, durationMs, ops);
  sim.runUntil(() => result.found !== null, durationMs);
  if (result.found === null) {
    healAll(sim);
    sim.runUntil(() => result.found !== null, 3000);
  }
  return result;
}

const CORRECT: [string, TxnWorkload, Record<string, unknown>][] = [
  ["2pc", twoPcWorkload, {}],
  ["orchestrated saga", sagaWorkload, {}],
  ["choreographed saga", sagaWorkload, { style: "choreographed" }],
  ["event sourcing", eventSourcingWorkload, {}],
  ["bus", busWorkload, {}],
];

for (const [name, workload, options] of CORRECT) {
  Deno.test(`${name}: incremental and exhaustive checks agree after every step (3 seeds)`, () => {
    for (const seed of [1, 2, 3]) {
      const r = compare(workload, seed, { options });
      assert.equal(r.found, null, `seed ${seed}: ${JSON.stringify(r.found)}`);
      assert.ok(r.compared > 50, `seed ${seed}: only ${r.compared} steps compared`);
    }
  });
}

Deno.test("2pc: both checks catch a coordinator that commits over a no vote, at the same step", () => {
  const broken: AnyProtocol = {
    ...twoPhaseCommit,
    create(ctx) {
      const node = twoPhaseCommit.create(ctx);
      if (ctx.id !== "n1") return node;
      return {
        ...node,
        message: (from: string, m: TxnMessage) =>
          node.message(from, m.type === "vote" ? { ...m, yes: true } : m),
      };
    },
  };
  const r = compare(twoPcWorkload, 1, { protocol: broken, durationMs: 4000 });
  assert.match(r.found?.incremental ?? "", /committed at .* but|aborted at .* but the coordinator/);
});

Deno.test("2pc: both checks catch a participant that drops its locks without writing anything", () => {
  const broken: AnyProtocol = {
    ...twoPhaseCommit,
    create(ctx) {
      const node = twoPhaseCommit.create(ctx) as ParticipantNode;
      if (ctx.id !== "n2") return node;
      return {
        ...node,
        message(from: string, m: TxnMessage) {
          node.message(from, m);
          (node.locks as Map<string, string>).clear();
        },
      };
    },
  };
  const r = compare(twoPcWorkload, 2, { protocol: broken, durationMs: 4000 });
  assert.match(r.found?.incremental ?? "", /n2 released .* before the decision/);
});

Deno.test("2pc: both checks catch a ledger written behind the protocol's back", () => {
  // A participant whose counter update is off by one for one order.
  const broken: AnyProtocol = {
    ...twoPhaseCommit,
    create(ctx) {
      if (ctx.id !== "n3") return twoPhaseCommit.create(ctx);
      let tampered = false;
      const storage = {
        ...ctx.storage,
        get: (k: string) => ctx.storage.get(k),
        keys: (p?: string) => ctx.storage.keys(p),
        delete: (k: string) => ctx.storage.delete(k),
        set: (k: string, v: unknown) => {
          if (!tampered && k.startsWith("res/")) {
            tampered = true;
            return ctx.storage.set(k, (v as number) + 1);
          }
          ctx.storage.set(k, v);
        },
      };
      return twoPhaseCommit.create({ ...ctx, storage });
    },
  };
  const r = compare(twoPcWorkload, 3, { protocol: broken, durationMs: 4000 });
  assert.match(r.found?.incremental ?? "", /n3: .* is .*, expected/);
});

Deno.test("saga: both checks catch a service that acknowledges compensations without doing them", () => {
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
  const r = compare(sagaWorkload, 1, { protocol: broken });
  assert.match(r.found?.incremental ?? "", /compensated but its inventory step is still done/);
});

Deno.test("event sourcing: both checks catch a store without optimistic concurrency", () => {
  const broken: AnyProtocol = {
    ...eventSourcing,
    create(ctx: NodeContext<EsMessage>) {
      const node = eventSourcing.create(ctx);
      if (ctx.id !== "n1") return node;
      const store = node as EventStoreNode;
      return {
        ...node,
        message(from: string, m: EsMessage) {
          if (m.type === "es/append") {
            const current = store.events.filter((e) => e.stream === m.stream).length;
            return store.message(from, { ...m, expected: current });
          }
          store.message(from, m);
        },
      };
    },
  };
  let caught = 0;
  for (const seed of [1, 2, 3, 4, 5]) {
    if (compare(eventSourcingWorkload, seed, { protocol: broken }).found !== null) caught++;
  }
  assert.ok(caught >= 3, `caught in only ${caught} of 5 seeds`);
});
