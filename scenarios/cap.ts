/**
 * Scenario `cap` (chapter §3): the same network partition applied to a CP store (the
 * Raft KV) and to an AP store (the Dynamo-style quorum KV), with the same client
 * operations sent to both, printed side by side.
 *
 * Five nodes are split {n1, n2} | {n3, n4, n5}. Raft's leader is moved to n1 before
 * the split, so the leader ends up on the minority side. Client A can only reach the
 * minority side, client B only the majority side. During the partition the Raft
 * minority refuses (an error or no answer, never data), while the majority elects a
 * new leader and keeps serving; the quorum KV answers on both sides (a sloppy quorum
 * lets two nodes stand in for five), with a stale read and two concurrent writes that
 * become siblings. After heal both converge; the history checker labels each history.
 *
 * The module also exports the small lab this scenario and `cap-exercise` share:
 * {@link createCapStore} starts either store, sends client operations the way a client
 * on one side of the partition would, records the history, and describes outcomes.
 *
 * @module
 */

import { Simulation } from "../nodes/simulator.ts";
import type { TraceEvent } from "../nodes/trace.ts";
import { classifyHistory } from "../checker/consistency.ts";
import { createHistoryRecorder, type HistoryRecorder } from "../history/recorder.ts";
import type { KvOp } from "../protocols/kv.ts";
import type { NodeId, Reply } from "../protocols/node.ts";
import { quorumKv } from "../protocols/quorum/mod.ts";
import type { QuorumKvOp } from "../protocols/quorum/request.ts";
import { raftKv } from "../protocols/raft/mod.ts";
import { paragraphs, type Scenario, table } from "./scenario.ts";
import { type Tr, translator } from "../i18n/catalogue.ts";
import type { Lang } from "../i18n/lang.ts";
import { JA } from "./ja/cap.ts";

/**
 * The minority side of the partition every CAP scenario uses.
 *
 * @example
 * ```ts
 * import { MINORITY } from "./cap.ts";
 * MINORITY.includes("n1"); // true
 * ```
 */
export const MINORITY: readonly NodeId[] = ["n1", "n2"];
/**
 * The majority side of the partition every CAP scenario uses.
 *
 * @example
 * ```ts
 * import { MAJORITY } from "./cap.ts";
 * MAJORITY.length; // 3
 * ```
 */
export const MAJORITY: readonly NodeId[] = ["n3", "n4", "n5"];

/** How long a client waits for an answer before it gives up (virtual ms). */
const CLIENT_TIMEOUT_MS = 1000;

/**
 * What one client operation came to. `timeout` means no answer within the client's
 * timeout (recorded as `info` in the history: it may still happen).
 *
 * @example
 * ```ts
 * import type { Outcome } from "./cap.ts";
 * const o: Outcome = { status: "fail", error: "not leader", path: ["n2", "n1"] };
 * ```
 */
export interface Outcome {
  readonly status: "ok" | "fail" | "info" | "timeout";
  /** For an `ok` read: the value read (a plain value, `null`, or `{ siblings, context }`). */
  readonly value?: unknown;
  readonly error?: string;
  /** The nodes the client tried, in order (a Raft client follows a leader hint). */
  readonly path: readonly NodeId[];
  /** For quorum writes: who acknowledged, and who stood in for whom. */
  readonly detail?: string;
  /** Quorum KV writes: the nodes that acknowledged. */
  readonly acks?: readonly NodeId[];
  /** Quorum KV writes: acknowledging stand-ins (hint holders), each for the owner it replaced. */
  readonly standIns?: Readonly<Record<NodeId, NodeId>>;
  /** Quorum KV reads (and cas): the nodes whose replies the coordinator used. */
  readonly replies?: readonly NodeId[];
}

/**
 * One store under the CAP lab: a simulation of five nodes, the client logic of its
 * kind, and the history of every client operation sent through {@link CapStore.call}.
 *
 * @example
 * ```ts
 * import { createCapStore } from "./cap.ts";
 * const ap = createCapStore("AP", 1);
 * ap.call("A", "n1", { f: "write", key: "x", value: 1 }).status; // "ok"
 * ```
 */
