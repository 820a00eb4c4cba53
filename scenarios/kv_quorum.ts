/**
 * Scenario `kv-quorum` (exercise 3): a Dynamo-style quorum KV on three nodes, N=3,
 * W=2, R=2, step by step.
 *
 * 1. A PUT with everyone up: which replicas acknowledged, the version's vector clock.
 * 2. n3 crashes; a PUT while it is down still reaches W=2, and the coordinator keeps a
 *    hint for n3 (on a three-node ring there is no fourth node to stand in for it).
 * 3. A GET through another node (R=2) sees the new value.
 * 4. n3 restarts with its old value; the coordinator sees it alive and hands the hint
 *    back (hinted handoff).
 * 5. A PUT whose message to n3 is lost (n3 is not suspected, so no hint): n3 stays
 *    stale until a GET's read repair sends it the merged value.
 * 6. W=1, R=1: R + W ≤ N, so a read can miss an acknowledged write — a stale read,
 *    found by the stale-read checker over the scenario's own history.
 *
 * Anti-entropy is off so that hinted handoff and read repair are the only repairs.
 * Each step prints what every replica holds (values with their vector clocks) and the
 * hints it keeps. Deterministic: the same lines every run.
 *
 * @module
 */

import { Simulation } from "../nodes/simulator.ts";
import type { TraceEvent } from "../nodes/trace.ts";
import type { HistoryEvent } from "../history/event.ts";
import type { NodeId, Reply } from "../protocols/node.ts";
import {
  findStaleReads,
  quorumKv,
  type QuorumNode,
  type Version,
} from "../protocols/quorum/mod.ts";
import type { QuorumKvOp } from "../protocols/quorum/request.ts";
import type { VectorClock } from "../clocks/vector.ts";
import { paragraphs, type Scenario, table } from "./scenario.ts";
import { info } from "../protocols/reply.ts";
import { translator } from "../i18n/catalogue.ts";
import type { Lang } from "../i18n/lang.ts";
import { JA } from "./ja/kv_quorum.ts";
import type { StaleReadReport } from "../checker/stale_reads.ts";

const SEED = 7;
const KEY = "cart";
const NODES = ["n1", "n2", "n3"] as const;

function clockText(c: VectorClock): string {
  const parts = Object.keys(c).sort().map((k) => `${k}:${c[k]}`);
  return `[${parts.join(" ")}]`;
}

function versionsText(vs: readonly Version[]): string {
  if (vs.length === 0) return "—";
  return vs.map((v) => `${v.deleted ? "(deleted)" : JSON.stringify(v.value)} ${clockText(v.clock)}`)
    .join(", ");
}

function ms(t: number): string {
  return `${Math.round(t)} ms`;
}

