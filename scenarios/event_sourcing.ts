/**
 * Scenario `event-sourcing`: event sourcing with CQRS on the stock of one item. Two
 * command nodes race and optimistic concurrency on the stream version decides; the
 * stream is the only state, so any past version or time can be replayed ("time
 * travel"); the query node's projection, fed asynchronously, falls behind while cut off
 * from the store and catches up batch by batch — and after a crash it is simply rebuilt.
 *
 * @module
 */

import { Simulation } from "../nodes/simulator.ts";
import type { Reply } from "../protocols/node.ts";
import { eventSourcing } from "../protocols/eventsourcing/event_sourcing.ts";
import type { StoredEvent } from "../protocols/eventsourcing/event.ts";
import type { EventStoreNode } from "../protocols/eventsourcing/store.ts";
import type { ItemState } from "../protocols/eventsourcing/inventory.ts";
import { paragraphs, type Scenario, table, timeline } from "./scenario.ts";
import { type Tr, translator } from "../i18n/catalogue.ts";
import { JA } from "./ja/event_sourcing.ts";

function outcome(t: Tr, r: Reply | undefined): string {
  if (r === undefined) return t`no answer`;
  if (r.type === "ok") return t`ok (stream version ${(r.value as { version: number }).version})`;
  // The store's refusal is English prose with values in it; it is put in words again here.
  const m = /^insufficient stock of (\S+): (\d+) available, (\d+) wanted$/.exec(r.error);
  const why = m === null
    ? t.text(r.error)
    : t`insufficient stock of ${m[1]}: ${m[2]} available, ${m[3]} wanted`;
  return `${r.type}: ${why}`;
}

/**
 * The `event-sourcing` scenario.
 *
 * @example
 * ```ts
 * import { scenario } from "./event_sourcing.ts";
 * import { collectLines } from "./scenario.ts";
 * const lines = await collectLines(scenario);
 * lines.some((l) => l.includes("conflict")); // true
 * ```
 */