export interface CapStore {
  /** `CP` (Raft KV) or `AP` (quorum KV). */
  readonly kind: "CP" | "AP";
  /** `Raft KV` or `quorum KV`. */
  readonly name: string;
  readonly sim: Simulation;
  readonly history: HistoryRecorder;
  /**
   * Sends `op` from client `client` to `node` and runs the simulation until it is
   * answered or the client times out. A Raft client told `not leader` retries once at
   * the named leader if that node is on its own side of the partition.
   */
  call(client: string, node: NodeId, op: QuorumKvOp): Outcome;
  /** Splits the network {n1, n2} | {n3, n4, n5} and runs until the store has adapted;
   * returns lines saying what happened. */
  partition(t?: Tr): string[];
  /** Heals the network and runs until the replicas converge; returns lines saying so. */
  heal(t?: Tr): string[];
  /** Each node's local data (key → value). */
  data(): Record<NodeId, Readonly<Record<string, unknown>>>;
  /** The nodes meant to hold `key` (all five for Raft; the preference list for quorum). */
  owners(key: string): NodeId[];
  /** The current Raft leader (undefined for the quorum KV, or when there is none). */
  leader(): NodeId | undefined;
}

/** Which side of the partition a node is on. */
function sideOf(node: NodeId): readonly NodeId[] {
  return MINORITY.includes(node) ? MINORITY : MAJORITY;
}

function waitReply(sim: Simulation, node: NodeId, op: unknown, process: number): Reply | undefined {
  let reply: Reply | undefined;
  sim.request(node, op, process, (r) => reply = r);
  sim.runUntil(() => reply !== undefined, CLIENT_TIMEOUT_MS);
  return reply;
}

/** `after 120 ms`, or `not within the time allowed` for -1. */
function afterMs(ms: number, t: Tr): string {
  return ms < 0 ? t`not within the time allowed (unexpected)` : t`after ${ms} ms`;
}

/** The narration's words when a caller gives none: English. */
const EN: Tr = translator("en");

/** Steps `sim` in 10 ms slices until `done()` or `maxMs`; returns the ms it took, or -1. */
function runUntilSliced(sim: Simulation, done: () => boolean, maxMs: number): number {
  for (let t = 0; t <= maxMs; t += 10) {
    if (done()) return t;
    sim.runFor(10);
  }
  return -1;
}

function leaderOf(sim: Simulation, among: readonly NodeId[] = sim.nodes): NodeId | undefined {
  return among.find((n) => sim.status(n).role === "leader");
}

/**
 * Starts a five-node store: `CP` is the Raft KV (leadership moved to n1, so that the
 * leader ends up on the minority side), `AP` the quorum KV with N=3, R=2, W=2 and a
 * sloppy quorum. Both are given time to settle before this returns.
 *
 * @param kind `CP` or `AP`
 * @param seed the simulation's seed
 * @returns the store, ready for client operations
 *
 * @example
 * ```ts
 * import { createCapStore } from "./cap.ts";
 * const cp = createCapStore("CP", 1);
 * cp.leader(); // "n1"
 * ```
 */
