/**
 * One `maelstrom test` run: start the nodes and `init` them, set the workload up, let
 * seeded clients issue operations at `--rate` while the nemesis works, heal, run the
 * final phase, check, and write `history.jsonl`, `messages.jsonl`, `node-logs/<id>.log`
 * and `results.json` under `<store>/<workload>/<timestamp>/`.
 *
 * Exit codes: 0 valid, 1 invalid (or the checker could not decide), 2 bad input — a
 * bad flag, a program that cannot start, crashes, prints something that is not a
 * message, or never answers `init`, each told in one line naming the node.
 *
 * @module
 */

import { setTimeout as delay } from "node:timers/promises";
import type { HistoryEvent } from "../history/event.ts";
import { formatHistory } from "../history/jsonl.ts";
import { toShiViz, type TraceEvent } from "../nodes/trace.ts";
import { createRng } from "../protocols/random.ts";
import type { TestOptions } from "./args.ts";
import { createRpc } from "./client_rpc.ts";
import { type Host, type JournalEntry, startHost } from "./host.ts";
import { type NemesisEvent, startNemesis } from "./nemesis.ts";
import { SpawnError } from "./process_node.ts";
import { type KvService, startProtocolService } from "./protocol_service.ts";
import { type LiveView, serveLive } from "./serve.ts";
import { spaceTimeSvg } from "./space_time_svg.ts";
import { latencyStats, netStats, opStats } from "./stats.ts";
import type { Body } from "./wire.ts";
import type { Completion, Invocation, PhaseContext, Verdict } from "./workload.ts";
import { createWorkload } from "./workloads/mod.ts";

/**
 * What a run ended with.
 *
 * @example
 * ```ts
 * import type { RunOutcome } from "./run.ts";
 * const o: RunOutcome = { exitCode: 2, error: "node n0: cannot start ./x: no such file or program", dir: null, results: null };
 * ```
 */
export interface RunOutcome {
  /** 0 valid, 1 invalid, 2 bad input. */
  readonly exitCode: 0 | 1 | 2;
  /** The one line that says what was wrong with the input, when `exitCode` is 2. */
  readonly error: string | null;
  /** Where the results went (null if nothing was written). */
  readonly dir: string | null;
  readonly results: Record<string, unknown> | null;
  /**
   * With `--serve`: the API and dashboard, still serving the finished run until the
   * caller closes it. Absent without `--serve`, or when the run ended in bad input.
   */
  readonly live?: LiveView;
}

/**
 * What a caller may do to a run besides its options.
 *
 * @example
 * ```ts
 * import type { RunHooks } from "./run.ts";
 * const stop = new AbortController();
 * const hooks: RunHooks = { stop: stop.signal }; // stop.abort(): the time limit is up now
 * ```
 */
export interface RunHooks {
  /** Ends the client phase early, as if the time limit were up; the run then checks as usual. */
  readonly stop?: AbortSignal;
}

/**
 * Runs one test; `print` gets the lines a person reads.
 *
 * @example
 * ```ts ignore
 * import { runTest } from "./run.ts";
 * import { parseTestArgs } from "./args.ts";
 * const r = await runTest(parseTestArgs(["test", "-w", "echo", "--bin", "./echo.py", "--time-limit", "2"]), console.log);
 * r.exitCode; // 0
 * ```
 */
