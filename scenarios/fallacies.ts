/**
 * Scenario `fallacies`: the eight fallacies of distributed computing (§2), each made
 * false on a running cluster.
 *
 * Every run is the same: a 3-node `register` cluster (n1 owns the data; n2 and n3
 * forward to it, so every call crosses the network), a client alternating between n2
 * and n3 every 10 ms — writes of fresh keys, and reads of the last key it saw written —
 * with a 300 ms timeout, and one fault from t=500 to t=2500 ms. One row per fallacy
 * says what the fault did to the same workload:
 *
 * 1. reliable network: 20 % message loss;  2. zero latency: 50 ± 10 ms per message;
 * 3. infinite bandwidth: 40 messages/s per link;  4. secure network: 10 % of the
 *    owner's answers tampered with;  5. fixed topology: n3 cut off from n1;  6. one administrator: two
 *    operators change faults at once, and one's "heal everything" undoes the other's
 *    work;  7. free transport: what every message costs in bytes, payload against clock
 *    metadata, and how the metadata grows with the cluster;  8. a homogeneous network:
 *    n3 is a slower machine (paused 70 ms of every 100), and, in a second row, n3 runs
 *    an older release whose messages name a field differently.
 *
 * @module
 */

import { VectorDeriver } from "../clocks/trace_vectors.ts";
import { Simulation } from "../nodes/simulator.ts";
import type { KvOp } from "../protocols/kv.ts";
import type { NodeId, Protocol } from "../protocols/node.ts";
import { register, type RegisterMessage } from "../protocols/register/register.ts";
import { paragraphs, type Scenario, table } from "./scenario.ts";
import {
  type CallRecord,
  type CallSummary,
  callWithTimeout,
  ms,
  summarizeCalls,
} from "./sim_calls.ts";
import { type Tr, translator } from "../i18n/catalogue.ts";
import type { Lang } from "../i18n/lang.ts";
import { JA } from "./ja/fallacies.ts";

const SEED = 8;
const FAULT_FROM = 500;
const FAULT_TO = 2500;
const END = 3000;
const PERIOD_MS = 10;
const TIMEOUT_MS = 300;
const ROUTES: readonly NodeId[] = ["n2", "n3"];

/**
 * One fallacy's run.
 *
 * @example
 * ```ts
 * import type { FallacyRun } from "./fallacies.ts";
 * const calls = { calls: 200, ok: 160, fail: 0, timeout: 40, okRate: 0.8, p50: 6, p99: 300 };
 * const run: FallacyRun = {
 *   number: 1, fallacy: "The network is reliable", fault: "20% loss",
 *   calls, byRoute: { n2: calls, n3: calls }, wrongAnswers: 0, lostWrites: 0, strayKeys: 0,
 *   sent: 400, dropped: 80, figure: "80 messages lost",
 * };
 * ```
 */
export interface FallacyRun {
  /** 0 for the fault-free baseline, else the fallacy's number (1–8). */
  readonly number: number;
  readonly fallacy: string;
  readonly fault: string;
  /** Calls started while the fault was on (t=500..2500 ms). */
  readonly calls: CallSummary;
  readonly byRoute: Readonly<Record<NodeId, CallSummary>>;
  /** Reads started during the fault answered `ok` with a value other than the one written. */
  readonly wrongAnswers: number;
  /** Acknowledged writes whose key does not hold the written value at the end. */
  readonly lostWrites: number;
  /** Keys in the store that no client wrote. */
  readonly strayKeys: number;
  readonly sent: number;
  readonly dropped: number;
  /** The fallacy's own figure, in words. */
  readonly figure: string;
}

/**
 * Fallacy 6 in numbers: two operators' faults overlapping.
 *
 * @example
 * ```ts
 * import type { AdminClash } from "./fallacies.ts";
 * const c: AdminClash = { howXEnds: "heal all", yLossLastedMs: 500, yRemoveFoundRule: false, lostToY: 30 };
 * ```
 */
export interface AdminClash {
  /** How operator X ended its maintenance. */
  readonly howXEnds: "heal all" | "remove own fault";
  /** How long operator Y's loss rule (meant for 1500 ms) was in force. */
  readonly yLossLastedMs: number;
  /** Whether Y, removing its rule at the end, still found it. */
  readonly yRemoveFoundRule: boolean;
  /** Messages dropped by Y's loss rule. */
  readonly lostToY: number;
}

/**
 * Fallacy 7 in numbers: bytes per message and per client call.
 *
 * @example
 * ```ts
 * import type { TransportCost } from "./fallacies.ts";
 * const c: TransportCost = {
 *   nodes: 3, messages: 400, calls: 200, messagesPerCall: 2,
 *   payloadBytesPerMessage: 70, metadataBytesPerMessage: 40, byType: {},
 * };
 * ```
 */