export function createCapStore(kind: "CP" | "AP", seed: number): CapStore {
  const sim = new Simulation({
    protocol: kind === "CP" ? raftKv : quorumKv,
    nodes: [...MINORITY, ...MAJORITY],
    seed,
  });
  const history = createHistoryRecorder();
  const processes = new Map<string, number>();
  let nextProcess = 0;
  const processOf = (client: string): number => {
    if (!processes.has(client)) processes.set(client, nextProcess++);
    return processes.get(client)!;
  };
  const ns = () => Math.round(sim.now() * 1e6);
  let lastWrite: TraceEvent | undefined;
  let lastRead: TraceEvent | undefined;
  if (kind === "AP") {
    sim.onTrace((e) => {
      if (e.kind === "write") lastWrite = e;
      if (e.kind === "read") lastRead = e;
    });
  }

  if (kind === "CP") {
    sim.runUntil(() => leaderOf(sim) !== undefined, 5000);
    const first = leaderOf(sim);
    if (first !== undefined && first !== "n1") {
      waitReply(sim, first, { f: "transfer", node: "n1" }, 999);
      sim.runUntil(() => leaderOf(sim) === "n1", 2000);
    }
    if (leaderOf(sim) !== "n1") throw new Error(`seed ${seed}: could not move the lead to n1`);
  }
  sim.runFor(500);

  const record = (process: number, op: KvOp, o: Outcome, t0: number) => {
    history.invoke(process, op.f, op.key, op.f === "read" ? undefined : op.value, t0);
    const status = o.status === "timeout" ? "info" : o.status;
    const value = op.f === "read" ? (o.status === "ok" ? o.value : undefined) : op.value;
    history.complete(process, status, value, ns(), o.error);
  };

  let split = false;
  const callCp = (client: string, node: NodeId, op: KvOp): Outcome => {
    // A client reaches only its own side while the network is split.
    const side = split ? sideOf(node) : sim.nodes;
    const path: NodeId[] = [];
    const raftOp: KvOp = op.f === "write" || op.f === "cas"
      ? { f: op.f, key: op.key, value: op.value } as KvOp
      : { f: op.f, key: op.key };
    let at: NodeId | undefined = node;
    let reply: Reply | undefined;
    while (at !== undefined) {
      path.push(at);
      reply = waitReply(sim, at, raftOp, processOf(client));
      const hint: NodeId | undefined = reply?.type === "fail" ? reply.leader : undefined;
      at = hint !== undefined && side.includes(hint) && !path.includes(hint) ? hint : undefined;
    }
    if (reply === undefined) return { status: "timeout", path };
    if (reply.type === "ok") return { status: "ok", value: reply.value ?? null, path };
    const across = reply.type !== "fail" || !split
      ? ""
      : reply.leader !== undefined && !side.includes(reply.leader)
      ? `; leader ${reply.leader} is across the partition`
      : "; no leader on this side";
    return { status: reply.type, error: reply.error + across, path };
  };

  const callAp = (client: string, node: NodeId, op: QuorumKvOp): Outcome => {
    lastWrite = undefined;
    lastRead = undefined;
    const reply = waitReply(sim, node, op, processOf(client));
    const path = [node];
    if (reply === undefined) return { status: "timeout", path };
    if (reply.type !== "ok") return { status: reply.type, error: reply.error, path };
    const r = (lastRead as TraceEvent | undefined)?.data as { replies?: NodeId[] } | undefined;
    const replies = r?.replies !== undefined ? { replies: [...r.replies].sort() } : {};
    if (op.f === "read") return { status: "ok", value: reply.value, path, ...replies };
    const acks = (reply.value as { acks: NodeId[] }).acks;
    const w = (lastWrite as TraceEvent | undefined)?.data as {
      hints?: Record<NodeId, NodeId>;
    } | undefined;
    const stand = Object.entries(w?.hints ?? {}).filter(([t]) => acks.includes(t));
    const detail = `acked by ${acks.join(", ")}` +
      (stand.length > 0
        ? ` (stand-in ${stand.map(([t, owner]) => `${t} for ${owner}`).join(", ")})`
        : "");
    return {
      status: "ok",
      path,
      detail,
      acks: [...acks],
      standIns: Object.fromEntries(stand),
      ...replies,
    };
  };

  const store: CapStore = {
    kind,
    name: kind === "CP" ? "Raft KV" : "quorum KV",
    sim,
    history,
    call(client, node, op) {
      const t0 = ns();
      const o = kind === "CP" ? callCp(client, node, op) : callAp(client, node, op);
      record(processOf(client), op, o, t0);
      // After an unknown outcome the op may still take effect: like a Jepsen process,
      // the client continues under a new process number.
      if (o.status === "info" || o.status === "timeout") processes.delete(client);
      return o;
    },
    partition(t = EN) {
      sim.network.partition([MINORITY, MAJORITY]);
      split = true;
      const splitAt = sim.now();
      if (kind === "CP") {
        // Whichever comes first, note when each happened.
        let n1Down = -1;
        let elected = -1;
        runUntilSliced(sim, () => {
          const ms = Math.round(sim.now() - splitAt);
          if (n1Down < 0 && sim.status("n1").role !== "leader") n1Down = ms;
          if (elected < 0 && leaderOf(sim, MAJORITY) !== undefined) elected = ms;
          return n1Down >= 0 && elected >= 0;
        }, 3000);
        const l = leaderOf(sim, MAJORITY);
        return [
          t`n1 hears from no majority and steps down (CheckQuorum) ${afterMs(n1Down, t)};`,
          t`${l} is elected leader of term ${sim.status(l!).term} on the majority side ${
            afterMs(elected, t)
          }`,
        ];
      }
      const suspects = (n: NodeId) => sim.status(n).suspects ?? [];
      const took = runUntilSliced(
        sim,
        () =>
          sim.nodes.every((n) =>
            sim.nodes.every((m) => sideOf(m) === sideOf(n) || suspects(n).includes(m))
          ),
        5000,
      );
      return [
        t`every node's phi-accrual detector suspects the far side ${afterMs(took, t)};`,
        t`from now on a coordinator sends each write to the healthy nodes on its own side`,
      ];
    },
    heal(t = EN) {
      sim.network.heal();
      split = false;
      const keys = () => [...new Set(Object.values(store.data()).flatMap(Object.keys))];
      const converged = () =>
        keys().every((k) => {
          const d = store.data();
          const vals = store.owners(k).map((n) => JSON.stringify(d[n]?.[k] ?? null));
          return new Set(vals).size === 1;
        }) && (kind === "CP" || sim.nodes.every((n) => sim.status(n).hints === 0));
      const took = runUntilSliced(sim, converged, 10_000);
      sim.runFor(100);
      if (kind === "CP") {
        return [
          t`n1, n2 hear leader ${store.leader()} (term ${sim.status("n1").term}) and catch up`,
          t`from its log: replicas agree ${afterMs(took, t)} of heal`,
        ];
      }
      return [
        t`detectors trust the far side again; hinted handoff and anti-entropy bring`,
        t`every replica of every key up to date: replicas agree ${afterMs(took, t)} of heal`,
      ];
    },
    data() {
      const out: Record<NodeId, Readonly<Record<string, unknown>>> = {};
      for (const n of sim.nodes) out[n] = sim.host(n)?.node.dump?.() ?? {};
      return out;
    },
    owners(key) {
      return sim.nodes.filter((n) => sim.host(n)?.node.owns?.(key) ?? true);
    },
    leader: () => kind === "CP" ? leaderOf(sim) : undefined,
  };
  return store;
}

