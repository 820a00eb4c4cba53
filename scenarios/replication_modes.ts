/**
 * Scenario `replication-modes`: the chapter's table of replication modes, measured.
 *
 * The same three-node primary-backup cluster (n1 primary; n2 a nearby backup; n3 a
 * backup in a distant zone, 8–16 ms away), the same write load from eight clients, and
 * the same crash of the primary, once per mode. For each mode it prints how many
 * acknowledged writes the new primary no longer has, the client-observed write latency
 * (p50/p99), and each backup's replication lag at the moment of the crash. Then
 * semi-sync's fallback: with both backups cut off, the primary waits
 * `semiSyncTimeoutMs`, falls back to async, and returns to semi-sync once a backup has
 * caught up.
 *
 * @module
 */

import { Simulation } from "../nodes/simulator.ts";
import type { NodeId } from "../protocols/node.ts";
import { primaryBackup } from "../protocols/primary_backup/primary_backup.ts";
import { MODE_TRADEOFF, type ReplicationMode } from "../protocols/primary_backup/mode.ts";
import { paragraphs, type Scenario, table } from "./scenario.ts";
import { type Tr, translator } from "../i18n/catalogue.ts";
import { JA } from "./ja/replication_modes.ts";

const SEED = 7;
const CLIENTS = 8;
const CLIENT_LINK_MS = 0.5; // client ↔ node, each way
const LOAD_FROM = 200;
const CRASH_AT = 700;
const FAR = { delay: { kind: "uniform", min: 8, max: 16 } } as const;