export interface TransportCost {
  readonly nodes: number;
  readonly messages: number;
  readonly calls: number;
  readonly messagesPerCall: number;
  /** JSON bytes of the message body. */
  readonly payloadBytesPerMessage: number;
  /** JSON bytes of the Lamport and vector clocks every message carries. */
  readonly metadataBytesPerMessage: number;
  readonly byType: Readonly<Record<string, { messages: number; bytes: number }>>;
}

/**
 * What the `fallacies` scenario found.
 *
 * @example
 * ```ts
 * import { runFallacies } from "./fallacies.ts";
 * const r = runFallacies();
 * r.runs.map((x) => x.number); // [0, 1, 2, 3, 4, 5, 6, 7, 8, 8]
 * ```
 */
export interface FallaciesResult {
  readonly runs: readonly FallacyRun[];
  readonly admins: readonly AdminClash[];
  /** At 3 nodes and at 9. */
  readonly transport: readonly TransportCost[];
}

interface Setup {
  readonly nodes?: number;
  readonly protocol?: Protocol<RegisterMessage, KvOp>;
  /** Called at t=500 with the simulation; returns what ends the fault at t=2500. */
  readonly start?: (sim: Simulation) => () => void;
  /** Routes the client uses (default n2 and n3). */
  readonly routes?: readonly NodeId[];
}

interface Outcome {
  readonly records: readonly CallRecord[];
  readonly wrongAnswers: number;
  readonly lostWrites: number;
  readonly strayKeys: number;
  readonly sim: Simulation;
  readonly calls: number;
}

function simulate(setup: Setup, observe?: (sim: Simulation) => void): Outcome {
  const sim = new Simulation({
    protocol: setup.protocol ?? register,
    nodes: setup.nodes ?? 3,
    seed: SEED,
  });
  observe?.(sim);
  const routes = setup.routes ?? ROUTES;
  const records: CallRecord[] = [];
  const acknowledged = new Map<string, number>();
  let lastAcked: { key: string; value: number } | null = null;
  let wrongAnswers = 0;
  let i = 0;
  let calls = 0;
  const tick = (): void => {
    const node = routes[i % routes.length]!;
    const n = i++;
    calls++;
    // Writes and reads take turns on each route: w r on n2, w r on n3, ...
    const read = Math.floor(n / 2) % 2 === 1 && lastAcked !== null;
    const expected = lastAcked;
    const key = read ? expected!.key : `w${n}`;
    const op: KvOp = read ? { f: "read", key } : { f: "write", key, value: n };
    callWithTimeout(sim, node, op, TIMEOUT_MS, 1, (r) => {
      if (r.start >= FAULT_FROM && r.start < FAULT_TO) records.push(r);
      if (r.outcome !== "ok") return;
      if (read) {
        if (r.start >= FAULT_FROM && r.start < FAULT_TO && r.value !== expected!.value) {
          wrongAnswers++;
        }
      } else {
        acknowledged.set(key, n);
        lastAcked = { key, value: n };
      }
    });
    if (sim.now() + PERIOD_MS < END) sim.after(PERIOD_MS, tick);
  };
  sim.at(0, tick);
  let stop = (): void => {};
  if (setup.start !== undefined) {
    sim.at(FAULT_FROM, () => stop = setup.start!(sim));
    sim.at(FAULT_TO, () => stop());
  }
  sim.runUntilTime(END + TIMEOUT_MS + 500);
  const data = sim.host("n1")!.node.dump!() as Record<string, unknown>;
  let lostWrites = 0;
  for (const [k, v] of acknowledged) if (data[k] !== v) lostWrites++;
  const strayKeys = Object.keys(data).filter((k) => !/^w\d+$/.test(k) || !(Number(k.slice(1)) < i))
    .length;
  return { records, wrongAnswers, lostWrites, strayKeys, sim, calls };
}

/** The figure in English for the result, and in the narration's language for the table. */
function run(
  shown: Map<FallacyRun, string>,
  t: Tr,
  number: number,
  fallacy: string,
  fault: string,
  setup: Setup,
  figure: (o: Outcome, t: Tr) => string,
): FallacyRun {
  const o = simulate(setup);
  const byRoute: Record<NodeId, CallSummary> = {};
  for (const r of ROUTES) byRoute[r] = summarizeCalls(o.records.filter((x) => x.node === r));
  const r: FallacyRun = {
    number,
    fallacy,
    fault,
    calls: summarizeCalls(o.records),
    byRoute,
    wrongAnswers: o.wrongAnswers,
    lostWrites: o.lostWrites,
    strayKeys: o.strayKeys,
    sent: o.sim.stats.sent,
    dropped: o.sim.stats.dropped,
    figure: figure(o, translator("en")),
  };
  shown.set(r, figure(o, t));
  return r;
}