/**
 * Shows a value the way a user would read it: siblings as `siblings [a, b]`.
 *
 * @example
 * ```ts
 * import { showValue } from "./cap.ts";
 * showValue({ siblings: [2, 3], context: { n1: 1 } }); // "siblings [2, 3]"
 * showValue(null); // "null"
 * ```
 */
export function showValue(v: unknown, t: Tr = EN): string {
  if (v !== null && typeof v === "object" && "siblings" in v) {
    const s = (v as { siblings: unknown[] }).siblings;
    return t`siblings [${s.map((x) => JSON.stringify(x)).join(", ")}]`;
  }
  return JSON.stringify(v);
}

/**
 * One line describing an {@link Outcome} for a reader: what the store said.
 *
 * @example
 * ```ts
 * import { describeOutcome } from "./cap.ts";
 * describeOutcome({ f: "read", key: "x" }, { status: "ok", value: 2, path: ["n4"] }); // "ok: 2"
 * ```
 */
export function describeOutcome(op: KvOp, o: Outcome, t: Tr = EN): string {
  const via = o.path.length > 1 ? ` (${o.path.join(" → ")})` : "";
  switch (o.status) {
    case "ok":
      return op.f === "read"
        ? `ok: ${showValue(o.value, t)}${via}`
        : `ok${o.detail ? ", " + ackText(o, t) : via}`;
    case "fail":
      return t`refused: ${t.text(o.error ?? "")}${via}`;
    case "info":
      return t`unknown outcome: ${t.text(o.error ?? "")}${via}`;
    case "timeout":
      return t`no answer in ${CLIENT_TIMEOUT_MS} ms${via}`;
  }
}

/** Who acknowledged a quorum write, stand-ins named (the same words as `Outcome.detail`). */
function ackText(o: Outcome, t: Tr): string {
  if (o.acks === undefined) return o.detail ?? "";
  const stand = Object.entries(o.standIns ?? {});
  return t`acked by ${o.acks.join(", ")}` +
    (stand.length > 0
      ? t` (stand-in ${stand.map(([h, owner]) => t`${h} for ${owner}`).join(", ")})`
      : "");
}

/**
 * Describes an operation as a client would type it: `write x=2`, `read x`,
 * `cas x 1→2`.
 *
 * @example
 * ```ts
 * import { describeOp } from "./cap.ts";
 * describeOp({ f: "cas", key: "seat", value: ["free", "bob"] }); // 'cas seat "free"→"bob"'
 * ```
 */
export function describeOp(op: KvOp): string {
  switch (op.f) {
    case "read":
      return `read ${op.key}`;
    case "write":
      return `write ${op.key}=${JSON.stringify(op.value)}`;
    case "cas":
      return `cas ${op.key} ${JSON.stringify(op.value[0])}→${JSON.stringify(op.value[1])}`;
    case "delete":
      return `delete ${op.key}`;
  }
}

/** Who client A and client B are, for the narrative. */
function clientText(client: string, node: NodeId, t: Tr): string {
  return MINORITY.includes(node)
    ? t`client ${client} (minority side, via ${node})`
    : t`client ${client} (majority side, via ${node})`;
}