interface ModeResult {
  readonly mode: ReplicationMode;
  readonly acked: number;
  readonly lost: number;
  readonly p50: number;
  readonly p99: number;
  readonly lag: Readonly<Record<NodeId, number>>;
  readonly lagMs: Readonly<Record<NodeId, number>>;
  readonly newPrimary: NodeId;
  readonly failoverMs: number;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

function measure(mode: ReplicationMode): ModeResult {
  const sim = new Simulation({ protocol: primaryBackup, nodes: 3, seed: SEED, options: { mode } });
  for (const other of ["n1", "n2"]) {
    sim.network.addRule(other, "n3", FAR);
    sim.network.addRule("n3", other, FAR);
  }
  const acked = new Map<string, number>(); // key → value, acknowledged before the crash
  const latencies: number[] = [];
  let next = 1;
  let crashed = false;
  const client = (c: number) => {
    let target: NodeId = "n1";
    const issue = () => {
      if (sim.now() >= CRASH_AT) return;
      const n = next++;
      const key = `w${n}`;
      const started = sim.now();
      sim.after(CLIENT_LINK_MS, () => {
        sim.request(target, { f: "write", key, value: n }, c, (reply) => {
          sim.after(CLIENT_LINK_MS, () => {
            if (reply.type === "ok" && !crashed) {
              acked.set(key, n);
              latencies.push(sim.now() - started);
            } else if (reply.type === "fail" && reply.leader !== undefined) target = reply.leader;
            sim.after(sim.rng.next(), issue);
          });
        });
      });
    };
    sim.at(LOAD_FROM + sim.rng.next(), issue);
  };
  for (let c = 0; c < CLIENTS; c++) client(c);
  sim.runUntilTime(CRASH_AT);
  const at = sim.status("n1");
  sim.crash("n1");
  crashed = true;
  const promoted = () => ["n2", "n3"].find((n) => sim.status(n).role === "primary");
  sim.runUntil(() => promoted() !== undefined, 5000);
  const newPrimary = promoted() ?? "none";
  const failoverMs = Math.round(sim.now() - CRASH_AT);
  sim.runFor(300);
  const data = newPrimary === "none" ? {} : sim.host(newPrimary)!.node.dump!();
  let lost = 0;
  for (const [k, v] of acked) if (data[k] !== v) lost++;
  latencies.sort((a, b) => a - b);
  return {
    mode,
    acked: acked.size,
    lost,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    lag: at.lag as Record<NodeId, number>,
    lagMs: at.lagMs as Record<NodeId, number>,
    newPrimary,
    failoverMs,
  };
}

function fallbackDemo(out: (line: string) => void, t: Tr): void {
  const tell = paragraphs(out);
  const sim = new Simulation({
    protocol: primaryBackup,
    nodes: 3,
    seed: SEED,
    // No automatic failover here: this part is about the primary's acknowledgements.
    options: { mode: "semi-sync", semiSyncTimeoutMs: 200, autoFailover: false },
  });
  sim.onTrace((e) => {
    if (e.kind === "semi-sync") {
      const d = e.data as { restored: boolean; waitedMs?: number; seq?: number };
      out(
        `  t=${Math.round(e.time)}ms ${e.node}: ` +
          (d.restored
            ? t`a backup caught up at change ${d.seq}: back to semi-sync`
            : t`no backup acknowledged for ${
              Math.round(d.waitedMs ?? 0)
            } ms: falling back to async`),
      );
    }
  });
  const write = (key: string, label: string) => {
    const t0 = sim.now();
    sim.request("n1", { f: "write", key, value: 1 }, 1, (r) => {
      tell(
        t`  t=${Math.round(sim.now())}ms ${t.text(label)}: ${r.type} after ${
          Math.round(sim.now() - t0)
        } ms (mode ${sim.status("n1").effectiveMode})`,
      );
    });
  };
  sim.runFor(100);
  write("a", "write a, backups reachable");
  sim.runFor(100);
  tell(t`  t=${sim.now()}ms cut the links from n1 to both backups (failover off for this part)`);
  sim.network.cut("n1", "n2");
  sim.network.cut("n1", "n3");
  write("b", "write b, backups cut off");
  sim.runFor(300);
  write("c", "write c, after the fallback");
  sim.runFor(100);
  tell(t`  t=${sim.now()}ms heal`);
  sim.network.heal();
  sim.runFor(200);
  write("d", "write d, after the backups caught up");
  sim.runFor(100);
}

/**
 * The replication-modes scenario.
 *
 * @example
 * ```ts
 * import { scenario } from "./replication_modes.ts";
 * scenario.name; // "replication-modes"
 * ```
 */
export const scenario: Scenario = {
  name: "replication-modes",
  description:
    "sync / semi-sync / async under the same load and primary crash: lost writes, latency, lag",

  descriptionJa:
    "同期 / 準同期 / 非同期を同じ負荷とプライマリのクラッシュで比べる: 失われる書き込み、レイテンシ、遅れ",
  run(out, _flags, lang = "en") {
    const t = translator(lang, JA);
    const tell = paragraphs(out);
    tell(
      t`Three nodes: n1 primary, n2 nearby backup (1-3 ms), n3 distant backup (8-16 ms).\n${CLIENTS} clients write new keys from t=${LOAD_FROM}ms; n1 crashes at t=${CRASH_AT}ms;\nthe most up-to-date backup takes over; then we look for every acknowledged write.`,
    );
    out("");
    const results = (["sync", "semi-sync", "async"] as const).map(measure);
    for (const r of results) {
      tell(
        t`${r.mode}: ${r.acked} writes acknowledged, ${r.lost} lost; new primary ${r.newPrimary} after ${r.failoverMs} ms; lag at the crash n2=${r.lag.n2} (${r.lagMs.n2} ms) n3=${r.lag.n3} (${r.lagMs.n3} ms)`,
      );
    }
    out("");
    const rows: (string | number)[][] = [[
      "mode",
      "acked writes",
      "acked writes lost",
      "latency p50 ms",
      "latency p99 ms",
      "lag n2/n3 at crash",
      "trade-off",
    ].map(t.text)];
    for (const r of results) {
      rows.push([
        r.mode,
        r.acked,
        r.lost,
        r.p50.toFixed(1),
        r.p99.toFixed(1),
        `${r.lag.n2}/${r.lag.n3}`,
        t.text(MODE_TRADEOFF[r.mode]),
      ]);
    }
    for (const l of table(rows)) out(l);
    out("");
    tell(t`Semi-sync's fallback (MySQL's rpl_semi_sync_master_timeout), semiSyncTimeoutMs=200:`);
    fallbackDemo(out, t);
    return results;
  },
};