async function run(out: (line: string) => void, lang: Lang = "en"): Promise<StaleReadReport> {
  const t = translator(lang, JA);
  const tell = paragraphs(out);
  const sim = new Simulation({
    protocol: quorumKv,
    nodes: [...NODES],
    seed: SEED,
    options: { n: 3, r: 2, w: 2, antiEntropyMs: 0 },
  });
  const history: HistoryEvent[] = [];
  let process = 0;
  const events: TraceEvent[] = [];
  sim.onTrace((e) => {
    if (["suspect", "trust", "handoff", "read-repair", "read"].includes(e.kind)) events.push(e);
  });
  const take = (kind: string) => {
    const found = events.filter((e) => e.kind === kind);
    const rest = events.filter((e) => e.kind !== kind);
    events.length = 0;
    events.push(...rest);
    return found;
  };

  const request = (node: NodeId, op: QuorumKvOp): Reply => {
    const p = process++;
    history.push({ process: p, type: "invoke", f: op.f, key: op.key, value: op.value, time: ns() });
    let reply: Reply | undefined;
    sim.request(node, op, p, (r) => reply = r);
    sim.runUntil(() => reply !== undefined, 2000);
    const r = reply ?? info("timeout", "no reply");
    const value = op.f === "read" && r.type === "ok" ? r.value : op.value;
    history.push({ process: p, type: r.type, f: op.f, key: op.key, value, time: ns() });
    return r;
  };
  const ns = () => Math.round(sim.now() * 1e6);
  const put = (node: NodeId, value: unknown, extra: Partial<QuorumKvOp> = {}) => {
    const r = request(node, { f: "write", key: KEY, value, ...extra } as QuorumKvOp);
    if (r.type === "ok") {
      const { clock, acks } = r.value as { clock: VectorClock; acks: NodeId[] };
      tell(
        t`  PUT ${KEY}=${JSON.stringify(value)} via ${node}: ok at t=${
          ms(sim.now())
        }, W=${acks.length} acknowledged by ${acks.join(", ")}, clock ${clockText(clock)}`,
      );
    } else {
      tell(
        t`  PUT ${KEY}=${JSON.stringify(value)} via ${node}: ${r.type} (${
          "error" in r ? t.text(r.error) : ""
        })`,
      );
    }
  };
  const get = (node: NodeId, extra: Partial<QuorumKvOp> = {}) => {
    take("read");
    const r = request(node, { f: "read", key: KEY, ...extra } as QuorumKvOp);
    const read = take("read")[0]?.data as { replies: NodeId[]; context: VectorClock } | undefined;
    out(
      t`  GET ${KEY} via ${node}: ${r.type} ${JSON.stringify(r.type === "ok" ? r.value : r)}` +
        (read
          ? t` (answered from ${read.replies.join(", ")}, context ${clockText(read.context)})`
          : ""),
    );
    return r;
  };
  const repairs = () => {
    for (const e of take("read-repair")) {
      const replica = (e.data as { replica: string }).replica;
      out(
        replica === e.node
          ? t`  read repair: ${e.node}, the coordinator, updates its own older copy`
          : t`  read repair: ${e.node} sends the merged value to ${replica}, whose reply was older`,
      );
    }
  };
  const holdings = () => {
    const rows: string[][] = [[t`replica`, t`state`, t`holds ${KEY}`, t`hints kept`]];
    for (const n of NODES) {
      const host = sim.host(n);
      if (host === null) {
        rows.push([n, t`down`, t`(on disk, unreadable)`, "—"]);
        continue;
      }
      const q = host.node as QuorumNode;
      const k = q.inspect(KEY);
      const hints = Object.entries(k.hints)
        .map(([owner, vs]) => t`for ${owner}: ${versionsText(vs)}`).join("; ");
      const suspects = (sim.status(n).suspects ?? []).join(",");
      rows.push([
        n,
        suspects ? t`up, suspects ${suspects}` : t`up`,
        versionsText(k.versions),
        hints || "—",
      ]);
    }
    for (const line of table(rows)) out("    " + line);
  };

  tell(
    t`kv-quorum: Dynamo-style quorum KV on ${
      NODES.join(", ")
    } with N=3, W=2, R=2 (seed ${SEED})\nAnti-entropy is off here, so hinted handoff and read repair are the only repairs.`,
  );
  sim.runFor(300);
  const pref = (sim.host("n1")!.node as QuorumNode).inspect(KEY).preferenceList;
  tell(t`Key "${KEY}" hashes onto the ring with preference list ${pref.join(", ")}.`);
  out("");

  tell(t`Step 1 — a PUT with every node up`);
  put("n1", "apple");
  sim.runFor(20);
  holdings();
  out("");

  tell(t`Step 2 — n3 crashes; a PUT while it is down`);
  sim.crash("n3");
  const crashedAt = sim.now();
  sim.runUntil(() => (sim.status("n1").suspects ?? []).includes("n3"), 2000);
  tell(t`  n1's phi-accrual detector suspects n3 after ${ms(sim.now() - crashedAt)} without pings`);
  put("n1", "banana");
  tell(
    t`  W=2 is met by n1 and n2; with no fourth node to stand in, the coordinator n1\n  keeps a hint for n3 (the write it missed), to hand back when n3 returns`,
  );
  sim.runFor(20);
  holdings();
  out("");

  tell(t`Step 3 — a GET through another node (R=2) sees the new value`);
  get("n2");
  out("");

  tell(t`Step 4 — n3 restarts: hinted handoff`);
  sim.restart("n3");
  tell(t`  n3 restarts at t=${ms(sim.now())} from its disk, still holding the old value:`);
  holdings();
  take("handoff");
  sim.runUntil(
    () => (sim.host("n3")!.node as QuorumNode).inspect(KEY).versions[0]?.value === "banana",
    3000,
  );
  const handoff = take("handoff")[0];
  tell(
    t`  at t=${ms(sim.now())} n1 trusts n3 again and hands the hint off; n3 merges it (from ${
      (handoff?.data as { from?: string } | undefined)?.from ?? "?"
    }) and n1 drops the hint:`,
  );
  sim.runFor(20);
  holdings();
  out("");

  tell(t`Step 5 — a lost message, then read repair`);
  sim.network.cut("n1", "n3");
  tell(
    t`  the link n1 → n3 drops messages; n3 is not suspected (its pings still reach n1), so no hint`,
  );
  put("n1", "cherry");
  sim.network.heal();
  sim.runFor(200);
  tell(t`  link healed; 200 ms later n3 is still stale:`);
  holdings();
  take("read-repair");
  get("n1");
  sim.runFor(20);
  repairs();
  holdings();
  out("");

  tell(t`Step 6 — W=1, R=1 (R + W = 2 ≤ N = 3): a stale read`);
  const step6 = ns();
  sim.network.cut("n1", "n2");
  sim.network.cut("n1", "n3");
  tell(t`  the links n1 → n2 and n1 → n3 drop messages`);
  put("n1", "damson", { w: 1 });
  tell(t`  acknowledged by n1 alone; n2 and n3 never got it`);
  sim.runFor(1);
  const stale = get("n3", { r: 1 });
  tell(
    t`  n3 answers from its own copy: ${
      JSON.stringify(stale.type === "ok" ? stale.value : null)
    } — older than a write acknowledged before this read began`,
  );
  holdings();
  take("read-repair");
  sim.network.heal();
  sim.runFor(50);
  tell(
    t`  links healed; n3, the coordinator, kept collecting the other replies after answering,\n  and n1's newer one makes it repair the stale replicas (too late for that client):`,
  );
  repairs();
  holdings();
  tell(t`  a GET with consistency ALL now reads the acknowledged value everywhere:`);
  get("n2", { consistency: "ALL" });
  sim.runFor(20);
  repairs();
  out("");

  const report = findStaleReads(history);
  tell(
    t`Stale-read check over this scenario's ${report.reads} reads: ${report.stale.length} stale`,
  );
  for (const s of report.stale) {
    tell(
      t`  GET ${s.key} at t=${ms(s.invokedNs / 1e6)} returned ${
        JSON.stringify(s.returned)
      }, missing PUT ${JSON.stringify(s.missed.value)} acknowledged at t=${
        ms(s.missed.completedNs / 1e6)
      }`,
    );
  }
  const early = report.stale.filter((s) => s.invokedNs < step6).length;
  tell(
    t`With W=2, R=2 every read quorum overlaps every write quorum (2 + 2 > 3): steps 1–5 had ${early} stale reads.\nWith W=1, R=1 they need not overlap: step 6 had ${
      report.stale.length - early
    }.`,
  );
  await Promise.resolve();
  return report;
}

/**
 * The `kv-quorum` scenario.
 *
 * @example
 * ```ts
 * import { scenario } from "./kv_quorum.ts";
 * import { collectLines } from "./scenario.ts";
 * const lines = await collectLines(scenario);
 * lines[0]; // "kv-quorum: Dynamo-style quorum KV on n1, n2, n3 with N=3, W=2, R=2 (seed 7)"
 * ```
 */
export const scenario: Scenario = {
  name: "kv-quorum",
  description: "exercise 3: N=3 W=2 R=2 — a PUT with a node down, hinted handoff, read repair; " +
    "then W=1 R=1 and a stale read",

  descriptionJa:
    "演習 3: N=3 W=2 R=2 — ノードが 1 台落ちた状態での PUT、ヒンテッドハンドオフ、読み取り修復。続いて W=1 R=1 での古い値の読み取り",
  run: (out, _flags, lang) => run(out, lang),
};