/** The first sentence of a checker's explanation (the rest is for `check-history`). */
function firstSentence(text: string): string {
  const end = text.indexOf(": no order");
  const cut = end > 0 ? end : text.indexOf(". ");
  return cut > 0 ? text.slice(0, cut) + " …" : text;
}

const SEED = 1;
const KEY = "x";
/** Reads per setting in the PACELC measurement, and the links' delay there. */
const PACELC_READS = 40;
const PACELC_DELAY = { kind: "uniform", min: 2, max: 20 } as const;

/**
 * One client step of the `cap` scenario, as both stores answered it.
 *
 * @example
 * ```ts
 * import type { CapStep } from "./cap.ts";
 * const s: CapStep = {
 *   step: 3, client: "A", node: "n2", op: { f: "read", key: "x" }, partitioned: true,
 *   cp: { status: "fail", error: "not leader", path: ["n2"] },
 *   ap: { status: "ok", value: 1, path: ["n2"], replies: ["n1", "n2"] },
 * };
 * ```
 */
export interface CapStep {
  readonly step: number;
  readonly client: string;
  readonly node: NodeId;
  readonly op: KvOp;
  readonly partitioned: boolean;
  readonly cp: Outcome;
  readonly ap: Outcome;
}

/**
 * Why the quorum KV's stale read happened although W + R > N: the write's and the
 * read's nodes did not overlap, because stand-ins outside the preference list took part.
 *
 * @example
 * ```ts
 * import type { SloppyOverlap } from "./cap.ts";
 * const o: SloppyOverlap = {
 *   n: 3, r: 2, w: 2, preferenceList: ["n1", "n4", "n5"], writeAcks: ["n3", "n5"],
 *   writeStandIns: { n3: "n1" }, readReplies: ["n1", "n2"], overlap: [],
 * };
 * ```
 */
export interface SloppyOverlap {
  readonly n: number;
  readonly r: number;
  readonly w: number;
  readonly preferenceList: readonly NodeId[];
  readonly writeAcks: readonly NodeId[];
  readonly writeStandIns: Readonly<Record<NodeId, NodeId>>;
  readonly readReplies: readonly NodeId[];
  /** Nodes both in the write's acks and the read's replies (empty here). */
  readonly overlap: readonly NodeId[];
}

/**
 * One PACELC row: read latency with no partition, for one store and setting.
 *
 * @example
 * ```ts
 * import type { PacelcRow } from "./cap.ts";
 * const r: PacelcRow = {
 *   store: "quorum KV", setting: "consistency ONE", r: 1, overlapsWrites: false,
 *   meanMs: 6.1, p99Ms: 14.2,
 * };
 * ```
 */
export interface PacelcRow {
  readonly store: "Raft KV" | "quorum KV";
  readonly setting: string;
  /** Replies a quorum read waits for (undefined for Raft). */
  readonly r?: number;
  /** Whether every read meets every acknowledged write (R + W > N, or Raft's ReadIndex). */
  readonly overlapsWrites: boolean;
  readonly meanMs: number;
  readonly p99Ms: number;
}

/**
 * What the `cap` scenario found.
 *
 * @example
 * ```ts
 * import { runCap } from "./cap.ts";
 * const r = await runCap();
 * r.classification.ap.strongest; // ["causal"]
 * ```
 */
export interface CapResult {
  readonly steps: readonly CapStep[];
  readonly sloppy: SloppyOverlap;
  /** Each store's verdict per model, and the strongest models that hold. */
  readonly classification: {
    readonly cp: CapVerdicts;
    readonly ap: CapVerdicts;
  };
  /** After heal: each replica's value of x (only the preference list for the quorum KV). */
  readonly finalData: {
    readonly cp: Readonly<Record<NodeId, unknown>>;
    readonly ap: Readonly<Record<NodeId, unknown>>;
  };
  readonly pacelc: readonly PacelcRow[];
}

/**
 * One store's history verdicts.
 *
 * @example
 * ```ts
 * import type { CapVerdicts } from "./cap.ts";
 * const v: CapVerdicts = { strongest: ["linearizable"], status: { linearizable: "pass" }, converged: true };
 * ```
 */
export interface CapVerdicts {
  readonly strongest: readonly string[];
  readonly status: Readonly<Record<string, string>>;
  readonly converged: boolean;
}

function percentile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
}