function everyLink(sim: Simulation, faults: Parameters<Simulation["network"]["addRule"]>[2]) {
  const id = sim.network.addRule("*", "*", faults);
  return () => {
    sim.network.remove(id);
  };
}

/**
 * `register`, with `node` running an older release while the fault is on (a rolling
 * upgrade): its forwards name the key `name`, the field the current release calls `key`.
 */
function olderReleaseAt(node: NodeId): Protocol<RegisterMessage, KvOp> {
  return {
    ...register,
    name: "register-mixed-versions",
    // A release from before message schemas: nothing checks a message's shape at the
    // boundary, which is how the renamed field goes unnoticed (with register's schema
    // these forwards are refused as malformed, and the calls fail visibly instead).
    messages: undefined,
    create(ctx) {
      if (ctx.id !== node) return register.create(ctx);
      const old = (m: RegisterMessage): unknown => {
        if (m.type !== "forward") return m;
        const { key, ...rest } = m.op;
        return { ...m, op: { ...rest, name: key } };
      };
      return register.create({
        ...ctx,
        send(to, m) {
          const t = ctx.now();
          ctx.send(to, t >= FAULT_FROM && t < FAULT_TO ? old(m) as RegisterMessage : m);
        },
      });
    },
  };
}

function adminClash(howXEnds: AdminClash["howXEnds"]): AdminClash {
  let yFrom = 0;
  let yGone: number | null = null;
  let yRemoveFoundRule = false;
  let lostToY = 0;
  let yRule = -1;
  simulate({}, (sim) => {
    let xFault = -1;
    // Operator X: n3 out for maintenance from t=500 to t=1500.
    sim.at(FAULT_FROM, () => xFault = sim.network.isolate("n3"));
    sim.at(1500, () => howXEnds === "heal all" ? sim.network.heal() : sim.network.remove(xFault));
    // Operator Y, unaware of X: 30 % loss on n2's links from t=1000 to t=2500.
    sim.at(1000, () => {
      yRule = sim.network.addRule("n2", "*", { drop: 0.3 });
      yFrom = sim.now();
    });
    const watch = (): void => {
      if (yGone === null && yRule >= 0 && !sim.network.state().rules.some((r) => r.id === yRule)) {
        yGone = sim.now();
      }
      if (sim.now() < FAULT_TO) sim.after(10, watch);
    };
    sim.at(1000, watch);
    sim.at(FAULT_TO, () => {
      if (yGone === null) yGone = sim.now();
      yRemoveFoundRule = sim.network.remove(yRule);
    });
    sim.onTrace((e) => {
      if (e.kind === "drop" && e.reason === "loss" && e.node === "n2") lostToY++;
    });
  });
  return { howXEnds, yLossLastedMs: (yGone ?? FAULT_TO) - yFrom, yRemoveFoundRule, lostToY };
}

function transportCost(nodes: number): TransportCost {
  const byType: Record<string, { messages: number; bytes: number }> = {};
  let payload = 0;
  let metadata = 0;
  let messages = 0;
  const routes = Array.from({ length: nodes - 1 }, (_, i) => `n${i + 2}`);
  // The simulator stamps each event with its node's own vector entry only; the vector a
  // real message would carry is derived from the trace (every event feeds the deriver).
  const vectors = new VectorDeriver();
  const o = simulate({ nodes, routes }, (sim) =>
    sim.onTrace((e) => {
      const vclock = vectors.stamp(e);
      if (e.kind !== "send") return;
      const body = JSON.stringify(e.body);
      const meta = JSON.stringify({ lamport: e.lamport, vclock });
      messages++;
      payload += body.length;
      metadata += meta.length;
      const type = String((e.body as { type?: unknown }).type);
      const t = byType[type] ??= { messages: 0, bytes: 0 };
      t.messages++;
      t.bytes += body.length + meta.length;
    }));
  return {
    nodes,
    messages,
    calls: o.calls,
    messagesPerCall: messages / o.calls,
    payloadBytesPerMessage: payload / messages,
    metadataBytesPerMessage: metadata / messages,
    byType,
  };
}

function pct(x: number): string {
  return `${(x * 100).toFixed(0)}%`;
}