export async function runTest(
  o: TestOptions,
  print: (line: string) => void,
  hooks: RunHooks = {},
): Promise<RunOutcome> {
  const dir = await makeRunDir(o.store, o.workload);
  await Deno.mkdir(`${dir}/node-logs`, { recursive: true });
  const nodeIds = Array.from({ length: o.nodeCount }, (_, i) => `n${i}`);
  const netRng = createRng(`${o.seed}/network`);
  const nemesisRng = createRng(`${o.seed}/nemesis`);
  const workload = createWorkload(o);
  const history: HistoryEvent[] = [];
  const nemesisLog: NemesisEvent[] = [];
  const t0 = performance.now();
  const nowNs = () => Math.round((performance.now() - t0) * 1e6);

  let fatal: string | null = null;
  let onFatal: () => void = () => {};
  const fatalSignal = new Promise<void>((resolve) => (onFatal = resolve));
  const rpc = createRpc((src, dest, body) => host.sendToNode(src, dest, body));
  let linKv: KvService | undefined = undefined;
  if (o.linKvService !== null) {
    print(`starting the lin-kv service: 3 ${o.linKvService} nodes`);
    try {
      linKv = await startProtocolService(o.linKvService, o.seed, o.rpcTimeout * 500);
    } catch (e) {
      const line = `the lin-kv service (${o.linKvService}) did not start: ${(e as Error).message}`;
      print(`error: ${line}`);
      return { exitCode: 2, error: line, dir, results: null };
    }
  }
  const host: Host = startHost({
    ...(linKv === undefined ? {} : { linKv }),
    nodeIds,
    command: o.command,
    logDir: `${dir}/node-logs`,
    random: () => netRng.next(),
    latency: latencyOf(o),
    faults: { drop: o.drop, duplicate: o.duplicate, reorder: o.reorder },
    onClientMessage: (m) => rpc.deliver(m),
    onFatal: (line) => {
      if (fatal !== null) return;
      fatal = line;
      onFatal();
      rpc.cancelAll();
    },
  });
  const write = async (results: Record<string, unknown>) => {
    await Deno.writeTextFile(`${dir}/history.jsonl`, formatHistory(history));
    await Deno.writeTextFile(
      `${dir}/messages.jsonl`,
      host.journal.map((e) => JSON.stringify(e) + "\n").join(""),
    );
    await Deno.writeTextFile(`${dir}/results.json`, JSON.stringify(results, null, 2) + "\n");
    await Deno.writeTextFile(`${dir}/shiviz.log`, toShiViz(spaceTime(host.journal)));
    await Deno.writeTextFile(`${dir}/space-time.svg`, spaceTimeSvg(nodeIds, host.journal));
  };
  let live: LiveView | null = null;
  const badInput = async (line: string): Promise<RunOutcome> => {
    await host.close();
    await live?.close();
    await linKv?.close();
    const results = { valid: "error", error: line, options: o };
    await write(results); // what the nodes said before it went wrong
    print(`error: ${line}`);
    print(`results: ${dir}/`);
    return { exitCode: 2, error: line, dir, results };
  };

  print(
    `distlab maelstrom: ${o.workload} on ${o.nodeCount} nodes (${
      o.command.join(" ")
    }), seed ${o.seed}, ` +
      `${o.timeLimit} s at ${o.rate}/s, concurrency ${o.concurrency}` +
      (o.nemesis.length > 0
        ? `, nemesis ${o.nemesis.join(",")} every ~${o.nemesisInterval} s`
        : ""),
  );
  if (o.serve !== null) {
    try {
      live = serveLive(host, {
        port: o.serve,
        workload: o.workload,
        nodeIds,
        initTimeoutMs: o.initTimeout * 1000,
      });
    } catch (e) {
      return await badInput(`cannot serve on port ${o.serve}: ${(e as Error).message}`);
    }
    print(`live: ${live.url}/ (dashboard), ${live.url}/api/v1 (API)`);
    print(`  deno task cli status --url ${live.url}`);
  }
  const record = (e: HistoryEvent) => {
    history.push(e);
    live?.record(e);
  };
  try {
    await host.spawnAll();
  } catch (e) {
    if (e instanceof SpawnError) return await badInput(e.message);
    throw e;
  }
  try {
    await Promise.race([
      Promise.all(nodeIds.map((id) => host.init(id, o.initTimeout * 1000))),
      fatalSignal,
    ]);
  } catch (e) {
    return await badInput(fatal ?? (e as Error).message); // a death says more than a timeout
  }
  if (fatal !== null) return await badInput(fatal);

  const timeoutMs = o.rpcTimeout * 1000;
  const perform = async (process: number, node: string, inv: Invocation): Promise<Completion> => {
    const base = {
      process,
      f: inv.f,
      node,
      ...(inv.key === undefined ? {} : { key: inv.key }),
    };
    record({
      ...base,
      type: "invoke",
      time: nowNs(),
      ...(inv.value === undefined ? {} : { value: inv.value }),
    });
    const reply = await rpc.call(`c${process + 1}`, node, inv.body, timeoutMs);
    const c: Completion = reply === null
      ? { type: "info", error: fatal === null ? "0: timeout" : "the run stopped" }
      : workload.complete(inv, reply);
    const value = c.value !== undefined ? c.value : inv.value;
    record({
      ...base,
      type: c.type,
      time: nowNs(),
      ...(value === undefined ? {} : { value }),
      ...(c.error === undefined ? {} : { error: c.error }),
    });
    return c;
  };
  // Setup and final phases use processes after the generator's.
  let phaseProcess = 1_000_000;
  const ctx: PhaseContext = {
    nodeIds,
    run: (node, inv) => perform(phaseProcess++, node, inv),
    request: (node, body): Promise<Body | null> =>
      rpc.call(`c${phaseProcess++ + 1}`, node, body, timeoutMs), // a client of its own
    history: () => history,
    recoveryMs: o.recoveryTime * 1000,
  };

  await workload.setup?.(ctx);
  const nemesis = startNemesis(
    host,
    o.nemesis,
    o.nemesisInterval * 1000,
    nemesisRng,
    o.initTimeout * 1000,
    (e) => {
      nemesisLog.push(e);
      live?.fault(e);
      print(
        `nemesis ${(e.time / 1000).toFixed(1)}s: ${e.action}${
          e.value === undefined ? "" : " " + JSON.stringify(e.value)
        }`,
      );
    },
  );
  const end = performance.now() + o.timeLimit * 1000;
  const stopped = () => hooks.stop?.aborted === true;
  // Each worker draws from its own seeded stream, so its operations do not depend on how
  // the others' replies interleave; together they keep Jepsen's stagger (mean 1/rate).
  const gapMs = 1000 * o.concurrency / o.rate;
  const worker = async (first: number) => {
    let process = first;
    if (o.rate <= 0) return;
    const rng = createRng(`${o.seed}/client/${first}`);
    let nextSlot = performance.now() + rng.next() * gapMs;
    for (;;) {
      const slot = Math.max(nextSlot, performance.now());
      nextSlot = slot + rng.next() * 2 * gapMs;
      const wait = slot - performance.now();
      if (slot >= end || fatal !== null || stopped()) return;
      if (wait > 0) await delay(wait);
      if (fatal !== null || stopped()) return;
      const node = nodeIds[process % nodeIds.length]!;
      const c = await perform(process, node, workload.invoke(rng, process));
      // A process whose operation's outcome is unknown may still be running it: the next
      // operation belongs to a new process, as in Jepsen.
      if (c.type === "info") process += o.concurrency;
    }
  };
  // As in Maelstrom, the time limit ends the nemesis too: operations still running then
  // finish (or time out) on a healed cluster.
  const timeUp = new AbortController();
  void fatalSignal.then(() => timeUp.abort()); // a dead node ends the run now
  if (stopped()) timeUp.abort();
  hooks.stop?.addEventListener("abort", () => timeUp.abort(), { once: true });
  const nemesisDone = delay(Math.max(0, end - performance.now()), undefined, {
    signal: timeUp.signal,
  }).catch(() => {}).then(() => nemesis.stop());
  await Promise.all(Array.from({ length: o.concurrency }, (_, i) => worker(i)));
  await nemesisDone;
  const finalFrom = nowNs();
  if (fatal === null) await workload.final?.(ctx);
  await host.close();
  live?.end();
  await linKv?.close();
  if (fatal !== null) return await badInput(fatal);

  const stats = opStats(history);
  const verdict: Verdict = workload.check(history, nodeIds, finalFrom);
  const valid = stats.valid && verdict.valid === true;
  const results = {
    valid: verdict.valid === "unknown" && stats.valid ? "unknown" : valid,
    workload: { valid: verdict.valid, explanation: verdict.explanation, ...verdict.details },
    stats,
    latency: latencyStats(history),
    net: netStats(host.journal, stats.count),
    nemesis: nemesisLog,
    options: o,
  };
  await write(results);

  const lat = Object.entries(results.latency).map(([f, q]) =>
    `${f} p50 ${q["0.5"]} p99 ${q["0.99"]}`
  );
  print(
    `ops: ${stats.count} (ok ${stats["ok-count"]}, fail ${stats["fail-count"]}, info ${
      stats["info-count"]
    })`,
  );
  for (const [f, c] of Object.entries(stats["by-f"])) {
    print(`  ${f}: ok ${c["ok-count"]}, fail ${c["fail-count"]}, info ${c["info-count"]}`);
  }
  if (lat.length > 0) print(`latency ms: ${lat.join("; ")}`);
  const net = results.net;
  print(
    `net: ${net.servers["msg-count"]} server messages (${net.servers["msgs-per-op"]}/op), ` +
      `${net.clients["msg-count"]} client messages, ${net.all["msg-count"]} in all`,
  );
  if (!stats.valid) {
    const never = Object.entries(stats["by-f"]).filter(([, c]) => !c.valid).map(([f]) => f);
    print(
      `stats: invalid — ${
        stats.count === 0 ? "no operation ran" : `no ${never.join(", ")} succeeded`
      }`,
    );
  }
  print(
    `${
      valid ? "valid" : verdict.valid === "unknown" ? "unknown" : "INVALID"
    }: ${verdict.explanation}`,
  );
  print(`results: ${dir}/`);
  return { exitCode: valid ? 0 : 1, error: null, dir, results, ...(live === null ? {} : { live }) };
}