/** Read latency with no partition (the "E" of PACELC), on links of 2–20 ms. */
function measurePacelc(): PacelcRow[] {
  const cp = createCapStore("CP", SEED + 1);
  const ap = createCapStore("AP", SEED + 1);
  const rows: PacelcRow[] = [];
  const measure = (s: CapStore, node: NodeId, op: QuorumKvOp): { mean: number; p99: number } => {
    s.sim.network.addRule("*", "*", { delay: PACELC_DELAY });
    s.call("W", node, { f: "write", key: KEY, value: 0 });
    const ms: number[] = [];
    for (let i = 0; i < PACELC_READS; i++) {
      const t0 = s.sim.now();
      const o = s.call("R", node, op);
      if (o.status === "ok") ms.push(s.sim.now() - t0);
      s.sim.runFor(5);
    }
    const mean = ms.reduce((a, b) => a + b, 0) / Math.max(1, ms.length);
    return { mean: Math.round(mean * 10) / 10, p99: Math.round(percentile(ms, 0.99) * 10) / 10 };
  };
  const raft = measure(cp, cp.leader()!, { f: "read", key: KEY });
  rows.push({
    store: "Raft KV",
    setting: "linearizable read at the leader (ReadIndex)",
    overlapsWrites: true,
    meanMs: raft.mean,
    p99Ms: raft.p99,
  });
  // A coordinator outside the preference list, so every read crosses the network.
  const coordinator = ap.sim.nodes.find((n) => !ap.owners(KEY).includes(n))!;
  for (const [level, r] of [["ONE", 1], ["QUORUM", 2], ["ALL", 3]] as const) {
    const m = measure(ap, coordinator, { f: "read", key: KEY, consistency: level, w: 2 });
    rows.push({
      store: "quorum KV",
      setting: `read consistency ${level}`,
      r,
      overlapsWrites: r + 2 > 3,
      meanMs: m.mean,
      p99Ms: m.p99,
    });
  }
  return rows;
}

/**
 * Runs the `cap` scenario, printing through `out`, and returns its findings.
 *
 * @example
 * ```ts
 * import { runCap } from "./cap.ts";
 * const r = await runCap();
 * r.steps.length; // 8
 * ```
 */