/**
 * Runs the scenario, printing its narration through `out`, and returns its findings.
 *
 * @example
 * ```ts
 * import { runFallacies } from "./fallacies.ts";
 * const r = runFallacies();
 * r.runs[1]!.dropped > r.runs[0]!.dropped; // true: loss drops messages
 * ```
 */
export function runFallacies(
  out: (line: string) => void = () => {},
  lang: Lang = "en",
): FallaciesResult {
  const t = translator(lang, JA);
  const tell = paragraphs(out);
  const admins = [adminClash("heal all"), adminClash("remove own fault")];
  const transport = [transportCost(3), transportCost(9)];
  const t3 = transport[0]!, t9 = transport[1]!;
  const shown = new Map<FallacyRun, string>();
  const runs: FallacyRun[] = [
    run(shown, t, 0, "(baseline)", "none", {}, (_o, t) => t`every call ok in a few ms`),
    run(
      shown,
      t,
      1,
      "The network is reliable",
      "20% of messages lost",
      { start: (sim) => everyLink(sim, { drop: 0.2 }) },
      (o, t) =>
        t`${o.sim.stats.dropped} messages lost; ${
          summarizeCalls(o.records).timeout
        } calls timed out, outcome unknown`,
    ),
    run(
      shown,
      t,
      2,
      "Latency is zero",
      "50 ± 10 ms per message",
      { start: (sim) => everyLink(sim, { delay: { kind: "normal", mean: 50, jitter: 10 } }) },
      (o, t) => t`median call ${ms(summarizeCalls(o.records).p50)} ms (baseline a few ms)`,
    ),
    run(
      shown,
      t,
      3,
      "Bandwidth is infinite",
      "40 messages/s per link",
      { start: (sim) => everyLink(sim, { bandwidth: 40 }) },
      (o, t) => t`50 forwards/s meet 40/s: a queue; p99 ${ms(summarizeCalls(o.records).p99)} ms`,
    ),
    run(
      shown,
      t,
      4,
      "The network is secure",
      "10% of n1's answers altered",
      {
        // Only n1's answers. An answer whose shape the alteration broke is refused at the
        // boundary (register's message schema); a well-formed lie gets through.
        start: (sim) => {
          const id = sim.network.addRule("n1", "*", { tamper: 0.1 });
          return () => {
            sim.network.remove(id);
          };
        },
      },
      (o, t) =>
        t`${o.wrongAnswers} reads answered ok with a value nobody wrote: nothing flags them`,
    ),
    run(
      shown,
      t,
      5,
      "Topology doesn't change",
      "n3 cut off from n1",
      {
        start: (sim) => {
          const id = sim.network.partition([["n1", "n2"], ["n3"]]);
          return () => {
            sim.network.remove(id);
          };
        },
      },
      (o, t) => {
        const via = (n: string) =>
          pct(summarizeCalls(o.records.filter((r) => r.node === n)).okRate);
        return t`ok via n2 ${via("n2")}, via n3 ${via("n3")}: the route through n3 is gone`;
      },
    ),
    run(
      shown,
      t,
      6,
      "There is one administrator",
      "two operators change faults at once",
      {
        start: (sim) => {
          const x = sim.network.isolate("n3");
          let y = -1;
          sim.after(500, () => y = sim.network.addRule("n2", "*", { drop: 0.3 }));
          sim.after(1000, () => sim.network.heal());
          return () => {
            sim.network.remove(x);
            sim.network.remove(y);
          };
        },
      },
      (_o, t) =>
        t`X's "heal all" ended Y's loss test after ${
          admins[0]!.yLossLastedMs
        } ms of the planned 1500`,
    ),
    run(
      shown,
      t,
      7,
      "Transport cost is zero",
      "(accounted, not injected)",
      {},
      (_o, t) =>
        t`${t3.messagesPerCall.toFixed(1)} messages and ${
          Math.round(t3.messagesPerCall * (t3.payloadBytesPerMessage + t3.metadataBytesPerMessage))
        } bytes per call`,
    ),
    run(
      shown,
      t,
      8,
      "The network is homogeneous",
      "n3 a slower machine",
      {
        start: (sim) => {
          let on = true;
          const cycle = (): void => {
            if (!on) return;
            sim.pause("n3");
            sim.after(70, () => {
              sim.resume("n3");
              sim.after(30, cycle);
            });
          };
          cycle();
          return () => on = false;
        },
      },
      (o, t) => {
        const p50 = (n: string) => ms(summarizeCalls(o.records.filter((r) => r.node === n)).p50);
        return t`median via n2 ${p50("n2")} ms, via n3 ${p50("n3")} ms`;
      },
    ),
    run(
      shown,
      t,
      8,
      "The network is homogeneous",
      "n3 runs an older message format",
      { protocol: olderReleaseAt("n3") },
      (o, t) =>
        t`n3's writes are stored under an undefined key: ${o.lostWrites} acknowledged writes lost, ${o.wrongAnswers} wrong answers, all "ok"`,
    ),
  ];

  tell(
    t`The eight fallacies of distributed computing (§2), each made false on a running\ncluster: register protocol, n1 owns the data, n2 and n3 forward to it; a client\nalternates between n2 and n3 every ${PERIOD_MS} ms (writes of fresh keys, reads of the\nlast key written), ${TIMEOUT_MS} ms timeout; the fault is on from t=${FAULT_FROM} to t=${FAULT_TO} ms.\nFigures are for the calls started while the fault was on; "wrong" counts reads\nanswered ok with a value other than the one written; "dropped" counts messages.`,
  );
  out("");
  for (
    const l of table([
      [
        "#",
        "fallacy",
        "fault",
        "calls",
        "ok",
        "failed",
        "timeout",
        "wrong",
        "p50 ms",
        "p99 ms",
        "dropped",
      ].map(t.text),
      ...runs.map((r) => [
        r.number === 0 ? "-" : r.number,
        t.text(r.fallacy),
        t.text(r.fault),
        r.calls.calls,
        pct(r.calls.okRate),
        r.calls.fail,
        r.calls.timeout,
        r.wrongAnswers,
        ms(r.calls.p50),
        ms(r.calls.p99),
        r.dropped,
      ]),
    ])
  ) out(`  ${l}`);
  out("");
  tell(t`What each one shows:`);
  for (const r of runs.filter((x) => x.number > 0)) {
    out(`  ${r.number}. ${shown.get(r)}${t.lang === "ja" ? "。" : "."}`);
  }
  out("");
  tell(
    t`6 in detail: operator X isolates n3 for maintenance (t=500..1500 ms); operator Y,\n  unaware of X, adds 30% loss on n2's links for a test (t=1000..2500 ms).`,
  );
  for (
    const l of table([
      [
        "X ends its work by",
        "Y's loss lasted",
        "messages Y's rule dropped",
        "Y's rule still there at the end",
      ].map(t.text),
      ...admins.map((a) => [
        t.text(a.howXEnds),
        `${a.yLossLastedMs} ms`,
        a.lostToY,
        a.yRemoveFoundRule ? t`yes` : t`no`,
      ]),
    ])
  ) out(`    ${l}`);
  tell(
    t`  A global "heal" is one administrator's habit; with two, each removes only its own\n  fault, by id.`,
  );
  out("");
  tell(
    t`7 in detail: every message is JSON, and every message also carries the sender's\n  Lamport and vector clocks, whose size grows with the number of nodes it has heard of:`,
  );
  for (
    const l of table([
      ["nodes", "messages/call", "payload bytes/msg", "clock bytes/msg", "bytes/call"].map(t.text),
      ...transport.map((c) => [
        c.nodes,
        c.messagesPerCall.toFixed(2),
        c.payloadBytesPerMessage.toFixed(0),
        c.metadataBytesPerMessage.toFixed(0),
        (c.messagesPerCall * (c.payloadBytesPerMessage + c.metadataBytesPerMessage)).toFixed(0),
      ]),
    ])
  ) out(`    ${l}`);
  tell(
    t`  At ${t9.nodes} nodes the clocks are ${
      (t9.metadataBytesPerMessage / t9.payloadBytesPerMessage).toFixed(1)
    }x the payload: serialising and sending them is not free.`,
  );
  out("");
  tell(
    t`8 in detail: two kinds of heterogeneity. A slower machine (n3 runs 30% of the\n  time) slows and fails the calls routed through it. A rolling upgrade (n3 still on\n  a release whose forwards call the key "name") is worse: n1 does not check the\n  forwarded operation, stores the value under an undefined key and answers ok. Messages\n  need a version, and a receiver must refuse what it does not understand.`,
  );

  return { runs, admins, transport };
}

/**
 * The `fallacies` scenario.
 *
 * @example
 * ```ts
 * import { scenario } from "./fallacies.ts";
 * scenario.name; // "fallacies"
 * ```
 */
export const scenario: Scenario = {
  name: "fallacies",
  description: "the eight fallacies, each a fault on a running cluster, in one table (§2)",

  descriptionJa: "8 つの誤解を、動いているクラスタへの障害として 1 つの表に (§2)",
  run(out, _flags, lang) {
    return runFallacies(out, lang);
  },
};