/** Node-to-node sends and deliveries as trace events (the others carry no vector clock). */
function* spaceTime(journal: readonly JournalEntry[]): Generator<TraceEvent> {
  for (const e of journal) {
    if (e.vclock === undefined) continue;
    yield e.kind === "send"
      ? { time: e.time, kind: "send", node: e.src, peer: e.dest, body: e.body, vclock: e.vclock }
      : {
        time: e.time,
        kind: "deliver",
        node: e.dest,
        peer: e.src,
        body: e.body,
        vclock: e.vclock,
      };
  }
}

function latencyOf(o: TestOptions): import("../nodes/faults/delay.ts").Delay {
  if (o.latency === 0 || o.latencyDist === "constant") return { kind: "constant", ms: o.latency };
  if (o.latencyDist === "uniform") return { kind: "uniform", min: 0, max: 2 * o.latency };
  return { kind: "exponential", mean: o.latency };
}

async function makeRunDir(store: string, workload: string): Promise<string> {
  const stamp = new Date().toISOString().replace(/[:]/g, "").replace(/\.\d+Z$/, "Z");
  await Deno.mkdir(`${store}/${workload}`, { recursive: true });
  for (let i = 0;; i++) {
    const dir = `${store}/${workload}/${stamp}${i === 0 ? "" : `-${i}`}`;
    try {
      await Deno.mkdir(dir);
      return dir;
    } catch (e) {
      if (!(e instanceof Deno.errors.AlreadyExists)) throw e; // same second: next suffix
    }
  }
}