export async function runCap(
  out: (line: string) => void = () => {},
  lang: Lang = "en",
): Promise<CapResult> {
  const t = translator(lang, JA);
  const tell = paragraphs(out);
  const cp = createCapStore("CP", SEED);
  const ap = createCapStore("AP", SEED);
  const rows: string[][] = [["step", "client sent", "Raft KV (CP)", "quorum KV (AP)"].map(t.text)];
  const steps: CapStep[] = [];
  const minorityReads: { cp: Outcome; ap: Outcome }[] = [];
  const both = (client: string, node: NodeId, op: KvOp, partitioned: boolean) => {
    const a = cp.call(client, node, op);
    const b = ap.call(client, node, op);
    steps.push({ step: steps.length + 1, client, node, op, partitioned, cp: a, ap: b });
    tell(
      t`Step ${steps.length} — ${clientText(client, node, t)} sends ${
        describeOp(op)
      }\n  Raft KV (CP):   ${describeOutcome(op, a, t)}\n  quorum KV (AP): ${
        describeOutcome(op, b, t)
      }`,
    );
    rows.push([
      String(steps.length),
      `${client} → ${node}: ${describeOp(op)}`,
      a.status === "ok" ? (op.f === "read" ? showValue(a.value, t) : "ok") : `${a.status}`,
      b.status === "ok" ? (op.f === "read" ? showValue(b.value, t) : "ok") : `${b.status}`,
    ]);
    if (partitioned && MINORITY.includes(node) && op.f === "read") {
      minorityReads.push({ cp: a, ap: b });
    }
    return { cp: a, ap: b };
  };
  const dataTable = (s: CapStore) => {
    const d = s.data();
    const owners = s.owners(KEY);
    const rs: string[][] = [[t`node`, t`side`, t`holds ${KEY}`]];
    for (const n of s.sim.nodes) {
      const v = Object.hasOwn(d[n]!, KEY) ? showValue(d[n]![KEY], t) : "—";
      rs.push([
        n,
        MINORITY.includes(n) ? t`minority` : t`majority`,
        owners.includes(n) ? v : t`${v} (not a replica of ${KEY})`,
      ]);
    }
    for (const l of table(rs)) out("    " + l);
  };
  const preferenceList = ap.owners(KEY);

  tell(
    t`cap: one partition, two stores, the same clients (seed ${SEED})\n  CP: Raft KV on n1…n5, leader n1 (moved there, so it ends up on the minority side)\n  AP: quorum KV on n1…n5, N=3 R=2 W=2, sloppy quorum; ${KEY}'s preference list is ${
      preferenceList.join(", ")
    }\n  client A reaches only n1, n2; client B reaches only n3, n4, n5`,
  );
  out("");
  tell(
    t`  Where this differs from the chapter's CAP triangle: each system is named by the two\n  corners it keeps, so CP is the C–P side (Raft KV here), AP the A–P side (quorum KV)\n  and CA the C–A side. The chapter's figure prints CP beside the C–A side and CA beside\n  the C–P side. CA is only open to a system a partition cannot split — a single node.`,
  );
  out("");
  both("A", "n1", { f: "write", key: KEY, value: 1 }, false);
  out("");

  tell(t`Partition: {${MINORITY.join(", ")}} | {${MAJORITY.join(", ")}}`);
  for (const l of cp.partition(t)) out(`  Raft KV:   ${l}`);
  for (const l of ap.partition(t)) out(`  quorum KV: ${l}`);
  out("");
  const write = both("B", "n3", { f: "cas", key: KEY, value: [1, 2] }, true);
  const stale = both("A", "n2", { f: "read", key: KEY }, true);
  const writeAcks = write.ap.acks ?? [];
  const readReplies = stale.ap.replies ?? [];
  const sloppy: SloppyOverlap = {
    n: 3,
    r: 2,
    w: 2,
    preferenceList,
    writeAcks,
    writeStandIns: write.ap.standIns ?? {},
    readReplies,
    overlap: writeAcks.filter((n) => readReplies.includes(n)),
  };
  if (stale.ap.status === "ok") {
    const outside = (ns: readonly NodeId[]) =>
      ns.map((n) => preferenceList.includes(n) ? n : t`${n} (stand-in)`).join(", ");
    tell(
      t`  → the quorum KV's ${
        showValue(stale.ap.value, t)
      } is stale: B's cas to 2 was acknowledged,\n    although W + R = ${
        sloppy.w + sloppy.r
      } > N = ${sloppy.n}. That rule promises overlap only when both\n    quorums come from ${KEY}'s preference list {${
        preferenceList.join(", ")
      }}. Here the\n    write was acked by ${outside(writeAcks)} and the read answered by ${
        outside(readReplies)
      }:`,
    );
    tell(
      sloppy.overlap.length === 0
        ? t`    no node in common. A sloppy quorum counts stand-ins (hint holders outside the list)\n    to stay available, and gives up the overlap to do so.`
        : t`    in common: ${sloppy.overlap}. A sloppy quorum counts stand-ins (hint holders outside the list)\n    to stay available, and gives up the overlap to do so.`,
    );
  }
  both("A", "n1", { f: "cas", key: KEY, value: [1, 3] }, true);
  tell(
    t`  → the quorum KV's cas is not atomic: it read 1 on this side and wrote over it,\n    unaware of B's 2 on the other side (two concurrent versions now exist)`,
  );
  both("A", "n1", { f: "read", key: KEY }, true);
  both("B", "n4", { f: "read", key: KEY }, true);
  out("");

  tell(t`Heal`);
  for (const l of cp.heal(t)) out(`  Raft KV:   ${l}`);
  for (const l of ap.heal(t)) out(`  quorum KV: ${l}`);
  out("");
  both("A", "n1", { f: "read", key: KEY }, false);
  both("B", "n5", { f: "read", key: KEY }, false);
  out("");

  tell(t`Side by side:`);
  for (const l of table(rows)) out("  " + l);
  out("");

  tell(t`Each replica's data after heal:\n  Raft KV (CP):`);
  dataTable(cp);
  tell(t`  quorum KV (AP):`);
  dataTable(ap);
  out("");

  const cpData = cp.data();
  const apData = ap.data();
  const cpClass = classifyHistory(cp.history.events(), { finalReads: cpData });
  const apClass = classifyHistory(ap.history.events(), {
    finalReads: Object.fromEntries(preferenceList.map((n) => [n, { [KEY]: apData[n]![KEY] }])),
  });
  const shown = ["linearizable", "sequential", "causal", "PRAM", "eventual"] as const;
  const verdicts = (name: string, c: ReturnType<typeof classifyHistory>) => {
    tell(t`  ${name}: strongest model(s): ${c.strongest.join(" + ") || t`none`}`);
    for (const m of shown) {
      const check = c.checks.find((x) => x.model === m)!;
      // The checker's explanation is English prose; its first sentence has an entry here.
      out(`    ${m.padEnd(12)} ${check.status.padEnd(5)} ${t.text(firstSentence(check.detail))}`);
    }
  };
  tell(t`History check (classifyHistory over each store's ${steps.length} operations):`);
  verdicts("Raft KV (CP)", cpClass);
  verdicts("quorum KV (AP)", apClass);
  const causal = apClass.checks.find((x) => x.model === "causal")!;
  if (causal.status === "pass") {
    tell(
      t`  The quorum KV is causal — the chapter's third level — though not sequential: A's\n  stale read had nothing of B's in its causal past (A had never seen B's 2), and the\n  two cas, each based on 1, are concurrent; siblings [2, 3] keep both. The checker\n  treats a cas as a read then a write: causal consistency cannot make it atomic.`,
    );
  }
  out("");

  const refusedWithData = minorityReads.filter((r) => r.cp.status === "ok").length;
  const apAnswered = minorityReads.filter((r) => r.ap.status === "ok").length;
  tell(
    t`What CAP says, as measured here:\n  Raft KV chose consistency: ${refusedWithData} of ${minorityReads.length} minority-side reads returned data during the partition,\n    while the majority side kept serving reads and writes.\n  quorum KV chose availability: ${apAnswered} of ${minorityReads.length} minority-side reads answered, the first with data\n    the majority had already overwritten; two concurrent writes became siblings\n    that every reader now sees until the application merges them.\n  Both converged after heal: Raft KV ${
      cpClass.convergence?.converged ? t`yes` : t`no`
    }, quorum KV ${apClass.convergence?.converged ? t`yes` : t`no`}.`,
  );
  out("");

  const pacelc = measurePacelc();
  tell(
    t`PACELC (the chapter's FAQ, Q3): with a Partition, choose A or C — the table above.\nElse, with no partition, choose Latency or Consistency. Fresh stores, no partition,\nlinks ${PACELC_DELAY.min}–${PACELC_DELAY.max} ms, ${PACELC_READS} reads of ${KEY} per setting (quorum writes use W=2;\nquorum reads go through a node outside x's preference list):`,
  );
  for (
    const l of table([
      ["store", "setting", "every read meets the last write", "mean ms", "p99 ms"].map(t.text),
      ...pacelc.map((r) => [
        r.store,
        t.text(r.setting),
        r.r === undefined ? t`yes` : `${r.overlapsWrites ? t`yes` : t`no`} (R+W=${r.r + 2}, N=3)`,
        r.meanMs.toFixed(1),
        r.p99Ms.toFixed(1),
      ]),
    ])
  ) out("  " + l);
  tell(
    t`  Waiting for more replies buys the overlap with the last write and costs latency on\n  every read, partition or not; the level can be chosen per operation, as with\n  DynamoDB's strongly consistent reads.`,
  );

  const summary = (c: ReturnType<typeof classifyHistory>): CapVerdicts => ({
    strongest: c.strongest,
    status: Object.fromEntries(c.checks.map((x) => [x.model, x.status])),
    converged: c.convergence?.converged ?? false,
  });
  await Promise.resolve();
  return {
    steps,
    sloppy,
    classification: { cp: summary(cpClass), ap: summary(apClass) },
    finalData: {
      cp: Object.fromEntries(cp.sim.nodes.map((n) => [n, cpData[n]![KEY] ?? null])),
      ap: Object.fromEntries(preferenceList.map((n) => [n, apData[n]![KEY] ?? null])),
    },
    pacelc,
  };
}

/**
 * The `cap` scenario.
 *
 * @example
 * ```ts
 * import { scenario } from "./cap.ts";
 * import { collectLines } from "./scenario.ts";
 * const lines = await collectLines(scenario);
 * lines[0]; // "cap: one partition, two stores, the same clients (seed 1)"
 * ```
 */
export const scenario: Scenario = {
  name: "cap",
  description: "§3 CAP: one partition, Raft KV (CP) refuses on the minority side, " +
    "quorum KV (AP) answers with stale data and siblings; both converge after heal; PACELC",

  descriptionJa:
    "§3 CAP: 1 つの分断で Raft KV (CP) の少数派は拒否し、クォーラム KV (AP) は古い値や兄弟値で答える。修復後はどちらも収束する。PACELC も",
  run(out, _flags, lang) {
    return runCap(out, lang);
  },
};