export const scenario: Scenario = {
  name: "event-sourcing",
  description:
    "event sourcing + CQRS: optimistic concurrency, time travel, a projection catching up",

  descriptionJa:
    "イベントソーシング + CQRS: 楽観的並行性制御、過去の状態の再現、追いつくプロジェクション",
  run(out, _flags, lang = "en") {
    const t = translator(lang, JA);
    const tell = paragraphs(out);
    const sim = new Simulation({
      protocol: eventSourcing,
      nodes: 4,
      seed: 5,
      options: { pollMs: 100, batch: 3 },
    });
    const say = timeline(out);
    sim.onTrace((e) => {
      const d = (e.data ?? {}) as Record<string, unknown>;
      if (e.kind === "es-conflict") {
        say(
          e,
          t`store: conflict on ${d.stream} — expected version ${d.expected}, it is at ${d.current}`,
        );
      } else if (e.kind === "es-retry") {
        say(e, t`command node: re-reads ${d.stream} and decides again (conflict ${d.conflicts})`);
      }
    });
    const replies = new Map<string, Reply>();
    const command = (node: string, label: string, op: Record<string, unknown>) =>
      sim.request(node, op, 1, (r) => replies.set(label, r));
    const query = (op: Record<string, unknown>): unknown => {
      let got: Reply | undefined;
      sim.request("n3", op, 2, (r) => got = r);
      sim.runFor(1);
      return (got as { value: unknown }).value;
    };
    const store = () => (sim.host("n1")!.node as EventStoreNode).events;

    tell(
      t`Event sourcing + CQRS: n1 event store, n2 and n4 command nodes, n3 query node.\nThe stock of 'apple' is never stored: it is the fold of stream item-apple's events.`,
    );
    out("");
    tell(t`1. Commands, and two command nodes racing for the last units.`);
    command("n2", "add", { f: "add-stock", item: "apple", qty: 10 });
    sim.runFor(50);
    command("n2", "o1", { f: "reserve", item: "apple", order: "o1", qty: 3 });
    sim.runFor(50);
    tell(
      t`   add-stock 10 at n2: ${outcome(t, replies.get("add"))}\n   reserve o1 ×3 at n2: ${
        outcome(t, replies.get("o1"))
      }\n   Now n2 and n4 both decide a reservation of 5 against version 2 (7 available):`,
    );
    command("n2", "o2", { f: "reserve", item: "apple", order: "o2", qty: 5 });
    command("n4", "o3", { f: "reserve", item: "apple", order: "o3", qty: 5 });
    sim.runFor(300);
    tell(
      t`   reserve o2 ×5 at n2: ${outcome(t, replies.get("o2"))}\n   reserve o3 ×5 at n4: ${
        outcome(t, replies.get("o3"))
      }`,
    );
    command("n4", "r1", { f: "release", item: "apple", order: "o1" });
    sim.runFor(100);
    tell(t`   release o1 at n4: ${outcome(t, replies.get("r1"))}`);
    out("");
    tell(t`   The stream (the only state there is):`);
    for (
      const l of table([
        ["version", "position", "event", "data", "at"].map(t.text),
        ...store().map((e: StoredEvent) => [
          e.version,
          e.position,
          e.type,
          JSON.stringify(e.data),
          `${e.at.toFixed(1)} ms`,
        ]),
      ])
    ) out(`   ${l}`);

    out("");
    tell(t`2. Time travel: the query node replays the stream up to any version or time.`);
    sim.runFor(300);
    const rows: (string | number)[][] = [["as of", "available", "reserved"].map(t.text)];
    for (let v = 0; v <= store().length; v++) {
      const s = query({ f: "as-of", item: "apple", version: v }) as ItemState;
      rows.push([t`version ${v}`, s.available, JSON.stringify(s.reserved)]);
    }
    const at = store()[1]!.at;
    const atTime = query({ f: "as-of", item: "apple", time: at }) as ItemState;
    rows.push([t`time ${at.toFixed(1)} ms`, atTime.available, JSON.stringify(atTime.reserved)]);
    for (const l of table(rows)) out(`   ${l}`);

    out("");
    tell(t`3. The query node is cut off from the store while commands keep coming.`);
    sim.network.partition([["n3"], ["n1", "n2", "n4"]]);
    for (let i = 0; i < 8; i++) {
      command(i % 2 === 0 ? "n2" : "n4", `a${i}`, { f: "add-stock", item: "apple", qty: 1 });
      sim.runFor(40);
    }
    sim.runFor(200);
    const lagRow = (label: string): (string | number)[] => {
      const s = sim.status("n3");
      return [
        t.text(label),
        store().length,
        Number(s.position),
        Number(s.lag),
        `${Number(s.stalenessMs).toFixed(0)} ms`,
      ];
    };
    const lagRows: (string | number)[][] = [
      ["moment", "store head", "projection at", "lag (known)", "stale for"].map(t.text),
      lagRow("cut off"),
    ];
    const stale = query({ f: "stock", item: "apple" }) as { available: number; position: number };
    tell(
      t`   n3 answers stock = ${stale.available} (as of position ${stale.position}); the store has ${store().length} events.\n   Heal: the projection catches up, three events per fetch (its first fetch after the\n   heal waits for the one lost in the partition to time out).`,
    );
    sim.network.heal();
    const healed = sim.now();
    const position = () => Number(sim.status("n3").position);
    let before = position();
    while (position() < store().length && sim.now() - healed < 1000) {
      sim.runFor(1);
      if (position() !== before) {
        lagRows.push(lagRow(t`healed +${(sim.now() - healed).toFixed(0)} ms`));
      }
      before = position();
    }
    for (const l of table(lagRows)) out(`   ${l}`);
    const fresh = query({ f: "stock", item: "apple" }) as { available: number; position: number };
    tell(t`   n3 answers stock = ${fresh.available} (as of position ${fresh.position}).`);

    out("");
    tell(
      t`4. The query node crashes: its projection is gone, and it is rebuilt by replaying the store.`,
    );
    sim.crash("n3");
    sim.restart("n3");
    const restarted = sim.now();
    const rebuild: (string | number)[][] = [["moment", "projection at", "stock"].map(t.text)];
    const row = (label: string) => {
      const s = query({ f: "stock", item: "apple" }) as { available: number; position: number };
      rebuild.push([t.text(label), s.position, s.available]);
    };
    row("restarted");
    before = position();
    while (position() < store().length && sim.now() - restarted < 1000) {
      sim.runFor(1);
      if (position() !== before) row(`+${(sim.now() - restarted).toFixed(0)} ms`);
      before = position();
    }
    for (const l of table(rebuild)) out(`   ${l}`);
    return {
      stream: store(),
      replies: Object.fromEntries([...replies].map(([k, r]) => [k, r.type])),
      stock: fresh.available,
    };
  },
};
